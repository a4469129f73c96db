package pishkhan

import "strings"

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
