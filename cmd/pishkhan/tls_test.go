package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSyncCACommands: the technician sets the exchange's CA, a clerk may
// not, a file that is not a CA is refused, and the CA file is owner-only.
func TestSyncCACommands(t *testing.T) {
	dir := setup(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Pishkhan test exchange CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(t.TempDir(), "junk.pem")
	os.WriteFile(junk, []byte("not a certificate\n"), 0o644)

	if code, _, errs := pk(t, testPINs["ali"]+"\n", "--user", "ali", "--data", dir, "sync", "ca", "set", ca); code != exitUnauthorized {
		t.Errorf("a clerk setting the CA: exit %d, %s", code, errs)
	}
	if code, _, errs := pk(t, testPINs["tech"]+"\n", "--user", "tech", "--data", dir, "sync", "ca", "set", junk); code != exitInvalid {
		t.Errorf("a junk CA file: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "exchange-ca.pem")); !os.IsNotExist(err) {
		t.Fatalf("refused CA files left a CA behind: %v", err)
	}
	if out := as(t, "tech", "--data", dir, "sync", "ca", "set", ca); !strings.Contains(out, "exchange CA set: 1 certificate") {
		t.Errorf("set: %s", out)
	}
	fi, err := os.Stat(filepath.Join(dir, "exchange-ca.pem"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the CA file: %v %v", fi, err)
	}
	if out := mustPK(t, "--data", dir, "sync", "ca", "show"); !strings.Contains(out, "Pishkhan test exchange CA") {
		t.Errorf("show: %s", out)
	}
	as(t, "tech", "--data", dir, "sync", "ca", "clear")
	if _, err := os.Stat(filepath.Join(dir, "exchange-ca.pem")); !os.IsNotExist(err) {
		t.Errorf("clear left the CA file: %v", err)
	}
}
