package report

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"unicode/utf16"
	"unsafe"

	"codeberg.org/go-pdf/fpdf"
)

// textObject writes the glyph runs of one drawn line into the page's
// content as one PDF text object: the text colour and BT, then for each run
// a move (Td, relative to the previous run's start) and its glyphs (Tj),
// then ET. fpdf's Text writes a whole text object, wrapped in q…Q with its
// colour, for every string it is given: for a line cut into pieces (and
// the zero-width marks between them, pieces.go) that nearly doubled the
// size of a day's report.
//
// Positions are kept in thousandths of a point, so each move is exact and
// a run starts within 0.0005 pt of where it would if the whole line were
// one string.
type textObject struct {
	pdf  *fpdf.Fpdf
	b    []byte
	open bool
	y    int64       // the baseline, thousandths of a pt from the page's bottom
	x    int64       // the start of the last run shown
	used map[int]int // the current font's runes to embed (fpdf's subset); nil after a font change
	n    int         // runs shown since BT
}

// errFpdfInternals is returned if the fpdf in use no longer keeps its
// font's used runes where usedRunes looks for them (go.mod pins v0.12.0).
var errFpdfInternals = errors.New("report: fpdf's font has no usedRunes map of the expected type (fpdf upgraded?)")

// usedRunes is the set of runes fpdf will embed from its current font.
// fpdf fills it only in the functions that also draw (Text, CellFormat),
// and has no way to add a rune without drawing it; glyphs written by
// textObject must be added here, or fpdf's font subset would leave them
// out. This reads fpdf's unexported field, and fails loudly (rather than
// drawing blanks) if a new fpdf keeps it elsewhere; TestRawTextEmbedsGlyphs
// shows the glyphs drawn.
func usedRunes(pdf *fpdf.Fpdf) (map[int]int, error) {
	cf := reflect.ValueOf(pdf).Elem().FieldByName("currentFont")
	if !cf.IsValid() {
		return nil, errFpdfInternals
	}
	m := cf.FieldByName("usedRunes")
	if !m.IsValid() || m.Type() != reflect.TypeFor[map[int]int]() || !m.CanAddr() {
		return nil, errFpdfInternals
	}
	used := *(*map[int]int)(unsafe.Pointer(m.UnsafeAddr()))
	if used == nil {
		return nil, errFpdfInternals
	}
	return used, nil
}

// begin opens a text object on the baseline yPt (pt from the page's
// bottom) in the current font and text colour.
func (t *textObject) begin(pdf *fpdf.Fpdf, yPt float64) {
	t.end()
	if t.used == nil {
		used, err := usedRunes(pdf)
		if err != nil {
			pdf.SetError(err)
			return
		}
		t.used = used
	}
	t.pdf, t.open, t.n = pdf, true, 0
	t.y = milli(yPt)
	t.b = append(t.b[:0], "q "...)
	cr, cg, cb := pdf.GetTextColor()
	if cr == cg && cg == cb {
		t.b = appendColor(t.b, cr)
		t.b = append(t.b, " g BT"...)
	} else {
		t.b = appendColor(t.b, cr)
		t.b = append(t.b, ' ')
		t.b = appendColor(t.b, cg)
		t.b = append(t.b, ' ')
		t.b = appendColor(t.b, cb)
		t.b = append(t.b, " rg BT"...)
	}
}

// show draws s (visual order, shaped) with its left end at xPt.
func (t *textObject) show(xPt float64, s string) {
	if !t.open || s == "" {
		return
	}
	x := milli(xPt)
	if t.n == 0 {
		t.b = append(t.b, ' ')
		t.b = appendMilli(t.b, x)
		t.b = append(t.b, ' ')
		t.b = appendMilli(t.b, t.y)
	} else {
		t.b = append(t.b, ' ')
		t.b = appendMilli(t.b, x-t.x)
		t.b = append(t.b, " 0"...)
	}
	t.b = append(t.b, " Td ("...)
	var units [2]uint16
	for _, c := range s {
		t.used[int(c)] = int(c)
		for _, u := range utf16.AppendRune(units[:0], c) {
			t.b = appendEscaped(t.b, byte(u>>8))
			t.b = appendEscaped(t.b, byte(u))
		}
	}
	t.b = append(t.b, ")Tj"...)
	t.x = x
	t.n++
}

// fontChanged tells t that fpdf's current font is another one.
func (t *textObject) fontChanged() { t.used = nil }

// end closes the text object and writes it to the page.
func (t *textObject) end() {
	if !t.open {
		return
	}
	t.open = false
	if t.n == 0 {
		return
	}
	t.b = append(t.b, " ET Q"...)
	t.pdf.RawWriteBuf(bytes.NewReader(t.b)) // the same bytes and newline as RawWriteStr, without a copy
}

// appendEscaped appends one byte of a PDF literal string.
func appendEscaped(b []byte, c byte) []byte {
	switch c {
	case '\\', '(', ')':
		return append(b, '\\', c)
	case '\r':
		return append(b, '\\', 'r')
	}
	return append(b, c)
}

func milli(pt float64) int64 {
	if pt < 0 {
		return -int64(-pt*1000 + 0.5)
	}
	return int64(pt*1000 + 0.5)
}

// appendMilli appends v thousandths as a decimal number without trailing
// zeros ("12.5", "-0.05", "3").
func appendMilli(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/1000, 10)
	if f := v % 1000; f != 0 {
		b = append(b, '.')
		d := []byte{byte('0' + f/100), byte('0' + f/10%10), byte('0' + f%10)}
		for d[len(d)-1] == '0' {
			d = d[:len(d)-1]
		}
		b = append(b, d...)
	}
	return b
}

// appendColor appends a colour component 0–255 as fpdf writes it.
func appendColor(b []byte, c int) []byte {
	return strconv.AppendFloat(b, float64(c)/255, 'f', 3, 64)
}
