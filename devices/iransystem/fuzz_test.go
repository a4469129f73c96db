package iransystem

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/pishkhan/pishkhan/persian"
)

// FuzzEncode: Encode never panics; when it succeeds, Decode gives back
// Canonical(s), one byte per visible rune, and Encode(Canonical(s)) is the
// same bytes; when it fails, the error names the first rune it cannot map.
// EncodeLossy never panics and agrees with Encode where Encode succeeds.
func FuzzEncode(f *testing.F) {
	for _, line := range receipts {
		f.Add(line)
		f.Add(persian.ForDevice(line))
	}
	for _, s := range []string{"", "\x00", "\xff", "\u200c", "ﺃ", "\u0628", "ﻼﺑ", "a\u064Eb", "€"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lossy := EncodeLossy(s)
		b, err := Encode(s)
		if err != nil {
			var ue *UnmappedError
			if !errors.As(err, &ue) || !errors.Is(err, ErrUnmapped) || b != nil {
				t.Fatalf("Encode(%q) = % X, %v", s, b, err)
			}
			if ue.Offset < 0 || ue.Offset >= len(s) {
				t.Fatalf("Encode(%q): offset %d out of range", s, ue.Offset)
			}
			if r, _ := utf8.DecodeRuneInString(s[ue.Offset:]); r != ue.Rune {
				t.Fatalf("Encode(%q): error names %U, but %U is at %d", s, ue.Rune, r, ue.Offset)
			}
			if _, err := Encode(s[:ue.Offset]); err != nil {
				t.Fatalf("Encode(%q): the error at %d is not the first: %v", s, ue.Offset, err)
			}
			return
		}
		if got, want := Decode(b), Canonical(s); got != want {
			t.Fatalf("Decode(Encode(%q)) = %q, want %q", s, got, want)
		}
		if n := utf8.RuneCountInString(Canonical(s)); len(b) != n {
			t.Fatalf("Encode(%q) gave %d bytes for %d runes", s, len(b), n)
		}
		if b2, err := Encode(Canonical(s)); err != nil || !bytes.Equal(b2, b) {
			t.Fatalf("Encode(Canonical(%q)) = % X, %v; want % X", s, b2, err, b)
		}
		if !bytes.Equal(lossy, b) {
			t.Fatalf("EncodeLossy(%q) = % X, Encode % X", s, lossy, b)
		}
	})
}

// FuzzDecode: every byte string without control bytes comes back from
// Encode(Decode(b)) unchanged.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0xFC, 0xF3, 0xE4})
	f.Add([]byte("abc \x80\xff\xb0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := Decode(b)
		if !utf8.ValidString(s) {
			t.Fatalf("Decode(% X) is not valid UTF-8", b)
		}
		clean := make([]byte, 0, len(b))
		for _, c := range b {
			if c >= 0x20 && c != 0x7F {
				clean = append(clean, c)
			}
		}
		got, err := Encode(Decode(clean))
		if err != nil || !bytes.Equal(got, clean) {
			t.Fatalf("Encode(Decode(% X)) = % X, %v", clean, got, err)
		}
	})
}
