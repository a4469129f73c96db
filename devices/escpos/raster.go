package escpos

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/pishkhan/pishkhan/fonts"
	"github.com/pishkhan/pishkhan/persian"
)

// Bitmap is a 1-bit image in the layout of GS v 0: rows of (W+7)/8 bytes,
// the leftmost dot in the high bit, 1 = ink.
type Bitmap struct {
	W, H int
	Bits []byte
}

// NewBitmap makes a blank bitmap.
func NewBitmap(w, h int) *Bitmap {
	return &Bitmap{W: w, H: h, Bits: make([]byte, (w+7)/8*h)}
}

// Stride is the bytes per row.
func (b *Bitmap) Stride() int { return (b.W + 7) / 8 }

// At reports whether the dot at x, y is inked.
func (b *Bitmap) At(x, y int) bool {
	return b.Bits[y*b.Stride()+x/8]&(0x80>>(x%8)) != 0
}

// Set inks the dot at x, y.
func (b *Bitmap) Set(x, y int) { b.Bits[y*b.Stride()+x/8] |= 0x80 >> (x % 8) }

// RowBlank reports whether row y has no ink.
func (b *Bitmap) RowBlank(y int) bool {
	for _, c := range b.Bits[y*b.Stride() : (y+1)*b.Stride()] {
		if c != 0 {
			return false
		}
	}
	return true
}

// Image is the bitmap as a black-on-white image, for previews.
func (b *Bitmap) Image() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, b.W, b.H))
	for y := 0; y < b.H; y++ {
		for x := 0; x < b.W; x++ {
			if b.At(x, y) {
				img.SetGray(x, y, color.Gray{0})
			} else {
				img.SetGray(x, y, color.Gray{255})
			}
		}
	}
	return img
}

// Rasterizer draws receipt text with the bundled Vazirmatn font.
type Rasterizer struct {
	regular, bold *opentype.Font
	mu            sync.Mutex
	faces         map[faceKey]font.Face
}

type faceKey struct {
	px   int
	bold bool
}

// NewRasterizer parses the bundled fonts.
func NewRasterizer() (*Rasterizer, error) {
	reg, err := opentype.Parse(fonts.VazirmatnRegular)
	if err != nil {
		return nil, fmt.Errorf("parse Vazirmatn regular: %w", err)
	}
	bold, err := opentype.Parse(fonts.VazirmatnBold)
	if err != nil {
		return nil, fmt.Errorf("parse Vazirmatn bold: %w", err)
	}
	return &Rasterizer{regular: reg, bold: bold, faces: map[faceKey]font.Face{}}, nil
}

func (z *Rasterizer) face(px int, bold bool) (font.Face, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	k := faceKey{px, bold}
	if f, ok := z.faces[k]; ok {
		return f, nil
	}
	src := z.regular
	if bold {
		src = z.bold
	}
	f, err := opentype.NewFace(src, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face of %d dots: %w", px, err)
	}
	z.faces[k] = f
	return f, nil
}

// width is the advance of a visual-order line in dots.
func width(f font.Face, visual string) int {
	return font.MeasureString(f, visual).Ceil()
}

// drawable drops the invisible format characters (ZWNJ, ZWJ, LRM, RLM and
// the like) from a visual-order line: they have done their work in shaping
// and ordering, and a font may draw them as boxes.
func drawable(visual string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, visual)
}

// device is persian.ForDevice followed by drawable.
func device(s string) string { return drawable(persian.ForDevice(s)) }

// wrap breaks text into lines that fit w dots, in logical order (words are
// kept whole unless a single word is wider than the line), then puts each
// line in visual order for drawing.
func wrap(f font.Face, text string, w int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		var fitted []string // words, a word too wide for a line cut into pieces that fit
		for _, word := range words {
			fitted = append(fitted, split(f, word, w)...)
		}
		line := fitted[0]
		for _, word := range fitted[1:] {
			if width(f, device(line+" "+word)) <= w {
				line += " " + word
				continue
			}
			out = append(out, device(line))
			line = word
		}
		out = append(out, device(line))
	}
	return out
}

// split cuts a word wider than w dots into pieces that fit, in logical
// order (nothing is ever cut off the paper).
func split(f font.Face, word string, w int) []string {
	if width(f, device(word)) <= w {
		return []string{word}
	}
	var out []string
	rs := []rune(word)
	for len(rs) > 0 {
		n := len(rs)
		for n > 1 && width(f, device(string(rs[:n]))) > w {
			n--
		}
		out = append(out, string(rs[:n]))
		rs = rs[n:]
	}
	return out
}

// drawLine draws a visual-order line on img at baseline y.
func drawLine(img draw.Image, f font.Face, visual string, x, y int) {
	d := font.Drawer{Dst: img, Src: image.Black, Face: f, Dot: fixed.P(x, y)}
	d.DrawString(visual)
}

// strip draws one text block into a bitmap of the head's width.
func (z *Rasterizer) strip(lines []lineSpec, w int) (*Bitmap, error) {
	if len(lines) == 0 {
		return NewBitmap(w, 0), nil
	}
	type laid struct {
		face   font.Face
		text   string
		x, y   int
		height int
	}
	var all []laid
	y := 0
	for _, l := range lines {
		f, err := z.face(l.px, l.bold)
		if err != nil {
			return nil, err
		}
		m := f.Metrics()
		asc, h := m.Ascent.Ceil(), m.Height.Ceil()
		for _, part := range l.parts(f, w) {
			all = append(all, laid{face: f, text: part.text, x: part.x, y: y + asc, height: h})
			if part.newline {
				y += h
			}
		}
	}
	img := image.NewGray(image.Rect(0, 0, w, y))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, a := range all {
		drawLine(img, a.face, a.text, a.x, a.y)
	}
	bm := NewBitmap(w, y)
	for yy := 0; yy < y; yy++ {
		for xx := 0; xx < w; xx++ {
			if img.GrayAt(xx, yy).Y < 128 {
				bm.Set(xx, yy)
			}
		}
	}
	return bm, nil
}

// lineSpec is a block's text to lay out.
type lineSpec struct {
	text, value string // value: the left-hand side of a key/value row
	kv          bool
	align       Align
	bold        bool
	px          int
}

type placed struct {
	text    string
	x       int
	newline bool // the next part starts a new line
}

// parts lays a block out into visual-order pieces with their x offsets.
func (l lineSpec) parts(f font.Face, w int) []placed {
	if l.kv {
		key, val := device(l.text), device(l.value)
		kw, vw := width(f, key), width(f, val)
		gap := width(f, "  ")
		if kw+gap+vw <= w {
			return []placed{{text: key, x: w - kw}, {text: val, x: 0, newline: true}}
		}
		// Too long for one line: the key on its own line, the value below it.
		var out []placed
		for _, s := range wrap(f, l.text, w) {
			out = append(out, placed{text: s, x: w - width(f, s), newline: true})
		}
		for _, s := range wrap(f, l.value, w) {
			out = append(out, placed{text: s, x: w - width(f, s), newline: true})
		}
		return out
	}
	var out []placed
	for _, s := range wrap(f, l.text, w) {
		x := 0
		switch lw := width(f, s); l.align {
		case AlignRight:
			x = w - lw
		case AlignCenter:
			x = (w - lw) / 2
		}
		out = append(out, placed{text: s, x: max(x, 0), newline: true})
	}
	return out
}
