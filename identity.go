package pishkhan

import (
	"fmt"
	"strings"
	"unicode"
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

// Name length limits for CheckPersonName, in characters (runes).
const (
	minPersonName = 2
	maxPersonName = 50
)

// personNameLabels are the Persian names of the name fields CheckPersonName
// is usually given; any other field is called «نام».
var personNameLabels = map[string]string{
	"first_name":  "نام",
	"last_name":   "نام خانوادگی",
	"father_name": "نام پدر",
	"full_name":   "نام و نام خانوادگی",
}

// CheckPersonName validates a person's name as typed by a clerk and returns
// it in canonical form: trimmed, Arabic ي, ى and ك as Persian ی and ک, the
// typographic apostrophe ’ as ', runs of white space as one space, and ZWNJ
// kept inside words (but not at a word's ends, and never two in a row).
//
// The name must have 2 to 50 characters and at least one letter, and only
// letters, combining marks (e.g. Arabic harakat), space, ZWNJ, hyphen and
// apostrophe; digits in any script, control characters (newlines included)
// and other symbols are refused. Errors are EInvalid with Field set to field
// and a Persian message that names the problem.
func CheckPersonName(field, s string) (string, error) {
	label, ok := personNameLabels[field]
	if !ok {
		label = "نام"
	}
	bad := func(fa, en string, args ...any) (string, error) {
		return "", &Error{Code: EInvalid, Field: field, Persian: fa, Message: fmt.Sprintf(en, args...)}
	}
	if r, ok := firstControl(s); ok {
		return bad(fmt.Sprintf("نویسه‌های نامعتبر (مانند سطر جدید) در «%s» مجاز نیست.", label),
			"name has the control character %U", r)
	}
	n := normalizePersonName(s)
	if n == "" {
		return bad(fmt.Sprintf("«%s» را وارد کنید.", label), "name is empty")
	}
	letters := 0
	for _, r := range n {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsNumber(r):
			return bad(fmt.Sprintf("«%s» نباید رقم داشته باشد.", label), "name %q has the digit %q", n, r)
		case unicode.IsMark(r), r == ' ', r == zwnj, r == '-', r == '\'':
		case unicode.IsGraphic(r):
			return bad(fmt.Sprintf("نویسه «%c» در «%s» مجاز نیست؛ فقط حرف، فاصله، نیم‌فاصله، خط تیره و آپاستروف.", r, label),
				"name %q has the character %q; only letters, marks, space, ZWNJ, hyphen and apostrophe are allowed", n, r)
		default: // invisible format characters such as RLM
			return bad(fmt.Sprintf("«%s» نویسه نامرئی دارد که مجاز نیست؛ نام را دوباره تایپ کنید.", label),
				"name %q has the invisible character %U", n, r)
		}
	}
	if letters == 0 {
		return bad(fmt.Sprintf("«%s» باید دست‌کم یک حرف داشته باشد.", label), "name %q has no letter", n)
	}
	if c := utf8.RuneCountInString(n); c < minPersonName || c > maxPersonName {
		return bad(fmt.Sprintf("«%s» باید %s تا %s نویسه باشد.", label, persianInt(minPersonName), persianInt(maxPersonName)),
			"name must have %d to %d characters, got %d", minPersonName, maxPersonName, c)
	}
	return n, nil
}

// normalizePersonName does CheckPersonName's clean-up, without judging.
func normalizePersonName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '’' {
			return '\''
		}
		return persianLetter(r)
	}, s)
	words := strings.FieldsFunc(s, unicode.IsSpace)
	out := words[:0]
	for _, w := range words {
		w = strings.Trim(w, string(zwnj))
		for strings.Contains(w, string(zwnj)+string(zwnj)) {
			w = strings.ReplaceAll(w, string(zwnj)+string(zwnj), string(zwnj))
		}
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
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
