package exchange

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The signature profile, in the spirit of RFC 9421 (HTTP Message
// Signatures) with RFC 9530's Content-Digest:
//
//	Content-Digest: sha-256=:<base64 of SHA-256(body)>:
//	Signature-Input: sig1=("@method" "@path" "@query" "content-digest");created=<unix>;nonce="<base64url>";keyid="<key id>";alg="ed25519"
//	Signature: sig1=:<base64 of the Ed25519 signature>:
//
// The signed base is RFC 9421's: one line per component, then the
// "@signature-params" line. Every request is signed, GETs too (the digest of
// an empty body). The server refuses a signature whose created time is more
// than ClockSkew from its clock, or whose (keyid, nonce) it has seen before.

// Header names.
const (
	HeaderDigest   = "Content-Digest"
	HeaderSigInput = "Signature-Input"
	HeaderSig      = "Signature"
)

// EnrolKeyID is the keyid of an enrolment request, which is signed with the
// new key carried in its own body.
const EnrolKeyID = "enrol"

var components = []string{"@method", "@path", "@query", "content-digest"}

// ContentDigest is the Content-Digest header value for body.
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// Signer signs the desk's requests with its Ed25519 key.
type Signer struct {
	KeyID string
	Key   ed25519.PrivateKey
	Now   func() time.Time // nil means time.Now
	Rand  io.Reader        // nonce source; nil means crypto/rand
}

// Sign sets Content-Digest, Signature-Input and Signature on req for body.
func (s *Signer) Sign(req *http.Request, body []byte) error {
	if len(s.Key) != ed25519.PrivateKeySize || s.KeyID == "" {
		return errors.New("sign request: no desk key")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	src := s.Rand
	if src == nil {
		src = rand.Reader
	}
	var n [16]byte
	if _, err := io.ReadFull(src, n[:]); err != nil {
		return fmt.Errorf("sign request: nonce: %w", err)
	}
	digest := ContentDigest(body)
	params := signatureParams(now().Unix(), base64.RawURLEncoding.EncodeToString(n[:]), s.KeyID)
	base := signatureBase(req.Method, req.URL.EscapedPath(), req.URL.RawQuery, digest, params)
	sig := ed25519.Sign(s.Key, []byte(base))
	req.Header.Set(HeaderDigest, digest)
	req.Header.Set(HeaderSigInput, "sig1="+params)
	req.Header.Set(HeaderSig, "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}

func signatureParams(created int64, nonce, keyID string) string {
	quoted := make([]string, len(components))
	for i, c := range components {
		quoted[i] = strconv.Quote(c)
	}
	return "(" + strings.Join(quoted, " ") + ");created=" + strconv.FormatInt(created, 10) +
		`;nonce="` + nonce + `";keyid="` + keyID + `";alg="ed25519"`
}

func signatureBase(method, path, query, digest, params string) string {
	var b strings.Builder
	b.WriteString(`"@method": ` + method + "\n")
	b.WriteString(`"@path": ` + path + "\n")
	b.WriteString(`"@query": ?` + query + "\n")
	b.WriteString(`"content-digest": ` + digest + "\n")
	b.WriteString(`"@signature-params": ` + params)
	return b.String()
}

// SignatureInput is a parsed Signature-Input for label sig1.
type SignatureInput struct {
	Components []string
	Created    int64
	Nonce      string
	KeyID      string
	Alg        string
	Params     string // the raw inner list and parameters, as signed
}

// ParseSignatureInput parses a Signature-Input header of this profile. It
// refuses other labels, other components, missing or repeated parameters,
// and values written other than as the signer writes them (a string with a
// backslash escape, an integer with a sign).
func ParseSignatureInput(h string) (SignatureInput, error) {
	var si SignatureInput
	rest, ok := strings.CutPrefix(h, "sig1=")
	if !ok {
		return si, errors.New("signature input: want label sig1")
	}
	if len(rest) > 512 {
		return si, errors.New("signature input: too long")
	}
	si.Params = rest
	if !strings.HasPrefix(rest, "(") {
		return si, errors.New("signature input: want an inner list")
	}
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return si, errors.New("signature input: unterminated inner list")
	}
	for _, c := range strings.Fields(rest[1:end]) {
		u, err := strconv.Unquote(c)
		if err != nil || c != `"`+u+`"` {
			return si, fmt.Errorf("signature input: component %s is not a quoted string", c)
		}
		si.Components = append(si.Components, u)
	}
	if strings.Join(si.Components, " ") != strings.Join(components, " ") {
		return si, fmt.Errorf("signature input: components %q, want %q", si.Components, components)
	}
	params := rest[end+1:]
	if params != "" && params[0] != ';' {
		return si, fmt.Errorf("signature input: %q after the inner list", params)
	}
	seen := map[string]bool{}
	for _, p := range strings.Split(params, ";")[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok || seen[k] {
			return si, fmt.Errorf("signature input: malformed or repeated parameter %q", p)
		}
		seen[k] = true
		switch k {
		case "created":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 || !allDigits(v) {
				return si, fmt.Errorf("signature input: created %q", v)
			}
			si.Created = n
		case "nonce", "keyid", "alg":
			s, err := strconv.Unquote(v)
			if err != nil || v != `"`+s+`"` || s == "" || !printableASCII(s) {
				return si, fmt.Errorf("signature input: %s must be a quoted token", k)
			}
			switch k {
			case "nonce":
				si.Nonce = s
			case "keyid":
				si.KeyID = s
			default:
				si.Alg = s
			}
		default:
			return si, fmt.Errorf("signature input: unknown parameter %q", k)
		}
	}
	if si.Created == 0 || si.Nonce == "" || si.KeyID == "" || si.Alg != "ed25519" {
		return si, errors.New("signature input: created, nonce, keyid and alg=ed25519 are required")
	}
	if len(si.Nonce) < 16 || len(si.Nonce) > 64 || len(si.KeyID) > maxIDLen {
		return si, errors.New("signature input: nonce or keyid of a bad length")
	}
	return si, nil
}

// VerifyError is why a signature was refused; Code is CodeBadSignature,
// CodeReplayed or CodeUnknownKey.
type VerifyError struct {
	Code   string
	Reason string
}

func (e *VerifyError) Error() string { return "signature refused (" + e.Code + "): " + e.Reason }

// Verified is what a good signature establishes.
type Verified struct {
	KeyID   string
	Nonce   string
	Created time.Time
}

// Verify checks req's Content-Digest against body and its signature against
// the public key. It does not check the clock or the nonce: the caller does,
// with [CheckFreshness] and its own nonce memory, after it has looked up the key.
func Verify(req *http.Request, body []byte, key ed25519.PublicKey) (Verified, error) {
	bad := func(format string, a ...any) (Verified, error) {
		return Verified{}, &VerifyError{Code: CodeBadSignature, Reason: fmt.Sprintf(format, a...)}
	}
	digest := req.Header.Get(HeaderDigest)
	if want := ContentDigest(body); subtle.ConstantTimeCompare([]byte(digest), []byte(want)) != 1 {
		return bad("content digest does not match the body")
	}
	si, err := ParseSignatureInput(req.Header.Get(HeaderSigInput))
	if err != nil {
		return bad("%v", err)
	}
	raw, ok := strings.CutPrefix(req.Header.Get(HeaderSig), "sig1=:")
	if !ok || !strings.HasSuffix(raw, ":") {
		return bad("signature header must be sig1=:<base64>:")
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(raw, ":"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return bad("signature is not %d bytes of base64", ed25519.SignatureSize)
	}
	if len(key) != ed25519.PublicKeySize {
		return Verified{}, &VerifyError{Code: CodeUnknownKey, Reason: "no usable public key"}
	}
	base := signatureBase(req.Method, req.URL.EscapedPath(), req.URL.RawQuery, digest, si.Params)
	if !ed25519.Verify(key, []byte(base), sig) {
		return bad("signature does not verify")
	}
	return Verified{KeyID: si.KeyID, Nonce: si.Nonce, Created: time.Unix(si.Created, 0)}, nil
}

// CheckFreshness refuses a signature created more than ClockSkew away from now.
func CheckFreshness(v Verified, now time.Time) error {
	if d := now.Sub(v.Created); d > ClockSkew || d < -ClockSkew {
		return &VerifyError{Code: CodeBadSignature, Reason: fmt.Sprintf("signature created %s from the server's clock", d.Round(time.Second))}
	}
	return nil
}

// KeyIDOf returns the keyid of a request's Signature-Input without
// verifying anything (the server needs it to find the key).
func KeyIDOf(req *http.Request) (string, error) {
	si, err := ParseSignatureInput(req.Header.Get(HeaderSigInput))
	if err != nil {
		return "", &VerifyError{Code: CodeBadSignature, Reason: err.Error()}
	}
	return si.KeyID, nil
}
