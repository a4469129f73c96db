package persian

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Separators and signs used when formatting Persian numbers.
const (
	// ThousandsSeparator is the Arabic thousands separator ٬ (U+066C) used
	// by Persian number formatting.
	ThousandsSeparator = '\u066C'
	// DecimalSeparator is the Arabic decimal separator ٫ (U+066B) used by
	// Persian number formatting.
	DecimalSeparator = '\u066B'
	// MinusSign is the typographic minus sign − (U+2212) that CLDR uses for
	// negative Persian numbers.
	MinusSign = '\u2212'
)

const (
	persianZero = '\u06F0' // ۰ EXTENDED ARABIC-INDIC DIGIT ZERO
	arabicZero  = '\u0660' // ٠ ARABIC-INDIC DIGIT ZERO

	lrm = '\u200E' // LEFT-TO-RIGHT MARK
	rlm = '\u200F' // RIGHT-TO-LEFT MARK
	alm = '\u061C' // ARABIC LETTER MARK

	// negativePrefix is what CLDR puts in front of a negative number for
	// the Persian locale: LRM followed by MINUS SIGN.
	negativePrefix = "\u200E\u2212"
)

// isPersianDigit reports whether r is one of ۰…۹ (U+06F0–U+06F9).
func isPersianDigit(r rune) bool { return r >= persianZero && r <= persianZero+9 }

// isArabicDigit reports whether r is one of ٠…٩ (U+0660–U+0669).
func isArabicDigit(r rune) bool { return r >= arabicZero && r <= arabicZero+9 }

// digitValue returns the value of an ASCII, Persian or Arabic-Indic digit,
// or -1 if r is none of those.
func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case isPersianDigit(r):
		return int(r - persianZero)
	case isArabicDigit(r):
		return int(r - arabicZero)
	}
	return -1
}

// ToLatinDigits replaces Persian (U+06F0–U+06F9) and Arabic-Indic
// (U+0660–U+0669) digits in s with the ASCII digits 0–9. Every other rune,
// including separators and invalid UTF-8, is left unchanged. If s contains no
// such digit, s itself is returned without allocating.
func ToLatinDigits(s string) string {
	return mapDigits(s, func(r rune) (rune, bool) {
		switch {
		case isPersianDigit(r):
			return '0' + r - persianZero, true
		case isArabicDigit(r):
			return '0' + r - arabicZero, true
		}
		return r, false
	})
}

// ToPersianDigits replaces the ASCII digits 0–9 in s with the Persian digits
// ۰–۹ (U+06F0–U+06F9). Every other rune, including Arabic-Indic digits and
// invalid UTF-8, is left unchanged. If s contains no ASCII digit, s itself is
// returned without allocating.
func ToPersianDigits(s string) string {
	return mapDigits(s, func(r rune) (rune, bool) {
		if r >= '0' && r <= '9' {
			return persianZero + r - '0', true
		}
		return r, false
	})
}

// mapDigits applies f to every rune of s, copying invalid UTF-8 bytes
// verbatim (strings.Map would turn them into U+FFFD). It returns s when f
// changes nothing.
func mapDigits(s string, f func(rune) (rune, bool)) string {
	var b strings.Builder
	last := 0 // bytes of s before last have been handled (copied to b or not needed)
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if m, ok := f(r); ok {
			if b.Cap() == 0 {
				b.Grow(len(s) + 8)
			}
			b.WriteString(s[last:i])
			b.WriteRune(m)
			last = i + size
		}
		i += size
	}
	if b.Cap() == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// FormatInt formats n with Persian digits and the Persian thousands
// separator ٬ (U+066C), e.g. 1234567 → "۱٬۲۳۴٬۵۶۷".
//
// A negative number is prefixed with LEFT-TO-RIGHT MARK (U+200E) and MINUS
// SIGN (U+2212), e.g. -1500 → "\u200e−۱٬۵۰۰"; this is byte-for-byte what
// golang.org/x/text/message prints for language.Persian (the package tests
// cross-check the two), and it keeps the sign on the left in RTL text.
// [ParseInt] accepts the result.
func FormatInt(n int64) string {
	var buf [64]byte
	i := len(buf)
	u := uint64(n)
	if n < 0 {
		u = -u // two's complement: correct for math.MinInt64 too
	}
	group := 0
	for {
		if group == 3 {
			i -= utf8.RuneLen(ThousandsSeparator)
			utf8.EncodeRune(buf[i:], ThousandsSeparator)
			group = 0
		}
		i -= 2 // every Persian digit is two bytes in UTF-8
		utf8.EncodeRune(buf[i:], persianZero+rune(u%10))
		group++
		u /= 10
		if u == 0 {
			break
		}
	}
	if n < 0 {
		i -= len(negativePrefix)
		copy(buf[i:], negativePrefix)
	}
	return string(buf[i:])
}

// ErrIntSyntax is wrapped by the errors [ParseInt] returns for input that is
// not a well-formed integer. Out-of-range values wrap [strconv.ErrRange]
// instead.
var ErrIntSyntax = errors.New("invalid integer syntax")

// ParseInt parses a base-10 integer written with ASCII, Persian or
// Arabic-Indic digits (mixing scripts is allowed).
//
// The input may have leading and trailing white space and one leading sign
// ('+', '-' or MINUS SIGN U+2212, optionally followed by spaces). Digits may
// be grouped in threes with ٬ (U+066C), ',' or a run of white space, so
// "۱٬۲۳۴٬۵۶۷", "1,234,567" and "1 234 567" all parse; when separators are
// used, the first group must have 1–3 digits and every later group exactly 3,
// so that "12,50" (a mistyped decimal) is rejected rather than read as 1250.
// Bidi marks (LRM, RLM, ALM) are ignored anywhere, so the output of
// [FormatInt] round-trips.
//
// Errors wrap [ErrIntSyntax] for malformed input and [strconv.ErrRange] when
// the value does not fit in an int64, and quote the input.
func ParseInt(s string) (int64, error) {
	fail := func(format string, args ...any) (int64, error) {
		return 0, fmt.Errorf("persian: parse integer %q: %w: %s", s, ErrIntSyntax, fmt.Sprintf(format, args...))
	}
	const (
		stStart      = iota // nothing but spaces seen
		stAfterSign         // sign seen, no digit yet
		stDigit             // last token was a digit
		stAfterSep          // last token was a ٬ or ','
		stAfterSpace        // spaces after a digit: a separator or trailing space
	)
	var (
		digits   = make([]byte, 0, 24)
		neg      bool
		st       = stStart
		groupLen int  // digits in the current group
		grouped  bool // a separator has been seen
	)
	// endGroup checks the group just finished by a separator.
	endGroup := func() bool {
		ok := groupLen == 3 || (!grouped && groupLen <= 3)
		grouped, groupLen = true, 0
		return ok
	}
	for i, r := range s {
		if r == lrm || r == rlm || r == alm {
			continue
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fail("invalid UTF-8 at byte %d", i)
			}
		}
		if d := digitValue(r); d >= 0 {
			if st == stAfterSpace && !endGroup() {
				return fail("digit group before byte %d is not 3 digits long", i)
			}
			digits = append(digits, byte('0'+d))
			groupLen++
			st = stDigit
			continue
		}
		switch {
		case unicode.IsSpace(r):
			switch st {
			case stDigit:
				st = stAfterSpace
			case stAfterSep:
				return fail("space after separator at byte %d", i)
			}
		case r == '+' || r == '-' || r == MinusSign:
			if st != stStart {
				return fail("unexpected sign %q at byte %d", r, i)
			}
			neg = r != '+'
			st = stAfterSign
		case r == ThousandsSeparator || r == ',':
			if st != stDigit {
				return fail("separator %q at byte %d is not between digits", r, i)
			}
			if !endGroup() {
				return fail("digit group before byte %d is not 3 digits long", i)
			}
			st = stAfterSep
		default:
			return fail("unexpected character %q at byte %d", r, i)
		}
	}
	switch {
	case len(digits) == 0:
		return fail("no digits")
	case st == stAfterSep:
		return fail("trailing separator")
	case grouped && groupLen != 3:
		return fail("last digit group is not 3 digits long")
	}
	str := string(digits)
	if neg {
		str = "-" + str
	}
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil {
		// Digits were validated above, so the only possible failure is
		// strconv.ErrRange; unwrap it from the *strconv.NumError, whose
		// message would show the normalised rather than the original input.
		return 0, fmt.Errorf("persian: parse integer %q: %w", s, errors.Unwrap(err))
	}
	return n, nil
}
