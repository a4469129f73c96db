package pishkhan

import (
	"slices"
	"strings"
)

// cleanDigits maps Persian (۰–۹) and Arabic-Indic (٠–٩) digits to ASCII and
// drops the separators people type inside identifiers: spaces, dashes,
// dots, ZWNJ. The domain keeps its own copy of this tiny mapping so that it
// imports nothing of the project.
func cleanDigits(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + (r - '۰'))
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + (r - '٠'))
		case r == ' ' || r == '-' || r == '‐' || r == '–' || r == '.' || r == '\u200c' || r == '\u00a0' || r == '_' || r == '/':
			// separators inside identifiers
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allSame(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// persianAmount writes an amount in Persian digits grouped in threes with the
// Persian thousands separator ٬ (U+066C), e.g. 6300000 → "۶٬۳۰۰٬۰۰۰", for
// messages; the caller adds the unit. A negative amount is prefixed with
// LEFT-TO-RIGHT MARK and MINUS SIGN (U+200E U+2212), as persian.FormatInt
// does, so that the sign stays on the left in right-to-left text. The domain
// keeps its own copy because it imports nothing of the project.
func persianAmount(r Rials) string {
	u := uint64(r)
	if r < 0 {
		u = -u // two's complement: right for math.MinInt64 too
	}
	var digits []rune
	for i := 0; ; i++ {
		if i > 0 && i%3 == 0 {
			digits = append(digits, '٬')
		}
		digits = append(digits, '۰'+rune(u%10))
		u /= 10
		if u == 0 {
			break
		}
	}
	slices.Reverse(digits)
	if r < 0 {
		return "\u200e\u2212" + string(digits)
	}
	return string(digits)
}
