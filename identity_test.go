package pishkhan

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"pgregory.net/rapid"
)

// refNationalCheck is the test's own reading of the national-code rule, written
// independently of identity.go: the digit at distance k from the right end of the
// ten (k = 1 for the check digit) carries weight k for k = 2..10; with
// r = Σ weight·digit mod 11, the code is valid when r < 2 and the check digit is r,
// or r ≥ 2 and check digit + r = 11.
func refNationalCheck(code string) (r int, valid bool) {
	if len(code) != 10 {
		return -1, false
	}
	for i := 0; i < 10; i++ {
		if code[i] < '0' || code[i] > '9' {
			return -1, false
		}
	}
	sum := 0
	for k := 10; k >= 2; k-- {
		sum += k * int(code[10-k]-'0')
	}
	r = sum % 11
	c := int(code[9] - '0')
	if r < 2 {
		return r, c == r
	}
	return r, c+r == 11
}

func refAllEqual(code string) bool {
	return strings.Count(code, code[:1]) == len(code)
}

// toScript rewrites ASCII digits into the digit script starting at zero.
func toScript(s string, zero rune) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return zero + (r - '0')
		}
		return r
	}, s)
}

const (
	persianZero = '۰' // U+06F0
	arabicZero  = '٠' // U+0660
)

func hasPersianLetter(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// fatalTB is what both *testing.T and *rapid.T offer.
type fatalTB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// wantCodeAndPersian asserts err is an *Error with the code and Persian and English messages.
func wantCodeAndPersian(t fatalTB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error, got nil", code)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %T %v", err, err)
	}
	if e.Code != code {
		t.Fatalf("want code %q, got %q (%v)", code, e.Code, err)
	}
	if !hasPersianLetter(e.Persian) {
		t.Fatalf("want a Persian message, got %q", e.Persian)
	}
	if e.Message == "" {
		t.Fatalf("want an English message")
	}
}

// Worked by hand (weights 10..2 over the first nine digits):
//
//	0012345679: 0+0+1·8+2·7+3·6+4·5+5·4+6·3+7·2 = 112; 112 mod 11 = 2 → check 11−2 = 9
//	1234567891: 10+18+24+28+30+30+28+24+18 = 210; 210 mod 11 = 1 → check 1
//	0100000010: 1·9 + 1·2 = 11; 11 mod 11 = 0 → check 0
//	1000000001: 1·10 = 10; 10 mod 11 = 10 → check 11−10 = 1
//	0499370899: 0+36+72+63+18+35+0+24+18 = 266; 266 mod 11 = 2 → check 9
//	0084575948: 0+0+64+28+30+35+20+27+8 = 212; 212 mod 11 = 3 → check 8
//	3234567891: 30+18+24+28+30+30+28+24+18 = 230; 230 mod 11 = 10 → check 1
var handValidNationalCodes = []string{
	"0012345679", "1234567891", "0100000010", "1000000001", "0499370899", "0084575948", "3234567891",
}

func TestNationalCodeHandExamplesAgreeWithReference(t *testing.T) {
	for _, c := range handValidNationalCodes {
		if _, ok := refNationalCheck(c); !ok {
			t.Errorf("reference check disagrees with hand arithmetic for %s", c)
		}
	}
}

func TestParseNationalCodeAccepts(t *testing.T) {
	for _, c := range handValidNationalCodes {
		forms := []string{
			c,
			toScript(c, persianZero),
			toScript(c, arabicZero),
			c[:3] + "-" + c[3:9] + "-" + c[9:],
			"  " + c[:3] + " " + c[3:9] + " " + c[9:] + " ",
			toScript(c[:3]+"-"+c[3:9]+"-"+c[9:], persianZero),
			toScript(c[:5], persianZero) + c[5:], // mixed scripts
		}
		for _, in := range forms {
			got, err := ParseNationalCode(in)
			if err != nil {
				t.Errorf("ParseNationalCode(%q): %v", in, err)
				continue
			}
			if string(got) != c || got.String() != c {
				t.Errorf("ParseNationalCode(%q) = %q, want %q", in, got, c)
			}
		}
	}
}

func TestParseNationalCodeRefuses(t *testing.T) {
	cases := []struct{ name, in string }{
		{"empty", ""},
		{"spaces only", "   "},
		{"nine digits", "001234567"},
		{"eleven digits", "00123456790"},
		{"letter", "00123456a9"},
		{"latin letters", "abcdefghij"},
		{"wrong check 0012345678", "0012345678"},
		{"wrong check 1234567890", "1234567890"},
		{"wrong check persian", toScript("0499370898", persianZero)},
		{"plus sign", "+012345679"},
		{"other unicode digits", "００１２３４５６７９"}, // full-width digits are not accepted
	}
	for d := '0'; d <= '9'; d++ {
		cases = append(cases, struct{ name, in string }{"all equal " + string(d), strings.Repeat(string(d), 10)})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseNationalCode(tc.in)
			if got != "" {
				t.Errorf("got %q with error", got)
			}
			wantCodeAndPersian(t, err, EInvalid)
			var e *Error
			errors.As(err, &e)
			if e.Field != "national_code" {
				t.Errorf("field = %q", e.Field)
			}
		})
	}
}

// Every all-equal code passes the mod-11 check (54·d ≡ 10·d ≡ −d mod 11, so
// r = 11−d for d ≥ 1 and the check digit is d; r = 0 for d = 0): it is the
// separate all-equal rule that refuses them.
func TestAllEqualCodesPassChecksumButAreRefused(t *testing.T) {
	for d := byte('0'); d <= '9'; d++ {
		code := strings.Repeat(string(d), 10)
		if _, ok := refNationalCheck(code); !ok {
			t.Errorf("%s: expected the check digit to pass", code)
		}
		if _, err := ParseNationalCode(code); err == nil {
			t.Errorf("%s accepted", code)
		}
		if _, err := CompleteNationalCode(code[:9]); err == nil {
			t.Errorf("CompleteNationalCode(%s) accepted", code[:9])
		}
	}
}

func TestCompleteNationalCodeRefusesBadInput(t *testing.T) {
	for _, in := range []string{"", "12345678", "1234567890", "12345678a", "۱۲۳۴۵۶۷۸۹", "1234-5678"} {
		if got, err := CompleteNationalCode(in); err == nil {
			t.Errorf("CompleteNationalCode(%q) = %q, want error", in, got)
		}
	}
}

func TestCompleteNationalCodeProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nine := rapid.StringMatching(`[0-9]{9}`).Draw(t, "nine")
		got, err := CompleteNationalCode(nine)
		if refAllEqual(nine) {
			if err == nil {
				t.Fatalf("all-equal prefix %s completed to %s", nine, got)
			}
			return
		}
		if err != nil {
			t.Fatalf("CompleteNationalCode(%s): %v", nine, err)
		}
		s := string(got)
		if len(s) != 10 || s[:9] != nine {
			t.Fatalf("CompleteNationalCode(%s) = %s", nine, s)
		}
		if _, ok := refNationalCheck(s); !ok {
			t.Fatalf("%s fails the reference check", s)
		}
		again, err := ParseNationalCode(toScript(s, persianZero))
		if err != nil || again != got {
			t.Fatalf("re-parse %s: %q %v", s, again, err)
		}
	})
}

// ParseNationalCode agrees with the reference on arbitrary ten-digit strings.
func TestParseNationalCodeAgreesWithReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[0-9]{10}`).Draw(t, "code")
		_, ok := refNationalCheck(s)
		want := ok && !refAllEqual(s)
		_, err := ParseNationalCode(s)
		if (err == nil) != want {
			t.Fatalf("ParseNationalCode(%s) err=%v, reference valid=%v", s, err, want)
		}
	})
}

// The mod-11 weighted sum catches every single-digit substitution in the
// first nine digits at the level of r (a change δ ≠ 0 at weight w ∈ 2..10
// moves the sum by w·δ, and 11 is prime, so w·δ ≢ 0). But the map from r to
// the check digit is not one-to-one: r = 1 and r = 10 both give check digit 1.
// So a substitution is missed exactly when it moves r between 1 and 10.
func TestNationalCheckResidueMath(t *testing.T) {
	for w := 2; w <= 10; w++ {
		for delta := -9; delta <= 9; delta++ {
			if delta != 0 && (w*delta)%11 == 0 {
				t.Fatalf("w=%d δ=%d leaves r unchanged", w, delta)
			}
		}
	}
	check := func(r int) int {
		if r < 2 {
			return r
		}
		return 11 - r
	}
	for a := 0; a < 11; a++ {
		for b := a + 1; b < 11; b++ {
			if collide := check(a) == check(b); collide != (a == 1 && b == 10) {
				t.Errorf("r=%d and r=%d: collide=%v", a, b, collide)
			}
		}
	}
}

// A concrete missed substitution: 1234567891 has r = 1; changing its first
// digit 1→3 adds 10·2 = 20 ≡ 9, so r = 10, whose check digit is also 1.
func TestNationalCodeMissedSubstitutionExample(t *testing.T) {
	for _, c := range []string{"1234567891", "3234567891"} {
		if _, err := ParseNationalCode(c); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
}

func TestNationalCodeSingleSubstitutionProperty(t *testing.T) {
	missed := 0 // substitutions the rule cannot catch, seen over the whole run
	rapid.Check(t, func(t *rapid.T) {
		nine := rapid.StringMatching(`[0-9]{9}`).Filter(func(s string) bool { return !refAllEqual(s) }).Draw(t, "nine")
		code, err := CompleteNationalCode(nine)
		if err != nil {
			t.Fatal(err)
		}
		s := string(code)
		r, _ := refNationalCheck(s)
		for i := 0; i < 10; i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d == s[i] {
					continue
				}
				mut := s[:i] + string(d) + s[i+1:]
				_, err := ParseNationalCode(mut)
				want := false // the check digit itself: its value is fixed by the other nine
				if i < 9 {
					w := 10 - i
					delta := int(d) - int(s[i])
					r2 := ((r+w*delta)%11 + 11) % 11
					want = ((r == 1 && r2 == 10) || (r == 10 && r2 == 1)) && !refAllEqual(mut)
				}
				if (err == nil) != want {
					t.Fatalf("%s → %s (position %d): accepted=%v, predicted %v", s, mut, i, err == nil, want)
				}
				if want {
					missed++
				}
			}
		}
	})
	if missed == 0 {
		t.Errorf("the run never reached the r=1↔10 blind spot; the prediction went untested")
	}
	t.Logf("single-digit substitutions the mod-11 rule missed: %d", missed)
}

func TestNationalCodeMasked(t *testing.T) {
	for _, c := range handValidNationalCodes {
		m := NationalCode(c).Masked()
		if len(m) != 10 {
			t.Fatalf("Masked(%s) = %q", c, m)
		}
		for i := 0; i < 10; i++ {
			if i >= 3 && i <= 6 {
				if m[i] != '*' {
					t.Errorf("Masked(%s) = %q: position %d visible", c, m, i)
				}
			} else if m[i] != c[i] {
				t.Errorf("Masked(%s) = %q: position %d changed", c, m, i)
			}
		}
	}
	if got := NationalCode("0012345679").Masked(); got != "001****679" {
		t.Errorf("Masked = %q", got)
	}
	for _, odd := range []string{"", "123", "12345678901"} {
		got := NationalCode(odd).Masked()
		if got != strings.Repeat("*", len(odd)) {
			t.Errorf("Masked(%q) = %q, want all stars", odd, got)
		}
	}
}

func TestParseMobile(t *testing.T) {
	const want = "09121234567"
	accept := []string{
		"09121234567",
		"9121234567",
		"+989121234567",
		"00989121234567",
		"989121234567",
		"+98 912 123 4567",
		"0912-123-4567",
		" 0912 123 4567 ",
		toScript("09121234567", persianZero),
		toScript("+989121234567", persianZero),
		toScript("00989121234567", arabicZero),
		toScript("9121234567", arabicZero),
	}
	for _, in := range accept {
		got, err := ParseMobile(in)
		if err != nil || string(got) != want || got.String() != want {
			t.Errorf("ParseMobile(%q) = %q, %v; want %s", in, got, err, want)
		}
	}
	refuse := []string{
		"", "0912123456", "091212345678", "08121234567", "8121234567", "+988121234567",
		"0912123456a", "+1 912 123 4567", "+9809121234567", "9121234567890", "++989121234567",
	}
	for _, in := range refuse {
		got, err := ParseMobile(in)
		if got != "" {
			t.Errorf("ParseMobile(%q) = %q", in, got)
		}
		wantCodeAndPersian(t, err, EInvalid)
	}
}

func TestParseMobileProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rest := rapid.StringMatching(`[0-9]{9}`).Draw(t, "rest")
		canon := "09" + rest
		prefix := rapid.SampledFrom([]string{"09", "9", "+989", "00989", "989"}).Draw(t, "prefix")
		in := prefix + rest
		switch rapid.IntRange(0, 2).Draw(t, "script") {
		case 1:
			in = toScript(in, persianZero)
		case 2:
			in = toScript(in, arabicZero)
		}
		got, err := ParseMobile(in)
		if err != nil || string(got) != canon {
			t.Fatalf("ParseMobile(%q) = %q, %v; want %s", in, got, err, canon)
		}
	})
}

func TestParsePostalCode(t *testing.T) {
	accept := map[string]string{
		"1193653471":                         "1193653471",
		"11936-53471":                        "1193653471",
		" 11936 53471 ":                      "1193653471",
		toScript("11936-53471", persianZero): "1193653471",
		toScript("4581930200", arabicZero):   "4581930200", // 0 and 2 are fine after the fifth digit
		"9999999998":                         "9999999998",
	}
	for in, want := range accept {
		got, err := ParsePostalCode(in)
		if err != nil || string(got) != want || got.String() != want {
			t.Errorf("ParsePostalCode(%q) = %q, %v; want %s", in, got, err, want)
		}
	}
	refuse := []string{
		"", "119365347", "11936534710", "11936-5347a", "1111111111", "3333333333",
		"0193653471", // 0 in the first five
		"1193253471", // 2 in the first five
		"1193053471", // 0 as the fifth digit
	}
	for _, in := range refuse {
		got, err := ParsePostalCode(in)
		if got != "" {
			t.Errorf("ParsePostalCode(%q) = %q", in, got)
		}
		wantCodeAndPersian(t, err, EInvalid)
	}
}

func TestParsePostalCodeProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[0-9]{10}`).Draw(t, "code")
		want := !refAllEqual(s) && !strings.ContainsAny(s[:5], "02")
		got, err := ParsePostalCode(s)
		if (err == nil) != want {
			t.Fatalf("ParsePostalCode(%s): %v, want valid=%v", s, err, want)
		}
		if err == nil && string(got) != s {
			t.Fatalf("ParsePostalCode(%s) = %s", s, got)
		}
	})
}

func TestCitizenFullName(t *testing.T) {
	cases := []struct {
		c    Citizen
		want string
	}{
		{Citizen{FirstName: "علی", LastName: "رضایی"}, "علی رضایی"},
		{Citizen{FirstName: "علی"}, "علی"},
		{Citizen{LastName: "رضایی"}, "رضایی"},
		{Citizen{}, ""},
	}
	for _, tc := range cases {
		if got := tc.c.FullName(); got != tc.want {
			t.Errorf("FullName(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestNationalCodeLengthMessageUsesPersianDigits(t *testing.T) {
	_, err := ParseNationalCode("12345")
	msg := PersianMessage(err)
	if !strings.Contains(msg, "۵") || strings.ContainsAny(msg, "0123456789") {
		t.Errorf("Persian message %q should give the count 5 in Persian digits only", msg)
	}
}

func TestCheckPersonName(t *testing.T) {
	accept := map[string]string{
		"زهرا":                                 "زهرا",
		"علی\u200cرضا":                         "علی\u200cرضا", // ZWNJ kept
		"محمد رضا":                             "محمد رضا",
		"  محمد   رضا  ":                       "محمد رضا",
		"محمد\u00a0رضا":                        "محمد رضا",
		"O'Brien":                              "O'Brien",
		"Jean-Luc":                             "Jean-Luc",
		"\u0639\u0644\u064a":                   "علی", // Arabic keyboard: ي
		"\u06a9\u0627\u0645\u0631\u0627\u0646": "کامران",
		"\u0643\u0627\u0645\u0631\u0627\u0646": "کامران",   // Arabic keyboard: ك
		"مُحَمَّد":                             "مُحَمَّد", // combining marks
		"\u200cعلی\u200c":                      "علی",      // a ZWNJ at either end means nothing
		"علی\u200c\u200cرضا":                   "علی\u200cرضا",
		"عل":                                   "عل",
		strings.Repeat("ب", 50):                strings.Repeat("ب", 50),
	}
	for in, want := range accept {
		got, err := CheckPersonName("first_name", in)
		if err != nil || got != want {
			t.Errorf("CheckPersonName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	refuse := map[string]string{ // input → a word the Persian message must contain
		"":                      "وارد",
		"   ":                   "وارد",
		"ع":                     "۲",
		"123":                   "رقم",
		"علی2":                  "رقم",
		"علی۲":                  "رقم",
		"علی٢":                  "رقم",
		"علی\n":                 "نامعتبر",
		"علی\nرضا":              "نامعتبر",
		"\tعلی":                 "نامعتبر",
		"<script>":              "<",
		"علی@":                  "@",
		"علی_رضا":               "_",
		"علی.":                  ".",
		"علی\u200fرضا":          "مجاز",
		"--":                    "حرف",
		"'-'":                   "حرف",
		strings.Repeat("ب", 51): "۵۰",
	}
	for in, word := range refuse {
		got, err := CheckPersonName("last_name", in)
		if err == nil {
			t.Errorf("CheckPersonName(%q) accepted as %q", in, got)
			continue
		}
		if got != "" {
			t.Errorf("CheckPersonName(%q): value %q with error", in, got)
		}
		wantCodeAndPersian(t, err, EInvalid)
		var e *Error
		errors.As(err, &e)
		if e.Field != "last_name" {
			t.Errorf("CheckPersonName(%q): field %q", in, e.Field)
		}
		if !strings.Contains(e.Persian, word) || !strings.Contains(e.Persian, "نام خانوادگی") {
			t.Errorf("CheckPersonName(%q): Persian message %q should contain %q and name the field", in, e.Persian, word)
		}
		if strings.ContainsAny(e.Persian, "\u064a\u0643") {
			t.Errorf("CheckPersonName(%q): Persian message %q has Arabic yeh or kaf", in, e.Persian)
		}
	}
}

func TestCheckPersonNameProperty(t *testing.T) {
	letters := []rune("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكءآأإؤئةabcXYZ")
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 60).Draw(t, "n")
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteRune(rapid.SampledFrom(append(letters, ' ', '\u200c', '-', '\'', '1', '۱', '\n', '<', '\u00a0')).Draw(t, "r"))
		}
		in := b.String()
		got, err := CheckPersonName("father_name", in)
		if err != nil {
			if ErrorCode(err) != EInvalid || !hasPersianLetter(PersianMessage(err)) {
				t.Fatalf("%q: %v", in, err)
			}
			return
		}
		// An accepted name is canonical: checking it again changes nothing.
		again, err := CheckPersonName("father_name", got)
		if err != nil || again != got {
			t.Fatalf("%q → %q → %q, %v", in, got, again, err)
		}
		if strings.ContainsAny(got, "\u064a\u0643\n\u00a01۱<") || strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Fatalf("%q → %q is not clean", in, got)
		}
		if c := utf8.RuneCountInString(got); c < 2 || c > 50 {
			t.Fatalf("%q → %q has %d characters", in, got, c)
		}
	})
}
