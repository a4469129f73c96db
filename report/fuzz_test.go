package report

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pieces random cell text is made of: Persian words and letters, marks,
// joiners, digits of three scripts, Latin, brackets, bidi controls, line
// breaks, characters the font lacks (Hebrew, CJK, emoji), invalid UTF-8.
var pieces = []string{
	"صدور", "گذرنامه", "لا", "پیشخوان", "ی", "ک", "ك", "ي", "ه", "ۀ", "ء", "آ", "ﻻ", "ـ",
	"\u064e", "\u0651", "\u0670", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c",
	"۰۱۲", "٣٤٥", "123", "1,250,000", "۱٬۲۵۰", "-", "/", ":", "٫", "%", "+", "$", "ریال",
	"ABC", "Ali", "passport", "(", ")", "[", "]", "{", "}", "«", "»", "<", ">", "\"", "'", "\\",
	" ", " ", " ", "  ", "\n", "\r\n", "\t", "\x00", "\x1b", "\u0085", "\u2028", "\u2029",
	"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
	"שלום", "中文", "😀", "\U0001F1EE\U0001F1F7", "\uffff", "\ufeff", "\xff", "\xe2\x82", "\xc0\x80",
	"%PDF", ") Tj ET", "endstream", "(", "<FEFF>", "%%EOF", "\u0300", "é", "ﷲ", "﷼",
}

func randomText(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.IntN(40)
	if rng.IntN(10) == 0 {
		n = 300 + rng.IntN(600) // a long one
	}
	for range n {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	if rng.IntN(15) == 0 {
		b.WriteString(strings.Repeat("ب", 400)) // a word wider than any cell
	}
	return b.String()
}

func randomDay(rng *rand.Rand, lines int) Day {
	txt := func() string { return randomText(rng) }
	money := func() int64 { return rng.Int64N(1<<40) - 1<<39 }
	d := testDay(0, rng.Uint64())
	d.Office = Office{Code: rng.IntN(200000) - 1000, Name: txt(), Desk: rng.IntN(1000)}
	if rng.IntN(3) == 0 {
		d.To = d.From.AddDays(rng.IntN(40))
	}
	d.Closed = rng.IntN(2) == 0
	d.ClosedBy, d.DifferenceReason = txt(), txt()
	d.ClosedAt = time.Unix(rng.Int64N(1<<32), 0)
	d.ExpectedCash, d.CountedCash, d.CardTotal = money(), money(), money()
	for range rng.IntN(6) {
		d.ByService = append(d.ByService, Total{txt(), rng.IntN(1 << 20), money()})
		d.ByAgency = append(d.ByAgency, Total{txt(), -rng.IntN(5), money()})
		d.ByClerk = append(d.ByClerk, Total{txt(), rng.IntN(9), money()})
	}
	for range lines {
		l := Line{txt(), txt(), txt(), txt(), txt(), txt(), txt(), money(), money(), time.Unix(rng.Int64N(1<<33), 0)}
		if rng.IntN(5) == 0 {
			l.At = time.Time{}
		}
		d.Lines = append(d.Lines, l)
		if rng.IntN(3) == 0 {
			d.Unsent = append(d.Unsent, l)
		}
	}
	return d
}

// checkPDF is a quick structural check: header, trailer, cross-reference.
func checkPDF(t testing.TB, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(data), []byte("%%EOF")) ||
		!bytes.Contains(data, []byte("\nxref\n")) || !bytes.Contains(data, []byte("/Type /Catalog")) {
		n := min(len(data), 200)
		t.Fatalf("not a PDF: %q…", data[:n])
	}
}

// TestRandomCells fills every field with random text: no panic, no error,
// and poppler reads every page of the result without complaint.
func TestRandomCells(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2024, 9))
	dir := t.TempDir()
	for i := range 16 {
		d := randomDay(rng, rng.IntN(30))
		var buf bytes.Buffer
		if err := PDF(&buf, d); err != nil {
			t.Fatalf("day %d: %v", i, err)
		}
		checkPDF(t, buf.Bytes())
		path := filepath.Join(dir, "r.pdf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		n := pageCount(t, path)
		ps := pages(t, path)
		if len(ps) != n {
			t.Fatalf("day %d: pdftotext read %d of %d pages", i, len(ps), n)
		}
		last := key(ps[n-1])
		if want := key("صفحه " + digits(n) + " از " + digits(n)); !strings.Contains(last, want) {
			t.Errorf("day %d: last page has no %q", i, want)
		}
	}
}

// FuzzPDF puts fuzzed text in every field of a small day.
func FuzzPDF(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		f.Add(randomText(rng), int64(rng.IntN(1e9)))
	}
	f.Add("", int64(0))
	f.Add("\xff\xfe", int64(-1<<63))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		d := testDay(3, uint64(n))
		d.Office.Name, d.ClosedBy, d.DifferenceReason = s, s, s
		d.ExpectedCash, d.CardTotal = n, -n
		d.ByService = append(d.ByService, Total{s, int(n % 1000), n})
		for i := range d.Lines {
			l := &d.Lines[i]
			l.Tracking, l.Citizen, l.Service, l.Agency, l.Clerk, l.State, l.Payment = s, s, s, s, s, s, s
			l.Gov = n
		}
		d.Unsent = d.Lines[:1]
		var buf bytes.Buffer
		if err := PDF(&buf, d); err != nil {
			t.Fatal(err)
		}
		checkPDF(t, buf.Bytes())
	})
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("پ", 10) // 2 bytes each
	if got := truncate(s, 5); got != "پپ" {
		t.Errorf("truncate: %q", got)
	}
	if got := truncate("abc", 10); got != "abc" {
		t.Errorf("truncate: %q", got)
	}
	// A huge cell is cut before it is laid out, and still renders.
	d := testDay(1, 1)
	d.Lines[0].Service = strings.Repeat("خدمت بسیار طولانی ", 20000)
	var buf bytes.Buffer
	start := time.Now()
	if err := PDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("a 300 KB cell took %v", el)
	}
}
