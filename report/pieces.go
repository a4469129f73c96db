package report

import (
	"math"
	"slices"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/bidi"

	"github.com/pishkhan/pishkhan/fonts"
	"github.com/pishkhan/pishkhan/persian"
)

// How a line is written so that text extractors copy it in reading order.
//
// The page shows each line in visual order. Extractors read it back in two
// ways, and the line is written for both:
//
//   - poppler (pdftotext, Evince, Okular) sorts the glyphs of a line by
//     position and reverses right-to-left stretches with a two-class rule:
//     a stretch that starts with a Latin letter or a "number" character
//     (digits, and also - : / , . ، ٬) runs on over spaces and brackets up
//     to the next right-to-left letter and is kept left to right. So an
//     LRM ends each left-to-right piece, an RLM starts and ends each
//     right-to-left one, and inside a right-to-left piece an RLM separates
//     any two neighbours of which neither is a right-to-left letter: the
//     zero-width marks stop every stretch where the bidi algorithm ends
//     the run.
//   - pdf.js (Firefox) keeps the content stream's order of text objects
//     that do not continue each other on the line, and reorders the text of
//     each one by itself, as right to left if at least 30% of it is Arabic
//     letters or Arabic numbers (or it is at most 4 characters long with
//     one). It drops white space at the ends of each, and every format
//     character (LRM, RLM, ZWNJ). Each piece is therefore shown by its
//     own Tj, in logical order (pdf.js tells them apart by position, so
//     one text object per line holds them all: textobj.go, which keeps
//     the report's size near that of one string per line); a space
//     before a piece is given
//     back by a "bridge": an invisible glyph whose text is U+0000 (which
//     poppler ignores and pdf.js's copy removes), drawn a third of an em
//     before the piece (or after it, if pdf.js reverses the piece), which
//     pdf.js reads as a space inside the piece.
//
// Mirrored brackets (a "(" in right-to-left text is drawn as ")") are
// pieces of their own, drawn with a second copy of the font whose
// ToUnicode map swaps the pairs back, so both extractors copy the
// bracket that was typed.

// bridge is the glyph drawn for a space pdf.js would lose: U+2002 EN SPACE
// (blank, 0.5 em wide in Vazirmatn), which text never holds (wrap splits
// words at any white space and joins them with U+0020). tounicode.go maps
// it to U+0000.
const bridge = '\u2002'

// mirrorFamily is the copy of Vazirmatn used for mirrored brackets.
const mirrorFamily = "vazirmatnmirror"

// piece is a part of a line shown by its own Tj.
type piece struct {
	a, b   int  // its runes in the line's visual string: [a, b)
	level  int  // 1 right to left, 2 left to right
	mirror bool // a mirrored bracket
	space  bool // white space before it in logical order: draw a bridge
	after  bool // pdf.js reverses it: the bridge goes after it
	blank  bool // only white space

	// worked out once, when the line is laid out (lines are cached)
	afterSep bool   // as after, for the first piece when a cell precedes the line
	text     string // its glyphs as drawn, with direction marks (markPiece)
	end      rune   // the mark that ends it
}

// linePieces splits a shaped logical line into pieces, in logical order.
func linePieces(shaped string) (vis []rune, ps []piece) {
	runs := persian.Runs(shaped)
	for _, r := range runs {
		rs := []rune(r.Visual)
		a := len(vis)
		vis = append(vis, rs...)
		if r.Level%2 == 0 {
			ps = append(ps, piece{a: a, b: len(vis), level: r.Level})
			continue
		}
		start := a
		for i := a; i < len(vis); i++ {
			if isMirrored(vis[i]) {
				if i > start {
					ps = append(ps, piece{a: start, b: i, level: 1})
				}
				ps = append(ps, piece{a: i, b: i + 1, level: 1, mirror: true})
				start = i + 1
			}
		}
		if start < len(vis) {
			ps = append(ps, piece{a: start, b: len(vis), level: 1})
		}
	}
	slices.Reverse(ps) // a right-to-left paragraph: logical order is right to left
	// A right-to-left piece that pdf.js might not read as right to left is
	// split into words, and such a word into characters.
	var out []piece
	for _, p := range ps {
		if p.level%2 == 0 || p.mirror || surelyRTL(logicalText(vis, p)) {
			out = append(out, p)
			continue
		}
		for _, w := range splitWords(vis, p) {
			if unicode.IsSpace(vis[w.a]) || surelyRTL(logicalText(vis, w)) || w.b-w.a == 1 {
				out = append(out, w)
				continue
			}
			for i := w.b - 1; i >= w.a; i-- {
				out = append(out, piece{a: i, b: i + 1, level: 1})
			}
		}
	}
	ps = out
	// Spaces between pieces: bridges.
	pending := false
	for i := range ps {
		p := &ps[i]
		lt := logicalText(vis, *p)
		p.blank = visible([]rune(lt)) == 0
		if p.blank {
			pending = true
			continue
		}
		if i > 0 && (pending || unicode.IsSpace([]rune(lt)[0])) {
			p.space = true
		}
		p.after = pdfjsReverses(lt, p.space)
		rs := []rune(lt)
		pending = unicode.IsSpace(rs[len(rs)-1])
	}
	for i := range ps {
		ps[i].text, ps[i].end = markPiece(vis, ps[i])
	}
	if len(ps) > 0 {
		ps[0].afterSep = pdfjsReverses(logicalText(vis, ps[0]), true)
	}
	return vis, ps
}

// logicalText is the text an extractor maps p's glyphs to, in logical order.
func logicalText(vis []rune, p piece) string {
	rs := slices.Clone(vis[p.a:p.b])
	if p.level%2 == 1 {
		slices.Reverse(rs)
		for i, r := range rs {
			if m, ok := persian.Mirror(r); ok {
				rs[i] = m
			}
		}
	}
	return string(rs)
}

func visible(rs []rune) int {
	n := 0
	for _, r := range rs {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			n++
		}
	}
	return n
}

// isMirrored reports the brackets and quotes drawn mirrored in
// right-to-left text (persian.Mirror).
func isMirrored(r rune) bool { _, ok := persian.Mirror(r); return ok }

// surelyRTL tells whether pdf.js reads text as right to left with room to
// spare: the share of right-to-left characters, counting the two a bridge
// adds, is at least 0.4 (pdf.js's threshold is 0.3).
func surelyRTL(text string) bool {
	n, rtl := countRTL([]rune(text), true)
	n += 2
	return rtl > 0 && float64(rtl)/float64(n) >= 0.4
}

// countRTL counts the characters of rs that pdf.js weighs (all but format
// characters, and but white space if skipSpace) and, of those, the right-to-
// left ones: R, AL (presentation forms are mapped back to letters, all AL)
// and AN.
func countRTL(rs []rune, skipSpace bool) (n, rtl int) {
	for _, r := range rs {
		if unicode.Is(unicode.Cf, r) || skipSpace && unicode.IsSpace(r) {
			continue
		}
		n++
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL, bidi.AN:
			rtl++
		}
	}
	return n, rtl
}

// splitWords splits a right-to-left piece at its spaces, in logical order.
func splitWords(vis []rune, p piece) []piece {
	var ws []piece
	for i := p.a; i < p.b; {
		j := i + 1
		for j < p.b && unicode.IsSpace(vis[j]) == unicode.IsSpace(vis[i]) {
			j++
		}
		ws = append(ws, piece{a: i, b: j, level: p.level})
		i = j
	}
	slices.Reverse(ws)
	return ws
}

// pdfjsReverses tells whether pdf.js (bidi.js, 2025) reads a text object
// holding text as right to left: at least 30% R, AL or AN characters, or
// at most 4 characters with one. White space at the ends is dropped, format
// characters are skipped, and a bridge adds " \x00".
func pdfjsReverses(text string, bridged bool) bool {
	rs := []rune(text)
	for len(rs) > 0 && unicode.IsSpace(rs[0]) {
		rs = rs[1:]
	}
	for len(rs) > 0 && unicode.IsSpace(rs[len(rs)-1]) {
		rs = rs[:len(rs)-1]
	}
	n, rtl := countRTL(rs, false)
	if bridged {
		n += 2
	}
	if rtl == 0 {
		return false
	}
	return !(float64(rtl)/float64(n) < 0.3 && n > 4)
}

// markPiece is p's text as drawn: in visual order, with the direction marks
// poppler needs inside it, and the mark that ends it on the right.
func markPiece(vis []rune, p piece) (text string, end rune) {
	rs := vis[p.a:p.b]
	if p.level%2 == 0 {
		return string(rs), '\u200e'
	}
	var out []rune
	for i, r := range rs {
		if i > 0 && !strongR(rs[i-1]) && !strongR(r) {
			out = append(out, '\u200f')
		}
		out = append(out, r)
	}
	return string(out), '\u200f'
}

// strongLorNum reports the characters poppler counts as left to right or
// as part of a number: a left-to-right stretch ending in one needs no mark.
func strongLorNum(r rune) bool {
	p, _ := bidi.LookupRune(r)
	return p.Class() == bidi.L || p.Class() == bidi.EN || p.Class() == bidi.AN
}

func strongR(r rune) bool {
	p, _ := bidi.LookupRune(r)
	return p.Class() == bidi.R || p.Class() == bidi.AL
}

// drawPieces draws l from x on the baseline y, piece by piece, in logical
// order, as one text object (see textObject); every glyph lands where it
// would if the line were drawn as one string. afterCell: the line follows
// another cell on its baseline, so its first piece gets a bridge too.
func (r *renderer) drawPieces(l line, x, y float64, afterCell bool) {
	pdf := r.pdf
	k := pdf.GetConversionRatio()
	_, pageH := pdf.GetPageSize()
	// the line's left end and baseline, pt, rounded as fpdf's Text would:
	// the glyphs then fall on the same fractions of a device pixel as
	// when the line was drawn as one string
	x0 := math.Round(x*k*100) / 100
	yPt := math.Round((pageH-y)*k*100) / 100
	// x of every glyph of the line, pt from x0, in the font drawn with (the
	// header's date is measured at 9 pt and drawn at 8.5, its title measured
	// regular and drawn bold)
	widths := r.widths()
	scale := r.size / 1000 // pt per font unit
	cum := r.cum[:0]
	cum = append(cum, 0)
	u := 0
	for _, c := range l.visR {
		u += widths.of(pdf, c)
		cum = append(cum, float64(u)*scale)
	}
	r.cum = cum
	bridgeW := float64(widths.of(pdf, bridge)) * scale
	gap := r.size / 3 // pt: pdf.js reads 0.1–0.6 em as a space

	t := &r.obj
	t.begin(pdf, yPt)
	for i, p := range l.pieces {
		if i == 0 && afterCell {
			p.space = true // a bridge from the cell before
			p.after = p.afterSep
		}
		s, end := p.text, p.end
		// the bridge is measured from the piece's outermost visible glyph
		// (pdf.js does not count a space glyph at the end of a piece)
		va, vb := p.a, p.b
		for va < vb && unicode.IsSpace(l.visR[va]) {
			va++
		}
		for vb > va && unicode.IsSpace(l.visR[vb-1]) {
			vb--
		}
		if p.space && !p.after {
			t.show(x0+cum[va]-gap-bridgeW, string(bridge))
		}
		if p.mirror {
			t.end()
			r.mirrorFont(true)
			t.begin(pdf, yPt)
			t.show(x0+cum[p.a], s)
			t.end()
			r.mirrorFont(false)
			t.begin(pdf, yPt)
		} else {
			t.show(x0+cum[p.a], s)
		}
		if p.space && p.after {
			t.show(x0+cum[vb]+gap, string(bridge))
		}
		// Direction marks for poppler, drawn apart from the glyphs: poppler
		// sorts glyphs by their left edge, so a zero-width mark at the very
		// edge of a piece could be sorted into the next one. The mark that
		// ends a piece goes a hair left of its right end. A right-to-left
		// piece also starts with an RLM, a hair left of its first glyph (and
		// right of the previous piece's end mark): a neutral or "number"
		// character there (the - in «1234-ABC») would otherwise join the
		// left-to-right text before it. A line of one piece needs the end
		// mark only if it is left to right and ends in a neutral («(OK)»).
		if len(l.pieces) > 1 || p.level%2 == 0 && !strongLorNum(l.visR[p.b-1]) {
			t.show(x0+cum[p.b]-0.05, string(end))
		}
		if len(l.pieces) > 1 && p.level%2 == 1 {
			t.show(x0+cum[p.a]-0.02, string(end))
		}
	}
	t.end()
}

// mirrorFont switches to the mirror copy of the current font and back.
func (r *renderer) mirrorFont(on bool) {
	r.obj.fontChanged()
	style := ""
	if r.bold {
		style = "B"
	}
	if !on {
		r.pdf.SetFont(family, style, r.size)
		return
	}
	if !r.mirrorAdded {
		r.pdf.AddUTF8FontFromBytes(mirrorFamily, "", fonts.VazirmatnRegular)
		r.pdf.AddUTF8FontFromBytes(mirrorFamily, "B", fonts.VazirmatnBold)
		r.mirrorAdded = true
	}
	r.pdf.SetFont(mirrorFamily, style, r.size)
}

// runeWidths caches the advance of each rune in one style of the font, in
// font units (1/1000 em), as fpdf measures it.
type runeWidths map[rune]int

func (w runeWidths) of(pdf *fpdf.Fpdf, c rune) int {
	if v, ok := w[c]; ok {
		return v
	}
	v := pdf.GetStringSymbolWidth(string(c))
	w[c] = v
	return v
}

// widths is the cache for the current style; the mirror copy of the font
// has the same advances.
func (r *renderer) widths() runeWidths {
	if r.bold {
		if r.wBold == nil {
			r.wBold = runeWidths{}
		}
		return r.wBold
	}
	if r.wRegular == nil {
		r.wRegular = runeWidths{}
	}
	return r.wRegular
}
