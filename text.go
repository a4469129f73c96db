package pishkhan

import (
	"strings"
	"unicode"
)

// The letters an Arabic keyboard types where Persian wants ی and ک, and the
// invisible joiners people type inside words. They are spelt as escapes so
// that the source never mixes them up with their Persian look-alikes.
const (
	arabicYeh         = '\u064a' // ي
	arabicAlefMaksura = '\u0649' // ى
	arabicKaf         = '\u0643' // ك
	persianYeh        = '\u06cc' // ی
	persianKeheh      = '\u06a9' // ک
	zwnj              = '\u200c' // ZERO WIDTH NON-JOINER (نیم‌فاصله)
	nbsp              = '\u00a0'
)

// persianLetter maps the Arabic yeh, alef maksura and kaf to Persian ی and ک
// and leaves every other rune alone.
func persianLetter(r rune) rune {
	switch r {
	case arabicYeh, arabicAlefMaksura:
		return persianYeh
	case arabicKaf:
		return persianKeheh
	}
	return r
}

// collapseSpaces trims s and turns every run of white space inside it into
// one ASCII space. ZWNJ is not white space and is kept.
func collapseSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// fold is the form in which two spellings of the same Persian text compare
// equal: Arabic ي, ى and ك become Persian ی and ک, ZWNJ and NBSP become
// spaces, runs of white space become one space, and the ends are trimmed.
// It is for comparing only; what is stored is the catalog's own spelling.
func fold(s string) string {
	return collapseSpaces(strings.Map(func(r rune) rune {
		if r == zwnj || r == nbsp {
			return ' '
		}
		return persianLetter(r)
	}, s))
}

// firstControl returns the first control character in s (newline, tab,
// NUL, DEL, C1 controls), if there is one.
func firstControl(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) {
			return r, true
		}
	}
	return 0, false
}
