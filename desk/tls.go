package desk

// The exchange over TLS with a configurable CA.
//
// An office's exchange may hold a certificate from a national or private
// certificate authority that the PC's trust store does not know. The
// technician gives the CA's certificates once (pishkhan enrol --ca FILE, or
// pishkhan sync ca set FILE); they are checked, kept in the data folder as
// CAFile (owner-only, written atomically) and trusted from then on, on top
// of the system's roots, for every call to the exchange: enrolment, sync,
// the health probe. TLS 1.2 is the minimum.
//
// Plain http:// is allowed only to this computer (127.0.0.0/8, ::1,
// localhost): the built-in exchange simulator. Any other host needs https.
//
// A certificate the desk does not trust (unknown authority, another host's
// name, expired) fails with a *pishkhan.Error that says so in Persian and
// English; retrying does not help, so the CLI's sync stops on it at once.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/atomicfile"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// CAFile is the file, inside the data folder, of the CA certificates the
// desk trusts for the exchange besides the system's (PEM, owner-only 0600).
const CAFile = "exchange-ca.pem"

// MaxCAFileSize is the largest CA file accepted (a bundle of a few
// certificates is a few kilobytes).
const MaxCAFileSize = 1 << 20

// CAPath is the path of the exchange CA file.
func (d *Desk) CAPath() string { return filepath.Join(d.dataDir, CAFile) }

// CACert describes one CA certificate the desk trusts for the exchange.
type CACert struct {
	Subject   string
	NotBefore time.Time
	NotAfter  time.Time
	SHA256    string // fingerprint of the DER, "AB:CD:…" as openssl x509 -fingerprint -sha256 prints it
}

func describeCA(c *x509.Certificate) CACert {
	sum := sha256.Sum256(c.Raw)
	hex := make([]string, len(sum))
	for i, b := range sum {
		hex[i] = fmt.Sprintf("%02X", b)
	}
	return CACert{Subject: caName(c), NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA256: strings.Join(hex, ":")}
}

func caName(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

func jalali(t time.Time) string { return persian.DateOf(t.In(persian.Tehran())).Persian() }

func caFieldError(persianMsg, format string, args ...any) error {
	return pishkhan.FieldError("ca", persianMsg, format, args...)
}

// ParseExchangeCA checks a technician's CA file: PEM, only CERTIFICATE
// blocks (text around them, as openssl -text writes it, is ignored), each
// one a CA certificate that is valid at now. A server's own certificate,
// a private key, an expired CA or a file with no certificate is refused
// with an EInvalid error naming the field "ca". Duplicates are dropped.
func ParseExchangeCA(data []byte, now time.Time) ([]*x509.Certificate, error) {
	if len(data) > MaxCAFileSize {
		return nil, caFieldError("پرونده گواهی مرجع (CA) بیش از اندازه بزرگ است.", "the CA file is larger than %d bytes", MaxCAFileSize)
	}
	var certs []*x509.Certificate
	seen := map[[32]byte]bool{}
	rest := data
	for n := 1; ; n++ {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			if strings.Contains(b.Type, "PRIVATE KEY") {
				return nil, caFieldError("این پرونده کلید خصوصی دارد؛ فقط گواهی مرجع (CA) را بدهید و کلید را به کسی ندهید.",
					"the CA file holds a %s: give only the CA's certificates, never a key", b.Type)
			}
			return nil, caFieldError("پرونده گواهی مرجع (CA) جز گواهی چیز دیگری («"+b.Type+"») هم دارد.",
				"the CA file holds a %q block; give only CERTIFICATE blocks", b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, &pishkhan.Error{Code: pishkhan.EInvalid, Field: "ca", Err: err,
				Persian: fmt.Sprintf("گواهی شمارهٔ %s در پرونده خوانده نشد؛ پرونده آسیب دیده است.", persian.FormatInt(int64(n))),
				Message: fmt.Sprintf("certificate %d of the CA file does not parse", n)}
		}
		if !c.BasicConstraintsValid || !c.IsCA {
			return nil, caFieldError(fmt.Sprintf("«%s» گواهی مرجع (CA) نیست؛ به نظر گواهی خود سرور است. گواهی مرجعی را بدهید که آن را صادر کرده است.", caName(c)),
				"certificate %d (%s) is not a CA certificate (it looks like a server's own); give the CA that issued the exchange's certificate", n, caName(c))
		}
		if now.After(c.NotAfter) {
			return nil, caFieldError(fmt.Sprintf("گواهی مرجع «%s» در %s منقضی شده است؛ گواهی تازهٔ مرجع را بگیرید (یا تاریخ این رایانه را بررسی کنید).", caName(c), jalali(c.NotAfter)),
				"CA certificate %d (%s) expired on %s; get its new certificate (or check this PC's date)", n, caName(c), c.NotAfter.UTC().Format(time.DateOnly))
		}
		if now.Before(c.NotBefore) {
			return nil, caFieldError(fmt.Sprintf("گواهی مرجع «%s» از %s معتبر است، نه هنوز؛ تاریخ و ساعت این رایانه را بررسی کنید.", caName(c), jalali(c.NotBefore)),
				"CA certificate %d (%s) is not valid until %s; check this PC's date and clock", n, caName(c), c.NotBefore.UTC().Format(time.DateOnly))
		}
		if sum := sha256.Sum256(c.Raw); !seen[sum] {
			seen[sum] = true
			certs = append(certs, c)
		}
	}
	if len(certs) == 0 {
		if _, err := x509.ParseCertificate(bytes.TrimSpace(data)); err == nil {
			return nil, caFieldError("پرونده گواهی در قالب DER (دودویی) است؛ آن را در قالب PEM (Base64) بدهید.",
				"the CA file is DER (binary); convert it to PEM: openssl x509 -inform der -in FILE -out ca.pem")
		}
		return nil, caFieldError("در پرونده هیچ گواهی مرجع (CA) در قالب PEM («-----BEGIN CERTIFICATE-----») نیست.",
			"the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	return certs, nil
}

// encodeCA is the canonical PEM of certs: what the desk keeps.
func encodeCA(certs []*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// parseStoredCA reads the certificates of the kept file, without the
// checks of ParseExchangeCA: an expired CA is the verifier's to refuse,
// with the message of an expired certificate.
func parseStoredCA(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificate in it")
	}
	return certs, nil
}

// caFileCause is the cause inside caFileDamaged's error: it marks a CA
// file that cannot be used.
type caFileCause struct{ error }

func (c caFileCause) Unwrap() error { return c.error }

func caFileDamaged(path string, err error) error {
	return pishkhan.WrapError(caFileCause{err}, pishkhan.EInternal,
		"پرونده گواهی مرجع (CA) مرکز خوانده نشد؛ آن را دوباره تنظیم کنید (pishkhan sync ca set FILE).",
		"the exchange CA file %s cannot be used; set it again (pishkhan sync ca set FILE) or remove it (pishkhan sync ca clear)", path)
}

// ExchangeCA describes the CA certificates the desk trusts for the exchange
// besides the system's; none (nil, nil) when no CA is configured.
func (d *Desk) ExchangeCA() ([]CACert, error) {
	data, err := os.ReadFile(d.CAPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, caFileDamaged(d.CAPath(), err)
	}
	certs, err := parseStoredCA(data)
	if err != nil {
		return nil, caFileDamaged(d.CAPath(), err)
	}
	out := make([]CACert, len(certs))
	for i, c := range certs {
		out[i] = describeCA(c)
	}
	return out, nil
}

// SetExchangeCA checks pemData (ParseExchangeCA) and keeps it as the CA the
// desk trusts for the exchange, replacing any earlier one. It takes effect
// at once, also for a replicator already running. Bad input writes nothing.
func (d *Desk) SetExchangeCA(ctx context.Context, pemData []byte, by Actor) ([]CACert, error) {
	return d.WithExchangeCA(ctx, pemData, by, nil)
}

// ReadExchangeCAFile reads a CA file a technician names (at most
// MaxCAFileSize bytes) and checks it (ParseExchangeCA), for SetExchangeCA or
// EnrolWithCA.
func ReadExchangeCAFile(path string, now time.Time) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &pishkhan.Error{Code: pishkhan.EInvalid, Field: "ca", Err: err,
			Persian: "پرونده گواهی مرجع (CA) باز نشد؛ نشانی پرونده را بررسی کنید.", Message: "read the CA file"}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxCAFileSize+1))
	if err != nil {
		return nil, &pishkhan.Error{Code: pishkhan.EInvalid, Field: "ca", Err: err,
			Persian: "پرونده گواهی مرجع (CA) خوانده نشد.", Message: "read the CA file"}
	}
	if _, err := ParseExchangeCA(data, now); err != nil {
		return nil, err
	}
	return data, nil
}

// EnrolWithCA is Enrol, with caPEM (when not nil) put in place as the
// exchange's CA for the enrolment and kept only if it succeeds; it returns
// the kept CA's certificates too.
func (d *Desk) EnrolWithCA(ctx context.Context, in EnrolInput, caPEM []byte, by Actor) (pishkhan.SyncState, []CACert, error) {
	if caPEM == nil {
		st, err := d.Enrol(ctx, in, by)
		return st, nil, err
	}
	var st pishkhan.SyncState
	cas, err := d.WithExchangeCA(ctx, caPEM, by, func() error {
		var err error
		st, err = d.Enrol(ctx, in, by)
		return err
	})
	if err != nil {
		return st, nil, err
	}
	return st, cas, nil
}

// WithExchangeCA is SetExchangeCA that keeps the new CA only when try (run
// with it in place) succeeds; otherwise the earlier CA file, or none, is put
// back and try's error returned. Enrolling with a CA is this with Enrol as
// try: a CA that does not fit the exchange replaces nothing.
func (d *Desk) WithExchangeCA(ctx context.Context, pemData []byte, by Actor, try func() error) ([]CACert, error) {
	if err := d.authorize(ctx, by, pishkhan.ActEnrol); err != nil {
		return nil, err
	}
	certs, err := ParseExchangeCA(pemData, d.Now())
	if err != nil {
		return nil, err
	}
	path := d.CAPath()
	prev, err := os.ReadFile(path)
	had := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, caFileDamaged(path, err)
	}
	if err := atomicfile.Write(path, ".exchange-ca-*", encodeCA(certs)); err != nil {
		return nil, pishkhan.WrapError(err, pishkhan.EInternal, "گواهی مرجع (CA) ذخیره نشد.", "save the exchange CA")
	}
	if try != nil {
		if err := try(); err != nil {
			var rerr error
			if had {
				rerr = atomicfile.Write(path, ".exchange-ca-*", prev)
			} else if rerr = os.Remove(path); errors.Is(rerr, fs.ErrNotExist) {
				rerr = nil
			}
			if rerr != nil {
				d.Log.Error("could not put the earlier exchange CA back", "path", path, "err", rerr)
				return nil, errors.Join(err, fmt.Errorf("put the earlier exchange CA back: %w", rerr))
			}
			return nil, err
		}
	}
	out := make([]CACert, len(certs))
	names := make([]string, len(certs))
	for i, c := range certs {
		out[i], names[i] = describeCA(c), caName(c)
	}
	if err := d.Store.AppendAudit(ctx, by.Name(), "sync.ca.set", out[0].SHA256, strings.Join(names, "; ")); err != nil {
		return out, err
	}
	d.Log.Info("exchange CA set", "path", path, "certificates", len(out), "sha256", out[0].SHA256)
	return out, nil
}

// ClearExchangeCA removes the configured CA: the desk trusts only the
// system's roots again. It reports whether there was one.
func (d *Desk) ClearExchangeCA(ctx context.Context, by Actor) (bool, error) {
	if err := d.authorize(ctx, by, pishkhan.ActEnrol); err != nil {
		return false, err
	}
	err := os.Remove(d.CAPath())
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, pishkhan.WrapError(err, pishkhan.EInternal, "پرونده گواهی مرجع (CA) پاک نشد.", "remove the exchange CA")
	}
	return true, d.Store.AppendAudit(ctx, by.Name(), "sync.ca.clear", CAFile, "")
}

// ---- the HTTP client ----

// exchangeHTTPClient is the desk's client for the exchange when no HTTP
// client was given: system roots plus the configured CA, TLS 1.2 or newer,
// plain HTTP only to this computer, 30 s per call.
func (d *Desk) exchangeHTTPClient() *http.Client {
	d.exchangeOnce.Do(func() { d.exchange = &exchangeTransport{caPath: d.CAPath()} })
	return &http.Client{Timeout: 30 * time.Second, Transport: d.exchange}
}

// exchangeTransport is the desk's one transport to the exchange, shared by
// all its clients (the replicator's, enrolment's, the status probe's), so
// their connections are reused. It looks at the CA file before every
// request (a stat; it reads the file only when it changed), so a CA set
// while a replicator runs takes effect at its next call.
type exchangeTransport struct {
	caPath string

	mu     sync.Mutex
	looked bool
	seen   os.FileInfo // the CA file when last read; nil when there was none
	inner  *http.Transport
	err    error           // the CA file could not be used
	plain  *http.Transport // system roots only: plain HTTP to this computer while the CA file is damaged
}

// RoundTrip implements http.RoundTripper.
func (t *exchangeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkPlainHTTP(req.URL); err != nil {
		closeBody(req)
		return nil, err
	}
	inner, err := t.current()
	if err != nil {
		if req.URL.Scheme == "https" {
			closeBody(req)
			return nil, err
		}
		// Plain HTTP to this computer needs no CA: the simulator works on.
		inner = t.plainTransport()
	}
	resp, err := inner.RoundTrip(req)
	if err != nil {
		if ce := certProblem(err); ce != nil {
			return nil, ce
		}
		return nil, err
	}
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the transport.
func (t *exchangeTransport) CloseIdleConnections() {
	t.mu.Lock()
	inner := t.inner
	t.mu.Unlock()
	if inner != nil {
		inner.CloseIdleConnections()
	}
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

func (t *exchangeTransport) current() (*http.Transport, error) {
	fi, err := os.Stat(t.caPath)
	if errors.Is(err, fs.ErrNotExist) {
		fi, err = nil, nil
	}
	if err != nil {
		return nil, caFileDamaged(t.caPath, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.looked && sameFile(t.seen, fi) {
		return t.inner, t.err
	}
	var data []byte
	if fi != nil {
		f, err := os.Open(t.caPath)
		if err == nil {
			data, err = io.ReadAll(io.LimitReader(f, MaxCAFileSize+1))
			f.Close()
		}
		if errors.Is(err, fs.ErrNotExist) { // removed since the stat
			fi, data, err = nil, nil, nil
		}
		if err != nil {
			return nil, caFileDamaged(t.caPath, err) // not remembered: looked at again next time
		}
	}
	old := t.inner
	t.looked, t.seen = true, fi
	t.inner, t.err = newTransport(data)
	if t.err != nil {
		t.err = caFileDamaged(t.caPath, t.err)
	}
	if old != nil && old != t.inner {
		old.CloseIdleConnections() // connections made under the CA replaced
	}
	return t.inner, t.err
}

// plainTransport is the transport with the system roots only, made once.
func (t *exchangeTransport) plainTransport() *http.Transport {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.plain == nil {
		t.plain, _ = newTransport(nil) // no CA: nothing to fail
	}
	return t.plain
}

func sameFile(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// newTransport is a transport that trusts the system roots and caPEM's
// certificates (a CA file as the desk stores it; none when empty), TLS 1.2
// or newer, otherwise as http.DefaultTransport.
func newTransport(caPEM []byte) (*http.Transport, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(caPEM) > 0 {
		certs, err := parseStoredCA(caPEM)
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
		cfg.RootCAs = pool
	}
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, MaxIdleConns: 100,
			IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second, ExpectContinueTimeout: time.Second}
	}
	tr.TLSClientConfig = cfg
	return tr, nil
}

// ---- plain HTTP and certificate errors ----

// errPlainHTTP marks the refusal of plain HTTP to another computer.
var errPlainHTTP = errors.New("plain http to a host other than this computer")

// checkPlainHTTP refuses an http:// address whose host is not this computer.
func checkPlainHTTP(u *url.URL) error {
	if !strings.EqualFold(u.Scheme, "http") || isLoopbackHost(u.Hostname()) {
		return nil
	}
	return pishkhan.WrapError(errPlainHTTP, pishkhan.EInvalid,
		"نشانی مرکز باید با https آغاز شود؛ http بی‌رمز فقط برای شبیه‌ساز روی همین رایانه (127.0.0.1) پذیرفته است.",
		"the exchange at %s must be reached over https; plain http is allowed only to this computer (127.0.0.1, ::1, localhost: the simulator)", u.Host)
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// checkExchangeScheme is checkExchangeURL's rule for plain HTTP, as an
// error about the field.
func checkExchangeScheme(u *url.URL) error {
	if err := checkPlainHTTP(u); err != nil {
		pe := err.(*pishkhan.Error)
		return pishkhan.FieldError("exchange_url", pe.Persian, "%s", pe.Message)
	}
	return nil
}

const certNotTrusted = "گواهی مرکز معتبر نیست"

// certCause is the handshake's error inside certProblem's: it marks an
// error chain already explained.
type certCause struct{ error }

func (c certCause) Unwrap() error { return c.error }

// certProblem is the desk's error for err when err is the TLS handshake
// refusing the exchange's certificate, else nil.
func certProblem(err error) *pishkhan.Error {
	if err == nil {
		return nil
	}
	var (
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
		cv *tls.CertificateVerificationError
		sr x509.SystemRootsError
	)
	mk := func(fa, format string, args ...any) *pishkhan.Error {
		e := pishkhan.Errorf(pishkhan.EUnavailable, certNotTrusted+"؛ "+fa, format, args...)
		e.Err = certCause{err}
		return e
	}
	switch {
	case errors.As(err, &ua):
		return mk("صادرکنندهٔ آن برای این میز ناشناخته است. گواهی مرجع (CA) مرکز را از پشتیبانی بگیرید و تنظیم کنید (pishkhan sync ca set FILE).",
			"the exchange's certificate is not trusted: it is signed by an unknown authority; set the exchange's CA (pishkhan sync ca set FILE, or enrol with --ca FILE)")
	case errors.As(err, &he):
		names := "no names"
		if he.Certificate != nil {
			var ns []string
			ns = append(ns, he.Certificate.DNSNames...)
			for _, ip := range he.Certificate.IPAddresses {
				ns = append(ns, ip.String())
			}
			if len(ns) > 0 {
				names = strings.Join(ns, ", ")
			}
		}
		return mk(fmt.Sprintf("برای نشانی دیگری صادر شده است، نه «%s». نشانی مرکز را بررسی کنید.", he.Host),
			"the exchange's certificate is not valid for %s (it is for %s); check the exchange's address", he.Host, names)
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		return mk("تاریخ اعتبار آن یا گواهی مرجعش گذشته یا هنوز نرسیده است. تاریخ و ساعت این رایانه را بررسی کنید؛ اگر درست است، مرکز باید گواهی خود را نو کند.",
			"the exchange's certificate or its CA has expired or is not yet valid; check this PC's date and clock, else the exchange must renew it")
	case errors.As(err, &ci), errors.As(err, &cv), errors.As(err, &sr):
		return mk("این میز آن را نپذیرفت. با پشتیبانی مرکز تماس بگیرید.", "the exchange's certificate is not trusted")
	}
	return nil
}

// exchangeSetupError is err when retrying cannot help: the exchange's
// certificate is not trusted, plain HTTP to another computer, a damaged CA
// file. Else nil.
func exchangeSetupError(err error) error {
	if err == nil {
		return nil
	}
	var (
		cc certCause
		fc caFileCause
	)
	if errors.As(err, &cc) || errors.As(err, &fc) || errors.Is(err, errPlainHTTP) {
		return err // explained by the desk's transport
	}
	if ce := certProblem(err); ce != nil {
		return ce // from another client (Desk.HTTP)
	}
	return nil
}

// wrapSetupError wraps err, when it is an exchangeSetupError, with its code
// and Persian message and the English what; else nil.
func wrapSetupError(err error, what string, args ...any) error {
	se := exchangeSetupError(err)
	if se == nil {
		return nil
	}
	return pishkhan.WrapError(se, pishkhan.ErrorCode(se), pishkhan.PersianMessage(se), what, args...)
}

// probeError is the health probe's err as SyncStatus reports it: a
// certificate the desk does not trust says so (in Persian too).
func probeError(err error) error {
	if se := exchangeSetupError(err); se != nil {
		return se
	}
	return err
}

// CheckExchangeTLS asks the exchange the desk is enrolled with for its
// health and returns an error only when retrying cannot help: its
// certificate is not trusted, its address is plain http to another
// computer, or the CA file is damaged. An exchange that is just offline is
// nil: the sync's retries are for that.
func (d *Desk) CheckExchangeTLS(ctx context.Context) error {
	st, err := d.Store.SyncState(ctx)
	if err != nil || st.ExchangeURL == "" {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = (&exchange.Client{BaseURL: st.ExchangeURL, HTTP: d.httpClient()}).Health(pctx)
	return wrapSetupError(err, "the exchange at %s cannot be used", st.ExchangeURL)
}
