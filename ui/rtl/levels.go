package rtl

import (
	"slices"

	"golang.org/x/text/unicode/bidi"
)

// Level resolution of UAX #9 for one right-to-left paragraph (level 1)
// without explicit embeddings. This is the resolution of persian.Visual
// (persian/visual.go, rules W1–W7, N0–N2, I1–I2, L1), which only exports
// the finished visual string; here the levels themselves are needed, so the
// same rules are kept in step with it and TestLevelsAgreeWithPersianVisual
// checks, on a fixed corpus and thousands of random lines, that ordering
// with these levels gives exactly persian.Visual's result.

// classOf is a rune's bidi class; explicit embeddings, overrides and
// isolates count as boundary neutrals (BN), as in persian.Visual.
func classOf(r rune) bidi.Class {
	p, _ := bidi.LookupRune(r)
	c := p.Class()
	if c > bidi.Control {
		return bidi.BN
	}
	return c
}

// isParagraphSeparator reports the characters of bidi class B.
func isParagraphSeparator(r rune) bool {
	switch r {
	case '\n', '\r', '\x1c', '\x1d', '\x1e', '\u0085', '\u2029':
		return true
	}
	return false
}

// brackets pairs the opening brackets with their closing ones (BD16).
var brackets = map[rune]rune{'(': ')', '[': ']', '{': '}'}

// levels returns the embedding level (1 or 2) of each rune of one
// paragraph whose base direction is right to left.
func levels(rs []rune) []int {
	n := len(rs)
	orig := make([]bidi.Class, n)
	t := make([]bidi.Class, n)
	for i, r := range rs {
		orig[i] = classOf(r)
		t[i] = orig[i]
	}
	live := func(i int) bool { return orig[i] != bidi.BN } // X9
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
	last := bidi.R
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
	// W3
	for i := range t {
		if t[i] == bidi.AL {
			t[i] = bidi.R
		}
	}
	// W4
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
	// W5
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
	// W6
	for i := range t {
		if live(i) && (t[i] == bidi.ES || t[i] == bidi.ET || t[i] == bidi.CS) {
			t[i] = bidi.ON
		}
	}
	// W7
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
	strong := func(c bidi.Class) bidi.Class {
		switch c {
		case bidi.L:
			return bidi.L
		case bidi.R, bidi.EN, bidi.AN:
			return bidi.R
		}
		return bidi.ON
	}
	// N0
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
			ctx := bidi.R
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
			for m := k + 1; m < n && (orig[m] == bidi.NSM || !live(m)); m++ {
				if live(m) {
					t[m] = dir
				}
			}
		}
	}
	// N1, N2
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
	// I1, I2
	lv := make([]int, n)
	for i := range t {
		if t[i] == bidi.R {
			lv[i] = 1
		} else {
			lv[i] = 2
		}
	}
	for i := range lv {
		if !live(i) {
			lv[i] = 1
			if k := prevLive(i); k >= 0 {
				lv[i] = lv[k]
			}
		}
	}
	// L1
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
	slices.SortFunc(pairs, func(a, b [2]int) int { return a[0] - b[0] })
	return pairs
}
