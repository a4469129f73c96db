package report

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"github.com/pishkhan/pishkhan/persian"
)

// fpdf embeds each UTF-8 font with a fixed ToUnicode CMap that maps every
// character code to itself. The report draws Persian as Arabic
// presentation forms (the shaping fpdf does not do), so a reader copying
// text from the PDF would get presentation forms: they look right but are
// not the letters a search or a database expects. fixToUnicode replaces
// that CMap with one that maps each presentation form of a single letter
// back to that letter (ﺑ → ب; the lam-alef ligatures to their two letters,
// see buildCMap) and every other code to itself, and moves the cross-reference offsets after it by the change in
// length. The CMap stream is written uncompressed by fpdf, so this is a
// byte-exact replacement.

// fpdfToUnicode is fpdf's identity CMap (codeberg.org/go-pdf/fpdf
// v0.12.0, utf8fontfile.go), as it appears in the file.
const fpdfToUnicode = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"

// presentationCMap is the replacement; mirrorCMap is the one of the mirror
// copy of the font (pieces.go), where bracket pairs swap. Each is built on
// first use (the presentation map is ~1 MB to build; the window links this
// package but prints a PDF rarely).
var (
	presentationCMap = sync.OnceValue(func() string { return buildCMap(false) })
	mirrorCMap       = sync.OnceValue(func() string { return buildCMap(true) })
)

func buildCMap(mirror bool) string {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n")
	b.WriteString("/CMapName /Pishkhan-Persian-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	if mirror {
		// The mirror font draws only mirrored brackets: each maps to its
		// pair.
		var pairs []string
		for r, m := range persian.Mirrored {
			pairs = append(pairs, fmt.Sprintf("<%04X> <%04X>", r, m))
		}
		sort.Strings(pairs)
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", len(pairs), strings.Join(pairs, "\n"))
		b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
		return b.String()
	}
	presentation := func(hi int) bool { return hi >= 0xFB && hi <= 0xFD || hi == 0xFE }
	// Codes mapped one by one outside the presentation forms: the bridge
	// (pieces.go), to U+0000.
	special := map[int]string{int(bridge): "0000"}
	// Identity for every other code outside the presentation forms, in
	// ranges within one high byte (a range may vary only in its last
	// byte), at most 100 ranges to a block.
	var ranges []string
	for hi := 0; hi <= 0xFF; hi++ {
		if presentation(hi) || hi >= 0xD8 && hi <= 0xDF { // no surrogates
			continue
		}
		lo := 0
		for c := 0; c <= 0x100; c++ {
			if _, ok := special[hi<<8|c]; ok || c == 0x100 {
				if c > lo {
					ranges = append(ranges, fmt.Sprintf("<%02X%02X> <%02X%02X> <%02X%02X>", hi, lo, hi, c-1, hi, lo))
				}
				lo = c + 1
			}
		}
	}
	var chars []string
	var codes []int
	for c := range special {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		chars = append(chars, fmt.Sprintf("<%04X> <%s>", c, special[c]))
	}
	// The presentation-form blocks, code by code.
	for c := 0xFB00; c <= 0xFEFF; c++ {
		d := norm.NFKC.String(string(rune(c)))
		switch rs := []rune(d); {
		case c >= 0xFEF5 && c <= 0xFEFC:
			// The lam-alef ligatures map to their two letters in visual
			// order, alef then lam: pdf.js and poppler both expand a
			// glyph's text and then reverse the right-to-left piece
			// character by character, so «ال» here is copied as «لا» (and
			// «لا» here was copied as «ال»). Measured with both
			// (docs/pdfjs-check); TestCopiedTextIsLetters.
			d = string([]rune{rs[1], rs[0]})
		case c >= 0xFE00 && c <= 0xFE0F || d == "" || len(rs) > 1:
			// Variation selectors and other ligatures (the report draws
			// none) map to themselves.
			d = string(rune(c))
		}
		var hex strings.Builder
		for _, u := range utf16.Encode([]rune(d)) {
			fmt.Fprintf(&hex, "%04X", u)
		}
		chars = append(chars, fmt.Sprintf("<%04X> <%s>", c, hex.String()))
	}
	for i := 0; i < len(ranges); i += 100 {
		part := ranges[i:min(i+100, len(ranges))]
		fmt.Fprintf(&b, "%d beginbfrange\n%s\nendbfrange\n", len(part), strings.Join(part, "\n"))
	}
	for i := 0; i < len(chars); i += 100 {
		part := chars[i:min(i+100, len(chars))]
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", len(part), strings.Join(part, "\n"))
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.String()
}

// fixToUnicode returns pdf with fpdf's identity CMaps replaced and the
// cross-reference table and startxref moved to match. A file without the
// identity CMap, or whose xref it cannot read, comes back unchanged with an
// error.
func fixToUnicode(pdf []byte) ([]byte, error) {
	oldDict := []byte("<</Length " + strconv.Itoa(len(fpdfToUnicode)) + ">>\nstream\n" + fpdfToUnicode)
	dict := func(cmap string) []byte {
		return []byte("<</Length " + strconv.Itoa(len(cmap)) + ">>\nstream\n" + cmap)
	}
	newDict, mirrorDict := dict(presentationCMap()), dict(mirrorCMap())
	var at []int      // where each replaced CMap started, in the old file
	var repl [][]byte // and what replaces it
	for i := 0; ; {
		j := bytes.Index(pdf[i:], oldDict)
		if j < 0 {
			break
		}
		// The CMap follows its font's dictionaries: the last /BaseFont
		// before it names the font.
		d := newDict
		if bf := bytes.LastIndex(pdf[:i+j], []byte("/BaseFont /utf8")); bf >= 0 && bytes.HasPrefix(pdf[bf+len("/BaseFont /utf8"):], []byte(mirrorFamily)) {
			d = mirrorDict
		}
		at = append(at, i+j)
		repl = append(repl, d)
		i += j + len(oldDict)
	}
	if len(at) == 0 {
		return pdf, fmt.Errorf("report: no identity ToUnicode CMap in the PDF")
	}
	shift := func(off int) int {
		d := 0
		for k, p := range at {
			if off > p {
				d += len(repl[k]) - len(oldDict)
			}
		}
		return off + d
	}
	xref := bytes.LastIndex(pdf, []byte("\nxref\n"))
	sx := bytes.LastIndex(pdf, []byte("startxref\n"))
	if xref < 0 || sx < xref {
		return pdf, fmt.Errorf("report: no cross-reference table in the PDF")
	}
	// Rebuild the body with the new CMaps.
	var out bytes.Buffer
	prev := 0
	for k, p := range at {
		out.Write(pdf[prev:p])
		out.Write(repl[k])
		prev = p + len(oldDict)
	}
	out.Write(pdf[prev : xref+1])
	// The xref table: "xref\n0 N\n" then N lines "OOOOOOOOOO GGGGG n \n".
	lines := strings.Split(string(pdf[xref+1:sx]), "\n")
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) == 3 && f[2] == "n" && len(f[0]) == 10 {
			off, err := strconv.Atoi(f[0])
			if err != nil {
				return pdf, fmt.Errorf("report: xref line %q: %w", l, err)
			}
			lines[i] = fmt.Sprintf("%010d %s n ", shift(off), f[1])
		}
	}
	out.WriteString(strings.Join(lines, "\n"))
	// startxref: the table itself moved by every replacement.
	rest := string(pdf[sx+len("startxref\n"):])
	nl := strings.IndexByte(rest, '\n')
	if nl < 0 {
		return pdf, fmt.Errorf("report: no startxref offset")
	}
	old, err := strconv.Atoi(strings.TrimSpace(rest[:nl]))
	if err != nil || old != xref+1 {
		return pdf, fmt.Errorf("report: startxref %q does not point at the xref table", rest[:nl])
	}
	fmt.Fprintf(&out, "startxref\n%d%s", shift(old), rest[nl:])
	return out.Bytes(), nil
}
