package iransystem

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/pishkhan/pishkhan/persian"
)

// ErrUnmapped is wrapped by every *UnmappedError; test for it with
// errors.Is.
var ErrUnmapped = errors.New("no Iran System code")

// UnmappedError reports a rune that Encode cannot map to a byte.
type UnmappedError struct {
	Rune   rune // the rune; U+FFFD also stands for invalid UTF-8
	Offset int  // byte offset of the rune in the text given to Encode
}

func (e *UnmappedError) Error() string {
	msg := fmt.Sprintf("iransystem: %U %q at byte %d has no Iran System code", e.Rune, e.Rune, e.Offset)
	if unshaped(e.Rune) {
		msg += " (an unshaped letter: shape the text first, e.g. with FromLogical)"
	}
	return msg
}

// Unwrap returns ErrUnmapped.
func (e *UnmappedError) Unwrap() error { return ErrUnmapped }

// unshaped reports a letter in its nominal form that persian.Shape would
// have replaced by a presentation form.
func unshaped(r rune) bool {
	return r >= 0x0620 && r <= 0x06FF && persian.Shape(string(r)) != string(r)
}

// encoding maps every rune Encode accepts outside printable ASCII to its
// byte; decoding is the inverse for the canonical runes of the upper half.
var (
	encoding = map[rune]byte{}
	decoding [256]rune
)

func init() {
	add := func(r rune, b byte) {
		if old, dup := encoding[r]; dup {
			panic(fmt.Sprintf("iransystem: %U is both 0x%02X and 0x%02X", r, old, b))
		}
		encoding[r] = b
	}
	for b := range 0x80 {
		decoding[b] = rune(b)
	}
	for b := 0x80; b <= 0xFF; b++ {
		c := upper[b]
		decoding[b] = c.canonical
		add(c.canonical, byte(b))
		for _, r := range c.shared {
			add(r, byte(b))
		}
	}
	for from, to := range folds {
		b, ok := lookup(to)
		if !ok {
			panic(fmt.Sprintf("iransystem: fold %U → %U has no byte", from, to))
		}
		add(from, b)
	}
}

// lookup returns the byte for r, if Encode accepts r as a character.
func lookup(r rune) (byte, bool) {
	if r >= 0x20 && r <= 0x7E {
		return byte(r), true
	}
	b, ok := encoding[r]
	return b, ok
}

// Encode maps text that is already shaped (presentation forms, as from
// persian.Shape) and in visual order (as from persian.Visual) to Iran
// System bytes, one byte per character, in the same left-to-right order.
// Zero-width formatting characters are left out. It fails with an
// *UnmappedError for the first rune that has no byte; see the package
// documentation for what is accepted.
func Encode(visual string) ([]byte, error) {
	out := make([]byte, 0, len(visual))
	for i, r := range visual {
		if invisible[r] {
			continue
		}
		b, ok := lookup(r)
		if !ok {
			return nil, &UnmappedError{Rune: r, Offset: i}
		}
		out = append(out, b)
	}
	return out, nil
}

// EncodeLossy is Encode that never fails: a rune Encode refuses is
// replaced by its nearest substitute (أ and إ by ا, ؤ by و, ة by ه, the
// lam-alef ligatures with madda or hamza by لا, ؛ by ';', ٪ by '%', « and »
// by '"', other dashes by '-', narrow spaces by a space), dropped if it is a
// nonspacing mark (harakat), and otherwise written as '?'. Use it where
// some output beats none, such as a preview; receipts should use Encode.
func EncodeLossy(visual string) []byte {
	out := make([]byte, 0, len(visual))
	for _, r := range visual {
		if invisible[r] {
			continue
		}
		b, ok := lookup(r)
		if ok {
			out = append(out, b)
			continue
		}
		if s, ok := nearest[r]; ok {
			b, _ = lookup(s)
			out = append(out, b)
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		out = append(out, '?')
	}
	return out
}

// Decode maps Iran System bytes to text: 0x00–0x7F to the same ASCII
// characters (control bytes included; Decode does not interpret printer
// commands) and 0x80–0xFF to the canonical rune of each byte, presentation
// forms for the letters. The text stays in visual order. Every byte has a
// rune, so Decode never fails, and Encode(Decode(b)) == b for every b
// without control bytes (0x00–0x1F, 0x7F).
func Decode(b []byte) string {
	var sb strings.Builder
	sb.Grow(2 * len(b))
	for _, c := range b {
		sb.WriteRune(decoding[c])
	}
	return sb.String()
}

// Canonical returns visual as Decode(Encode(visual)) gives it back when
// Encode succeeds: each accepted rune replaced by the canonical rune of its
// byte and the zero-width formatting characters left out. Runes Encode
// refuses are kept as they are (invalid UTF-8 as U+FFFD).
func Canonical(visual string) string {
	var sb strings.Builder
	sb.Grow(len(visual))
	for _, r := range visual {
		if invisible[r] {
			continue
		}
		if b, ok := lookup(r); ok {
			r = decoding[b]
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// FromLogical encodes one line of ordinary (logical-order, unshaped) text:
// persian.Shape, persian.Visual for a right-to-left line, then Encode. The
// line must not contain line breaks, which Encode refuses as control
// characters; break text into lines first. An *UnmappedError's Offset is
// in the shaped, visual-order text (persian.ForDevice(line)), not in line.
func FromLogical(line string) ([]byte, error) {
	b, err := Encode(persian.ForDevice(line))
	if err != nil {
		return nil, fmt.Errorf("line %q: %w", line, err)
	}
	return b, nil
}
