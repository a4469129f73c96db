package pishkhan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	jalaali "github.com/jalaali/go-jalaali"
)

// Rials is an amount of money in Iranian rials. All money in Pishkhan is
// integer rials; tomans exist only on screen.
type Rials int64

// MaxFee is the largest fee, government or counter, a catalog may set: one
// trillion rials, far above any real fee. Bounding each fee keeps every sum
// of fees (a request's total, a day's takings) far from int64 overflow.
const MaxFee Rials = 1_000_000_000_000

// CatalogVersion numbers the catalog published by the central exchange.
// A request keeps the version it was made under.
type CatalogVersion int64

// Agency is a government body that offers services (دستگاه).
type Agency struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Generated bool   `json:"generated,omitempty"` // true for demo entries that stand in for real ones
}

// Service is a government service (خدمت) offered by an agency.
type Service struct {
	ID        string `json:"id"`
	AgencyID  string `json:"agency_id"`
	Name      string `json:"name"`
	Licence   bool   `json:"licence,omitempty"` // a licence service (مجوز), which needs many inquiries
	Generated bool   `json:"generated,omitempty"`
}

// SubService is what a clerk actually files (زیرخدمت): it defines the form,
// the fees and the inquiries to other agencies it needs.
type SubService struct {
	ID            string      `json:"id"`
	ServiceID     string      `json:"service_id"`
	Name          string      `json:"name"`
	Fields        []FieldSpec `json:"fields"`
	GovFee        Rials       `json:"gov_fee"`     // the government's fee (تعرفه دولتی)
	CounterFee    Rials       `json:"counter_fee"` // the counter office's own fee (کارمزد پیشخوان)
	Inquiries     []string    `json:"inquiries,omitempty"`
	NeedsApproval bool        `json:"needs_approval,omitempty"` // the supervisor approves before it is sent
	Generated     bool        `json:"generated,omitempty"`
}

// TotalFee is the government fee plus the counter fee.
func (s SubService) TotalFee() Rials { return s.GovFee + s.CounterFee }

// InquiryType is a kind of inquiry (استعلام) to another agency through the
// national information exchange.
type InquiryType struct {
	ID       string `json:"id"`
	AgencyID string `json:"agency_id"`
	Name     string `json:"name"`
}

// FieldType is the type of a form field in a sub-service's schema.
type FieldType string

// The field types a sub-service's form may use.
const (
	FieldText         FieldType = "text"
	FieldNumber       FieldType = "number"
	FieldAmount       FieldType = "amount" // rials
	FieldDate         FieldType = "date"   // Jalali YYYY/MM/DD
	FieldNationalCode FieldType = "national_code"
	FieldMobile       FieldType = "mobile"
	FieldPostalCode   FieldType = "postal_code"
	FieldChoice       FieldType = "choice"
	FieldPlate        FieldType = "plate" // vehicle plate: 2 digits, letter, 3 digits, 2-digit region
)

var fieldTypes = map[FieldType]bool{
	FieldText: true, FieldNumber: true, FieldAmount: true, FieldDate: true, FieldNationalCode: true,
	FieldMobile: true, FieldPostalCode: true, FieldChoice: true, FieldPlate: true,
}

// FieldSpec describes one field of a sub-service's form.
type FieldSpec struct {
	Key      string    `json:"key"`
	Label    string    `json:"label"` // Persian label shown to the clerk
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	MinLen   int       `json:"min_len,omitempty"`
	MaxLen   int       `json:"max_len,omitempty"`
	Min      int64     `json:"min,omitempty"` // for number and amount, when Max > 0
	Max      int64     `json:"max,omitempty"`
	Pattern  string    `json:"pattern,omitempty"` // a Go regexp the whole normalised value must match
	Choices  []string  `json:"choices,omitempty"`
}

var fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Check reports whether the spec itself is well formed.
func (f FieldSpec) Check() error {
	if !fieldKeyRE.MatchString(f.Key) {
		return fmt.Errorf("field key %q must be lower-case ASCII, start with a letter, at most 40 characters", f.Key)
	}
	if !fieldTypes[f.Type] {
		return fmt.Errorf("field %s: unknown type %q", f.Key, f.Type)
	}
	if f.Type == FieldChoice && len(f.Choices) == 0 {
		return fmt.Errorf("field %s: a choice field needs choices", f.Key)
	}
	// Validate matches choices by fold, so two choices that fold alike could
	// not be told apart, and one that folds to "" could never be chosen.
	folded := make(map[string]string, len(f.Choices))
	for _, c := range f.Choices {
		k := fold(c)
		if k == "" {
			return fmt.Errorf("field %s: empty choice %q", f.Key, c)
		}
		if prev, dup := folded[k]; dup {
			return fmt.Errorf("field %s: choices %q and %q differ only in spacing or Arabic/Persian letters", f.Key, prev, c)
		}
		folded[k] = c
	}
	if f.Pattern != "" {
		if _, err := regexp.Compile(f.Pattern); err != nil {
			return fmt.Errorf("field %s: bad pattern: %w", f.Key, err)
		}
	}
	if f.MaxLen > 0 && f.MinLen > f.MaxLen {
		return fmt.Errorf("field %s: min length %d above max length %d", f.Key, f.MinLen, f.MaxLen)
	}
	if f.Max > 0 && f.Min > f.Max {
		return fmt.Errorf("field %s: min %d above max %d", f.Key, f.Min, f.Max)
	}
	return nil
}

// Validate checks one value against the spec and returns it in canonical
// form (ASCII digits for numeric types, trimmed single-line text with runs of
// white space collapsed, the spec's own spelling of a choice). An empty value
// is accepted for optional fields and returned as "".
func (f FieldSpec) Validate(value string) (string, error) {
	v := strings.TrimSpace(value)
	label := f.Label
	if label == "" {
		label = f.Key
	}
	if v == "" {
		if f.Required {
			return "", &Error{Code: EInvalid, Field: f.Key, Message: "is required",
				Persian: fmt.Sprintf("«%s» را وارد کنید.", label)}
		}
		return "", nil
	}
	bad := func(fa, en string, args ...any) (string, error) {
		return "", &Error{Code: EInvalid, Field: f.Key, Message: fmt.Sprintf(en, args...), Persian: fmt.Sprintf("«%s»: %s", label, fa)}
	}
	switch f.Type {
	case FieldText:
		// Text fields are single-line: a newline or other control character
		// would break receipts, logs and the exchange's records.
		if r, ok := firstControl(value); ok {
			return bad("نویسه‌های نامعتبر (مانند سطر جدید) مجاز نیست.", "has the control character %U", r)
		}
		v = collapseSpaces(v)
		n := utf8.RuneCountInString(v)
		if f.MinLen > 0 && n < f.MinLen {
			return bad(fmt.Sprintf("دست‌کم %s نویسه لازم است.", persianInt(f.MinLen)), "needs at least %d characters, got %d", f.MinLen, n)
		}
		if f.MaxLen > 0 && n > f.MaxLen {
			return bad(fmt.Sprintf("حداکثر %s نویسه مجاز است.", persianInt(f.MaxLen)), "allows at most %d characters, got %d", f.MaxLen, n)
		}
	case FieldNumber, FieldAmount:
		// cleanDigits drops '-', '.' and '/' as separators; in a number they are a
		// sign or a decimal point, so "-500" or "2.5" must be refused, not read as 500 or 25.
		d := strings.NewReplacer("٬", "", ",", "", "،", "").Replace(cleanDigits(v))
		if strings.ContainsAny(v, "-‐–./") || !allDigits(d) || len(d) > 18 {
			return bad("فقط رقم وارد کنید.", "must be a whole number, got %q", value)
		}
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return bad("عدد درست نیست.", "is not a number: %v", err)
		}
		if f.Max > 0 && (n < f.Min || n > f.Max) {
			return bad(fmt.Sprintf("باید بین %s و %s باشد.", persianInt(int(f.Min)), persianInt(int(f.Max))), "must be between %d and %d, got %d", f.Min, f.Max, n)
		}
		v = strconv.FormatInt(n, 10)
	case FieldDate:
		y, m, d, ok := parseJalaliYMD(v)
		if !ok {
			return bad("تاریخ را به شکل ۱۴۰۳/۰۵/۲۰ وارد کنید.", "must be a Jalali date YYYY/MM/DD, got %q", value)
		}
		v = fmt.Sprintf("%04d/%02d/%02d", y, m, d)
	case FieldNationalCode:
		n, err := ParseNationalCode(v)
		if err != nil {
			return bad(PersianMessage(err), "%v", err)
		}
		v = string(n)
	case FieldMobile:
		n, err := ParseMobile(v)
		if err != nil {
			return bad(PersianMessage(err), "%v", err)
		}
		v = string(n)
	case FieldPostalCode:
		n, err := ParsePostalCode(v)
		if err != nil {
			return bad(PersianMessage(err), "%v", err)
		}
		v = string(n)
	case FieldChoice:
		// A choice typed with Arabic ي or ك, a space for a ZWNJ or extra
		// spaces is still that choice; the catalog's own spelling is returned.
		c, ok := f.choice(v)
		if !ok {
			return bad("یکی از گزینه‌ها را انتخاب کنید.", "must be one of %q, got %q", f.Choices, v)
		}
		v = c
	case FieldPlate:
		p, ok := parsePlate(v)
		if !ok {
			return bad("پلاک را به شکل ۱۲ب۳۴۵-۶۷ وارد کنید.", "must be a plate like 12B345-67, got %q", value)
		}
		v = p
	}
	if f.Pattern != "" {
		// Anchor the whole pattern: with leftmost-first matching, FindString can
		// return a shorter match ("a" for `a|ab` on "ab") although the whole value matches.
		re, err := regexp.Compile(f.Pattern)
		if err == nil {
			re, err = regexp.Compile(`\A(?:` + f.Pattern + `)\z`)
		}
		if err != nil || !re.MatchString(v) {
			return bad("قالب مقدار درست نیست.", "does not match pattern %s", f.Pattern)
		}
	}
	return v, nil
}

// choice returns the spec's own spelling of the choice that v names, matching
// by fold.
func (f FieldSpec) choice(v string) (string, bool) {
	for _, c := range f.Choices {
		if c == v {
			return c, true
		}
	}
	k := fold(v)
	for _, c := range f.Choices {
		if fold(c) == k {
			return c, true
		}
	}
	return "", false
}

// MinJalaliYear and MaxJalaliYear bound the Jalali years a date field accepts
// (and the desk's birth dates). go-jalaali v0.1.0, which checks the dates,
// gets the leap years wrong next to its break years 1210 and 1635 (see the
// persian package's tests), so a year outside 1250–1600 could have its
// Esfand 30 accepted or refused wrongly; the range still covers every living
// person's birth date.
const MinJalaliYear, MaxJalaliYear = 1250, 1600

// parseJalaliYMD parses YYYY/MM/DD (or with dashes) in any digit script and
// checks the day against the month's length (Esfand has 30 days only in leap years).
func parseJalaliYMD(s string) (y, m, d int, ok bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		case r == '-' || r == '.':
			return '/'
		}
		return r
	}, s)
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return 0, 0, 0, false
	}
	var nums [3]int
	for i, p := range parts {
		if !allDigits(p) || len(p) > 4 {
			return 0, 0, 0, false
		}
		nums[i], _ = strconv.Atoi(p)
	}
	y, m, d = nums[0], nums[1], nums[2]
	// See MinJalaliYear: go-jalaali is wrong near 1210 and 1635.
	if y < MinJalaliYear || y > MaxJalaliYear || !jalaali.IsValidDate(y, m, d) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// plateLetters are the letters used on Iranian civilian plates.
const plateLetters = "ابپتثجدزسشصطعفقکگلمنوهیژ"

// parsePlate accepts "12ب345-67" or "12 ب 345 ایران 67" and returns "12ب345-67".
func parsePlate(s string) (string, bool) {
	s = strings.ReplaceAll(s, "ایران", "")
	// Arabic keyboards type ي and ك; the plate letter الف is written out in full.
	s = strings.ReplaceAll(strings.Map(persianLetter, s), "الف", "ا")
	var digits []rune
	var letter rune
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, r)
		case r >= '۰' && r <= '۹':
			digits = append(digits, '0'+(r-'۰'))
		case r >= '٠' && r <= '٩':
			digits = append(digits, '0'+(r-'٠'))
		case strings.ContainsRune(plateLetters, r):
			if letter != 0 || len(digits) != 2 {
				return "", false
			}
			letter = r
		case r == ' ' || r == '-' || r == '|' || r == '\u200c':
		default:
			return "", false
		}
	}
	if letter == 0 || len(digits) != 7 {
		return "", false
	}
	l := string(letter)
	if letter == 'ا' {
		l = "الف"
	}
	return string(digits[:2]) + l + string(digits[2:5]) + "-" + string(digits[5:]), true
}

// Catalog is a whole published catalog: what the desk can file.
type Catalog struct {
	Version      CatalogVersion `json:"version"`
	Agencies     []Agency       `json:"agencies"`
	Services     []Service      `json:"services"`
	SubServices  []SubService   `json:"sub_services"`
	InquiryTypes []InquiryType  `json:"inquiry_types"`
}

// Check verifies the catalog's integrity: unique ids, every reference
// resolves, fees are between 0 and MaxFee, every form field spec is well formed.
func (c *Catalog) Check() error {
	if c.Version <= 0 {
		return fmt.Errorf("catalog version must be positive, got %d", c.Version)
	}
	if len(c.SubServices) == 0 {
		// An empty catalog would leave the desk unable to file anything: it is a
		// broken export or a hostile answer, never a real publication.
		return fmt.Errorf("catalog version %d has no sub-services", c.Version)
	}
	agencies := make(map[string]bool, len(c.Agencies))
	for _, a := range c.Agencies {
		if a.ID == "" || a.Name == "" {
			return fmt.Errorf("agency %q: id and name are required", a.ID)
		}
		if agencies[a.ID] {
			return fmt.Errorf("agency %s: duplicate id", a.ID)
		}
		agencies[a.ID] = true
	}
	inquiries := make(map[string]bool, len(c.InquiryTypes))
	for _, q := range c.InquiryTypes {
		if q.ID == "" || q.Name == "" {
			return fmt.Errorf("inquiry type %q: id and name are required", q.ID)
		}
		if inquiries[q.ID] {
			return fmt.Errorf("inquiry type %s: duplicate id", q.ID)
		}
		if !agencies[q.AgencyID] {
			return fmt.Errorf("inquiry type %s: unknown agency %q", q.ID, q.AgencyID)
		}
		inquiries[q.ID] = true
	}
	services := make(map[string]bool, len(c.Services))
	for _, s := range c.Services {
		if s.ID == "" || s.Name == "" {
			return fmt.Errorf("service %q: id and name are required", s.ID)
		}
		if services[s.ID] {
			return fmt.Errorf("service %s: duplicate id", s.ID)
		}
		if !agencies[s.AgencyID] {
			return fmt.Errorf("service %s: unknown agency %q", s.ID, s.AgencyID)
		}
		services[s.ID] = true
	}
	subs := make(map[string]bool, len(c.SubServices))
	for _, s := range c.SubServices {
		if s.ID == "" || s.Name == "" {
			return fmt.Errorf("sub-service %q: id and name are required", s.ID)
		}
		if subs[s.ID] {
			return fmt.Errorf("sub-service %s: duplicate id", s.ID)
		}
		if !services[s.ServiceID] {
			return fmt.Errorf("sub-service %s: unknown service %q", s.ID, s.ServiceID)
		}
		if s.GovFee < 0 || s.CounterFee < 0 {
			return fmt.Errorf("sub-service %s: negative fee", s.ID)
		}
		if s.GovFee > MaxFee || s.CounterFee > MaxFee {
			return fmt.Errorf("sub-service %s: fee above the maximum of %d rials", s.ID, MaxFee)
		}
		keys := map[string]bool{}
		for _, f := range s.Fields {
			if err := f.Check(); err != nil {
				return fmt.Errorf("sub-service %s: %w", s.ID, err)
			}
			if keys[f.Key] {
				return fmt.Errorf("sub-service %s: duplicate field %s", s.ID, f.Key)
			}
			keys[f.Key] = true
		}
		needed := make(map[string]bool, len(s.Inquiries))
		for _, q := range s.Inquiries {
			if !inquiries[q] {
				return fmt.Errorf("sub-service %s: unknown inquiry type %q", s.ID, q)
			}
			if needed[q] {
				return fmt.Errorf("sub-service %s: inquiry type %s listed twice", s.ID, q)
			}
			needed[q] = true
		}
		subs[s.ID] = true
	}
	return nil
}

// ValidateForm checks a whole form against a sub-service's schema. It returns
// the canonical values, or an *Error naming the first bad field; unknown keys
// are refused so that a typo never slips through silently.
func (s SubService) ValidateForm(values map[string]string) (map[string]string, error) {
	known := make(map[string]bool, len(s.Fields))
	out := make(map[string]string, len(s.Fields))
	for _, f := range s.Fields {
		known[f.Key] = true
		v, err := f.Validate(values[f.Key])
		if err != nil {
			return nil, err
		}
		if v != "" {
			out[f.Key] = v
		}
	}
	for k := range values {
		if !known[k] {
			return nil, &Error{Code: EInvalid, Field: k, Message: "is not a field of sub-service " + s.ID,
				Persian: fmt.Sprintf("فیلد «%s» در فرم این خدمت نیست.", k)}
		}
	}
	return out, nil
}
