package pishkhan

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// The table must be a weakly totally anti-symmetric quasigroup with a zero
// diagonal; that is what makes Damm's scheme catch every single-digit error
// and every adjacent transposition. Checked exhaustively.
func TestDammTableIsWTAQuasigroup(t *testing.T) {
	for i := 0; i < 10; i++ {
		var row, col [10]bool
		for j := 0; j < 10; j++ {
			if v := dammTable[i][j]; v > 9 || row[v] {
				t.Fatalf("row %d is not a permutation of 0..9", i)
			} else {
				row[v] = true
			}
			if v := dammTable[j][i]; v > 9 || col[v] {
				t.Fatalf("column %d is not a permutation of 0..9", i)
			} else {
				col[v] = true
			}
		}
		if dammTable[i][i] != 0 {
			t.Errorf("diagonal T[%d][%d] = %d, want 0", i, i, dammTable[i][i])
		}
	}
	for c := 0; c < 10; c++ {
		for x := 0; x < 10; x++ {
			for y := 0; y < 10; y++ {
				if x != y && dammTable[dammTable[c][x]][y] == dammTable[dammTable[c][y]][x] {
					t.Errorf("weak total anti-symmetry fails: c=%d x=%d y=%d", c, x, y)
				}
			}
		}
	}
}

// Published example (Wikipedia, "Damm algorithm"): the check digit of 572 is 4.
func TestDammPublishedExample(t *testing.T) {
	if got := DammCheckDigit("572"); got != 4 {
		t.Errorf("DammCheckDigit(572) = %d, want 4", got)
	}
	if !DammValid("5724") {
		t.Error("5724 not valid")
	}
	for _, bad := range []string{"5723", "5274", "7524", "", "57a4"} {
		if DammValid(bad) {
			t.Errorf("DammValid(%q) = true", bad)
		}
	}
}

// DammValid on any digit string: appending the check digit makes it valid,
// and any single substitution or adjacent transposition of different digits
// makes it invalid.
func TestDammDetectsSingleErrorsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		body := rapid.StringMatching(`[0-9]{1,30}`).Draw(t, "body")
		s := body + fmt.Sprint(DammCheckDigit(body))
		if !DammValid(s) {
			t.Fatalf("%s not valid", s)
		}
		i := rapid.IntRange(0, len(s)-1).Draw(t, "i")
		d := byte(rapid.IntRange(0, 9).Filter(func(d int) bool { return byte('0'+d) != s[i] }).Draw(t, "d")) + '0'
		if mut := s[:i] + string(d) + s[i+1:]; DammValid(mut) {
			t.Fatalf("substitution %s → %s not detected", s, mut)
		}
		if i+1 < len(s) && s[i] != s[i+1] {
			if mut := s[:i] + string(s[i+1]) + string(s[i]) + s[i+2:]; DammValid(mut) {
				t.Fatalf("transposition %s → %s not detected", s, mut)
			}
		}
	})
}

func daysIn(month int) int {
	if month <= 6 {
		return 31
	}
	return 30
}

func drawParts(t *rapid.T, minYear, maxYear int) TrackingParts {
	p := TrackingParts{
		Office: rapid.IntRange(1, 99999).Draw(t, "office"),
		Desk:   rapid.IntRange(1, 99).Draw(t, "desk"),
		Year:   rapid.IntRange(minYear, maxYear).Draw(t, "year"),
		Month:  rapid.IntRange(1, 12).Draw(t, "month"),
		Seq:    rapid.IntRange(1, MaxDailySequence).Draw(t, "seq"),
	}
	p.Day = rapid.IntRange(1, daysIn(p.Month)).Draw(t, "day")
	return p
}

// expectedDigits lays the parts out as the format says, without the check digit.
func expectedBody(p TrackingParts) string {
	return fmt.Sprintf("%05d%02d%02d%02d%02d%04d", p.Office, p.Desk, p.Year%100, p.Month, p.Day, p.Seq)
}

func TestTrackingCodeRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawParts(t, 1300, 1699)
		code, err := NewTrackingCode(p)
		if err != nil {
			t.Fatalf("NewTrackingCode(%+v): %v", p, err)
		}
		s := string(code)
		if len(s) != 18 || s[:17] != expectedBody(p) || !DammValid(s) || code.String() != s {
			t.Fatalf("NewTrackingCode(%+v) = %s", p, s)
		}
		// The two-digit year reads back as Year whenever Year is less than 50
		// years from refYear. (At exactly 50 years both centuries qualify; see
		// TestTrackingCodeYearWindowProperty.)
		ref := rapid.IntRange(p.Year-49, p.Year+49).Draw(t, "refYear")
		in := rapid.SampledFrom([]string{
			s, code.Display(), toScript(s, persianZero), toScript(code.Display(), arabicZero), " " + s + " ",
		}).Draw(t, "form")
		got, parts, err := ParseTrackingCode(in, ref)
		if err != nil {
			t.Fatalf("ParseTrackingCode(%q, %d): %v", in, ref, err)
		}
		if got != code || parts != p {
			t.Fatalf("ParseTrackingCode(%q, %d) = %s %+v, want %s %+v", in, ref, got, parts, code, p)
		}
	})
}

func TestTrackingCodeCenturyWindow(t *testing.T) {
	mk := func(year int) TrackingCode {
		c, err := NewTrackingCode(TrackingParts{Office: 1, Desk: 1, Year: year, Month: 1, Day: 1, Seq: 1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cases := []struct{ year, ref, want int }{
		{1405, 1405, 1405},
		{1455, 1405, 1455}, // ref+50 stays ahead
		{1356, 1405, 1356}, // yy=56 is more than 50 years ahead: read back a century
		{1399, 1405, 1399},
		{1499, 1460, 1499},
		{1410, 1460, 1410},
		{1354, 1405, 1454}, // 51 years back is too far: yy=54 reads as 1454
		{1456, 1405, 1356},
		{1300, 1349, 1300},
		{1300, 1351, 1400},
	}
	for _, tc := range cases {
		_, p, err := ParseTrackingCode(string(mk(tc.year)), tc.ref)
		if err != nil {
			t.Errorf("year %d ref %d: %v", tc.year, tc.ref, err)
			continue
		}
		if p.Year != tc.want {
			t.Errorf("year %d ref %d: parsed %d, want %d", tc.year, tc.ref, p.Year, tc.want)
		}
	}
}

// For any refYear, the year read back is the one with the same last two
// digits that is at most 50 years from refYear.
func TestTrackingCodeYearWindowProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawParts(t, 1300, 1699)
		code, err := NewTrackingCode(p)
		if err != nil {
			t.Fatal(err)
		}
		ref := rapid.IntRange(1250, 1750).Draw(t, "refYear")
		_, got, err := ParseTrackingCode(string(code), ref)
		if err != nil {
			// Only when the year less than 50 from ref falls outside 1300..1699.
			for y := ref - 49; y <= ref+49; y++ {
				if y%100 == p.Year%100 && y >= 1300 && y <= 1699 {
					t.Fatalf("%s ref %d refused although %d fits: %v", code, ref, y, err)
				}
			}
			return
		}
		if got.Year%100 != p.Year%100 || got.Year < ref-50 || got.Year > ref+50 {
			t.Fatalf("%s ref %d: year %d", code, ref, got.Year)
		}
		want := p
		want.Year = got.Year
		if got != want {
			t.Fatalf("%s ref %d: parts %+v, want %+v", code, ref, got, want)
		}
	})
}

func TestTrackingCodeDisplay(t *testing.T) {
	p := TrackingParts{Office: 12345, Desk: 1, Year: 1405, Month: 9, Day: 7, Seq: 42}
	c, err := NewTrackingCode(p)
	if err != nil {
		t.Fatal(err)
	}
	check := string(c)[17:]
	if want := "12345-01-050907-0042-" + check; c.Display() != want {
		t.Errorf("Display = %q, want %q", c.Display(), want)
	}
	if !DammValid("12345010509070042" + check) {
		t.Error("check digit wrong")
	}
	rapid.Check(t, func(t *rapid.T) {
		p := drawParts(t, 1300, 1699)
		c, err := NewTrackingCode(p)
		if err != nil {
			t.Fatal(err)
		}
		d := c.Display()
		groups := strings.Split(d, "-")
		if len(groups) != 5 || len(groups[0]) != 5 || len(groups[1]) != 2 || len(groups[2]) != 6 || len(groups[3]) != 4 || len(groups[4]) != 1 {
			t.Fatalf("Display = %q", d)
		}
		if strings.Join(groups, "") != string(c) {
			t.Fatalf("Display %q does not regroup to %s", d, c)
		}
		want := fmt.Sprintf("%05d-%02d-%02d%02d%02d-%04d-", p.Office, p.Desk, p.Year%100, p.Month, p.Day, p.Seq)
		if !strings.HasPrefix(d, want) {
			t.Fatalf("Display = %q, want prefix %q", d, want)
		}
	})
	for _, odd := range []string{"", "123", "1234567890123456789"} {
		if got := TrackingCode(odd).Display(); got != odd {
			t.Errorf("Display(%q) = %q", odd, got)
		}
	}
}

// Every single-digit substitution and every adjacent transposition of two
// different digits in a valid code is refused.
func TestTrackingCodeDetectsErrorsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawParts(t, 1360, 1449)
		code, err := NewTrackingCode(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(code)
		ref := 1405
		if _, _, err := ParseTrackingCode(s, ref); err != nil {
			t.Fatalf("valid %s refused: %v", s, err)
		}
		for i := 0; i < len(s); i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d == s[i] {
					continue
				}
				mut := s[:i] + string(d) + s[i+1:]
				if got, _, err := ParseTrackingCode(mut, ref); err == nil {
					t.Fatalf("substitution %s → %s accepted as %s", s, mut, got)
				}
			}
			if i+1 < len(s) && s[i] != s[i+1] {
				mut := s[:i] + string(s[i+1]) + string(s[i]) + s[i+2:]
				_, _, err := ParseTrackingCode(toScript(mut, persianZero), ref)
				if err == nil {
					t.Fatalf("transposition %s → %s accepted", s, mut)
				}
				wantCodeAndPersian(t, err, EInvalid)
			}
		}
	})
}

// Within one hundred-year window, different parts give different codes.
func TestTrackingCodeUniqueProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := drawParts(t, 1350, 1449)
		b := a
		switch rapid.IntRange(0, 6).Draw(t, "change") {
		case 0:
			b.Office = rapid.IntRange(1, 99999).Draw(t, "office2")
		case 1:
			b.Desk = rapid.IntRange(1, 99).Draw(t, "desk2")
		case 2:
			b.Year = rapid.IntRange(1350, 1449).Draw(t, "year2")
		case 3:
			b.Month = rapid.IntRange(1, 12).Draw(t, "month2")
			b.Day = min(b.Day, daysIn(b.Month))
		case 4:
			b.Day = rapid.IntRange(1, daysIn(b.Month)).Draw(t, "day2")
		case 5:
			b.Seq = rapid.IntRange(1, MaxDailySequence).Draw(t, "seq2")
		case 6:
			b = drawParts(t, 1350, 1449)
		}
		ca, err := NewTrackingCode(a)
		if err != nil {
			t.Fatal(err)
		}
		cb, err := NewTrackingCode(b)
		if err != nil {
			t.Fatal(err)
		}
		if (ca == cb) != (a == b) {
			t.Fatalf("%+v → %s, %+v → %s", a, ca, b, cb)
		}
	})
}

func TestNewTrackingCodeRefusesOutOfRange(t *testing.T) {
	good := TrackingParts{Office: 12345, Desk: 1, Year: 1405, Month: 9, Day: 7, Seq: 42}
	if _, err := NewTrackingCode(good); err != nil {
		t.Fatalf("good parts refused: %v", err)
	}
	mods := map[string]func(*TrackingParts){
		"office 0":       func(p *TrackingParts) { p.Office = 0 },
		"office 100000":  func(p *TrackingParts) { p.Office = 100000 },
		"office -1":      func(p *TrackingParts) { p.Office = -1 },
		"desk 0":         func(p *TrackingParts) { p.Desk = 0 },
		"desk 100":       func(p *TrackingParts) { p.Desk = 100 },
		"year 1299":      func(p *TrackingParts) { p.Year = 1299 },
		"year 1700":      func(p *TrackingParts) { p.Year = 1700 },
		"year 5":         func(p *TrackingParts) { p.Year = 5 },
		"month 0":        func(p *TrackingParts) { p.Month = 0 },
		"month 13":       func(p *TrackingParts) { p.Month = 13 },
		"day 0":          func(p *TrackingParts) { p.Day = 0 },
		"day 32":         func(p *TrackingParts) { p.Day = 32 },
		"mehr 31":        func(p *TrackingParts) { p.Month, p.Day = 7, 31 },
		"esfand 31":      func(p *TrackingParts) { p.Month, p.Day = 12, 31 },
		"seq 0":          func(p *TrackingParts) { p.Seq = 0 },
		"seq 10000":      func(p *TrackingParts) { p.Seq = MaxDailySequence + 1 },
		"all zero parts": func(p *TrackingParts) { *p = TrackingParts{} },
	}
	for name, mod := range mods {
		p := good
		mod(&p)
		c, err := NewTrackingCode(p)
		if c != "" {
			t.Errorf("%s: got code %s", name, c)
		}
		wantCodeAndPersian(t, err, EInvalid)
	}
	// Boundaries are accepted.
	edges := []TrackingParts{
		{Office: 1, Desk: 1, Year: 1300, Month: 1, Day: 1, Seq: 1},
		{Office: 99999, Desk: 99, Year: 1699, Month: 12, Day: 30, Seq: MaxDailySequence},
		{Office: 5, Desk: 5, Year: 1405, Month: 6, Day: 31, Seq: 5},
	}
	for _, p := range edges {
		if _, err := NewTrackingCode(p); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
}

func TestParseTrackingCodeRefuses(t *testing.T) {
	withCheck := func(body string) string { return body + fmt.Sprint(DammCheckDigit(body)) }
	cases := map[string]string{
		"empty":            "",
		"17 digits":        "12345010509070042",
		"19 digits":        withCheck("123450105090700421"),
		"letters":          "12345-01-05O907-0042-6",
		"office zero":      withCheck("00000010509070042"),
		"desk zero":        withCheck("12345000509070042"),
		"month 13":         withCheck("12345010513070042"),
		"month 00":         withCheck("12345010500070042"),
		"day 00":           withCheck("12345010509000042"),
		"mehr 31":          withCheck("12345010507310042"),
		"day 32":           withCheck("12345010501320042"),
		"seq zero":         withCheck("12345010509070000"),
		"bad check":        "123450105090700420",
		"plus sign inside": "+12345010509070042",
	}
	for name, in := range cases {
		got, parts, err := ParseTrackingCode(in, 1405)
		if got != "" || parts != (TrackingParts{}) {
			t.Errorf("%s: got %s %+v", name, got, parts)
		}
		wantCodeAndPersian(t, err, EInvalid)
	}
}
