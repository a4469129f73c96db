package exchange_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

// signRaw signs the signature base the way docs/exchange-api.md writes it,
// for any parameters, so that a test can send a header that is signed
// correctly and still malformed.
func signRaw(key ed25519.PrivateKey, method, path, query, digest, params string) string {
	base := `"@method": ` + method + "\n" + `"@path": ` + path + "\n" + `"@query": ?` + query + "\n" +
		`"content-digest": ` + digest + "\n" + `"@signature-params": ` + params
	return "sig1=:" + base64.StdEncoding.EncodeToString(ed25519.Sign(key, []byte(base))) + ":"
}

// The test vector of docs/exchange-api.md: RFC 8032's first test key signs
// GET /v1/updates?after=41&limit=500 at 1764324000 with a fixed nonce.
const (
	vectorSeed   = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	vectorPublic = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	vectorNonce  = "ab935fd2f62ad711e7ee6d869b8777c4"
	vectorDigest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
	vectorParams = `("@method" "@path" "@query" "content-digest");created=1764324000;nonce="q5Nf0vYq1xHn7m2Gm4d3xA";keyid="k-12345-3-1";alg="ed25519"`
	vectorSig    = "sig1=:9cyHH4pDXiar/u9oZYaUWd6LGsVjy+MFRbBWVIZ3ZgpS+zA6AkMcl2E9wV6dsZLg6tXG8Y10ZQO2A4eZthgCCg==:"
	vectorBase   = "\"@method\": GET\n\"@path\": /v1/updates\n\"@query\": ?after=41&limit=500\n\"content-digest\": " + vectorDigest +
		"\n\"@signature-params\": " + vectorParams
)

func vectorKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	seed, err := hex.DecodeString(vectorSeed)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

func TestSignatureTestVector(t *testing.T) {
	key := vectorKey(t)
	if got := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)); got != vectorPublic {
		t.Fatalf("public key %s, want %s", got, vectorPublic)
	}
	nonce, _ := hex.DecodeString(vectorNonce)
	s := &exchange.Signer{KeyID: "k-12345-3-1", Key: key, Now: func() time.Time { return time.Unix(1764324000, 0) }, Rand: bytes.NewReader(nonce)}
	req, err := http.NewRequest(http.MethodGet, "https://exchange.example/v1/updates?after=41&limit=500", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sign(req, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{exchange.HeaderDigest: vectorDigest, exchange.HeaderSigInput: "sig1=" + vectorParams, exchange.HeaderSig: vectorSig}
	for h, v := range want {
		if got := req.Header.Get(h); got != v {
			t.Errorf("%s: %s\nwant %s", h, got, v)
		}
	}
	// The base the document shows is exactly what is signed.
	sig, _ := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(vectorSig, "sig1=:"), ":"))
	if !ed25519.Verify(key.Public().(ed25519.PublicKey), []byte(vectorBase), sig) {
		t.Error("the signature does not verify over the documented signature base")
	}
	if v, err := exchange.Verify(req, nil, key.Public().(ed25519.PublicKey)); err != nil || v.KeyID != "k-12345-3-1" ||
		v.Nonce != "q5Nf0vYq1xHn7m2Gm4d3xA" || v.Created.Unix() != 1764324000 {
		t.Errorf("verify the vector: %+v %v", v, err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "exchange-api.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{vectorSeed, vectorPublic, vectorNonce, vectorBase,
		exchange.HeaderDigest + ": " + vectorDigest, exchange.HeaderSigInput + ": sig1=" + vectorParams, exchange.HeaderSig + ": " + vectorSig} {
		if !strings.Contains(string(doc), s) {
			t.Errorf("docs/exchange-api.md lacks the test vector's %q", s)
		}
	}
}

// TestSignedQueriesOverLoopback sends requests whose path and query need
// escaping through a real connection: the server sees the bytes the client signed.
func TestSignedQueriesOverLoopback(t *testing.T) {
	key := newKey(t)
	now := time.Now()
	srv, reasons := verifyingServer(t, key.Public().(ed25519.PublicKey), func() time.Time { return now })
	s := &exchange.Signer{KeyID: "k-1", Key: key, Now: func() time.Time { return now }}
	q := url.Values{"after": {"9223372036854775807"}, "name": {"زهرا احمدی"}, "odd": {"a+b&c=d;e/f?"}, "empty": {""}}
	for _, u := range []string{
		srv.URL + exchange.PathCatalog + "?" + q.Encode(),
		srv.URL + "/v1/%D8%AF%D9%81%D8%AA%D8%B1/a%20b?x=%2F",
		srv.URL + exchange.PathHealth + "?",
		srv.URL + exchange.PathHealth + "?a=1&a=2&b",
	} {
		if c := send(t, s, "GET", u, nil, nil); c != http.StatusNoContent {
			t.Errorf("%s: %d %v", u, c, *reasons)
		}
	}
	// A body of every byte value.
	body := make([]byte, 256*4)
	for i := range body {
		body[i] = byte(i)
	}
	if c := send(t, s, "POST", srv.URL+exchange.PathBatch, body, nil); c != http.StatusNoContent {
		t.Errorf("binary body: %d %v", c, *reasons)
	}
	// The query string is signed as sent, not as parsed: reordering it breaks the signature.
	if c := send(t, s, "GET", srv.URL+exchange.PathUpdates+"?after=1&limit=2", nil, func(r *http.Request, _ *[]byte) {
		r.URL.RawQuery = "limit=2&after=1"
	}); c != http.StatusUnauthorized {
		t.Errorf("reordered query: %d", c)
	}
}

// TestMalformedSignatureInputOverLoopback sends headers that the key's
// holder signed correctly but that break the profile: the exchange must
// refuse them for their shape, not only because a signature fails.
func TestMalformedSignatureInputOverLoopback(t *testing.T) {
	key := newKey(t)
	now := time.Now()
	srv, reasons := verifyingServer(t, key.Public().(ed25519.PublicKey), func() time.Time { return now })
	created := "created=" + strconv.FormatInt(now.Unix(), 10)
	good := `("@method" "@path" "@query" "content-digest");` + created + `;nonce="AAAAAAAAAAAAAAAAAAAAAA";keyid="k-1";alg="ed25519"`
	body := []byte(`{"items":[]}`)
	post := func(label, params string) int {
		req, err := http.NewRequest("POST", srv.URL+exchange.PathBatch, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		digest := exchange.ContentDigest(body)
		req.Header.Set(exchange.HeaderDigest, digest)
		req.Header.Set(exchange.HeaderSigInput, label+"="+params)
		req.Header.Set(exchange.HeaderSig, signRaw(key, "POST", exchange.PathBatch, "", digest, params))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := post("sig1", good); c != http.StatusNoContent {
		t.Fatalf("a well-formed header signed by hand: %d %v (signRaw does not match the profile)", c, *reasons)
	}
	for name, c := range map[string]struct{ label, params string }{
		"other label":        {"sig2", good},
		"label in capitals":  {"SIG1", good},
		"three components":   {"sig1", strings.Replace(good, ` "content-digest"`, ``, 1)},
		"five components":    {"sig1", strings.Replace(good, `"content-digest")`, `"content-digest" "@authority")`, 1)},
		"components swapped": {"sig1", strings.Replace(good, `"@method" "@path"`, `"@path" "@method"`, 1)},
		"no components":      {"sig1", strings.Replace(good, `("@method" "@path" "@query" "content-digest")`, `()`, 1)},
		"escaped component":  {"sig1", strings.Replace(good, `"@method"`, `"@meth\x6fd"`, 1)},
		"repeated nonce":     {"sig1", good + `;nonce="BBBBBBBBBBBBBBBBBBBBBB"`},
		"repeated created":   {"sig1", good + ";" + created},
		"repeated keyid":     {"sig1", good + `;keyid="k-1"`},
		"no alg":             {"sig1", strings.Replace(good, `;alg="ed25519"`, ``, 1)},
		"alg unquoted":       {"sig1", strings.Replace(good, `alg="ed25519"`, `alg=ed25519`, 1)},
		"other alg":          {"sig1", strings.Replace(good, `"ed25519"`, `"hmac-sha256"`, 1)},
		"no nonce":           {"sig1", strings.Replace(good, `;nonce="AAAAAAAAAAAAAAAAAAAAAA"`, ``, 1)},
		"nonce of 15":        {"sig1", strings.Replace(good, `AAAAAAAAAAAAAAAAAAAAAA`, strings.Repeat("A", 15), 1)},
		"nonce of 65":        {"sig1", strings.Replace(good, `AAAAAAAAAAAAAAAAAAAAAA`, strings.Repeat("A", 65), 1)},
		"no keyid":           {"sig1", strings.Replace(good, `;keyid="k-1"`, ``, 1)},
		"escaped keyid":      {"sig1", strings.Replace(good, `keyid="k-1"`, `keyid="k\x2d1"`, 1)},
		"no created":         {"sig1", strings.Replace(good, ";"+created, ``, 1)},
		"created with sign":  {"sig1", strings.Replace(good, "created=", "created=+", 1)},
		"expires added":      {"sig1", good + `;expires=9999999999`},
		"empty parameter":    {"sig1", strings.Replace(good, `;alg`, `;;alg`, 1)},
	} {
		if code := post(c.label, c.params); code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, code)
		} else if last := (*reasons)[len(*reasons)-1]; !strings.Contains(last, "signature input") {
			t.Errorf("%s: refused for %q, not for the header's shape", name, last)
		}
	}
}

func TestParseSignatureInput(t *testing.T) {
	h := `sig1=("@method" "@path" "@query" "content-digest");created=1764324000;nonce="` + strings.Repeat("n", 16) + `";keyid="` +
		strings.Repeat("k", 64) + `";alg="ed25519"`
	si, err := exchange.ParseSignatureInput(h)
	if err != nil {
		t.Fatalf("edge lengths: %v", err)
	}
	if si.Created != 1764324000 || si.Nonce != strings.Repeat("n", 16) || si.KeyID != strings.Repeat("k", 64) || si.Alg != "ed25519" ||
		len(si.Components) != 4 || si.Params != strings.TrimPrefix(h, "sig1=") {
		t.Errorf("parsed %+v", si)
	}
	// Parameters in another order are fine: the signature covers them as written.
	if _, err := exchange.ParseSignatureInput(`sig1=("@method" "@path" "@query" "content-digest");alg="ed25519";keyid="k";nonce="` +
		strings.Repeat("n", 64) + `";created=1`); err != nil {
		t.Errorf("parameters reordered: %v", err)
	}
	good := `sig1=("@method" "@path" "@query" "content-digest");created=1764324000;nonce="AAAAAAAAAAAAAAAAAAAAAA";keyid="k-1";alg="ed25519"`
	for name, h := range map[string]string{
		"empty":              ``,
		"label only":         `sig1=`,
		"space before":       " " + good,
		"no inner list":      strings.Replace(good, `("@method" "@path" "@query" "content-digest")`, `"@method"`, 1),
		"unterminated list":  strings.Replace(good, `")`, `"`, 1),
		"no parameters":      `sig1=("@method" "@path" "@query" "content-digest")`,
		"keyid too long":     strings.Replace(good, `"k-1"`, `"`+strings.Repeat("k", 65)+`"`, 1),
		"nonce too long":     strings.Replace(good, "AAAAAAAAAAAAAAAAAAAAAA", strings.Repeat("A", 65), 1),
		"nonce empty":        strings.Replace(good, `"AAAAAAAAAAAAAAAAAAAAAA"`, `""`, 1),
		"nonce with space":   strings.Replace(good, "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAA AAAAAAAAAA", 1),
		"nonce non-ASCII":    strings.Replace(good, "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAکلید", 1),
		"nonce escaped":      strings.Replace(good, "AAAAAAAAAAAAAAAAAAAAAA", `AAAAAAAAAAAAAAAAAAAA\u0041A`, 1),
		"nonce single quote": strings.Replace(good, `"AAAAAAAAAAAAAAAAAAAAAA"`, `'AAAAAAAAAAAAAAAAAAAAAA'`, 1),
		"nonce backquoted":   strings.Replace(good, `"AAAAAAAAAAAAAAAAAAAAAA"`, "`AAAAAAAAAAAAAAAAAAAAAA`", 1),
		"created negative":   strings.Replace(good, "created=1764324000", "created=-1764324000", 1),
		"created hex":        strings.Replace(good, "created=1764324000", "created=0x6929", 1),
		"created quoted":     strings.Replace(good, "created=1764324000", `created="1764324000"`, 1),
		"created overflow":   strings.Replace(good, "created=1764324000", "created=99999999999999999999", 1),
		"created fraction":   strings.Replace(good, "created=1764324000", "created=1764324000.5", 1),
		"parameter no value": good + ";created",
		"trailing semicolon": good + ";",
		"second signature":   good + `, sig2=("@method");created=1`,
		"list twice":         strings.Replace(good, `");`, `")("@method");`, 1),
		"component twice":    strings.Replace(good, `"content-digest"`, `"content-digest" "content-digest"`, 1),
		"component lower":    strings.Replace(good, `"@method"`, `"@METHOD"`, 1),
	} {
		if si, err := exchange.ParseSignatureInput(h); err == nil {
			t.Errorf("%s: accepted %q as %+v", name, h, si)
		}
	}
}

// TestVerifyRefusals checks each refusal's code and that nothing but a
// VerifyError comes out.
func TestVerifyRefusals(t *testing.T) {
	key := vectorKey(t) // and a fixed nonce: the same signature every time
	pub := key.Public().(ed25519.PublicKey)
	now := time.Unix(1764324000, 0)
	body := []byte(`{"day":"1405/09/07"}`)
	signed := func() *http.Request {
		req, _ := http.NewRequest("POST", "http://exchange.test"+exchange.PathDayCloses, nil)
		s := &exchange.Signer{KeyID: "k-9", Key: key, Now: func() time.Time { return now }, Rand: bytes.NewReader(bytes.Repeat([]byte{3}, 16))}
		if err := s.Sign(req, body); err != nil {
			t.Fatal(err)
		}
		return req
	}
	if h := signed().Header.Get(exchange.HeaderSig); urlSafe(h) == h {
		t.Fatalf("the fixed signature %s has no + or /: pick another nonce for the base64url case", h)
	}
	if v, err := exchange.Verify(signed(), body, pub); err != nil || v.KeyID != "k-9" || !v.Created.Equal(now) || len(v.Nonce) != 22 {
		t.Fatalf("a good signature: %+v %v", v, err)
	}
	if id, err := exchange.KeyIDOf(signed()); err != nil || id != "k-9" {
		t.Errorf("KeyIDOf: %q %v", id, err)
	}
	sigOf := func(n int) string { return "sig1=:" + base64.StdEncoding.EncodeToString(make([]byte, n)) + ":" }
	for name, c := range map[string]struct {
		tamper func(*http.Request)
		key    ed25519.PublicKey
		code   string
	}{
		"signature of 63 bytes": {func(r *http.Request) { r.Header.Set(exchange.HeaderSig, sigOf(63)) }, pub, exchange.CodeBadSignature},
		"signature of 65 bytes": {func(r *http.Request) { r.Header.Set(exchange.HeaderSig, sigOf(65)) }, pub, exchange.CodeBadSignature},
		"signature of zeros":    {func(r *http.Request) { r.Header.Set(exchange.HeaderSig, sigOf(64)) }, pub, exchange.CodeBadSignature},
		"signature not base64":  {func(r *http.Request) { r.Header.Set(exchange.HeaderSig, "sig1=:!!:") }, pub, exchange.CodeBadSignature},
		"signature base64url":   {func(r *http.Request) { r.Header.Set(exchange.HeaderSig, urlSafe(r.Header.Get(exchange.HeaderSig))) }, pub, exchange.CodeBadSignature},
		"signature no colons": {func(r *http.Request) {
			r.Header.Set(exchange.HeaderSig, strings.Trim(r.Header.Get(exchange.HeaderSig), ":"))
		}, pub, exchange.CodeBadSignature},
		"signature other label":  {func(r *http.Request) { r.Header.Set(exchange.HeaderSig, "x"+r.Header.Get(exchange.HeaderSig)) }, pub, exchange.CodeBadSignature},
		"no Signature":           {func(r *http.Request) { r.Header.Del(exchange.HeaderSig) }, pub, exchange.CodeBadSignature},
		"no Signature-Input":     {func(r *http.Request) { r.Header.Del(exchange.HeaderSigInput) }, pub, exchange.CodeBadSignature},
		"no Content-Digest":      {func(r *http.Request) { r.Header.Del(exchange.HeaderDigest) }, pub, exchange.CodeBadSignature},
		"digest of another body": {func(r *http.Request) { r.Header.Set(exchange.HeaderDigest, exchange.ContentDigest(nil)) }, pub, exchange.CodeBadSignature},
		"digest in lower case": {func(r *http.Request) {
			r.Header.Set(exchange.HeaderDigest, strings.ToLower(r.Header.Get(exchange.HeaderDigest)))
		}, pub, exchange.CodeBadSignature},
		"another key":       {func(*http.Request) {}, newKey(t).Public().(ed25519.PublicKey), exchange.CodeBadSignature},
		"no key":            {func(*http.Request) {}, nil, exchange.CodeUnknownKey},
		"key of 31 bytes":   {func(*http.Request) {}, pub[:31], exchange.CodeUnknownKey},
		"method changed":    {func(r *http.Request) { r.Method = "PATCH" }, pub, exchange.CodeBadSignature},
		"path changed":      {func(r *http.Request) { r.URL.Path = exchange.PathBatch }, pub, exchange.CodeBadSignature},
		"query added":       {func(r *http.Request) { r.URL.RawQuery = "force=1" }, pub, exchange.CodeBadSignature},
		"empty query added": {func(r *http.Request) { r.URL.ForceQuery = true }, pub, ""}, // "?" alone is no query: still good
	} {
		req := signed()
		c.tamper(req)
		_, err := exchange.Verify(req, body, c.key)
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", name, err)
			}
			continue
		}
		var ve *exchange.VerifyError
		if !errors.As(err, &ve) || ve.Code != c.code {
			t.Errorf("%s: %v, want a VerifyError %s", name, err, c.code)
		}
	}
	// The body is part of what is signed.
	if _, err := exchange.Verify(signed(), append([]byte(nil), body[:len(body)-1]...), pub); err == nil {
		t.Error("a truncated body verified")
	}
	if _, err := exchange.KeyIDOf(&http.Request{Header: http.Header{}}); err == nil {
		t.Error("KeyIDOf without a header")
	}
}

func urlSafe(h string) string { return strings.NewReplacer("+", "-", "/", "_").Replace(h) }

func TestCheckFreshnessEdges(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for d, ok := range map[time.Duration]bool{
		0: true, exchange.ClockSkew: true, -exchange.ClockSkew: true,
		exchange.ClockSkew + time.Nanosecond: false, -exchange.ClockSkew - time.Nanosecond: false,
		exchange.ClockSkew + time.Second: false, -exchange.ClockSkew - time.Second: false,
		100 * 365 * 24 * time.Hour: false, -100 * 365 * 24 * time.Hour: false,
	} {
		err := exchange.CheckFreshness(exchange.Verified{Created: now.Add(-d)}, now)
		var ve *exchange.VerifyError
		if ok != (err == nil) || (err != nil && (!errors.As(err, &ve) || ve.Code != exchange.CodeBadSignature)) {
			t.Errorf("created %s before now: %v", d, err)
		}
	}
	// Created times at the ends of the int64 range do not wrap around.
	for _, c := range []int64{1, 1<<63 - 1} {
		if exchange.CheckFreshness(exchange.Verified{Created: time.Unix(c, 0)}, now) == nil {
			t.Errorf("created %d accepted", c)
		}
	}
	if exchange.NonceWindow < 2*exchange.ClockSkew {
		t.Errorf("nonces are forgotten after %s, but a signature stays fresh for %s", exchange.NonceWindow, 2*exchange.ClockSkew)
	}
}

func TestSignerNonces(t *testing.T) {
	key := newKey(t)
	s := &exchange.Signer{KeyID: "k", Key: key}
	seen := map[string]bool{}
	for range 200 {
		req, _ := http.NewRequest("GET", "http://x"+exchange.PathUpdates, nil)
		if err := s.Sign(req, nil); err != nil {
			t.Fatal(err)
		}
		si, err := exchange.ParseSignatureInput(req.Header.Get(exchange.HeaderSigInput))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := base64.RawURLEncoding.DecodeString(si.Nonce); err != nil || len(n) != 16 || seen[si.Nonce] {
			t.Fatalf("nonce %q: %v, %d bytes, seen before %v", si.Nonce, err, len(n), seen[si.Nonce])
		}
		seen[si.Nonce] = true
	}
	req, _ := http.NewRequest("GET", "http://x/", nil)
	if err := (&exchange.Signer{KeyID: "k", Key: key, Rand: bytes.NewReader(make([]byte, 15))}).Sign(req, nil); err == nil {
		t.Error("signed with a nonce source that ran dry")
	}
	if err := (&exchange.Signer{KeyID: "", Key: key}).Sign(req, nil); err == nil {
		t.Error("signed without a key id")
	}
	if err := (&exchange.Signer{KeyID: "k", Key: key[:32]}).Sign(req, nil); err == nil {
		t.Error("signed with half a key")
	}
	if req.Header.Get(exchange.HeaderSig) != "" {
		t.Error("a failed Sign left a signature header")
	}
}
