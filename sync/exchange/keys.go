package exchange

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/pishkhan/pishkhan/atomicfile"
)

// GenerateKey makes a new desk key from rand (crypto/rand when nil).
func GenerateKey(rand io.Reader) (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand)
	if err != nil {
		return nil, fmt.Errorf("generate desk key: %w", err)
	}
	return priv, nil
}

// SaveKey writes key to path as a PKCS#8 PEM file that only its owner can
// read (0600). It writes a temporary file, syncs it and renames it over
// path, so a crash leaves either the old key or the new one, never half.
func SaveKey(path string, key ed25519.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode desk key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := atomicfile.Write(path, ".desk-key-*", data); err != nil {
		return fmt.Errorf("save desk key: %w", err)
	}
	return nil
}

// ErrKeyMissing is returned by LoadKey when there is no key file (the desk is not enrolled).
var ErrKeyMissing = errors.New("desk key file does not exist")

// LoadKey reads the desk key from path. On unix it refuses a file that
// others than its owner can read or write.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("load desk key %s: %w", path, ErrKeyMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("load desk key: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("load desk key %s: permissions %v let others read it; run chmod 600", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load desk key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("load desk key %s: not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("load desk key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("load desk key %s: not an Ed25519 key", path)
	}
	return priv, nil
}
