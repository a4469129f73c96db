package persian

import "unicode/utf8"

// Unit is a currency unit used for displaying amounts. Amounts themselves
// are always stored as int64 rials.
type Unit int

const (
	// Rial is the official Iranian currency unit; all amounts are stored in
	// rials.
	Rial Unit = iota
	// Toman is the colloquial unit equal to 10 rials, used for display only.
	Toman
)

// Persian names of the currency units.
const (
	RialName  = "ریال"
	TomanName = "تومان"
)

// String returns the Persian name of the unit ("ریال" or "تومان"). Unknown
// units fall back to "ریال", matching [FormatMoney].
func (u Unit) String() string {
	if u == Toman {
		return TomanName
	}
	return RialName
}

// FormatRials formats an amount of rials for display, e.g. 125000 →
// "۱۲۵٬۰۰۰ ریال". Negative amounts use the sign convention of [FormatInt].
func FormatRials(r int64) string {
	return FormatInt(r) + " " + RialName
}

// FormatTomans formats an amount given in rials as tomans (rials / 10), e.g.
// 1250000 → "۱۲۵٬۰۰۰ تومان".
//
// Amounts are never rounded, because a displayed price must match what is
// charged: when r is not a multiple of 10 the toman amount is shown exactly
// with one decimal digit after the Persian decimal separator ٫ (U+066B),
// e.g. 1250005 → "۱۲۵٬۰۰۰٫۵ تومان" and -5 → "\u200e−۰٫۵ تومان".
func FormatTomans(r int64) string {
	return formatTomanNumber(r) + " " + TomanName
}

// formatTomanNumber returns r/10 formatted like FormatInt, with an exact
// decimal digit when r is not a multiple of 10.
func formatTomanNumber(r int64) string {
	whole, frac := r/10, r%10 // both have the sign of r (Go truncates)
	if frac < 0 {
		frac = -frac
	}
	s := FormatInt(whole)
	if r < 0 && whole == 0 {
		// -1..-9 rials: whole is 0, so FormatInt dropped the sign.
		s = negativePrefix + s
	}
	if frac != 0 {
		var buf [8]byte
		n := utf8.EncodeRune(buf[:], DecimalSeparator)
		n += utf8.EncodeRune(buf[n:], persianZero+rune(frac))
		s += string(buf[:n])
	}
	return s
}

// FormatMoney formats an amount of rials in the given display unit, using
// [FormatRials] for [Rial] and [FormatTomans] for [Toman]. Any other unit is
// treated as Rial, the storage unit, so no information is lost.
func FormatMoney(r int64, unit Unit) string {
	if unit == Toman {
		return FormatTomans(r)
	}
	return FormatRials(r)
}
