package persian

import (
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestFormatRials(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "۰ ریال"},
		{125000, "۱۲۵٬۰۰۰ ریال"},
		{-2500, "\u200e−۲٬۵۰۰ ریال"},
	}
	for _, tt := range tests {
		if got := FormatRials(tt.in); got != tt.want {
			t.Errorf("FormatRials(%d) = %q, want %q", tt.in, got, tt.want)
		}
		if got := FormatMoney(tt.in, Rial); got != tt.want {
			t.Errorf("FormatMoney(%d, Rial) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatTomans(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "۰ تومان"},
		{10, "۱ تومان"},
		{1250000, "۱۲۵٬۰۰۰ تومان"},
		{1250005, "۱۲۵٬۰۰۰٫۵ تومان"},
		{5, "۰٫۵ تومان"},
		{19, "۱٫۹ تومان"},
		{-5, "\u200e−۰٫۵ تومان"},
		{-9, "\u200e−۰٫۹ تومان"},
		{-10, "\u200e−۱ تومان"},
		{-12345, "\u200e−۱٬۲۳۴٫۵ تومان"},
		{math.MaxInt64, "۹۲۲٬۳۳۷٬۲۰۳٬۶۸۵٬۴۷۷٬۵۸۰٫۷ تومان"},
		{math.MinInt64, "\u200e−۹۲۲٬۳۳۷٬۲۰۳٬۶۸۵٬۴۷۷٬۵۸۰٫۸ تومان"},
	}
	for _, tt := range tests {
		if got := FormatTomans(tt.in); got != tt.want {
			t.Errorf("FormatTomans(%d) = %q, want %q", tt.in, got, tt.want)
		}
		if got := FormatMoney(tt.in, Toman); got != tt.want {
			t.Errorf("FormatMoney(%d, Toman) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFormatTomansExactProperty checks that no rial is lost: the displayed
// toman amount, read back, times ten is the original number of rials.
func TestFormatTomansExactProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := rapid.Int64().Draw(t, "rials")
		s := FormatTomans(r)
		num, ok := strings.CutSuffix(s, " "+TomanName)
		if !ok {
			t.Fatalf("FormatTomans(%d) = %q lacks the unit", r, s)
		}
		whole, frac, hasFrac := strings.Cut(num, string(DecimalSeparator))
		if hasFrac != (r%10 != 0) {
			t.Fatalf("FormatTomans(%d) = %q: decimal part present = %v", r, s, hasFrac)
		}
		w, err := ParseInt(whole)
		if err != nil {
			t.Fatalf("FormatTomans(%d) = %q: whole part: %v", r, s, err)
		}
		var f int64
		if hasFrac {
			if f, err = ParseInt(frac); err != nil || f < 1 || f > 9 {
				t.Fatalf("FormatTomans(%d) = %q: bad decimal part %q", r, s, frac)
			}
			if r < 0 {
				f = -f
			}
		}
		if w != r/10 || f != r%10 {
			t.Fatalf("FormatTomans(%d) = %q reads back as %d tomans and %d rials", r, s, w, f)
		}
		if (r < 0) != strings.HasPrefix(s, negativePrefix) {
			t.Fatalf("FormatTomans(%d) = %q has the wrong sign", r, s)
		}
	})
}

func TestUnit(t *testing.T) {
	if Rial.String() != "ریال" || Toman.String() != "تومان" || Unit(7).String() != "ریال" {
		t.Errorf("Unit names: %q %q %q", Rial, Toman, Unit(7))
	}
	if got, want := FormatMoney(1000, Unit(7)), "۱٬۰۰۰ ریال"; got != want {
		t.Errorf("FormatMoney(1000, Unit(7)) = %q, want %q", got, want)
	}
}
