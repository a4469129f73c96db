package report

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"github.com/pishkhan/pishkhan/fonts"
	"github.com/pishkhan/pishkhan/persian"
)

// coverage is the set of BMP characters Vazirmatn has a glyph for (both
// weights have the same cmap; the tests check it). fpdf looks glyphs up in
// the font's cmap by the code point it is given, so a presentation form is
// drawn only if the font maps that code point itself; Vazirmatn does, for
// every form persian.Shape produces (TestFontCoversShapedText).
type coverage [0x10000 / 64]uint64

func (c *coverage) has(r rune) bool {
	return r >= 0 && r < 0x10000 && c[r/64]&(1<<(uint(r)%64)) != 0
}

var fontCoverage = sync.OnceValues(func() (*coverage, error) {
	f, err := sfnt.Parse(fonts.VazirmatnRegular)
	if err != nil {
		return nil, fmt.Errorf("report: parse Vazirmatn: %w", err)
	}
	var buf sfnt.Buffer
	c := new(coverage)
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		if g, err := f.GlyphIndex(&buf, r); err == nil && g != 0 {
			c[r/64] |= 1 << (uint(r) % 64)
		}
	}
	return c, nil
})

// clean makes s safe to draw: tabs become spaces, other control characters
// and bidi embedding/override/isolate controls (which Visual ignores) are
// dropped, and a character the font has no glyph for becomes U+FFFD.
// Line breaks ('\n') are kept; "\r\n" and '\r' become '\n'.
func clean(s string, cov *coverage) string {
	ok := utf8.ValidString(s)
	for _, r := range s {
		if !ok || r == '\t' || r == '\r' || (r != '\n' && !cov.has(r)) || isBidiControl(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == '\r' || r == '\n':
			b.WriteByte('\n')
		case isBidiControl(r), unicode.IsControl(r), r == utf8.RuneError && !cov.has(r):
			// dropped
		case !cov.has(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isBidiControl reports the explicit embedding, override and isolate
// controls; LRM, RLM and ALM are kept (Visual handles them as letters).
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// line is one drawn line: shaped, in visual order, and its width in mm.
type line struct {
	vis     string  // the glyphs from left to right: persian.Visual of the shaped text
	w       float64 // mm, in the font it was measured in
	visR    []rune  // vis
	pieces  []piece // how it is written for text extractors (pieces.go)
	logical string  // the text as typed (for drawHook)
}

// measurer measures text in the font currently set on pdf.
type measurer struct {
	pdf *fpdf.Fpdf
	cov *coverage
}

// visual prepares a logical line for fpdf and measures it.
func (m measurer) visual(logical string) line {
	visR, ps := linePieces(persian.Shape(logical))
	v := string(visR)
	return line{v, m.pdf.GetStringWidth(v), visR, ps, logical}
}

// width is the drawn width of a logical piece of text without line breaks:
// shaping does not change across spaces and reordering does not change the
// width, so words can be measured one at a time.
func (m measurer) width(logical string) float64 {
	return m.pdf.GetStringWidth(persian.Shape(logical))
}

// wrap breaks text (logical order, any characters) into lines no wider than
// width, at spaces where it can and inside a word where it must, in logical
// order, then shapes and orders each line. At most maxLines lines are
// returned; if the text needs more, the last one ends with "…".
func (m measurer) wrap(text string, width float64, maxLines int) []line {
	text = clean(text, m.cov)
	var logical []string
	space := m.pdf.GetStringWidth(" ")
paras:
	for para := range strings.SplitSeq(text, "\n") {
		words := strings.Fields(para)
		cur, curW := "", 0.0
		flush := func() {
			logical = append(logical, cur)
			cur, curW = "", 0
		}
		for _, word := range words {
			ww := m.width(word)
			if cur != "" && curW+space+ww <= width {
				cur += " " + word
				curW += space + ww
				continue
			}
			if cur != "" {
				flush()
			}
			for ww > width && utf8.RuneCountInString(word) > 1 {
				if len(logical) > maxLines {
					break paras
				}
				head, rest := m.breakWord(word, width)
				logical = append(logical, head)
				word = rest
				ww = m.width(word)
			}
			cur, curW = word, ww
			if len(logical) > maxLines {
				break paras
			}
		}
		if cur != "" || len(words) == 0 {
			flush()
		}
		if len(logical) > maxLines {
			break
		}
	}
	// Drop empty lines at the end (a trailing line break).
	for len(logical) > 1 && logical[len(logical)-1] == "" {
		logical = logical[:len(logical)-1]
	}
	if len(logical) > maxLines {
		logical = logical[:maxLines]
		last := []rune(logical[maxLines-1])
		for len(last) > 0 && m.width(string(last)+"…") > width {
			last = last[:len(last)-1]
		}
		logical[maxLines-1] = strings.TrimRight(string(last), " ") + "…"
	}
	out := make([]line, len(logical))
	for i, l := range logical {
		out[i] = m.visual(l)
	}
	return out
}

// breakWord splits a word too wide for width: the longest head (at least
// one character, and never between a letter and its marks) that fits, and
// the rest.
func (m measurer) breakWord(word string, width float64) (head, rest string) {
	rs := []rune(word)
	// Binary search the longest prefix that fits.
	lo, hi := 1, len(rs)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if m.width(string(rs[:mid])) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	n := lo
	// Rather after a hyphen, slash or separator inside the head (a
	// tracking code, a date, a long number), if it keeps half the width.
	for k := n - 1; k > 0; k-- {
		if isBreakAfter(rs[k-1]) {
			if m.width(string(rs[:k])) >= width/2 {
				n = k
			}
			break
		}
	}
	for n > 1 && n < len(rs) && unicode.Is(unicode.Mn, rs[n]) {
		n--
	}
	for n < len(rs)-1 && unicode.Is(unicode.Mn, rs[n]) {
		n++ // a letter of only marks: keep them with it
	}
	return string(rs[:n]), string(rs[n:])
}

// isBreakAfter reports the characters a too-long word may be broken after.
func isBreakAfter(r rune) bool {
	switch r {
	case '-', '/', '_', '.', ',', '،', '٬', ':', ';', '\\', '|', '\u200c':
		return true
	}
	return false
}
