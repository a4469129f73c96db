package persian

import "strings"

// Shaping: Persian letters change shape with their neighbours (isolated,
// final, initial, medial). A screen's text engine does that itself; thermal
// printers, Iran System code pages and fpdf do not, so text for them is
// shaped here, to Unicode's Arabic presentation forms, and then put in
// visual order (see Visual).

// joining is a letter's Unicode joining type (ArabicShaping.txt).
type joining uint8

const (
	joinNone        joining = iota // U: joins neither side (and anything not Arabic script)
	joinRight                      // R: joins the letter before it only (ا د ر و …)
	joinDual                       // D: joins both sides (ب س ک …)
	joinCausing                    // C: tatweel and ZWJ join both sides and are not shaped
	joinTransparent                // T: marks (harakat) do not interrupt joining
)

// forms holds a letter's presentation forms: isolated, final, initial,
// medial (the last two are 0 for right-joining letters).
type forms [4]rune

var letterForms = map[rune]forms{
	'\u0622': {0xFE81, 0xFE82, 0, 0},
	'\u0623': {0xFE83, 0xFE84, 0, 0},
	'\u0624': {0xFE85, 0xFE86, 0, 0},
	'\u0625': {0xFE87, 0xFE88, 0, 0},
	'\u0626': {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C},
	'\u0627': {0xFE8D, 0xFE8E, 0, 0},
	'\u0628': {0xFE8F, 0xFE90, 0xFE91, 0xFE92},
	'\u0629': {0xFE93, 0xFE94, 0, 0},
	'\u062A': {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	'\u062B': {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C},
	'\u062C': {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0},
	'\u062D': {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},
	'\u062E': {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8},
	'\u062F': {0xFEA9, 0xFEAA, 0, 0},
	'\u0630': {0xFEAB, 0xFEAC, 0, 0},
	'\u0631': {0xFEAD, 0xFEAE, 0, 0},
	'\u0632': {0xFEAF, 0xFEB0, 0, 0},
	'\u0633': {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},
	'\u0634': {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8},
	'\u0635': {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC},
	'\u0636': {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	'\u0637': {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4},
	'\u0638': {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
	'\u0639': {0xFEC9, 0xFECA, 0xFECB, 0xFECC},
	'\u063A': {0xFECD, 0xFECE, 0xFECF, 0xFED0},
	'\u0641': {0xFED1, 0xFED2, 0xFED3, 0xFED4},
	'\u0642': {0xFED5, 0xFED6, 0xFED7, 0xFED8},
	'\u0643': {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC},
	'\u0644': {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
	'\u0645': {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4},
	'\u0646': {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8},
	'\u0647': {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC},
	'\u0648': {0xFEED, 0xFEEE, 0, 0},
	'\u0649': {0xFEEF, 0xFEF0, 0xFBE8, 0xFBE9},
	'\u064A': {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
	'\u067E': {0xFB56, 0xFB57, 0xFB58, 0xFB59}, // پ
	'\u0686': {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D}, // چ
	'\u0698': {0xFB8A, 0xFB8B, 0, 0},           // ژ
	'\u06A9': {0xFB8E, 0xFB8F, 0xFB90, 0xFB91}, // ک
	'\u06AF': {0xFB92, 0xFB93, 0xFB94, 0xFB95}, // گ
	'\u06CC': {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF}, // ی
}

// lamAlef holds the lam-alef ligatures, isolated and final, by the alef.
var lamAlef = map[rune][2]rune{
	'\u0622': {0xFEF5, 0xFEF6},
	'\u0623': {0xFEF7, 0xFEF8},
	'\u0625': {0xFEF9, 0xFEFA},
	'\u0627': {0xFEFB, 0xFEFC},
}

func joiningOf(r rune) joining {
	switch {
	case r == '\u0640' || r == '\u200D': // tatweel, ZWJ
		return joinCausing
	case (r >= '\u064B' && r <= '\u065F') || r == '\u0670' || (r >= '\u06D6' && r <= '\u06ED' && r != '\u06DD' && r != '\u06DE' && r != '\u06E5' && r != '\u06E6' && r != '\u06E9'):
		return joinTransparent
	}
	f, ok := letterForms[r]
	switch {
	case !ok || f[1] == 0:
		return joinNone
	case f[2] == 0:
		return joinRight
	}
	return joinDual
}

// Shape replaces the Arabic-script letters of s (in logical order) by the
// presentation forms their neighbours call for, and lam followed by alef by
// their ligature. Marks do not break joining; ZWNJ (U+200C) does, and ZWJ
// and tatweel join. Everything else passes through unchanged, so shaping is
// idempotent and safe on mixed text. Shape then Visual gives what a device
// without a text engine must draw from left to right.
func Shape(s string) string {
	rs := []rune(s)
	if !hasArabicLetter(rs) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		f, ok := letterForms[r]
		if !ok {
			b.WriteRune(r)
			continue
		}
		prev := joinsBefore(rs, i)
		if r == '\u0644' { // lam: a ligature with a following alef
			if j := nextLetter(rs, i); j > 0 {
				if lig, ok := lamAlef[rs[j]]; ok {
					if prev {
						b.WriteRune(lig[1])
					} else {
						b.WriteRune(lig[0])
					}
					for _, m := range rs[i+1 : j] { // marks between them stay
						b.WriteRune(m)
					}
					i = j
					continue
				}
			}
		}
		next := joinsAfter(rs, i)
		switch {
		case prev && next && f[3] != 0:
			b.WriteRune(f[3])
		case prev && f[1] != 0:
			b.WriteRune(f[1])
		case next && f[2] != 0:
			b.WriteRune(f[2])
		default:
			b.WriteRune(f[0])
		}
	}
	return b.String()
}

func hasArabicLetter(rs []rune) bool {
	for _, r := range rs {
		if _, ok := letterForms[r]; ok {
			return true
		}
	}
	return false
}

// nextLetter is the index of the first rune after i that is not a mark, or -1.
func nextLetter(rs []rune, i int) int {
	for j := i + 1; j < len(rs); j++ {
		if joiningOf(rs[j]) != joinTransparent {
			return j
		}
	}
	return -1
}

// joinsBefore reports whether the letter at i joins the one before it.
func joinsBefore(rs []rune, i int) bool {
	if t := joiningOf(rs[i]); t != joinRight && t != joinDual && t != joinCausing {
		return false
	}
	for j := i - 1; j >= 0; j-- {
		switch joiningOf(rs[j]) {
		case joinTransparent:
			continue
		case joinDual, joinCausing:
			return true
		}
		return false
	}
	return false
}

// joinsAfter reports whether the letter at i joins the one after it.
func joinsAfter(rs []rune, i int) bool {
	if t := joiningOf(rs[i]); t != joinDual && t != joinCausing {
		return false
	}
	j := nextLetter(rs, i)
	if j < 0 {
		return false
	}
	t := joiningOf(rs[j])
	return t == joinRight || t == joinDual || t == joinCausing
}
