package desk_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

var serial int64 = 1

func nextSerial() *big.Int { serial++; return big.NewInt(serial) }

// The desk's store clock is fixed at deskStart; the TLS handshake uses the
// real clock. Test certificates cover both.
func validFrom() time.Time {
	t := time.Now()
	if deskStart.Before(t) {
		t = deskStart
	}
	return t.Add(-48 * time.Hour)
}

func newTestCA(t *testing.T, name string, notBefore, notAfter time.Time) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name, Organization: []string{"Pishkhan tests"}},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func goodCA(t *testing.T, name string) *testCA {
	return newTestCA(t, name, validFrom(), time.Now().AddDate(10, 0, 0))
}

// leaf is a server certificate signed by ca for names (DNS names or IPs).
func (ca *testCA) leaf(t *testing.T, notBefore, notAfter time.Time, names ...string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// tlsExchange serves an exchange simulator over TLS on loopback with cert;
// tweak, when given, changes the server's TLS settings.
func tlsExchange(t *testing.T, cert tls.Certificate, tweak func(*tls.Config)) (*exchangesim.Sim, string) {
	t.Helper()
	sim, err := exchangesim.Open(context.Background(), exchangesim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 1,
		InquiryDelay: time.Hour, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	srv := httptest.NewUnstartedServer(sim)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	if tweak != nil {
		tweak(srv.TLS)
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// goodExchange is a TLS exchange with a certificate from ca for 127.0.0.1.
func goodExchange(t *testing.T, ca *testCA) (*exchangesim.Sim, string) {
	t.Helper()
	cert, _ := ca.leaf(t, validFrom(), time.Now().AddDate(1, 0, 0), "127.0.0.1", "localhost")
	return tlsExchange(t, cert, nil)
}

func enrolAt(t *testing.T, d *desk.Desk, sim *exchangesim.Sim, url string) error {
	t.Helper()
	code, err := sim.IssueEnrolCode(context.Background(), 12345, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Enrol(context.Background(), desk.EnrolInput{ExchangeURL: url, OneTimeCode: code}, as(t, d, "tech"))
	return err
}

// expectCertError fails unless err is the desk's "certificate not trusted"
// error whose English says want.
func expectCertError(t *testing.T, err error, want string) {
	t.Helper()
	expectCode(t, err, pishkhan.EUnavailable, "")
	if fa := pishkhan.PersianMessage(err); !strings.HasPrefix(fa, "گواهی مرکز معتبر نیست") {
		t.Errorf("Persian message %q does not say the exchange's certificate is not valid", fa)
	}
	if !strings.Contains(err.Error(), "the exchange's certificate") || !strings.Contains(err.Error(), want) {
		t.Errorf("English message %q does not say %q", err, want)
	}
}

func expectNotEnrolled(t *testing.T, d *desk.Desk) {
	t.Helper()
	if st, err := d.Store.SyncState(context.Background()); err != nil || st.Enrolled() {
		t.Errorf("the desk is enrolled after a refused enrolment: %+v %v", st, err)
	}
	if _, err := os.Stat(d.KeyPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused enrolment left a key file: %v", err)
	}
}

// (a) With no CA configured, an exchange whose certificate comes from a CA
// the system does not know is refused, with the certificate error.
func TestTLSEnrolWithoutCAFails(t *testing.T) {
	d, _ := readyDesk(t)
	sim, url := goodExchange(t, goodCA(t, "Pishkhan test CA"))
	err := enrolAt(t, d, sim, url)
	expectCertError(t, err, "unknown authority")
	if !strings.Contains(err.Error(), "enrolment failed") {
		t.Errorf("error %q does not say the enrolment failed", err)
	}
	expectNotEnrolled(t, d)

	// A client given to the desk (Desk.HTTP) gets the same explanation.
	d.HTTP = &http.Client{Timeout: 10 * time.Second}
	expectCertError(t, enrolAt(t, d, sim, url), "unknown authority")
	expectNotEnrolled(t, d)
	if err := d.Store.SetEnrolment(context.Background(), url, "k-1", "tech"); err != nil {
		t.Fatal(err)
	}
	r, err := d.SyncStatus(context.Background(), true)
	if err != nil || r.Reachable {
		t.Fatalf("status: reachable %v, %v", r.Reachable, err)
	}
	expectCertError(t, r.ProbeErr, "unknown authority")
	expectCertError(t, d.CheckExchangeTLS(context.Background()), "unknown authority")
}

// (b) With the CA configured, enrolment, a sync and the health probe work
// over TLS; the CA is kept owner-only, in canonical PEM, and audited.
func TestTLSEnrolAndSyncWithCA(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	ca := goodCA(t, "Pishkhan test CA")
	sim, url := goodExchange(t, ca)

	// Text around the PEM block (as openssl x509 -text writes) is fine, and
	// a certificate given twice is kept once.
	file := append([]byte("Certificate:\n    Data: ...\n"), ca.pem...)
	file = append(file, ca.pem...)
	cas, err := d.SetExchangeCA(ctx, file, as(t, d, "tech"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cas) != 1 || cas[0].Subject != "Pishkhan test CA" || len(cas[0].SHA256) != 95 {
		t.Fatalf("CA set: %+v", cas)
	}
	kept, err := os.ReadFile(d.CAPath())
	if err != nil || !bytes.Equal(kept, ca.pem) {
		t.Fatalf("kept CA file %q (%v), want exactly the CA's PEM", kept, err)
	}
	if fi, err := os.Stat(d.CAPath()); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Fatalf("CA file: %v %v, want mode 0600", fi, err)
	}
	if shown, err := d.ExchangeCA(); err != nil || len(shown) != 1 || shown[0] != cas[0] {
		t.Fatalf("ExchangeCA: %+v %v", shown, err)
	}
	if trail, err := d.Store.AuditTrail(ctx, cas[0].SHA256, 0); err != nil || len(trail) != 1 || trail[0].Action != "sync.ca.set" || trail[0].Actor != "tech" {
		t.Errorf("audit of the CA: %+v %v", trail, err)
	}

	if err := enrolAt(t, d, sim, url); err != nil {
		t.Fatalf("enrol over TLS with the CA: %v", err)
	}
	if _, err := d.Intake(ctx, passInput(nationalCode(t, "001234567"))); err != nil {
		t.Fatal(err)
	}
	rep, err := d.NewReplicator(ctx, replicator.Config{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Cycle(ctx); err != nil {
		t.Fatalf("sync over TLS: %v", err)
	}
	if ids, err := sim.RequestIDs(ctx); err != nil || len(ids) != 1 {
		t.Fatalf("the exchange holds %v (%v)", ids, err)
	}
	r, err := d.SyncStatus(ctx, true)
	if err != nil || !r.Reachable || r.Outbox.Pending != 0 {
		t.Fatalf("status: reachable %v, pending %d, probe %q, %v", r.Reachable, r.Outbox.Pending, r.ProbeError, err)
	}
	if err := d.CheckExchangeTLS(ctx); err != nil {
		t.Errorf("CheckExchangeTLS: %v", err)
	}

	// Without the CA the same desk is refused again, at once: the running
	// replicator's client looks at the CA file at every call.
	if had, err := d.ClearExchangeCA(ctx, as(t, d, "tech")); err != nil || !had {
		t.Fatalf("ClearExchangeCA: %v %v", had, err)
	}
	if _, err := d.Intake(ctx, passInput(nationalCode(t, "052417893"))); err != nil {
		t.Fatal(err)
	}
	err = rep.Cycle(ctx)
	if !strings.Contains(err.Error(), "unknown authority") {
		t.Fatalf("sync after the CA was removed: %v", err)
	}
	if st, _ := d.Store.SyncState(ctx); !strings.Contains(st.LastError, "the exchange's certificate is not trusted") {
		t.Errorf("recorded sync error %q does not say the certificate is not trusted", st.LastError)
	}
	r, _ = d.SyncStatus(ctx, true)
	if r.Reachable {
		t.Fatal("the exchange is reachable without its CA")
	}
	expectCertError(t, r.ProbeErr, "unknown authority")
	expectCertError(t, d.CheckExchangeTLS(ctx), "unknown authority")
	// The doctor says it is a failure retrying will not mend, and what to do.
	var doc desk.Check
	for _, c := range d.Doctor(ctx, nil) {
		if c.Name == "exchange" {
			doc = c
		}
	}
	if doc.Status != desk.CheckFail || !strings.Contains(doc.Fix, "sync ca set") || !strings.Contains(doc.FixPersian, "گواهی") {
		t.Errorf("doctor on an untrusted exchange: %+v", doc)
	}

	// And trusted again once the CA is back, by the same replicator.
	if _, err := d.SetExchangeCA(ctx, ca.pem, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	if err := rep.Cycle(ctx); err != nil {
		t.Fatalf("sync with the CA set again: %v", err)
	}
	if ids, _ := sim.RequestIDs(ctx); len(ids) != 2 {
		t.Errorf("the exchange holds %d requests, want 2", len(ids))
	}
}

// (c) A CA configured for one exchange does not make a certificate from
// another CA trusted.
func TestTLSOtherCARefused(t *testing.T) {
	d, _ := readyDesk(t)
	ours := goodCA(t, "Our CA")
	sim, url := goodExchange(t, goodCA(t, "Someone else's CA"))
	if _, err := d.SetExchangeCA(context.Background(), ours.pem, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	expectCertError(t, enrolAt(t, d, sim, url), "unknown authority")
	expectNotEnrolled(t, d)
}

// (d) A bad CA file is refused with a field error and writes nothing: no
// CA file, no audit entry, and an earlier CA stays as it was.
func TestTLSBadCAFileRefused(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	ca := goodCA(t, "Good CA")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	_, leafPEM := ca.leaf(t, validFrom(), time.Now().AddDate(1, 0, 0), "exchange.example")
	expired := newTestCA(t, "Old CA", time.Now().AddDate(-3, 0, 0), validFrom().Add(-time.Hour))
	future := newTestCA(t, "Future CA", time.Now().AddDate(1, 0, 0), time.Now().AddDate(5, 0, 0))
	broken := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER at all")})
	cases := map[string]struct {
		file []byte
		want string
	}{
		"empty":       {nil, "no PEM certificate"},
		"not PEM":     {[]byte("hello, this is not a certificate\n"), "no PEM certificate"},
		"DER":         {ca.cert.Raw, "DER"},
		"broken":      {broken, "does not parse"},
		"private key": {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), "never a key"},
		"CA and key":  {append(append([]byte{}, ca.pem...), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})...), "never a key"},
		"other block": {pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte{1}}), "X509 CRL"},
		"server cert": {leafPEM, "not a CA certificate"},
		"expired":     {expired.pem, "expired"},
		"CA+expired":  {append(append([]byte{}, ca.pem...), expired.pem...), "expired"},
		"future":      {future.pem, "not valid until"},
		"too large":   {bytes.Repeat([]byte("x"), desk.MaxCAFileSize+1), "larger than"},
	}
	check := func(t *testing.T, wantFile []byte) {
		t.Helper()
		before := counts(t, d)
		for name, c := range cases {
			_, err := d.SetExchangeCA(ctx, c.file, as(t, d, "tech"))
			expectCode(t, err, pishkhan.EInvalid, "ca")
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: error %q does not say %q", name, err, c.want)
			}
			if _, err := desk.ParseExchangeCA(c.file, d.Now()); err == nil {
				t.Errorf("%s: ParseExchangeCA accepted it", name)
			}
		}
		unchanged(t, before, counts(t, d))
		got, err := os.ReadFile(d.CAPath())
		if wantFile == nil {
			if !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused CA file was written: %q %v", got, err)
			}
		} else if !bytes.Equal(got, wantFile) {
			t.Errorf("a refused CA file changed the kept one: %q %v", got, err)
		}
		left, _ := filepath.Glob(filepath.Join(d.DataDir(), ".exchange-ca-*"))
		if len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
	check(t, nil)
	if _, err := d.SetExchangeCA(ctx, ca.pem, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	check(t, ca.pem)

	// A clerk may not set the CA.
	_, err := d.SetExchangeCA(ctx, goodCA(t, "Clerk's CA").pem, as(t, d, "clerk1"))
	expectCode(t, err, pishkhan.EUnauthorized, "")
	if got, _ := os.ReadFile(d.CAPath()); !bytes.Equal(got, ca.pem) {
		t.Error("a clerk's CA was written")
	}
}

// (e) A certificate for another host name is refused even from the trusted CA.
func TestTLSHostnameMismatchRefused(t *testing.T) {
	d, _ := readyDesk(t)
	ca := goodCA(t, "Pishkhan test CA")
	cert, _ := ca.leaf(t, validFrom(), time.Now().AddDate(1, 0, 0), "exchange.other.example")
	sim, url := tlsExchange(t, cert, nil)
	if _, err := d.SetExchangeCA(context.Background(), ca.pem, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	err := enrolAt(t, d, sim, url)
	expectCertError(t, err, "not valid for 127.0.0.1")
	if !strings.Contains(err.Error(), "exchange.other.example") || !strings.Contains(pishkhan.PersianMessage(err), "نشانی") {
		t.Errorf("the error does not name the certificate's host or ask to check the address: %v / %s", err, pishkhan.PersianMessage(err))
	}
	expectNotEnrolled(t, d)
}

// An expired server certificate from the trusted CA is refused.
func TestTLSExpiredCertificateRefused(t *testing.T) {
	d, _ := readyDesk(t)
	ca := goodCA(t, "Pishkhan test CA")
	cert, _ := ca.leaf(t, time.Now().AddDate(-2, 0, 0), time.Now().Add(-time.Hour), "127.0.0.1")
	sim, url := tlsExchange(t, cert, nil)
	if _, err := d.SetExchangeCA(context.Background(), ca.pem, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	err := enrolAt(t, d, sim, url)
	expectCertError(t, err, "expired")
	if !strings.Contains(pishkhan.PersianMessage(err), "ساعت") {
		t.Errorf("the Persian message does not ask to check the clock: %s", pishkhan.PersianMessage(err))
	}
	expectNotEnrolled(t, d)
}

// An exchange that speaks only TLS 1.1 is refused: 1.2 is the minimum.
func TestTLSOldVersionRefused(t *testing.T) {
	d, _ := readyDesk(t)
	ca := goodCA(t, "Pishkhan test CA")
	cert, _ := ca.leaf(t, validFrom(), time.Now().AddDate(1, 0, 0), "127.0.0.1")
	sim, url := tlsExchange(t, cert, func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11 })
	if _, err := d.SetExchangeCA(context.Background(), ca.pem, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	err := enrolAt(t, d, sim, url)
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("enrol with a TLS 1.1 exchange: %v", err)
	}
	expectNotEnrolled(t, d)
}

// Enrolling with a CA keeps it only when the enrolment succeeds; a failed
// one puts the earlier CA back, or none.
func TestTLSEnrolWithCAKeepsItOnlyOnSuccess(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	right, wrong := goodCA(t, "Right CA"), goodCA(t, "Wrong CA")
	sim, url := goodExchange(t, right)
	enrol := func(ca *testCA) error {
		_, err := d.WithExchangeCA(ctx, ca.pem, as(t, d, "tech"), func() error { return enrolAt(t, d, sim, url) })
		return err
	}
	expectCertError(t, enrol(wrong), "unknown authority")
	if _, err := os.Stat(d.CAPath()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the CA of a failed enrolment was kept: %v", err)
	}
	expectNotEnrolled(t, d)
	if err := enrol(right); err != nil {
		t.Fatalf("enrol with the right CA: %v", err)
	}
	// Enrolling again with a wrong CA leaves the right one in place.
	expectCertError(t, enrol(wrong), "unknown authority")
	if got, _ := os.ReadFile(d.CAPath()); !bytes.Equal(got, right.pem) {
		t.Fatalf("a failed enrolment replaced the CA: %q", got)
	}
	if err := d.CheckExchangeTLS(ctx); err != nil {
		t.Errorf("after the failed re-enrolment: %v", err)
	}
}

// Plain http:// is for the simulator on this computer only.
func TestTLSPlainHTTPOnlyOnLoopback(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	for _, u := range []string{"http://exchange.example", "http://10.0.0.5:8700", "http://[2001:db8::1]:80", "HTTP://exchange.example/"} {
		_, err := d.Enrol(ctx, desk.EnrolInput{ExchangeURL: u, OneTimeCode: "123456"}, as(t, d, "tech"))
		expectCode(t, err, pishkhan.EInvalid, "exchange_url")
		if !strings.Contains(err.Error(), "https") {
			t.Errorf("%s: %v", u, err)
		}
	}
	// Loopback addresses get past the address check (nothing listens there).
	for _, u := range []string{"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.0.0.2:1"} {
		_, err := d.Enrol(ctx, desk.EnrolInput{ExchangeURL: u, OneTimeCode: "123456"}, as(t, d, "tech"))
		expectCode(t, err, pishkhan.EUnavailable, "")
	}
	expectNotEnrolled(t, d)

	// A desk enrolled over plain http with another computer before the
	// rule does not send to it: the client refuses, and says why.
	if err := d.Store.SetEnrolment(ctx, "http://exchange.example", "k-1", "tech"); err != nil {
		t.Fatal(err)
	}
	r, err := d.SyncStatus(ctx, true)
	if err != nil || r.Reachable || !strings.Contains(r.ProbeError, "must be reached over https") {
		t.Fatalf("status of a plain-http enrolment: reachable %v, %q, %v", r.Reachable, r.ProbeError, err)
	}
	expectCode(t, d.CheckExchangeTLS(ctx), pishkhan.EInvalid, "")
}

// A damaged CA file stops calls over https with a clear error, and plain
// http to the simulator on this computer works on.
func TestTLSDamagedCAFile(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	ca := goodCA(t, "Pishkhan test CA")
	sim, url := goodExchange(t, ca)
	if _, err := d.SetExchangeCA(ctx, ca.pem, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	if err := enrolAt(t, d, sim, url); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.CAPath(), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := d.CheckExchangeTLS(ctx)
	expectCode(t, err, pishkhan.EInternal, "")
	if !strings.Contains(err.Error(), "sync ca set") {
		t.Errorf("the error does not say how to fix it: %v", err)
	}
	if _, err := d.ExchangeCA(); err == nil {
		t.Error("ExchangeCA read a damaged file")
	}

	plainSim, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 2, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer plainSim.Close()
	srv := httptest.NewServer(plainSim)
	defer srv.Close()
	if err := enrolAt(t, d, plainSim, srv.URL); err != nil {
		t.Fatalf("enrol with the simulator over plain http: %v", err)
	}
}
