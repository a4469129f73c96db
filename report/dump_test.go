//go:build pdfjscheck

// The measurement behind docs/pdfjs-check (make pdfjs-check): it writes
// the report's example documents and every drawn line's logical text. Not
// part of make test.

package report

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

type dumpLine struct {
	Page    int     `json:"page"`
	X       float64 `json:"x"`
	Y       float64 `json:"y"`
	W       float64 `json:"w"`
	Logical string  `json:"logical"`
	Visual  string  `json:"visual"`
}

// TestDump writes $DUMP_PDF and $DUMP_PDF.lines.json (every drawn line).
func TestDump(t *testing.T) {
	out := os.Getenv("DUMP_PDF")
	if out == "" {
		t.Fatal("set DUMP_PDF to the PDF to write")
	}
	var ls []dumpLine
	drawHook = func(page int, x, y float64, l line) {
		ls = append(ls, dumpLine{page, x, y, l.w, l.logical, l.vis})
	}
	defer func() { drawHook = nil }()
	d := testDay(60, 1)
	if os.Getenv("DUMP_RANGE") != "" {
		d.To = d.From.AddDays(2)
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := PDF(f, d); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := json.MarshalIndent(ls, "", " ")
	os.WriteFile(out+".lines.json", b, 0o644)
}

var mixedWords = []string{
	"علی", "رضایی", "گذرنامه", "صدور", "کارت", "ملی", "دفتر", "ریال", "کد", "به", "دست", "شماره", "تهران", "می‌شود",
	"Ali", "Reza", "Passport", "ID", "Tehran", "OK", "v2",
	"۱۲۳", "۴۵٬۰۰۰", "۱٬۲۵۰٬۰۰۰", "1234", "12.5", "۱۴۰۵/۰۹/۰۷", "۱۸:۴۰", "ABC-123", "۲۰٪", "#12", "+98",
}

// mixedText is a realistic mixed line: Persian, Latin, numbers, brackets and punctuation.
func mixedText(rng *rand.Rand) string {
	var ws []string
	for range 2 + rng.IntN(7) {
		w := mixedWords[rng.IntN(len(mixedWords))]
		switch rng.IntN(12) {
		case 0:
			w = "(" + w + ")"
		case 1:
			w = "«" + w + "»"
		case 2:
			w += "،"
		case 3:
			w += ":"
		case 4:
			w += "."
		case 5:
			w = "[" + w + "]"
		}
		ws = append(ws, w)
	}
	sep := " "
	if rng.IntN(6) == 0 {
		sep = " - "
	}
	return strings.Join(ws, sep)
}

// TestDumpMixed writes $DUMP_PDF from a day whose text fields are mixed lines.
func TestDumpMixed(t *testing.T) {
	out := os.Getenv("DUMP_PDF")
	if out == "" || os.Getenv("DUMP_MIXED") == "" {
		t.Fatal("set DUMP_PDF to the PDF to write, and DUMP_MIXED")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var ls []dumpLine
	drawHook = func(page int, x, y float64, l line) {
		ls = append(ls, dumpLine{page, x, y, l.w, l.logical, l.vis})
	}
	defer func() { drawHook = nil }()
	d := testDay(60, 1)
	d.To = d.From.AddDays(1) // date and time in the tables
	d.Office.Name = mixedText(rng)
	d.ClosedBy, d.DifferenceReason = mixedText(rng), mixedText(rng)
	for i := range d.Lines {
		l := &d.Lines[i]
		l.Citizen, l.Service, l.Agency, l.Clerk, l.State = mixedText(rng), mixedText(rng), mixedText(rng), mixedText(rng), mixedText(rng)
	}
	d.Unsent = d.Lines[:10]
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := PDF(f, d); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := json.MarshalIndent(ls, "", " ")
	os.WriteFile(out+".lines.json", b, 0o644)
}
