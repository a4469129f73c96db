package persian

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"pgregory.net/rapid"
)

func TestToLatinDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"0123456789", "0123456789"},
		{"تلفن: ۰۲۱-۸۸۷۷۶۶۵۵", "تلفن: 021-88776655"},
		{"۱۲٬۳۴۵٫۶", "12٬345٫6"}, // separators are not digits
		{"mixed ۱ ٢ 3", "mixed 1 2 3"},
		{"\xff۵\xfe", "\xff5\xfe"}, // invalid UTF-8 is preserved
		{"۹", "9"},
		{"\u06fa", "\u06fa"}, // just past ۹
		{"\u06ef", "\u06ef"}, // just before ۰
		{"\u066a", "\u066a"}, // just past ٩
	}
	for _, tt := range tests {
		if got := ToLatinDigits(tt.in); got != tt.want {
			t.Errorf("ToLatinDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToPersianDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"0123456789", "۰۱۲۳۴۵۶۷۸۹"},
		{"1405/09/07", "۱۴۰۵/۰۹/۰۷"},
		{"٤٥٦", "٤٥٦"}, // Arabic-Indic digits are left alone
		{"۴۵۶", "۴۵۶"},
		{"a1\xffb2", "a۱\xffb۲"},
	}
	for _, tt := range tests {
		if got := ToPersianDigits(tt.in); got != tt.want {
			t.Errorf("ToPersianDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDigitConversionDoesNotAllocateWhenUnchanged(t *testing.T) {
	s := strings.Repeat("سلام دنیا hello ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = ToLatinDigits(s) }); n != 0 {
		t.Errorf("ToLatinDigits allocated %v times for digit-free input", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = ToPersianDigits(s) }); n != 0 {
		t.Errorf("ToPersianDigits allocated %v times for digit-free input", n)
	}
}

func TestDigitRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[ -~]*`).Draw(t, "ascii")
		p := ToPersianDigits(s)
		if got := ToLatinDigits(p); got != s {
			t.Fatalf("ToLatinDigits(ToPersianDigits(%q)) = %q", s, got)
		}
		if strings.ContainsAny(p, "0123456789") {
			t.Fatalf("ToPersianDigits(%q) = %q still has ASCII digits", s, p)
		}
		if utf8.RuneCountInString(p) != len(s) {
			t.Fatalf("ToPersianDigits(%q) changed the rune count", s)
		}
	})
}

func TestFormatInt(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "۰"},
		{7, "۷"},
		{-7, "\u200e−۷"},
		{999, "۹۹۹"},
		{1000, "۱٬۰۰۰"},
		{-1000, "\u200e−۱٬۰۰۰"},
		{125000, "۱۲۵٬۰۰۰"},
		{1234567, "۱٬۲۳۴٬۵۶۷"},
		{-1234567, "\u200e\u2212۱٬۲۳۴٬۵۶۷"},
		{math.MaxInt64, "۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۷"},
		{math.MinInt64, "\u200e−۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۸"},
	}
	for _, tt := range tests {
		if got := FormatInt(tt.in); got != tt.want {
			t.Errorf("FormatInt(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// xtextPrinter formats like CLDR's Persian locale. Note that language.Persian
// ("fa") is used: the "fa-IR" tag yields Latin digits.
var xtextPrinter = message.NewPrinter(language.Persian)

func xtextFormat(n int64) string { return xtextPrinter.Sprintf("%d", n) }

// TestFormatIntMatchesXText cross-checks the hand-written formatter against
// golang.org/x/text/message on every digit-count boundary and on random
// values.
func TestFormatIntMatchesXText(t *testing.T) {
	check := func(n int64) {
		t.Helper()
		if got, want := FormatInt(n), xtextFormat(n); got != want {
			t.Fatalf("FormatInt(%d) = %q, x/text gives %q", n, got, want)
		}
	}
	check(math.MinInt64)
	check(math.MaxInt64)
	for p := int64(1); p <= math.MaxInt64/10; p *= 10 {
		for _, n := range []int64{p - 1, p, p + 1, 10*p - 1} {
			check(n)
			check(-n)
		}
	}
	for n := int64(-2000); n <= 2000; n++ {
		check(n)
	}
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.Int64().Draw(rt, "n")
		if got, want := FormatInt(n), xtextFormat(n); got != want {
			rt.Fatalf("FormatInt(%d) = %q, x/text gives %q", n, got, want)
		}
	})
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"۰", 0},
		{"42", 42},
		{"۴۲", 42},
		{"٤٢", 42},
		{"۴2", 42}, // mixed scripts
		{"  ۱۲۵۰۰۰  ", 125000},
		{"۱۲۵٬۰۰۰", 125000},
		{"125,000", 125000},
		{"1 234 567", 1234567},
		{"1\u00a0234", 1234}, // NBSP as group separator
		{"۱٬۲۳۴,۵۶۷", 1234567},
		{"-5", -5},
		{"+5", 5},
		{"− ۵", -5},
		{"- 1,000", -1000},
		{"\u200e−۱٬۰۰۰", -1000},
		{"\u200f۱۲\u200f", 12},
		{"007", 7},
		{"9223372036854775807", math.MaxInt64},
		{"-9223372036854775808", math.MinInt64},
		{"۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۷", math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := ParseInt(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestParseIntErrors(t *testing.T) {
	syntax := []string{
		"", "   ", "-", "+", "abc", "12a", "۱۲ریال", "1.5", "1٫5",
		",123", "123,", "1,,234", "1, 234", "1 ,234", "--1", "+-1", "1-",
		"12,50", "1,2345", "1234,567", "1 23", "1\u200c234", "\xff1", "0x10",
		"١٬٢٣", "5 -", "٬",
	}
	for _, in := range syntax {
		n, err := ParseInt(in)
		if !errors.Is(err, ErrIntSyntax) {
			t.Errorf("ParseInt(%q) = %d, %v; want ErrIntSyntax", in, n, err)
			continue
		}
		if !strings.Contains(err.Error(), strconv.Quote(in)) {
			t.Errorf("ParseInt(%q) error %q does not quote the input", in, err)
		}
	}
	for _, in := range []string{"9223372036854775808", "-9223372036854775809", "۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹"} {
		n, err := ParseInt(in)
		if !errors.Is(err, strconv.ErrRange) {
			t.Errorf("ParseInt(%q) = %d, %v; want strconv.ErrRange", in, n, err)
		}
	}
}

func TestParseIntFormatIntRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.Int64().Draw(t, "n")
		for _, s := range []string{FormatInt(n), strconv.FormatInt(n, 10), ToPersianDigits(strconv.FormatInt(n, 10))} {
			got, err := ParseInt(s)
			if err != nil || got != n {
				t.Fatalf("ParseInt(%q) = %d, %v; want %d", s, got, err, n)
			}
		}
	})
}

func FuzzParseInt(f *testing.F) {
	for _, s := range []string{
		"0", "۱۲۵٬۰۰۰", "-1,234", "\u200e−۱٬۰۰۰", "1 234", "abc", "",
		"9223372036854775808", "٤٢", "+ 5", "1,,2", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseInt(s)
		if err != nil {
			if !errors.Is(err, ErrIntSyntax) && !errors.Is(err, strconv.ErrRange) {
				t.Fatalf("ParseInt(%q) error %v wraps neither ErrIntSyntax nor ErrRange", s, err)
			}
			return
		}
		// Whatever parsed must format and parse back to the same value.
		if back, err := ParseInt(FormatInt(n)); err != nil || back != n {
			t.Fatalf("ParseInt(FormatInt(%d)) = %d, %v", n, back, err)
		}
		// Digit script must not matter.
		if back, err := ParseInt(ToLatinDigits(s)); err != nil || back != n {
			t.Fatalf("ParseInt(ToLatinDigits(%q)) = %d, %v; want %d", s, back, err, n)
		}
	})
}
