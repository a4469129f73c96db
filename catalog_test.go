package pishkhan

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	jalaali "github.com/jalaali/go-jalaali"
	"pgregory.net/rapid"
)

func validate(t *testing.T, f FieldSpec, in, want string) {
	t.Helper()
	got, err := f.Validate(in)
	if err != nil || got != want {
		t.Errorf("%s %q: got %q, %v; want %q", f.Type, in, got, err, want)
	}
}

func refuse(t *testing.T, f FieldSpec, in string) {
	t.Helper()
	got, err := f.Validate(in)
	if err == nil {
		t.Errorf("%s %q accepted as %q", f.Type, in, got)
		return
	}
	if got != "" {
		t.Errorf("%s %q: value %q with error", f.Type, in, got)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EInvalid || e.Field != f.Key {
		t.Errorf("%s %q: error %#v, want EInvalid on field %s", f.Type, in, err, f.Key)
		return
	}
	label := f.Label
	if label == "" {
		label = f.Key
	}
	if !strings.Contains(e.Persian, label) || !hasPersianLetter(e.Persian) {
		t.Errorf("%s %q: Persian message %q should name %q", f.Type, in, e.Persian, label)
	}
}

// Leap years checked two ways: with go-jalaali, and by the length of the
// Jalali year between published Nowruz dates (1 Farvardin 1403 = 20 March 2024,
// 1 Farvardin 1404 = 21 March 2025, 1 Farvardin 1405 = 21 March 2026).
func TestJalaliLeapYearsIndependently(t *testing.T) {
	days := func(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }
	n1403 := time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	n1404 := time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC)
	n1405 := time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC)
	if days(n1403, n1404) != 366 || days(n1404, n1405) != 365 {
		t.Fatalf("year lengths %d, %d", days(n1403, n1404), days(n1404, n1405))
	}
	for y, want := range map[int]bool{1399: true, 1400: false, 1403: true, 1404: false, 1408: true} {
		if leap, err := jalaali.IsLeapYear(y); err != nil || leap != want {
			t.Errorf("jalaali.IsLeapYear(%d) = %v, %v", y, leap, err)
		}
	}
	gy, gm, gd, err := jalaali.ToGregorian(1403, 12, 30)
	if err != nil || gy != 2025 || gm != time.March || gd != 20 {
		t.Errorf("1403/12/30 = %d-%d-%d, %v; want 2025-03-20 (the day before Nowruz 1404)", gy, gm, gd, err)
	}
}

func TestValidateDate(t *testing.T) {
	f := FieldSpec{Key: "birth", Label: "تاریخ تولد", Type: FieldDate}
	accept := map[string]string{
		"1403/12/30":                        "1403/12/30", // 1403 is leap
		"1404/12/29":                        "1404/12/29",
		"1399/12/30":                        "1399/12/30",
		"1403/06/31":                        "1403/06/31",
		"1403/07/30":                        "1403/07/30",
		"1403/1/5":                          "1403/01/05",
		" 1403/01/05 ":                      "1403/01/05",
		"1403-12-30":                        "1403/12/30",
		"1403.12.30":                        "1403/12/30",
		toScript("1403/12/30", persianZero): "1403/12/30",
		toScript("1403-1-5", arabicZero):    "1403/01/05",
		"1250/01/01":                        "1250/01/01",
		"1600/01/01":                        "1600/01/01",
		"1403/0012/0030":                    "1403/12/30",
	}
	for in, want := range accept {
		validate(t, f, in, want)
	}
	for _, in := range []string{
		"1404/12/30", // 1404 is not leap
		"1400/12/30",
		"1403/07/31", "1403/11/31", "1403/12/31",
		"1403/13/01", "1403/00/01", "1403/01/00", "1403/01/32",
		"1249/12/29", "1601/01/01", "2024/03/20",
		"14031230", "1403/12", "1403/12/30/1", "1403//30", "/1403/01/01",
		"1403 /12/30", "1403/12/3O", "abc", "۱۴۰۳/۱۲/۳۰م", "01403/01/01", "+1403/01/01",
	} {
		refuse(t, f, in)
	}
}

func TestValidateDateProperty(t *testing.T) {
	f := FieldSpec{Key: "d", Type: FieldDate}
	rapid.Check(t, func(t *rapid.T) {
		y := rapid.IntRange(1150, 1650).Draw(t, "y")
		m := rapid.IntRange(0, 13).Draw(t, "m")
		d := rapid.IntRange(0, 32).Draw(t, "d")
		in := fmt.Sprintf("%d/%d/%d", y, m, d)
		if rapid.Bool().Draw(t, "persian") {
			in = toScript(in, persianZero)
		}
		got, err := f.Validate(in)
		want := y >= MinJalaliYear && y <= MaxJalaliYear && jalaali.IsValidDate(y, m, d)
		if (err == nil) != want {
			t.Fatalf("Validate(%q): %v, want valid=%v", in, err, want)
		}
		if err == nil && got != fmt.Sprintf("%04d/%02d/%02d", y, m, d) {
			t.Fatalf("Validate(%q) = %q", in, got)
		}
	})
}

func TestValidatePlate(t *testing.T) {
	f := FieldSpec{Key: "plate", Label: "پلاک", Type: FieldPlate}
	accept := map[string]string{
		"12ب345-67":                        "12ب345-67",
		"12 ب 345 ایران 67":                "12ب345-67",
		"12ب345ایران67":                    "12ب345-67",
		"12 ب 345 | 67":                    "12ب345-67",
		toScript("12ب345-67", persianZero): "12ب345-67",
		toScript("12ب345-67", arabicZero):  "12ب345-67",
		"99ژ999-99":                        "99ژ999-99",
		"10ی001-10":                        "10ی001-10",
	}
	for in, want := range accept {
		validate(t, f, in, want)
	}
	for _, l := range plateLetters {
		validate(t, f, "12"+string(l)+"345-67", "12"+plateLetter(l)+"345-67")
	}
	// Arabic keyboards' ي and ك, and الف written out.
	validate(t, f, "12ي345-67", "12ی345-67")
	validate(t, f, "12ك345-67", "12ک345-67")
	validate(t, f, "12 الف 345 ایران 67", "12الف345-67")
	for _, in := range []string{
		"12345-67", "12ب345-6", "12ب345-678", "1ب2345-67", "123ب45-67",
		"12بب345-67", "12ب34ب5-67", "12B345-67", "12ب345/67", "12ب345-67x", "ب12345-67",
		"12ع345-67 ایران ایرانی", "12ة345-67",
	} {
		refuse(t, f, in)
	}
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.StringMatching(`[0-9]{2}`).Draw(t, "a")
		l := rapid.SampledFrom([]rune(plateLetters)).Draw(t, "letter")
		b := rapid.StringMatching(`[0-9]{3}`).Draw(t, "b")
		c := rapid.StringMatching(`[0-9]{2}`).Draw(t, "c")
		canon := a + plateLetter(l) + b + "-" + c
		in := rapid.SampledFrom([]string{a + string(l) + b + "-" + c, a + " " + string(l) + " " + b + " ایران " + c,
			toScript(a+string(l)+b+"-"+c, persianZero)}).Draw(t, "form")
		got, err := f.Validate(in)
		if err != nil || got != canon {
			t.Fatalf("Validate(%q) = %q, %v; want %q", in, got, err, canon)
		}
	})
}

// plateLetter is how a plate letter is written in canonical form: الف in full.
func plateLetter(l rune) string {
	if l == 'ا' {
		return "الف"
	}
	return string(l)
}

func TestValidateText(t *testing.T) {
	f := FieldSpec{Key: "name", Label: "نام", Type: FieldText, MinLen: 2, MaxLen: 4}
	validate(t, f, "  علی  ", "علی")
	validate(t, f, "سلام", "سلام") // 4 runes, 8 bytes
	validate(t, f, "ab", "ab")
	refuse(t, f, "a")
	refuse(t, f, "ع")
	refuse(t, f, "abcde")
	refuse(t, f, "سلامت")
	free := FieldSpec{Key: "note", Type: FieldText}
	validate(t, free, strings.Repeat("x", 5000), strings.Repeat("x", 5000))
}

func TestValidateNumberAndAmount(t *testing.T) {
	for _, typ := range []FieldType{FieldNumber, FieldAmount} {
		f := FieldSpec{Key: "n", Label: "مبلغ", Type: typ}
		validate(t, f, "0", "0")
		validate(t, f, "007", "7")
		validate(t, f, "1,000,000", "1000000")
		validate(t, f, toScript("1٬000٬000", persianZero), "1000000")
		validate(t, f, "1،000", "1000")
		validate(t, f, "12 345", "12345")
		validate(t, f, "999999999999999999", "999999999999999999")
		for _, in := range []string{
			"-5000", "−5000", "+5", "2.5", "۱/۵", "۲٫۵", "12-34", "1e3", "abc", "0x10",
			"9999999999999999999", "1234567890123456789", "12a",
		} {
			refuse(t, f, in)
		}
		r := FieldSpec{Key: "n", Type: typ, Min: 10, Max: 100}
		validate(t, r, "10", "10")
		validate(t, r, "100", "100")
		validate(t, r, toScript("55", persianZero), "55")
		refuse(t, r, "9")
		refuse(t, r, "101")
		refuse(t, r, "0")
	}
}

func TestValidateIdentifierFields(t *testing.T) {
	nc := FieldSpec{Key: "nc", Label: "کد ملی", Type: FieldNationalCode}
	validate(t, nc, toScript("001-234567-9", persianZero), "0012345679")
	refuse(t, nc, "0012345678")
	refuse(t, nc, "1111111111")
	mob := FieldSpec{Key: "mobile", Label: "همراه", Type: FieldMobile}
	validate(t, mob, "+98 912 123 4567", "09121234567")
	refuse(t, mob, "0812 123 4567")
	pc := FieldSpec{Key: "postal", Label: "کد پستی", Type: FieldPostalCode}
	validate(t, pc, "11936-53471", "1193653471")
	refuse(t, pc, "0193653471")
	// The inner Persian message is carried in the field's message.
	_, err := nc.Validate("0012345678")
	if !strings.Contains(PersianMessage(err), "رقم کنترل") {
		t.Errorf("national code field message %q lost the reason", PersianMessage(err))
	}
}

func TestValidateChoice(t *testing.T) {
	f := FieldSpec{Key: "kind", Label: "نوع", Type: FieldChoice, Choices: []string{"المثنی", "تعویض", "a"}}
	validate(t, f, "تعویض", "تعویض")
	validate(t, f, " a ", "a")
	refuse(t, f, "A")
	refuse(t, f, "b")
	validate(t, f, "تعويض", "تعویض") // Arabic yeh folds to the listed choice
}

// A choice typed on an Arabic keyboard, with a space for a ZWNJ, with NBSP or
// with extra spaces is still the choice, and comes back exactly as the spec spells it.
func TestValidateChoiceFolds(t *testing.T) {
	// The plate-replacement reasons of the real catalog (democatalog/real.go).
	f := FieldSpec{Key: "reason", Label: "علت تعویض", Type: FieldChoice,
		Choices: []string{"نقل و انتقال", "فرسودگی یا آسیب پلاک", "تغییر محل سکونت"}}
	const canon = "فرسودگی یا آسیب پلاک"
	arabic := "\u0641\u0631\u0633\u0648\u062f\u06af\u064a \u064a\u0627 \u0622\u0633\u064a\u0628 \u067e\u0644\u0627\u0643" // ي and ك
	if !strings.ContainsRune(arabic, '\u064a') || !strings.ContainsRune(arabic, '\u0643') || arabic == canon {
		t.Fatalf("test input %q is not typed with Arabic yeh and kaf", arabic)
	}
	validate(t, f, arabic, canon)
	validate(t, f, "  فرسودگی   یا آسیب\u00a0پلاک ", canon)
	validate(t, f, "فرسودگى يا آسيب پلاك", canon) // alef maksura as yeh
	validate(t, f, "نقل و انتقال", "نقل و انتقال")
	refuse(t, f, "فرسودگی")
	refuse(t, f, "فرسودگی یا آسیب پلاک ها")
	refuse(t, f, "فرسودگییا آسیب پلاک")

	zwnj := FieldSpec{Key: "kind", Label: "نوع", Type: FieldChoice, Choices: []string{"گواهی\u200cنامه", "کارت ملی"}}
	validate(t, zwnj, "گواهی نامه", "گواهی\u200cنامه")
	validate(t, zwnj, "گواهي\u200c نامه", "گواهی\u200cنامه")
	validate(t, zwnj, "کارت\u200cملی", "کارت ملی")
	validate(t, zwnj, "كارت ملي", "کارت ملی")
	refuse(t, zwnj, "گواهینامه")
}

func TestFoldText(t *testing.T) {
	cases := map[string]string{
		"":                     "",
		"  ":                   "",
		"علي":                  "علی",
		"على":                  "علی",
		"كارت":                 "کارت",
		"علی\u200cرضا":         "علی رضا",
		" a \u00a0\u200c  b  ": "a b",
		"abc":                  "abc",
	}
	for in, want := range cases {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// Text fields are single-line: control characters, newlines included, are
// refused; runs of white space become one space.
func TestValidateTextControlAndSpaces(t *testing.T) {
	f := FieldSpec{Key: "note", Label: "توضیح", Type: FieldText, MaxLen: 5}
	for _, in := range []string{"علی\nرضا", "a\tb", "a\rb", "ab\x00", "a\x1bb", "a\u0085b", "a\u007fb", "علی\n", "\nعلی"} {
		refuse(t, f, in)
		_, err := f.Validate(in)
		if msg := PersianMessage(err); !strings.Contains(msg, "نویسه\u200cهای نامعتبر") || !strings.Contains(msg, "توضیح") {
			t.Errorf("%q: Persian message %q should say the characters are not allowed in «توضیح»", in, msg)
		}
	}
	validate(t, f, "a    b", "a b") // 3 characters once collapsed, within MaxLen 5
	validate(t, f, "a \u00a0 b", "a b")
	validate(t, f, "یک\u200cدو", "یک\u200cدو") // ZWNJ is not white space
	refuse(t, f, "a b c d")
}

func TestValidateRequiredAndOptional(t *testing.T) {
	types := []FieldType{FieldText, FieldNumber, FieldAmount, FieldDate, FieldNationalCode, FieldMobile, FieldPostalCode, FieldChoice, FieldPlate}
	for _, typ := range types {
		opt := FieldSpec{Key: "k", Label: "فیلد", Type: typ, Choices: []string{"x"}}
		for _, in := range []string{"", "   ", "\t\n"} {
			validate(t, opt, in, "")
		}
		req := opt
		req.Required = true
		for _, in := range []string{"", "   "} {
			refuse(t, req, in)
		}
		nolabel := FieldSpec{Key: "k", Type: typ, Required: true, Choices: []string{"x"}}
		refuse(t, nolabel, "")
	}
}

func TestValidatePattern(t *testing.T) {
	f := FieldSpec{Key: "code", Type: FieldText, Pattern: `[0-9]{3}`}
	validate(t, f, "123", "123")
	refuse(t, f, "1234")
	refuse(t, f, "x123")
	refuse(t, f, "12")
	// Leftmost-first matching must not decide: `a|ab` matches all of "ab".
	alt := FieldSpec{Key: "alt", Type: FieldText, Pattern: `a|ab`}
	validate(t, alt, "ab", "ab")
	validate(t, alt, "a", "a")
	refuse(t, alt, "abc")
	refuse(t, alt, "b")
	// Anchors and flags inside the pattern still work.
	anch := FieldSpec{Key: "anch", Type: FieldText, Pattern: `(?i)^ab+$`}
	validate(t, anch, "ABB", "ABB")
	refuse(t, anch, "ABBA")
	// The pattern sees the canonical value.
	num := FieldSpec{Key: "num", Type: FieldNumber, Pattern: `[1-9][0-9]*`}
	validate(t, num, toScript("0012", persianZero), "12")
	// A broken pattern refuses every value rather than accepting it.
	broken := FieldSpec{Key: "broken", Type: FieldText, Pattern: `(`}
	refuse(t, broken, "(")
	half := FieldSpec{Key: "half", Type: FieldText, Pattern: `a)|(b`}
	refuse(t, half, "a")
}

func TestFieldSpecCheck(t *testing.T) {
	good := []FieldSpec{
		{Key: "a", Type: FieldText},
		{Key: "national_code_2", Type: FieldNationalCode},
		{Key: "k" + strings.Repeat("x", 39), Type: FieldDate},
		{Key: "c", Type: FieldChoice, Choices: []string{"x"}},
		{Key: "p", Type: FieldText, Pattern: `\d+`, MinLen: 1, MaxLen: 1},
		{Key: "m", Type: FieldText, MinLen: 5},
	}
	for _, f := range good {
		if err := f.Check(); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
	}
	bad := []FieldSpec{
		{Key: "", Type: FieldText},
		{Key: "Name", Type: FieldText},
		{Key: "1a", Type: FieldText},
		{Key: "_a", Type: FieldText},
		{Key: "a-b", Type: FieldText},
		{Key: "نام", Type: FieldText},
		{Key: "k" + strings.Repeat("x", 40), Type: FieldText},
		{Key: "a", Type: ""},
		{Key: "a", Type: "string"},
		{Key: "a", Type: FieldChoice},
		{Key: "a", Type: FieldText, Pattern: "("},
		{Key: "a", Type: FieldText, MinLen: 5, MaxLen: 4},
		// Choices that fold to the same text could not be told apart.
		{Key: "a", Type: FieldChoice, Choices: []string{"علی رضا", "علی\u200cرضا"}},
		{Key: "a", Type: FieldChoice, Choices: []string{"تعویض", "تعويض"}},
		{Key: "a", Type: FieldChoice, Choices: []string{"x", " x "}},
		{Key: "a", Type: FieldChoice, Choices: []string{"x", ""}},
	}
	for _, f := range bad {
		if err := f.Check(); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}

func testCatalog() *Catalog {
	return &Catalog{
		Version:      7,
		Agencies:     []Agency{{ID: "ag1", Name: "سازمان ثبت احوال"}, {ID: "ag2", Name: "پلیس راهور"}},
		InquiryTypes: []InquiryType{{ID: "q1", AgencyID: "ag1", Name: "استعلام هویت"}},
		Services:     []Service{{ID: "s1", AgencyID: "ag1", Name: "کارت ملی"}, {ID: "s2", AgencyID: "ag2", Name: "پلاک"}},
		SubServices: []SubService{
			{ID: "ss1", ServiceID: "s1", Name: "المثنی", GovFee: 300000, CounterFee: 50000, Inquiries: []string{"q1"},
				Fields: []FieldSpec{
					{Key: "national_code", Label: "کد ملی", Type: FieldNationalCode, Required: true},
					{Key: "mobile", Label: "همراه", Type: FieldMobile},
					{Key: "reason", Label: "علت", Type: FieldChoice, Choices: []string{"گم شدن", "سرقت"}, Required: true},
				}},
			{ID: "ss2", ServiceID: "s2", Name: "تعویض پلاک"},
		},
	}
}

func TestCatalogCheck(t *testing.T) {
	if err := testCatalog().Check(); err != nil {
		t.Fatalf("good catalog: %v", err)
	}
	breaks := map[string]func(c *Catalog){
		"version zero":              func(c *Catalog) { c.Version = 0 },
		"version negative":          func(c *Catalog) { c.Version = -1 },
		"no sub-services":           func(c *Catalog) { c.SubServices = nil },
		"agency no id":              func(c *Catalog) { c.Agencies[0].ID = "" },
		"agency no name":            func(c *Catalog) { c.Agencies[1].Name = "" },
		"agency duplicate":          func(c *Catalog) { c.Agencies[1].ID = "ag1" },
		"inquiry no name":           func(c *Catalog) { c.InquiryTypes[0].Name = "" },
		"inquiry duplicate":         func(c *Catalog) { c.InquiryTypes = append(c.InquiryTypes, c.InquiryTypes[0]) },
		"inquiry bad agency":        func(c *Catalog) { c.InquiryTypes[0].AgencyID = "nope" },
		"service no id":             func(c *Catalog) { c.Services[0].ID = "" },
		"service duplicate":         func(c *Catalog) { c.Services[1].ID = "s1" },
		"service bad agency":        func(c *Catalog) { c.Services[0].AgencyID = "nope" },
		"sub no name":               func(c *Catalog) { c.SubServices[0].Name = "" },
		"sub duplicate":             func(c *Catalog) { c.SubServices[1].ID = "ss1" },
		"sub bad service":           func(c *Catalog) { c.SubServices[0].ServiceID = "nope" },
		"sub negative gov fee":      func(c *Catalog) { c.SubServices[0].GovFee = -1 },
		"sub negative counter":      func(c *Catalog) { c.SubServices[1].CounterFee = -1 },
		"sub bad field":             func(c *Catalog) { c.SubServices[0].Fields[1].Type = "phone" },
		"sub duplicate field":       func(c *Catalog) { c.SubServices[0].Fields[1].Key = "national_code" },
		"sub unknown inquiry":       func(c *Catalog) { c.SubServices[0].Inquiries = []string{"q1", "q9"} },
		"sub gov fee above max":     func(c *Catalog) { c.SubServices[0].GovFee = MaxFee + 1 },
		"sub counter fee above max": func(c *Catalog) { c.SubServices[1].CounterFee = MaxFee + 1 },
		"sub gov fee max int64":     func(c *Catalog) { c.SubServices[0].GovFee = math.MaxInt64 },
		"sub both fees max int64": func(c *Catalog) {
			c.SubServices[0].GovFee, c.SubServices[0].CounterFee = math.MaxInt64, math.MaxInt64 // the total would wrap negative
		},
		"sub service ref agency": func(c *Catalog) {
			c.SubServices[0].ServiceID = "ag1" // an agency id is not a service id
		},
	}
	for name, brk := range breaks {
		c := testCatalog()
		brk(c)
		if err := c.Check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Fees up to MaxFee are accepted, and two of them never overflow a total.
func TestCatalogCheckMaxFee(t *testing.T) {
	if MaxFee != 1_000_000_000_000 {
		t.Fatalf("MaxFee = %d, want one trillion rials", MaxFee)
	}
	c := testCatalog()
	c.SubServices[0].GovFee, c.SubServices[0].CounterFee = MaxFee, MaxFee
	if err := c.Check(); err != nil {
		t.Fatalf("fees at MaxFee refused: %v", err)
	}
	if tot := c.SubServices[0].TotalFee(); tot != 2*MaxFee || tot < 0 {
		t.Errorf("TotalFee = %d", tot)
	}
}

func TestJalaliYearRange(t *testing.T) {
	if MinJalaliYear != 1250 || MaxJalaliYear != 1600 {
		t.Fatalf("range %d–%d, want 1250–1600", MinJalaliYear, MaxJalaliYear)
	}
	f := FieldSpec{Key: "d", Type: FieldDate}
	validate(t, f, fmt.Sprintf("%d/01/01", MinJalaliYear), fmt.Sprintf("%d/01/01", MinJalaliYear))
	validate(t, f, fmt.Sprintf("%d/12/29", MaxJalaliYear), fmt.Sprintf("%d/12/29", MaxJalaliYear))
	refuse(t, f, fmt.Sprintf("%d/12/29", MinJalaliYear-1))
	refuse(t, f, fmt.Sprintf("%d/01/01", MaxJalaliYear+1))
}

func TestValidateForm(t *testing.T) {
	ss := testCatalog().SubServices[0]
	out, err := ss.ValidateForm(map[string]string{
		"national_code": toScript("0012345679", persianZero),
		"reason":        " سرقت ",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out["national_code"] != "0012345679" || out["reason"] != "سرقت" {
		t.Errorf("ValidateForm = %v", out)
	}
	if _, ok := out["mobile"]; ok {
		t.Error("empty optional field kept")
	}
	out, err = ss.ValidateForm(map[string]string{"national_code": "0012345679", "reason": "گم شدن", "mobile": "9121234567", "": ""})
	if err == nil {
		t.Errorf("empty unknown key accepted: %v", out)
	}
	cases := []struct {
		values map[string]string
		field  string
	}{
		{map[string]string{"reason": "سرقت"}, "national_code"},
		{map[string]string{"national_code": "0012345679"}, "reason"},
		{map[string]string{"national_code": "0012345678", "reason": "سرقت"}, "national_code"},
		{map[string]string{"national_code": "0012345679", "reason": "سرقت", "mobile": "123"}, "mobile"},
		{map[string]string{"national_code": "0012345679", "reason": "سرقت", "mobil": "09121234567"}, "mobil"},
		{map[string]string{"national_code": "0012345679", "reason": "سرقت", "extra": ""}, "extra"},
	}
	for _, tc := range cases {
		out, err := ss.ValidateForm(tc.values)
		if out != nil {
			t.Errorf("%v: output %v with error", tc.values, out)
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != EInvalid || e.Field != tc.field || !hasPersianLetter(e.Persian) {
			t.Errorf("%v: error %#v, want EInvalid on %s", tc.values, err, tc.field)
		}
	}
	empty := testCatalog().SubServices[1]
	if out, err := empty.ValidateForm(nil); err != nil || len(out) != 0 {
		t.Errorf("form without fields: %v %v", out, err)
	}
}
