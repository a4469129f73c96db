package pishkhan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	jalaali "github.com/jalaali/go-jalaali"
)

// digitsOf keeps only the digits of s (ASCII, Persian, Arabic-Indic) as ASCII.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + r - '۰')
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + r - '٠')
		}
	}
	return b.String()
}

func isASCIIDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkRefusal: a refusal is an EInvalid *Error with a Persian message.
func checkRefusal(t *testing.T, in string, err error) {
	t.Helper()
	if ErrorCode(err) != EInvalid || !hasPersianLetter(PersianMessage(err)) || err.Error() == "" {
		t.Fatalf("%q: refusal %#v is not an EInvalid *Error with a Persian message", in, err)
	}
}

func FuzzParseNationalCode(f *testing.F) {
	for _, s := range append(handValidNationalCodes, "", "1111111111", "0012345678", "۰۰۱-۲۳۴۵۶۷-۹", "٠٠١٢٣٤٥٦٧٩", "00123456\u200c79", "١٢٣٤٥٦٧٨٩١ ", "12345678901") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNationalCode(s)
		if err != nil {
			if n != "" {
				t.Fatalf("%q: value %q with error", s, n)
			}
			checkRefusal(t, s, err)
			return
		}
		c := string(n)
		if !isASCIIDigits(c, 10) {
			t.Fatalf("%q → %q is not ten ASCII digits", s, c)
		}
		if _, ok := refNationalCheck(c); !ok || refAllEqual(c) {
			t.Fatalf("%q → %q fails the reference rule", s, c)
		}
		if digitsOf(s) != c {
			t.Fatalf("%q → %q: the input's digits are %q", s, c, digitsOf(s))
		}
		for _, again := range []string{c, toScript(c, persianZero), toScript(c, arabicZero)} {
			if m, err := ParseNationalCode(again); err != nil || m != n {
				t.Fatalf("%q → %q does not re-parse from %q: %q %v", s, c, again, m, err)
			}
		}
		if m := n.Masked(); utf8.RuneCountInString(m) != 10 || m[:3] != c[:3] || m[7:] != c[7:] {
			t.Fatalf("Masked(%s) = %q", c, m)
		}
	})
}

func FuzzParseTrackingCode(f *testing.F) {
	f.Add("123450105090700426", 1405)
	f.Add("12345-01-050907-0042-6", 1405)
	f.Add(toScript("12345-01-050907-0042-6", persianZero), 1405)
	f.Add("999999912123099990", 1450)
	f.Add("000000000000000000", 1400)
	f.Add("123450105133200001", 0)
	f.Add("12345010509070042", -1<<62)
	f.Fuzz(func(t *testing.T, s string, ref int) {
		tc, p, err := ParseTrackingCode(s, ref)
		if err != nil {
			if tc != "" || p != (TrackingParts{}) {
				t.Fatalf("%q: value %q %+v with error", s, tc, p)
			}
			checkRefusal(t, s, err)
			return
		}
		c := string(tc)
		if !isASCIIDigits(c, 18) || !DammValid(c) {
			t.Fatalf("%q → %q", s, c)
		}
		if digitsOf(s) != c {
			t.Fatalf("%q → %q: the input's digits are %q", s, c, digitsOf(s))
		}
		if p.Year < ref-50 || p.Year > ref+50 || p.Year%100 != int(c[7]-'0')*10+int(c[8]-'0') {
			t.Fatalf("%q ref %d: year %d outside the window", s, ref, p.Year)
		}
		made, err := NewTrackingCode(p)
		if err != nil || made != tc {
			t.Fatalf("%q: parts %+v make %q, %v", s, p, made, err)
		}
		tc2, p2, err := ParseTrackingCode(tc.Display(), ref)
		if err != nil || tc2 != tc || p2 != p {
			t.Fatalf("%q: Display %q re-parses to %q %+v %v", s, tc.Display(), tc2, p2, err)
		}
	})
}

func FuzzParseMobile(f *testing.F) {
	for _, s := range []string{"09121234567", "9121234567", "+989121234567", "00989121234567", "989121234567",
		"۰۹۱۲ ۱۲۳ ۴۵۶۷", "+98 912-123-4567", "0098", "+98", "98", "9", "08121234567", "+9809121234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMobile(s)
		if err != nil {
			if m != "" {
				t.Fatalf("%q: value %q with error", s, m)
			}
			checkRefusal(t, s, err)
			return
		}
		c := string(m)
		if !isASCIIDigits(c, 11) || !strings.HasPrefix(c, "09") {
			t.Fatalf("%q → %q", s, c)
		}
		if d := digitsOf(s); !strings.HasSuffix(d, c[1:]) || len(d) > 14 {
			t.Fatalf("%q → %q: the input's digits are %q", s, c, d)
		}
		if again, err := ParseMobile(c); err != nil || again != m {
			t.Fatalf("%q → %q does not re-parse: %q %v", s, c, again, err)
		}
	})
}

func FuzzParsePostalCode(f *testing.F) {
	for _, s := range []string{"1193653471", "11936-53471", "۱۱۹۳۶-۵۳۴۷۱", "0193653471", "1111111111", "", "11936"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePostalCode(s)
		if err != nil {
			if p != "" {
				t.Fatalf("%q: value %q with error", s, p)
			}
			checkRefusal(t, s, err)
			return
		}
		c := string(p)
		if !isASCIIDigits(c, 10) || strings.ContainsAny(c[:5], "02") || refAllEqual(c) {
			t.Fatalf("%q → %q", s, c)
		}
		if digitsOf(s) != c {
			t.Fatalf("%q → %q: the input's digits are %q", s, c, digitsOf(s))
		}
		if again, err := ParsePostalCode(c); err != nil || again != p {
			t.Fatalf("%q → %q does not re-parse: %q %v", s, c, again, err)
		}
	})
}

func FuzzParseID(f *testing.F) {
	f.Add("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
	f.Add("017F22E2-79B0-7CC3-98C4-DC0C0C07398F")
	f.Add("00000000-0000-0000-0000-000000000000")
	f.Add("017f22e2079b0-7cc3-98c4-dc0c0c07398f")
	f.Add(MustNewID(time.Unix(1.7e9, 0)).String())
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			if !id.IsZero() {
				t.Fatalf("%q: id %s with error", s, id)
			}
			checkRefusal(t, s, err)
			return
		}
		if id.String() != strings.ToLower(s) {
			t.Fatalf("%q parses to %s", s, id)
		}
		if again, err := ParseID(id.String()); err != nil || again != id {
			t.Fatalf("%q: String %s re-parses to %s %v", s, id, again, err)
		}
	})
}

var canonDate = regexp.MustCompile(`^[0-9]{4}/[0-9]{2}/[0-9]{2}$`)

func FuzzValidateDate(f *testing.F) {
	for _, s := range []string{"1403/12/30", "1404/12/30", "۱۴۰۳/۱۲/۳۰", "1403-1-5", "1403.07.31", "0/0/0", "9999/99/99", "1403/12/30/", "//", "1403/0012/0030"} {
		f.Add(s)
	}
	spec := FieldSpec{Key: "date", Type: FieldDate}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := spec.Validate(s)
		if err != nil {
			if v != "" {
				t.Fatalf("%q: value %q with error", s, v)
			}
			checkRefusal(t, s, err)
			return
		}
		if strings.TrimSpace(s) == "" {
			if v != "" {
				t.Fatalf("empty %q → %q", s, v)
			}
			return
		}
		if !canonDate.MatchString(v) {
			t.Fatalf("%q → %q is not YYYY/MM/DD", s, v)
		}
		var y, m, d int
		if _, err := fmt.Sscanf(v, "%d/%d/%d", &y, &m, &d); err != nil || y < 1200 || y > 1600 || !jalaali.IsValidDate(y, m, d) {
			t.Fatalf("%q → %q is not a valid Jalali date", s, v)
		}
		// The three numbers typed are the three numbers kept.
		typed := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == '/' || r == '-' || r == '.' })
		if len(typed) != 3 {
			t.Fatalf("%q accepted with %d parts", s, len(typed))
		}
		for i, want := range []int{y, m, d} {
			got, err := strconv.Atoi(digitsOf(typed[i]))
			if err != nil || got != want || len(digitsOf(typed[i])) != utf8.RuneCountInString(typed[i]) {
				t.Fatalf("%q → %q: part %d was %q", s, v, i, typed[i])
			}
		}
		if again, err := spec.Validate(v); err != nil || again != v {
			t.Fatalf("%q → %q is not a fixed point: %q %v", s, v, again, err)
		}
	})
}

// The letter alef is written out as الف in canonical form.
var canonPlate = regexp.MustCompile(`^[0-9]{2}([` + plateLetters + `]|الف)[0-9]{3}-[0-9]{2}$`)

func FuzzValidatePlate(f *testing.F) {
	for _, s := range []string{"12ب345-67", "12ا345-67", "12 الف 345 ایران 67", "12 ب 345 ایران 67", "۱۲ب۳۴۵-۶۷", "12B345-67", "ایرانایران", "12بب345-67", "1234567"} {
		f.Add(s)
	}
	spec := FieldSpec{Key: "plate", Type: FieldPlate}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := spec.Validate(s)
		if err != nil {
			if v != "" {
				t.Fatalf("%q: value %q with error", s, v)
			}
			checkRefusal(t, s, err)
			return
		}
		if strings.TrimSpace(s) == "" {
			return
		}
		if !canonPlate.MatchString(v) {
			t.Fatalf("%q → %q is not a canonical plate", s, v)
		}
		if digitsOf(s) != digitsOf(v) {
			t.Fatalf("%q → %q: digits changed", s, v)
		}
		if again, err := spec.Validate(v); err != nil || again != v {
			t.Fatalf("%q → %q is not a fixed point: %q %v", s, v, again, err)
		}
	})
}

var canonNumber = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

func FuzzValidateNumber(f *testing.F) {
	for _, s := range []string{"0", "007", "1,000,000", "۱٬۰۰۰", "-5", "2.5", "۱/۵", "999999999999999999", "1_000", "12 345"} {
		f.Add(s)
	}
	spec := FieldSpec{Key: "amount", Type: FieldAmount}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := spec.Validate(s)
		if err != nil {
			if v != "" {
				t.Fatalf("%q: value %q with error", s, v)
			}
			checkRefusal(t, s, err)
			return
		}
		if strings.TrimSpace(s) == "" {
			return
		}
		if !canonNumber.MatchString(v) {
			t.Fatalf("%q → %q is not a canonical number", s, v)
		}
		if strings.ContainsAny(s, "-.‐–/") {
			t.Fatalf("%q → %q: a sign or decimal point was dropped", s, v)
		}
		if d := strings.TrimLeft(digitsOf(s), "0"); d != strings.TrimLeft(v, "0") {
			t.Fatalf("%q → %q: digits changed", s, v)
		}
		if again, err := spec.Validate(v); err != nil || again != v {
			t.Fatalf("%q → %q is not a fixed point: %q %v", s, v, again, err)
		}
	})
}

func FuzzNormalizePIN(f *testing.F) {
	for _, s := range []string{"1234", "۱۲۳۴", "0000", "12-34", "123", "1234567890123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePIN(s)
		if err != nil {
			checkRefusal(t, s, err)
			return
		}
		if len(p) < 4 || len(p) > 12 || !isASCIIDigits(p, len(p)) || refAllEqual(p) || digitsOf(s) != p {
			t.Fatalf("%q → %q", s, p)
		}
		if again, err := NormalizePIN(p); err != nil || again != p {
			t.Fatalf("%q → %q not idempotent", s, p)
		}
	})
}

var phcHeader = regexp.MustCompile(`^\$argon2id\$v=19\$m=[1-9][0-9]*,t=[1-9][0-9]*,p=[1-9][0-9]*\$`)

// FuzzVerifyPIN feeds arbitrary hashes and PINs to VerifyPIN: it must never
// panic, and a malformed hash is an error, never a match.
func FuzzVerifyPIN(f *testing.F) {
	h, err := HashPIN("2580", testArgon2)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("2580", h)
	f.Add("۲۵۸۰", h)
	f.Add("2581", h)
	f.Add("2580", "$argon2id$v=19$m=1024,t=1,p=1$$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("2580", "$argon2id$v=19$m=1024,t=1,p=256$c2FsdA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("2580", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("", "$$$$$")
	f.Add("1", "")
	f.Fuzz(func(t *testing.T, pin, hash string) {
		// Keep each run cheap: hashes with costly but acceptable parameters are
		// skipped (they are legitimate, just slow). Out-of-range ones still run.
		parts := strings.Split(hash, "$")
		if len(parts) == 6 {
			var p Argon2idParams
			if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err == nil &&
				p.check() == nil && (uint64(p.Memory)*uint64(p.Time) > 8*1024 || p.Threads > 4) {
				return
			}
			if len(parts[5]) > 1024 {
				return
			}
		}
		ok, err := VerifyPIN(pin, hash)
		if err != nil {
			if ok {
				t.Fatalf("match with error %v", err)
			}
			return
		}
		if !phcHeader.MatchString(hash) || len(parts) != 6 {
			t.Fatalf("hash %q accepted as well formed", hash)
		}
		ok2, err := VerifyPIN(pin, hash)
		if ok2 != ok || err != nil {
			t.Fatalf("VerifyPIN not deterministic: %v then %v, %v", ok, ok2, err)
		}
	})
}
