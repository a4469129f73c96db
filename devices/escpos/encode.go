package escpos

import (
	"bytes"
	"fmt"
)

// ESC/POS bytes.
const (
	esc = 0x1b
	gs  = 0x1d
	dle = 0x10
	eot = 0x04
)

// maxBand is the most rows sent in one GS v 0 command; printers buffer a
// band before printing it, and small ones have small buffers.
const maxBand = 128

// Encoder renders receipts for one printer profile.
type Encoder struct {
	p Profile
	z *Rasterizer
}

// NewEncoder checks the profile and returns an encoder for it.
func NewEncoder(p Profile, z *Rasterizer) (*Encoder, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if p.TextPx == 0 {
		p.TextPx = 24
	}
	return &Encoder{p: p, z: z}, nil
}

// Encode renders r to ESC/POS bytes: initialise, then each block. Runs of
// text, key/value rows and separators become raster bands.
func (e *Encoder) Encode(r *Receipt) ([]byte, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write([]byte{esc, '@'})          // initialise
	b.Write([]byte{gs, 'P', 203, 203}) // motion units: one dot (203 dpi heads)
	if e.p.Mode == ModeCodePage {
		b.Write([]byte{esc, 't', byte(e.p.CodePage)})
	}
	var pending []*Bitmap
	flush := func() {
		if len(pending) > 0 {
			e.raster(&b, stack(pending, e.p.HeadDots))
			pending = nil
		}
	}
	for _, blk := range r.Blocks {
		if e.p.Mode == ModeCodePage {
			if line, ok := e.textMode(blk); ok {
				flush()
				b.Write(line)
				continue
			}
		}
		switch blk := blk.(type) {
		case Text:
			px := e.p.TextPx
			if blk.Double {
				px *= 2
			}
			bm, err := e.z.strip([]lineSpec{{text: blk.Text, align: blk.Align, bold: blk.Bold, px: px}}, e.p.HeadDots)
			if err != nil {
				return nil, err
			}
			pending = append(pending, bm)
		case KV:
			bm, err := e.z.strip([]lineSpec{{text: blk.Key, value: blk.Value, kv: true, bold: blk.Bold, px: e.p.TextPx}}, e.p.HeadDots)
			if err != nil {
				return nil, err
			}
			pending = append(pending, bm)
		case Separator:
			pending = append(pending, rule(e.p.HeadDots, blk.Double))
		case QR:
			flush()
			m := blk.Module
			if m == 0 {
				m = 6
			}
			b.Write([]byte{esc, 'a', 1})
			b.Write([]byte{gs, '(', 'k', 4, 0, 49, 65, 50, 0}) // model 2
			b.Write([]byte{gs, '(', 'k', 3, 0, 49, 67, byte(m)})
			b.Write([]byte{gs, '(', 'k', 3, 0, 49, 69, 49}) // error correction M
			n := len(blk.Data) + 3
			b.Write([]byte{gs, '(', 'k', byte(n), byte(n >> 8), 49, 80, 48})
			b.WriteString(blk.Data)
			b.Write([]byte{gs, '(', 'k', 3, 0, 49, 81, 48}) // print
			b.Write([]byte{'\n', esc, 'a', 0})
		case Barcode:
			flush()
			h := blk.Height
			if h == 0 {
				h = 60
			}
			b.Write([]byte{esc, 'a', 1, gs, 'h', byte(h), gs, 'w', 2, gs, 'H', 0})
			data := "{B" + blk.Data
			b.Write([]byte{gs, 'k', 73, byte(len(data))})
			b.WriteString(data)
			b.Write([]byte{'\n', esc, 'a', 0})
		case Feed:
			flush()
			b.Write([]byte{esc, 'd', byte(blk.Lines)})
		case Cut:
			flush()
			b.Write([]byte{gs, 'V', 66, 0})
		default:
			return nil, fmt.Errorf("encode: unknown block %T", blk)
		}
	}
	flush()
	return b.Bytes(), nil
}

// stack puts bitmaps of the same width one under the other.
func stack(bms []*Bitmap, w int) *Bitmap {
	h := 0
	for _, bm := range bms {
		h += bm.H
	}
	out := NewBitmap(w, h)
	off := 0
	for _, bm := range bms {
		copy(out.Bits[off:], bm.Bits)
		off += len(bm.Bits)
	}
	return out
}

// rule is a full-width separator: a 2-dot line, or two, with air around.
func rule(w int, double bool) *Bitmap {
	h := 12
	bm := NewBitmap(w, h)
	rows := []int{5, 6}
	if double {
		rows = []int{3, 4, 7, 8}
	}
	for _, y := range rows {
		for x := 8; x < w-8; x++ {
			bm.Set(x, y)
		}
	}
	return bm
}

// raster sends a bitmap as GS v 0 bands: blank rows become ESC J feeds,
// each band is cropped to its ink on both sides (GS L sets the left margin).
func (e *Encoder) raster(b *bytes.Buffer, bm *Bitmap) {
	stride := bm.Stride()
	margin := -1
	for y := 0; y < bm.H; {
		if bm.RowBlank(y) {
			n := 0
			for y < bm.H && bm.RowBlank(y) && n < 255 {
				y++
				n++
			}
			b.Write([]byte{esc, 'J', byte(n)})
			continue
		}
		top := y
		for y < bm.H && !bm.RowBlank(y) && y-top < maxBand {
			y++
		}
		first, last := stride, -1
		for r := top; r < y; r++ {
			row := bm.Bits[r*stride : (r+1)*stride]
			for i, c := range row {
				if c != 0 {
					first, last = min(first, i), max(last, i)
				}
			}
		}
		if left := first * 8; left != margin {
			b.Write([]byte{gs, 'L', byte(left), byte(left >> 8)})
			margin = left
		}
		wb, h := last-first+1, y-top
		b.Write([]byte{gs, 'v', '0', 0, byte(wb), byte(wb >> 8), byte(h), byte(h >> 8)})
		for r := top; r < y; r++ {
			b.Write(bm.Bits[r*stride+first : r*stride+last+1])
		}
	}
	if margin > 0 {
		b.Write([]byte{gs, 'L', 0, 0})
	}
}
