package exchange_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
)

// verifyingServer checks every request's signature with pub on the server
// side of a real loopback connection and answers 204, or 401 with the reason.
func verifyingServer(t *testing.T, pub ed25519.PublicKey, now func() time.Time) (*httptest.Server, *[]string) {
	t.Helper()
	var reasons []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v, err := exchange.Verify(r, body, pub)
		if err == nil {
			err = exchange.CheckFreshness(v, now())
		}
		if err != nil {
			reasons = append(reasons, err.Error())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		reasons = append(reasons, "ok "+v.KeyID)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv, &reasons
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	k, err := exchange.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// send signs a request with s, lets tamper change it after signing, and
// sends it; it returns the status.
func send(t *testing.T, s *exchange.Signer, method, url string, body []byte, tamper func(*http.Request, *[]byte)) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sign(req, body); err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(req, &body)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSignVerifyOverLoopback(t *testing.T) {
	key := newKey(t)
	now := time.Now()
	srv, reasons := verifyingServer(t, key.Public().(ed25519.PublicKey), func() time.Time { return now })
	s := &exchange.Signer{KeyID: "k-12345-3-1", Key: key, Now: func() time.Time { return now }}
	body := []byte(`{"items":[]}`)
	if c := send(t, s, "POST", srv.URL+exchange.PathBatch, body, nil); c != 204 {
		t.Fatalf("a good signature: %d %v", c, *reasons)
	}
	if c := send(t, s, "GET", srv.URL+exchange.PathUpdates+"?after=5&limit=100", nil, nil); c != 204 {
		t.Fatalf("a signed GET: %d %v", c, *reasons)
	}
	other := newKey(t)
	cases := map[string]func(*http.Request, *[]byte){
		"body changed":      func(_ *http.Request, b *[]byte) { *b = []byte(`{"items":[1]}`) },
		"path changed":      func(r *http.Request, _ *[]byte) { r.URL.Path = exchange.PathDayCloses },
		"query changed":     func(r *http.Request, _ *[]byte) { r.URL.RawQuery = "after=0" },
		"method changed":    func(r *http.Request, _ *[]byte) { r.Method = "PUT" },
		"digest dropped":    func(r *http.Request, _ *[]byte) { r.Header.Del(exchange.HeaderDigest) },
		"signature dropped": func(r *http.Request, _ *[]byte) { r.Header.Del(exchange.HeaderSig) },
		"input dropped":     func(r *http.Request, _ *[]byte) { r.Header.Del(exchange.HeaderSigInput) },
		"keyid changed": func(r *http.Request, _ *[]byte) {
			r.Header.Set(exchange.HeaderSigInput, strings.Replace(r.Header.Get(exchange.HeaderSigInput), "k-12345-3-1", "k-12345-3-2", 1))
		},
		"created changed": func(r *http.Request, _ *[]byte) {
			r.Header.Set(exchange.HeaderSigInput, strings.Replace(r.Header.Get(exchange.HeaderSigInput), ";created=", ";created=1", 1))
		},
		"signature short": func(r *http.Request, _ *[]byte) { r.Header.Set(exchange.HeaderSig, "sig1=:AAAA:") },
		"signature other label": func(r *http.Request, _ *[]byte) {
			r.Header.Set(exchange.HeaderSig, strings.Replace(r.Header.Get(exchange.HeaderSig), "sig1=", "sig2=", 1))
		},
		"signed by another key": func(r *http.Request, b *[]byte) {
			(&exchange.Signer{KeyID: "k-12345-3-1", Key: other, Now: s.Now}).Sign(r, *b)
		},
	}
	for name, tamper := range cases {
		if c := send(t, s, "POST", srv.URL+exchange.PathBatch+"?x=1", body, tamper); c != 401 {
			t.Errorf("%s: status %d, want 401", name, c)
		}
	}
	// The clock window: 5 minutes either way.
	for skew, want := range map[time.Duration]int{4 * time.Minute: 204, -4 * time.Minute: 204, 6 * time.Minute: 401, -6 * time.Minute: 401} {
		skewed := &exchange.Signer{KeyID: "k", Key: key, Now: func() time.Time { return now.Add(skew) }}
		if c := send(t, skewed, "GET", srv.URL+exchange.PathHealth, nil, nil); c != want {
			t.Errorf("clock %s off: %d, want %d", skew, c, want)
		}
	}
}

func TestParseSignatureInputRefuses(t *testing.T) {
	good := `sig1=("@method" "@path" "@query" "content-digest");created=1764324000;nonce="AAAAAAAAAAAAAAAAAAAAAA";keyid="k-1";alg="ed25519"`
	if _, err := exchange.ParseSignatureInput(good); err != nil {
		t.Fatalf("good input: %v", err)
	}
	for name, h := range map[string]string{
		"other label":        strings.Replace(good, "sig1=", "sig2=", 1),
		"fewer components":   strings.Replace(good, ` "content-digest"`, "", 1),
		"unquoted component": strings.Replace(good, `"@path"`, `@path`, 1),
		"repeated param":     good + `;alg="ed25519"`,
		"no alg":             strings.Replace(good, `;alg="ed25519"`, "", 1),
		"other alg":          strings.Replace(good, `ed25519`, `rsa-pss`, 1),
		"short nonce":        strings.Replace(good, "AAAAAAAAAAAAAAAAAAAAAA", "AAAA", 1),
		"unknown param":      good + `;tag="x"`,
		"junk after list":    strings.Replace(good, `");created`, `")junk;created`, 1),
		"created zero":       strings.Replace(good, "created=1764324000", "created=0", 1),
		"keyid with quote":   strings.Replace(good, `keyid="k-1"`, `keyid="k\"1"`, 1),
		"too long":           good + strings.Repeat(" ", 600),
	} {
		if _, err := exchange.ParseSignatureInput(h); err == nil {
			t.Errorf("%s: accepted %q", name, h)
		}
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "desk.key")
	key := newKey(t)
	if err := exchange.SaveKey(path, key); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file mode %v (%v), want 0600", fi.Mode().Perm(), err)
		}
	}
	got, err := exchange.LoadKey(path)
	if err != nil || !got.Equal(key) {
		t.Fatalf("load: %v", err)
	}
	if _, err := exchange.LoadKey(filepath.Join(dir, "none")); !errors.Is(err, exchange.ErrKeyMissing) {
		t.Errorf("missing file: %v", err)
	}
	if runtime.GOOS != "windows" {
		for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o602, 0o620} {
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			if _, err := exchange.LoadKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("a key file of mode %v was loaded: %v", mode, err)
			}
		}
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		if got, err := exchange.LoadKey(path); err != nil || !got.Equal(key) {
			t.Errorf("a read-only key file (0400): %v", err)
		}
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Garbage, a PEM block of another type, a PKCS#8 key of another kind,
	// and a truncated key are refused, each with a message.
	_, edOther, _ := ed25519.GenerateKey(nil)
	edDER, err := x509.MarshalPKCS8PrivateKey(edOther)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"garbage":             {[]byte("not a key"), "not a PEM private key"},
		"empty":               {nil, "not a PEM private key"},
		"another block type":  {pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: edDER}), "not a PEM private key"},
		"a public key":        {pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: edDER}), "not a PEM private key"},
		"an ECDSA PKCS#8 key": {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}), "not an Ed25519 key"},
		"a truncated key":     {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edDER[:len(edDER)-5]}), "load desk key"},
	} {
		if err := os.WriteFile(path, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		if k, err := exchange.LoadKey(path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: loaded %x, %v (want %q)", name, k, err, c.want)
		}
	}
	// Saving again replaces the key whole.
	key2 := newKey(t)
	if err := exchange.SaveKey(path, key2); err != nil {
		t.Fatal(err)
	}
	if got, err := exchange.LoadKey(path); err != nil || !got.Equal(key2) {
		t.Errorf("after replacing: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"": 0, "7": 7 * time.Second, "0": 0, "-3": 0, "soon": 0, "999999": time.Hour,
		" 12 ": 12 * time.Second, "3600": time.Hour, "3601": time.Hour, "1.5": 0, "1e3": 0, "0x10": 0, "12 s": 0,
		"99999999999999999999": time.Hour, "-99999999999999999999": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat):             90 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):                 0,
		now.Add(3 * time.Hour).Format(http.TimeFormat):                time.Hour,
		now.Add(90 * time.Second).Format(time.RFC850):                 90 * time.Second,
		now.Add(90 * time.Second).Format(time.ANSIC):                  90 * time.Second,
		now.Add(90 * time.Second).Format(time.RFC3339):                0, // not an HTTP date
		strings.Replace(now.Format(http.TimeFormat), "GMT", "XYZ", 1): 0,
	} {
		if got := exchange.ParseRetryAfter(v, now); got != want {
			t.Errorf("Retry-After %q = %s, want %s", v, got, want)
		}
	}
}

func TestHTTPErrorClasses(t *testing.T) {
	for _, c := range []struct {
		status          int
		code            string
		auth, temp, big bool
	}{
		{401, exchange.CodeBadSignature, true, false, false},
		{401, exchange.CodeReplayed, false, true, false},
		{403, exchange.CodeRevoked, true, false, false},
		{429, exchange.CodeRateLimited, false, true, false},
		{503, exchange.CodeUnavailable, false, true, false},
		{500, exchange.CodeInternal, false, true, false},
		{501, "", false, false, false},
		{413, exchange.CodeTooLarge, false, false, true},
		{400, exchange.CodeBadRequest, false, false, false},
		{400, exchange.CodeStaleCatalog, false, false, false},
		{401, exchange.CodeUnknownKey, true, false, false},
		{403, exchange.CodeBadEnrolCode, true, false, false},
		{408, "", false, true, false},
		{502, "", false, true, false},
		{504, "", false, true, false},
		{404, exchange.CodeBadRequest, false, false, false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(c.status)
			json.NewEncoder(w).Encode(exchange.ErrorBody{Error: exchange.ErrorDetail{Code: c.code, Message: "m", MessageFa: "پیام"}})
		}))
		_, err := (&exchange.Client{BaseURL: srv.URL}).Health(context.Background())
		srv.Close()
		var he *exchange.HTTPError
		if !errors.As(err, &he) {
			t.Fatalf("%d: %v is not an HTTPError", c.status, err)
		}
		if he.Auth() != c.auth || he.Temporary() != c.temp || he.TooLarge() != c.big || he.Detail.Code != c.code || he.RetryAfter != 2*time.Second {
			t.Errorf("%d %s: auth %v temporary %v too large %v detail %+v retry %s", c.status, c.code, he.Auth(), he.Temporary(), he.TooLarge(), he.Detail, he.RetryAfter)
		}
	}
}

// TestDeltaAppliesToTheNextVersion holds the simulator's deltas and the
// desk's Apply to each other: version v plus the delta to w is exactly w.
func TestDeltaAppliesToTheNextVersion(t *testing.T) {
	for _, step := range [][2]int64{{1, 2}, {1, 3}, {2, 5}} {
		from, to := democatalog.Generate(pishkhanVersion(step[0])), democatalog.Generate(pishkhanVersion(step[1]))
		d, err := exchangesim.Delta(from, to)
		if err != nil {
			t.Fatal(err)
		}
		// Through the wire, as the desk receives it.
		b, _ := json.Marshal(d)
		got, err := exchange.DecodeCatalogDelta(bytes.NewReader(b), step[0])
		if err != nil {
			t.Fatalf("%v: %v", step, err)
		}
		cat, err := got.Apply(from)
		if err != nil {
			t.Fatalf("%v: apply: %v", step, err)
		}
		if normal(t, cat) != normal(t, to) {
			t.Errorf("%v: the delta applied to v%d is not v%d", step, step[0], step[1])
		}
		if len(b) > 200_000 {
			t.Errorf("%v: delta of %d bytes; a small change should send little", step, len(b))
		}
	}
	// The wrong base is refused.
	d, _ := exchangesim.Delta(democatalog.Generate(2), democatalog.Generate(3))
	if _, err := d.Apply(democatalog.Generate(1)); err == nil {
		t.Error("a delta from v2 applied to v1")
	}
}

func pishkhanVersion(v int64) pishkhan.CatalogVersion { return pishkhan.CatalogVersion(v) }

// TestDocumentNamesEverything keeps docs/exchange-api.md in step with the
// code: every path, item status and error code is described there.
func TestDocumentNamesEverything(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "exchange-api.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		exchange.PathHealth, exchange.PathEnrol, exchange.PathBatch, exchange.PathUpdates, exchange.PathCatalog, exchange.PathDayCloses,
		exchange.ItemAccepted, exchange.ItemDuplicate, exchange.ItemRejected, exchange.ItemConflict, exchange.ItemDeferred,
		exchange.CodeBadRequest, exchange.CodeBadSignature, exchange.CodeReplayed, exchange.CodeUnknownKey, exchange.CodeRevoked,
		exchange.CodeBadEnrolCode, exchange.CodeTooLarge, exchange.CodeRateLimited, exchange.CodeUnavailable, exchange.CodeInternal,
		exchange.CodeStaleCatalog, exchange.HeaderDigest, exchange.HeaderSigInput, exchange.EnrolKeyID,
		"in_progress", "needs_action", "done", "refused", "pending", "answered", "failed",
		exchange.HeaderSig + ":", "sig1=", "@signature-params", "Retry-After", "`Date`", "desk.key", "0600", "PKCS#8",
		"ClockSkew", "NonceWindow", "MaxBatchItems", "MaxUpdates", "MaxRequestBytes", "MaxResponseBytes", "MaxReasonLen", "MaxAnswerLen", "MaxFieldLen",
		"after=", "limit=", "since=", `"full"`, `"deleted"`, `"original"`, `"reason_fa"`, `"next"`, `"more"`,
	} {
		if !strings.Contains(string(doc), name) {
			t.Errorf("docs/exchange-api.md does not describe %q", name)
		}
	}
}
