package pishkhan

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// NationalCode is a validated Iranian national code (کد ملی): ten ASCII digits
// whose last digit is the check digit.
type NationalCode string

// ParseNationalCode accepts a national code in Persian, Arabic-Indic or Latin
// digits, with or without dashes or spaces, and validates its length, that its
// digits are not all equal, and its check digit: with weights 10..2 over the
// first nine digits, s = Σ dᵢ·wᵢ mod 11; the check digit is s when s < 2 and
// 11 − s otherwise.
func ParseNationalCode(s string) (NationalCode, error) {
	d := cleanDigits(strings.TrimSpace(s))
	if d == "" {
		return "", FieldError("national_code", "کد ملی وارد نشده است.", "national code is empty")
	}
	if !allDigits(d) {
		return "", FieldError("national_code", "کد ملی فقط باید رقم داشته باشد.", "national code %q has characters other than digits", s)
	}
	if len(d) != 10 {
		return "", FieldError("national_code", fmt.Sprintf("کد ملی باید ۱۰ رقم باشد؛ %s رقم وارد شده است.", persianInt(len(d))),
			"national code must have 10 digits, got %d", len(d))
	}
	if allSame(d) {
		return "", FieldError("national_code", "کد ملی با ارقام تکراری معتبر نیست.", "national code %s has all digits equal", d)
	}
	if want := nationalCheckDigit(d[:9]); int(d[9]-'0') != want {
		return "", FieldError("national_code", "رقم کنترل کد ملی درست نیست؛ کد را دوباره بررسی کنید.",
			"national code %s fails its check digit", d)
	}
	return NationalCode(d), nil
}

// nationalCheckDigit computes the check digit for the first nine digits.
func nationalCheckDigit(nine string) int {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(nine[i]-'0') * (10 - i)
	}
	r := sum % 11
	if r < 2 {
		return r
	}
	return 11 - r
}

// CompleteNationalCode appends the check digit to nine digits. It is used by
// the demo data and by tests; it returns an error for anything but nine ASCII digits.
func CompleteNationalCode(nine string) (NationalCode, error) {
	if len(nine) != 9 || !allDigits(nine) {
		return "", fmt.Errorf("need nine ASCII digits, got %q", nine)
	}
	return ParseNationalCode(nine + string(rune('0'+nationalCheckDigit(nine))))
}

// String returns the ten digits.
func (n NationalCode) String() string { return string(n) }

// Masked hides the middle digits, as printed on receipts: 001****456.
func (n NationalCode) Masked() string {
	if len(n) != 10 {
		return strings.Repeat("*", len(n))
	}
	return string(n[:3]) + "****" + string(n[7:])
}

// Mobile is an Iranian mobile number in canonical form: 11 digits starting 09.
type Mobile string

// ParseMobile accepts 09xxxxxxxxx, 9xxxxxxxxx, +989xxxxxxxxx or 00989xxxxxxxxx in any digit script.
func ParseMobile(s string) (Mobile, error) {
	d := cleanDigits(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(d, "+98"):
		d = "0" + d[3:]
	case strings.HasPrefix(d, "0098"):
		d = "0" + d[4:]
	case strings.HasPrefix(d, "98") && len(d) == 12:
		d = "0" + d[2:]
	case strings.HasPrefix(d, "9") && len(d) == 10:
		d = "0" + d
	}
	if !allDigits(d) || len(d) != 11 || !strings.HasPrefix(d, "09") {
		return "", FieldError("mobile", "شماره همراه باید ۱۱ رقم و با ۰۹ شروع شود.",
			"mobile number %q must be 11 digits starting with 09", s)
	}
	return Mobile(d), nil
}

// String returns the 11 digits.
func (m Mobile) String() string { return string(m) }

// PostalCode is a ten-digit Iranian postal code (کد پستی).
type PostalCode string

// ParsePostalCode accepts ten digits in any script, with or without a dash.
// Iran Post does not use the digits 0 and 2 in the first five digits (the
// sorting-area part), and a code of ten equal digits is not issued.
func ParsePostalCode(s string) (PostalCode, error) {
	d := cleanDigits(strings.TrimSpace(s))
	if !allDigits(d) || len(d) != 10 {
		return "", FieldError("postal_code", "کد پستی باید ۱۰ رقم باشد.", "postal code %q must have 10 digits", s)
	}
	if allSame(d) || strings.ContainsAny(d[:5], "02") {
		return "", FieldError("postal_code", "این کد پستی معتبر نیست.", "postal code %s is not a valid Iranian postal code", d)
	}
	return PostalCode(d), nil
}

// String returns the ten digits.
func (p PostalCode) String() string { return string(p) }

// persianInt writes a small non-negative integer in Persian digits, for messages.
func persianInt(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	b.Grow(len(s) * utf8.UTFMax)
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune('۰' + (r - '0'))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Citizen is a person served at the counter, identified by national code.
// The card reader fills the names; a clerk may type them when there is no card.
type Citizen struct {
	NationalCode NationalCode
	FirstName    string
	LastName     string
	FatherName   string
	BirthDate    string // Jalali, YYYY/MM/DD
	Mobile       Mobile
}

// FullName returns first and last name joined by a space.
func (c Citizen) FullName() string {
	return strings.TrimSpace(c.FirstName + " " + c.LastName)
}
