package rtl

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"

	"github.com/pishkhan/pishkhan/persian"
)

// The directional marks Text puts around every run. They are zero-width:
// HarfBuzz (go-text's port, which Fyne shapes with) draws default-ignorable
// characters as an empty glyph, and Vazirmatn has glyphs for both anyway.
const (
	LRM = '\u200e' // LEFT-TO-RIGHT MARK, a strong L character
	RLM = '\u200f' // RIGHT-TO-LEFT MARK, a strong R character
	LRO = '\u202d' // LEFT-TO-RIGHT OVERRIDE
	RLO = '\u202e' // RIGHT-TO-LEFT OVERRIDE
	PDF = '\u202c' // POP DIRECTIONAL FORMATTING, ends an override
)

// A Run is a stretch of one line that is drawn in one direction: a
// right-to-left run (Persian words and the spaces and punctuation around
// them) or a left-to-right one (a number, a date, Latin words).
type Run struct {
	Start, End int  // byte offsets of the run in the string given to Runs
	Line       int  // which line (0-based) of a multi-line string it is on
	RTL        bool // drawn right to left; its characters are in logical order
}

// Runs splits s into its directional runs, line by line (lines end at
// '\n' or another paragraph separator, which belongs to no run), and orders
// the runs of each line from left to right as they appear on screen. Each
// line is a right-to-left paragraph, ordered by the Unicode Bidirectional
// Algorithm (UAX #9) as persian.Visual orders it, except a line without any
// right-to-left letter (only Latin, digits, punctuation), which is one
// left-to-right run, drawn as it is written.
//
// A run's own characters stay in logical order: Fyne's shaper (HarfBuzz)
// lays out a right-to-left run from right to left and mirrors its brackets
// and guillemets itself.
func Runs(s string) []Run {
	var out []Run
	for n, l := range lineSpans(s) {
		out = appendLineRuns(out, s[l[0]:l[1]], l[0], n)
	}
	return out
}

// hasRTL reports whether s holds a right-to-left letter (class R or AL).
func hasRTL(s string) bool {
	for _, r := range s {
		if c := persian.BidiClass(r); c == bidi.R || c == bidi.AL {
			return true
		}
	}
	return false
}

func appendLineRuns(out []Run, s string, off, line int) []Run {
	if s == "" {
		return out
	}
	if !hasRTL(s) {
		return append(out, Run{Start: off, End: off + len(s), Line: line})
	}
	rs := []rune(s)
	lv := persian.Levels(rs)
	// The levels are only 1 (right to left) and 2 (left to right), so the
	// maximal runs alternate and rule L2 puts them in reverse logical order.
	var logical []Run
	b := off
	for i := 0; i < len(rs); {
		j := i
		e := b
		for j < len(rs) && lv[j] == lv[i] {
			e += utf8.RuneLen(rs[j])
			j++
		}
		logical = append(logical, Run{Start: b, End: e, Line: line, RTL: lv[i] == 1})
		b, i = e, j
	}
	for i := len(logical) - 1; i >= 0; i-- {
		out = append(out, logical[i])
	}
	return out
}

// Text turns logical-order text of right-to-left paragraphs (one per line)
// into the string Fyne must be given to draw it as a Persian reader
// expects: the runs of each line in their on-screen order from left to
// right, each run's own characters in logical order, and each run closed
// in by a directional mark of its own direction (RLM around a
// right-to-left run, LRM around a left-to-right one). Fyne lays the runs of
// a line out from left to right in the order they come in its string and
// reverses each right-to-left run itself; the marks make sure its bidi
// segmentation finds exactly these runs — two right-to-left runs never
// merge, and a comma or bracket at the edge of a run keeps the run's
// direction. A line without right-to-left letters is returned unchanged.
//
// The result is for drawing only: it is not the text to store or compare.
func Text(s string) string {
	if !hasRTL(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	prevEnd := 0
	for _, l := range lineSpans(s) {
		b.WriteString(s[prevEnd:l[0]]) // the separator before this line
		writeLine(&b, s[l[0]:l[1]])
		prevEnd = l[1]
	}
	return b.String()
}

// writeLine writes one line, prepared for Fyne, to b.
func writeLine(b *strings.Builder, line string) {
	if !hasRTL(line) {
		b.WriteString(line)
		return
	}
	b.WriteRune(RLM) // the paragraph is right to left (P2, P3)
	for _, r := range appendLineRuns(nil, line, 0, 0) {
		writeForced(b, line[r.Start:r.End], r.RTL)
	}
	b.WriteRune(RLM) // no whitespace or ZWNJ is trailing for rule L1
}

// writeForced writes text, a stretch of one direction in logical order,
// so that Fyne draws it in that direction whatever it holds: inside a
// directional override (LRO or RLO … PDF), which makes go-text's bidi
// resolve every character to the override's direction. A right-to-left
// stretch is cut at its closing delimiters (splitAtClosers) and the pieces
// written in on-screen order, kept apart by an LRM.
func writeForced(b *strings.Builder, text string, rtl bool) {
	if !rtl {
		b.WriteRune(LRO)
		writeLeadingMark(b, text, LRM)
		b.WriteString(text)
		b.WriteRune(PDF)
		return
	}
	pieces := splitAtClosers(text)
	for i := len(pieces) - 1; i >= 0; i-- {
		if i < len(pieces)-1 {
			b.WriteRune(LRM) // keeps the pieces apart as bidi runs
		}
		b.WriteRune(RLO)
		writeLeadingMark(b, pieces[i], RLM)
		b.WriteString(pieces[i])
		b.WriteRune(PDF)
	}
}

// A Piece is part of a line cut by Pieces: its logical range and the string
// to give Fyne to draw it on its own (in a canvas.Text or a RichText
// segment) in the direction it has in the line.
type Piece struct {
	Start, End int // byte offsets in the string given to Pieces
	Line       int
	RTL        bool
	Draw       string
}

// Pieces cuts s's runs (see Runs) also at the given byte offsets and
// returns the pieces in on-screen order, line by line, each line from left
// to right. Drawing each piece's Draw string in its own text object, the
// objects side by side from left to right, shows the line as Text(s)
// does; this is how a part of a line (a word, a figure) gets its own
// colour or style: see RichText.
func Pieces(s string, cuts ...int) []Piece {
	var out []Piece
	lines := lineSpans(s)
	for _, r := range Runs(s) {
		l := lines[r.Line]
		out = append(out, runPieces(s, r, hasRTL(s[l[0]:l[1]]), cuts)...)
	}
	return out
}

// runPieces cuts the run r of s at those of cuts that fall inside it, on a
// character's start, and returns the pieces in on-screen order. In a line
// that holds right-to-left text (forced), each piece is drawn between two
// RLMs with its direction forced, so that it shows on its own as it does
// within the line.
func runPieces(s string, r Run, forced bool, cuts []int) []Piece {
	var inside []int
	for _, c := range cuts {
		if c > r.Start && c < r.End && utf8.RuneStart(s[c]) {
			inside = append(inside, c)
		}
	}
	slices.Sort(inside)
	inside = slices.Compact(inside)
	bounds := append(append([]int{r.Start}, inside...), r.End)
	ps := make([]Piece, 0, len(bounds)-1)
	for k := 0; k+1 < len(bounds); k++ {
		a, e := bounds[k], bounds[k+1]
		draw := s[a:e]
		if forced {
			var b strings.Builder
			b.WriteRune(RLM)
			writeForced(&b, s[a:e], r.RTL)
			b.WriteRune(RLM)
			draw = b.String()
		}
		ps = append(ps, Piece{Start: a, End: e, Line: r.Line, RTL: r.RTL, Draw: draw})
	}
	if r.RTL {
		slices.Reverse(ps)
	}
	return ps
}

// lineSpans returns the byte ranges of s's lines (without separators).
func lineSpans(s string) [][2]int {
	var out [][2]int
	start := 0
	for i, r := range s {
		if persian.IsParagraphSeparator(r) {
			out = append(out, [2]int{start, i})
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, [2]int{start, len(s)})
}

// writeLeadingMark writes mark when s starts with a boundary neutral (a
// ZWNJ, say): x/text's bidi gives such a character the level of the one
// before the override, which would put it in the neighbouring run.
func writeLeadingMark(b *strings.Builder, s string, mark rune) {
	r, _ := utf8.DecodeRuneInString(s)
	if persian.BidiClass(r) == bidi.BN {
		b.WriteRune(mark)
	}
}

// splitAtClosers cuts a right-to-left run before and after every closing
// delimiter (with the marks on it). Fyne draws the shaping items of one
// bidi run in logical order, and go-text's script segmentation
// (shaping/input.go, splitByScript) gives a closing delimiter the script of
// the opening one it matches anywhere earlier in the string — in a
// reordered line often a Latin run's — and so cuts the Persian run there.
// Text therefore hands each such piece to Fyne as a bidi run of its own, in
// on-screen order.
func splitAtClosers(s string) []string {
	var pieces []string
	start := 0
	rs := []rune(s)
	off := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		size := utf8.RuneLen(r)
		if !closingDelims[r] {
			off += size
			continue
		}
		if off > start {
			pieces = append(pieces, s[start:off])
		}
		end := off + size
		for i+1 < len(rs) && (unicode.Is(unicode.Mn, rs[i+1]) || persian.BidiClass(rs[i+1]) == bidi.BN) {
			i++
			end += utf8.RuneLen(rs[i])
		}
		pieces = append(pieces, s[off:end])
		start, off = end, end
	}
	if off > start {
		pieces = append(pieces, s[start:off])
	}
	return pieces
}

// closingDelims are the closing characters of go-text's paired delimiters
// (github.com/go-text/typesetting v0.2.1, shaping/paired_delims_table.go,
// every second entry).
var closingDelims = map[rune]bool{
	0x0029: true, 0x003e: true, 0x005d: true, 0x007d: true, 0x00bb: true, 0x2019: true, 0x201b: true, 0x201d: true,
	0x201f: true, 0x203a: true, 0x2046: true, 0x207e: true, 0x208e: true, 0x2309: true, 0x230b: true, 0x232a: true,
	0x2769: true, 0x276b: true, 0x276d: true, 0x276f: true, 0x2771: true, 0x2773: true, 0x2775: true, 0x27c6: true,
	0x27e7: true, 0x27e9: true, 0x27eb: true, 0x27ed: true, 0x27ef: true, 0x2984: true, 0x2986: true, 0x2988: true,
	0x298a: true, 0x298c: true, 0x298e: true, 0x2990: true, 0x2992: true, 0x2994: true, 0x2996: true, 0x2998: true,
	0x29d9: true, 0x29db: true, 0x29fd: true, 0x2e03: true, 0x2e05: true, 0x2e0a: true, 0x2e0d: true, 0x2e1d: true,
	0x2e21: true, 0x2e23: true, 0x2e25: true, 0x2e27: true, 0x2e29: true, 0x2e55: true, 0x2e57: true, 0x2e59: true,
	0x2e5b: true, 0x3008: true, 0x300a: true, 0x300c: true, 0x300e: true, 0x3010: true, 0x3014: true, 0x3016: true,
	0x3018: true, 0x301a: true, 0x301d: true, 0x301f: true, 0xfd3f: true, 0xfe18: true, 0xfe36: true, 0xfe38: true,
	0xfe3a: true, 0xfe3c: true, 0xfe3e: true, 0xfe40: true, 0xfe42: true, 0xfe44: true, 0xfe48: true, 0xfe5a: true,
	0xfe5c: true, 0xfe5e: true, 0xff09: true, 0xff3d: true, 0xff5d: true, 0xff60: true, 0xff63: true,
}

// LTR marks s — a tracking code, a phone number, a hyphenated date, an
// address — to be read left to right as one piece inside a right-to-left
// line, by putting a LEFT-TO-RIGHT MARK on each side. Without it UAX #9
// takes the digits of "کد 12345-01-0001" after Persian letters for Arabic
// numbers, whose hyphens stay right to left, so the groups come out in
// reverse order (12345 rightmost) — in pango and browsers alike.
func LTR(s string) string { return string(LRM) + s + string(LRM) }
