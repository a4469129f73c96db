package report

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/pishkhan/pishkhan/persian"
)

// rawLines are drawn only by the test: their letters, digits and Latin
// are in no other text of its PDF.
var rawLines = []string{
	"زمان چاپ: ۱۴۰۵/۰۹/۰۷ ۱۸:۴۰",
	"پرداخت جریمه‌ی رانندگی با کد 1234-ABC",
	"بسته‌شده، ۱۸:۳۵، به دست مدیر دفتر (modir)",
	"Sara Ahmadi «نقل» [x] ۴۴٬۹۸۰٬۰۰۰ ریال",
}

// drawLines writes a one-page PDF with rawLines, each drawn by fpdf's Text
// as one visual string (whole) or piece by piece through textObject, and
// renders it. forget, if set, runs after the pieces are drawn and may
// remove runes from the font's subset.
func drawLines(t *testing.T, whole bool, forget func(used map[int]int)) image.Image {
	t.Helper()
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	r.pdf.AddPage()
	r.font(false, 12)
	y := 30.0
	for _, s := range rawLines {
		l := r.m.visual(s)
		if whole {
			r.pdf.Text(right-l.w, y, l.vis)
		} else {
			r.drawPieces(l, right-l.w, y, false)
		}
		y += 12
	}
	if forget != nil {
		used, err := usedRunes(r.pdf)
		if err != nil {
			t.Fatal(err)
		}
		forget(used)
	}
	var buf bytes.Buffer
	if err := r.pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lines.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return renderPage(t, path, 1, 110)
}

// differing counts the pixels whose grey differs by more than a tenth.
func differing(a, b image.Image) int {
	n := 0
	bd := a.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			ga, gb := int(ar+ag+ab)/3, int(br+bg+bb)/3
			if d := ga - gb; d > 0x1999 || d < -0x1999 {
				n++
			}
		}
	}
	return n
}

// TestRawTextEmbedsGlyphs: lines written piece by piece through
// textObject look the same as when fpdf draws each as one string — every
// glyph embedded (textObject adds its runes to fpdf's font subset) and in
// the same place. The second half shows the comparison failing when the
// runes are left out of the subset.
func TestRawTextEmbedsGlyphs(t *testing.T) {
	t.Parallel()
	whole := drawLines(t, true, nil)
	pieces := drawLines(t, false, nil)
	inked := ink(whole, whole.Bounds())
	if inked < 1000 {
		t.Fatalf("the lines drawn by fpdf have %d ink pixels; the test draws nothing", inked)
	}
	d := differing(whole, pieces)
	t.Logf("%d ink pixels; %d differ between one string and pieces", inked, d)
	if d > inked/200 {
		t.Errorf("%d of %d ink pixels differ between the line drawn whole and in pieces", d, inked)
	}
	// Without the runes in the subset the glyphs are missing.
	stripped := drawLines(t, false, func(used map[int]int) {
		for _, s := range rawLines {
			for _, c := range persian.Shape(s) {
				delete(used, int(c))
			}
		}
	})
	if d := differing(whole, stripped); d <= inked/200 {
		t.Errorf("with the runes left out of the font subset only %d pixels differ; the comparison cannot fail", d)
	}
}

func TestAppendMilli(t *testing.T) {
	for v, want := range map[int64]string{
		0: "0", 5: "0.005", 50: "0.05", 500: "0.5", 1000: "1", 12345: "12.345",
		-50: "-0.05", -1500: "-1.5", 841890: "841.89", 1001: "1.001",
	} {
		if got := string(appendMilli(nil, v)); got != want {
			t.Errorf("appendMilli(%d) = %q, want %q", v, got, want)
		}
	}
	for pt, want := range map[float64]int64{0.0006: 1, 0.0004: 0, -0.0006: -1, 390.51: 390510, -0.05: -50} {
		if got := milli(pt); got != want {
			t.Errorf("milli(%v) = %d, want %d", pt, got, want)
		}
	}
}

func TestEscapedLiteral(t *testing.T) {
	var b []byte
	for _, c := range []byte{'a', '(', ')', '\\', '\r', '\n', 0} {
		b = appendEscaped(b, c)
	}
	if want := "a\\(\\)\\\\\\r\n\x00"; string(b) != want {
		t.Errorf("escaped %q, want %q", b, want)
	}
}
