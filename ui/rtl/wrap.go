package rtl

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"golang.org/x/text/unicode/bidi"

	"github.com/pishkhan/pishkhan/persian"
)

// A Line is one line of a wrapped text (see Wrap).
type Line struct {
	// Start and End are the byte range of the line in the text given to
	// Wrap. The spaces a line was broken at belong to no line.
	Start, End int
	// Paragraph is the index of the paragraph (hard line) the line is
	// part of: a text with n line breaks has n+1 paragraphs.
	Paragraph int
	// Draw is the string to give Fyne to draw the line (see Text): its
	// runs in on-screen order, each forced to its direction. Like
	// Text's result, it is for drawing only.
	Draw string
	// Width is Fyne's measurement of Draw.
	Width float32
}

// Wrap breaks s, logical text of right-to-left paragraphs (one per hard
// line), into lines no wider than width when drawn by Fyne at the given
// text size and style, in the theme's font (fyne.MeasureText measures
// them), as a right-to-left paragraph is wrapped:
//
//   - Lines break only at spaces (a run of spaces, which then belongs to no
//     line). A ZWNJ does not break, nor does anything inside a number
//     (۱۴۰۵/۰۹/۰۷, 12:30, 1,250,000), a code or a «quotation» mark's word.
//   - The logical text is broken first, each line taking as many words as
//     fit: the first words of a paragraph are on its first line.
//   - Each paragraph's bidi levels are resolved once for the whole
//     paragraph (UAX #9, as Runs does for a line), and each line is then
//     ordered on its own (rules L1 and L2 per line): its runs come in
//     on-screen order in Draw, which is right-aligned when drawn. A
//     paragraph without right-to-left letters is left as it is written,
//     as Text leaves it.
//   - A word wider than width on its own is cut between two characters
//     (never between a letter and its marks), as many as fit, at least
//     one, on each line.
//
// An empty text, an empty paragraph and a paragraph of spaces each give
// one empty line. A width ≤ 0 wraps every word (every character of a
// word) onto a line of its own.
func Wrap(s string, width, size float32, style fyne.TextStyle) []Line {
	return wrapText(s, width, func(draw string) float32 {
		if draw == "" {
			return 0
		}
		return fyne.MeasureText(draw, size, style).Width
	})
}

// wrapText is Wrap with its measurement of a line's Draw string given.
func wrapText(s string, width float32, measure func(string) float32) []Line {
	var out []Line
	for n, sp := range paragraphSpans(s) {
		p := newWrapPara(s, sp[0], sp[1], measure)
		out = p.wrap(out, n, width)
	}
	return out
}

// paragraphSpans returns the byte ranges of s's paragraphs, as lineSpans,
// except that "\r\n" is one line break.
func paragraphSpans(s string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !persian.IsParagraphSeparator(r) {
			i += n
			continue
		}
		out = append(out, [2]int{start, i})
		if r == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			n++
		}
		i += n
		start = i
	}
	return append(out, [2]int{start, len(s)})
}

// isBreakSpace reports the spaces a line may break at: space separators
// and tabs, but not the no-break spaces.
func isBreakSpace(r rune) bool {
	switch r {
	case '\t':
		return true
	case '\u00a0', '\u2007', '\u202f':
		return false
	}
	return unicode.Is(unicode.Zs, r)
}

// wrapPara is one paragraph being wrapped.
type wrapPara struct {
	s       string // the whole text
	off     []int  // byte offset in s of each rune of the paragraph, and its end
	rs      []rune
	lv      []int // the paragraph's bidi levels; nil if it has no right-to-left letter
	measure func(string) float32
}

func newWrapPara(s string, start, end int, measure func(string) float32) *wrapPara {
	p := &wrapPara{s: s, measure: measure}
	for i, r := range s[start:end] {
		p.off = append(p.off, start+i)
		p.rs = append(p.rs, r)
	}
	p.off = append(p.off, end)
	if hasRTL(s[start:end]) {
		p.lv = persian.Levels(p.rs)
	}
	return p
}

// wrap appends the paragraph's lines to out.
func (p *wrapPara) wrap(out []Line, n int, width float32) []Line {
	// words: the runes [a, b) between break spaces; the paragraph's
	// leading spaces stay in front of its first word.
	var words [][2]int
	for i := 0; i < len(p.rs); {
		if isBreakSpace(p.rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(p.rs) && !isBreakSpace(p.rs[j]) {
			j++
		}
		words = append(words, [2]int{i, j})
		i = j
	}
	if len(words) == 0 {
		return append(out, p.line(n, 0, 0))
	}
	indent := words[0][0]
	words[0][0] = 0
	fits := func(a, b int) bool { return p.width(a, b) <= width }
	for i := 0; i < len(words); {
		a := words[i][0]
		if !fits(a, words[i][1]) {
			if i == 0 && a < indent {
				// The first word does not fit behind the paragraph's
				// leading spaces: they become break spaces.
				words[0][0] = indent
				continue
			}
			// A word too wide on its own: as many of its characters as
			// fit, at least one, and the rest goes on.
			units := p.cutPoints(a, words[i][1])
			cut := units[max(lastFitting(len(units)-1, func(k int) bool { return fits(a, units[k]) }), 0)]
			out = append(out, p.line(n, a, cut))
			if words[i][0] = cut; cut == words[i][1] { // a single character
				i++
			}
			continue
		}
		// The most words that fit; a line is never narrower with more words.
		j := i + lastFitting(len(words)-1-i, func(k int) bool { return fits(a, words[i+k][1]) })
		out = append(out, p.line(n, a, words[j][1]))
		i = j + 1
	}
	return out
}

// lastFitting returns the largest k in [0, n] with fits(k), assuming fits
// is true up to some k and false after it; -1 if fits(0) is false.
func lastFitting(n int, fits func(int) bool) int {
	if fits(n) {
		return n
	}
	lo, hi := -1, n // fits(lo) (or lo == -1), !fits(hi)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// cutPoints returns the rune indexes in (a, b] where a word may be cut: after
// each character with the combining marks and joiners that follow it.
func (p *wrapPara) cutPoints(a, b int) []int {
	var out []int
	for i := a + 1; i <= b; i++ {
		if i < b && (isMark(p.rs[i]) || p.rs[i] == '\u200d' || persian.BidiClass(p.rs[i]) == bidi.BN) {
			continue
		}
		out = append(out, i)
	}
	return out
}

func (p *wrapPara) width(a, b int) float32 { return p.measure(p.draw(a, b)) }

func (p *wrapPara) line(n, a, b int) Line {
	d := p.draw(a, b)
	return Line{Start: p.off[a], End: p.off[b], Paragraph: n, Draw: d, Width: p.measure(d)}
}

// draw is the string Fyne draws the runes [a, b) of the paragraph from as
// one line: the line's runs ordered by the paragraph's levels (rules L1
// and L2 applied to the line), each written as Text writes it.
func (p *wrapPara) draw(a, b int) string {
	text := p.s[p.off[a]:p.off[b]]
	if p.lv == nil || a == b {
		return text
	}
	lv := p.lineLevels(a, b)
	var sb strings.Builder
	sb.Grow(len(text) + 32)
	sb.WriteRune(RLM)
	// L2: the levels are 1 and 2 only, so the runs of one level, in
	// reverse logical order, are the on-screen order.
	for j := len(lv); j > 0; {
		i := j - 1
		for i > 0 && lv[i-1] == lv[j-1] {
			i--
		}
		writeForced(&sb, p.s[p.off[a+i]:p.off[a+j]], lv[i] == 1)
		j = i
	}
	sb.WriteRune(RLM)
	return sb.String()
}

// linePieces cuts line l of s (a Line Wrap returned for s) at its runs and
// at the byte offsets cuts, and returns the pieces in on-screen order
// from left to right, each with the string to draw it on its own (as
// Pieces does for a whole line): drawn side by side they show l.Draw.
func linePieces(s string, l Line, cuts ...int) []Piece {
	sp := paragraphSpans(s)[l.Paragraph]
	p := newWrapPara(s, sp[0], sp[1], nil)
	a, b := p.runeAt(l.Start), p.runeAt(l.End)
	if a == b {
		return nil
	}
	run := func(i, j int, rtl bool) Run {
		return Run{Start: p.off[i], End: p.off[j], Line: l.Paragraph, RTL: rtl}
	}
	if p.lv == nil {
		return runPieces(s, run(a, b, false), false, cuts)
	}
	var out []Piece
	lv := p.lineLevels(a, b)
	for j := len(lv); j > 0; {
		i := j - 1
		for i > 0 && lv[i-1] == lv[j-1] {
			i--
		}
		out = append(out, runPieces(s, run(a+i, a+j, lv[i] == 1), true, cuts)...)
		j = i
	}
	return out
}

// runeAt is the index of the rune at byte offset o of s.
func (p *wrapPara) runeAt(o int) int {
	for i, x := range p.off {
		if x >= o {
			return i
		}
	}
	return len(p.rs)
}

// lineLevels returns the levels of the runes [a, b) of the paragraph as a
// line: the paragraph's, with rule L1 applied at the line's end
// (whitespace there is at the paragraph level).
func (p *wrapPara) lineLevels(a, b int) []int {
	lv := append([]int(nil), p.lv[a:b]...)
	for k := len(lv) - 1; k >= 0; k-- {
		if c := persian.BidiClass(p.rs[a+k]); c != bidi.WS && c != bidi.BN {
			break
		}
		lv[k] = 1
	}
	return lv
}
