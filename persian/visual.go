package persian

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
)

// Visual ordering: the Unicode Bidirectional Algorithm (UAX #9) for one
// right-to-left paragraph without explicit embeddings, which is what a
// Persian receipt, report line or label is. Character classes come from
// golang.org/x/text/unicode/bidi; the rules are resolved here (that
// package's own ordering mis-resolves bracket pairs and drops levels).
// Tests compare the result with GNU FriBidi's.

// mirrors are the characters that swap in right-to-left text (rule L4).
var mirrors = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹',
}

// Mirror is the character drawn for r in right-to-left text (rule L4):
// the other of a pair of brackets or quotes, with ok; r itself otherwise.
func Mirror(r rune) (m rune, ok bool) {
	if m, ok := mirrors[r]; ok {
		return m, true
	}
	return r, false
}

// Mirrored calls yield with each character that is mirrored in
// right-to-left text and its mirror image.
func Mirrored(yield func(r, m rune) bool) {
	for r, m := range mirrors {
		if !yield(r, m) {
			return
		}
	}
}

// brackets pairs the opening brackets with their closing ones (BD16).
var brackets = map[rune]rune{'(': ')', '[': ']', '{': '}'}

// Visual returns text, given in logical order, in the order it is drawn
// from left to right in a right-to-left paragraph: a Persian line with
// digits, Latin words and brackets comes out as a Persian reader sees it.
// Brackets and other mirrored characters in right-to-left runs are
// mirrored; marks stay after the letter they belong to. Each paragraph
// (text between line breaks) is ordered on its own; break lines in logical
// order first, then order each. Explicit embedding and isolate controls are
// ignored (treated as boundary neutrals).
func Visual(text string) string {
	if text == "" {
		return text
	}
	if i := strings.IndexFunc(text, IsParagraphSeparator); i >= 0 {
		_, size := utf8.DecodeRuneInString(text[i:])
		return visualParagraph([]rune(text[:i])) + text[i:i+size] + Visual(text[i+size:])
	}
	return visualParagraph([]rune(text))
}

// IsParagraphSeparator reports the characters of bidi class B, which end a
// paragraph.
func IsParagraphSeparator(r rune) bool {
	switch r {
	case '\n', '\r', '\x1c', '\x1d', '\x1e', '\u0085', '\u2029':
		return true
	}
	return false
}

// BidiClass is a rune's bidi class as the ordering here uses it:
// explicit embeddings, overrides and isolates count as boundary neutrals
// (BN).
func BidiClass(r rune) bidi.Class {
	p, _ := bidi.LookupRune(r)
	c := p.Class()
	if c > bidi.Control { // explicit embeddings, overrides and isolates
		return bidi.BN
	}
	return c
}

// visualParagraph orders one paragraph of runes.
func visualParagraph(rs []rune) string {
	if len(rs) == 0 {
		return ""
	}
	idx, lv := visualOrder(rs)
	var b strings.Builder
	b.Grow(len(rs) * 2)
	for _, k := range idx {
		b.WriteRune(drawn(rs[k], lv[k]))
	}
	return b.String()
}

// drawn is r as drawn at level lv: mirrored in right-to-left text (L4).
func drawn(r rune, lv int) rune {
	if lv%2 == 1 {
		if m, ok := mirrors[r]; ok {
			return m
		}
	}
	return r
}

// Run is a piece of one paragraph at one level, as it is drawn.
type Run struct {
	Start, End int    // its runes in the logical text: [Start, End)
	Level      int    // 1: right to left; 2: left to right (Latin, numbers)
	Visual     string // its runes in drawing order, mirrored where right to left
}

// Runs splits one paragraph (no line breaks) into its level runs, in
// visual order, from left to right: their Visual strings, joined, are
// Visual(text). In a right-to-left paragraph, the logical order of the
// runs is the reverse. A PDF writer can draw each run as its own text
// object, in logical order, so that text extractors that read the content
// stream in order (pdf.js) get the runs in reading order.
func Runs(text string) []Run {
	rs := []rune(text)
	if len(rs) == 0 {
		return nil
	}
	idx, lv := visualOrder(rs)
	var runs []Run
	var b strings.Builder
	for i := 0; i < len(idx); {
		j := i
		lo, hi := idx[i], idx[i]
		b.Reset()
		for j < len(idx) && lv[idx[j]] == lv[idx[i]] {
			lo, hi = min(lo, idx[j]), max(hi, idx[j])
			b.WriteRune(drawn(rs[idx[j]], lv[idx[j]]))
			j++
		}
		runs = append(runs, Run{Start: lo, End: hi + 1, Level: lv[idx[i]], Visual: b.String()})
		i = j
	}
	return runs
}

// visualOrder is the drawing order of one paragraph (indexes into rs, from
// left to right) and the level of each rune.
func visualOrder(rs []rune) (idx, lv []int) {
	n := len(rs)
	lv = Levels(rs)
	// L2: reverse every run at level 2, then the whole line (all ≥ 1);
	// a mark stays after its letter (L3) and right-to-left text is mirrored (L4).
	idx = make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < n; {
		if lv[i] < 2 {
			i++
			continue
		}
		j := i
		for j < n && lv[j] >= 2 {
			j++
		}
		reverseClusters(idx[i:j], rs)
		i = j
	}
	reverseClusters(idx, rs)
	return idx, lv
}

// Levels resolves the embedding level of each rune of one paragraph whose
// base direction is right to left (level 1) and which has no explicit
// embeddings: 1 for right-to-left text, 2 for left-to-right text and
// numbers (UAX #9 rules W1–W7, N0–N2, I1–I2 and L1). Visual orders by these
// levels; a screen that draws runs itself (ui/rtl) needs the levels alone.
func Levels(rs []rune) []int {
	n := len(rs)
	orig := make([]bidi.Class, n)
	t := make([]bidi.Class, n)
	for i, r := range rs {
		orig[i] = BidiClass(r)
		t[i] = orig[i]
	}
	// X9: boundary neutrals take no part in the W and N rules; they are
	// skipped below and get their neighbour's level at the end.
	live := func(i int) bool { return orig[i] != bidi.BN }
	prevLive := func(i int) int {
		for j := i - 1; j >= 0; j-- {
			if live(j) {
				return j
			}
		}
		return -1
	}
	nextLive := func(i int) int {
		for j := i + 1; j < n; j++ {
			if live(j) {
				return j
			}
		}
		return -1
	}
	// W1: a mark takes the type of the character before it (sos is R).
	for i := range t {
		if t[i] == bidi.NSM && live(i) {
			if j := prevLive(i); j >= 0 {
				t[i] = t[j]
			} else {
				t[i] = bidi.R
			}
		}
	}
	// W2: a European number after Arabic letters is an Arabic number.
	last := bidi.R // sos
	for i := range t {
		if !live(i) {
			continue
		}
		switch t[i] {
		case bidi.L, bidi.R, bidi.AL:
			last = t[i]
		case bidi.EN:
			if last == bidi.AL {
				t[i] = bidi.AN
			}
		}
	}
	// W3: Arabic letters are R.
	for i := range t {
		if t[i] == bidi.AL {
			t[i] = bidi.R
		}
	}
	// W4: a single separator between two numbers of a kind joins them.
	for i := range t {
		if !live(i) || (t[i] != bidi.ES && t[i] != bidi.CS) {
			continue
		}
		a, b := prevLive(i), nextLive(i)
		if a < 0 || b < 0 {
			continue
		}
		switch {
		case t[a] == bidi.EN && t[b] == bidi.EN:
			t[i] = bidi.EN
		case t[i] == bidi.CS && t[a] == bidi.AN && t[b] == bidi.AN:
			t[i] = bidi.AN
		}
	}
	// W5: terminators next to a European number are part of it.
	for i := 0; i < n; i++ {
		if !live(i) || t[i] != bidi.ET {
			continue
		}
		j := i
		for j < n && (!live(j) || t[j] == bidi.ET) {
			j++
		}
		before := prevLive(i)
		if (j < n && t[j] == bidi.EN) || (before >= 0 && t[before] == bidi.EN) {
			for k := i; k < j; k++ {
				if live(k) {
					t[k] = bidi.EN
				}
			}
		}
		i = j - 1
	}
	// W6: other separators and terminators are neutral.
	for i := range t {
		if live(i) && (t[i] == bidi.ES || t[i] == bidi.ET || t[i] == bidi.CS) {
			t[i] = bidi.ON
		}
	}
	// W7: a European number after Latin letters is L.
	last = bidi.R
	for i := range t {
		if !live(i) {
			continue
		}
		switch t[i] {
		case bidi.L, bidi.R:
			last = t[i]
		case bidi.EN:
			if last == bidi.L {
				t[i] = bidi.L
			}
		}
	}
	// strong is the direction a resolved type counts as for N0 and N1:
	// numbers count as R; 0 for neutrals.
	strong := func(c bidi.Class) bidi.Class {
		switch c {
		case bidi.L:
			return bidi.L
		case bidi.R, bidi.EN, bidi.AN:
			return bidi.R
		}
		return bidi.ON
	}
	// N0: bracket pairs take the direction of what they enclose or, for
	// text opposite the paragraph's direction, of the context before them.
	for _, pr := range bracketPairs(rs, t, live) {
		inside := bidi.ON
		for k := pr[0] + 1; k < pr[1]; k++ {
			if !live(k) {
				continue
			}
			switch strong(t[k]) {
			case bidi.R:
				inside = bidi.R
			case bidi.L:
				if inside != bidi.R {
					inside = bidi.L
				}
			}
			if inside == bidi.R {
				break
			}
		}
		dir := bidi.ON
		switch inside {
		case bidi.R:
			dir = bidi.R
		case bidi.L:
			ctx := bidi.R // sos
			for k := pr[0] - 1; k >= 0; k-- {
				if s := strong(t[k]); live(k) && s != bidi.ON {
					ctx = s
					break
				}
			}
			if ctx == bidi.L {
				dir = bidi.L
			} else {
				dir = bidi.R
			}
		}
		if dir == bidi.ON {
			continue
		}
		for _, k := range pr {
			t[k] = dir
			// Marks after a bracket follow it (they were ON by W1).
			for m := k + 1; m < n && (orig[m] == bidi.NSM || !live(m)); m++ {
				if live(m) {
					t[m] = dir
				}
			}
		}
	}
	// N1, N2: a run of neutrals between two strong types of the same
	// direction takes it; otherwise the paragraph's (R). sos and eos are R.
	for i := 0; i < n; i++ {
		if !live(i) || strong(t[i]) != bidi.ON {
			continue
		}
		j := i
		for j < n && (!live(j) || strong(t[j]) == bidi.ON) {
			j++
		}
		before, after := bidi.R, bidi.R
		if k := prevLive(i); k >= 0 {
			before = strong(t[k])
		}
		if j < n {
			after = strong(t[j])
		}
		dir := bidi.R
		if before == after {
			dir = before
		}
		for k := i; k < j; k++ {
			if live(k) {
				t[k] = dir
			}
		}
		i = j - 1
	}
	// I1, I2 at paragraph level 1: R stays 1, L and numbers go to 2.
	lv := make([]int, n)
	for i := range t {
		if t[i] == bidi.R {
			lv[i] = 1
		} else {
			lv[i] = 2
		}
	}
	// Boundary neutrals take the level of the character before them.
	for i := range lv {
		if !live(i) {
			lv[i] = 1
			if k := prevLive(i); k >= 0 {
				lv[i] = lv[k]
			}
		}
	}
	// L1: segment separators and the whitespace before them, and trailing
	// whitespace, go back to the paragraph level.
	for i := n - 1; i >= 0; i-- {
		if orig[i] == bidi.S {
			lv[i] = 1
			for k := i - 1; k >= 0 && (orig[k] == bidi.WS || orig[k] == bidi.BN); k-- {
				lv[k] = 1
			}
		}
	}
	for k := n - 1; k >= 0 && (orig[k] == bidi.WS || orig[k] == bidi.BN); k-- {
		lv[k] = 1
	}
	return lv
}

// reverseClusters reverses idx but keeps each letter's following marks
// after it, also across a joiner (ZWNJ or ZWJ) that stands between them.
func reverseClusters(idx []int, rs []rune) {
	out := make([]int, 0, len(idx))
	end := len(idx)
	for end > 0 {
		start := end - 1
		for start > 0 {
			r := rs[idx[start]]
			if isMark(r) || (BidiClass(r) == bidi.BN && start+1 < end && isMark(rs[idx[start+1]])) {
				start--
				continue
			}
			break
		}
		out = append(out, idx[start:end]...)
		end = start
	}
	copy(idx, out)
}

func isMark(r rune) bool { return unicode.Is(unicode.Mn, r) }

// bracketPairs finds the bracket pairs of BD16 among the neutral
// characters, in the order of their opening brackets.
func bracketPairs(rs []rune, t []bidi.Class, live func(int) bool) [][2]int {
	type open struct {
		close rune
		at    int
	}
	var stack []open
	var pairs [][2]int
	for i, r := range rs {
		if !live(i) || t[i] != bidi.ON {
			continue
		}
		if c, ok := brackets[r]; ok {
			if len(stack) == 63 {
				break
			}
			stack = append(stack, open{c, i})
			continue
		}
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].close == r {
				pairs = append(pairs, [2]int{stack[k].at, i})
				stack = stack[:k]
				break
			}
		}
	}
	slices.SortFunc(pairs, func(a, b [2]int) int { return a[0] - b[0] }) // by the opening bracket
	return pairs
}

// ForDevice prepares a line for a device without a text engine (a thermal
// printer, a PDF writer): shaped, then in visual order.
func ForDevice(line string) string { return Visual(Shape(line)) }
