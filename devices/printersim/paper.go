package printersim

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/iransystem"
	"github.com/pishkhan/pishkhan/fonts"
)

// lineRows is the height of one text line (font A, 24 dots, with the
// default line spacing), in dot rows.
const lineRows = 30

// Font A cells, in dots.
const cellW, cellH = 12, 24

// TextDecoder turns the bytes of a text line printed under code page n into
// text in visual order (what the printer draws left to right). ok is false
// for a code page it does not know.
type TextDecoder func(page int, b []byte) (s string, ok bool)

// ASCII decodes bytes below 0x80 and shows the rest as '?'.
func ASCII(_ int, b []byte) (string, bool) {
	return strings.Map(func(r rune) rune {
		if r >= 0x80 {
			return '?'
		}
		return r
	}, string(latin(b))), true
}

func latin(b []byte) []rune {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return r
}

// printerState follows the commands that change how later ones print.
type printerState struct {
	align   int
	bold    bool
	size    int // GS ! n
	page    int
	margin  int
	qrData  []byte
	qrSize  int
	qrLevel qrcode.RecoveryLevel
	line    []byte // text waiting for its line feed
}

func newState() printerState {
	return printerState{qrSize: 3, qrLevel: qrcode.Medium}
}

// Text is the job as plain text, one printed line per line: code-page text
// decoded by dec (nil: ASCII), raster images, QR codes, barcodes and the
// cut named in brackets.
func (j Job) Text(dec TextDecoder) string {
	if dec == nil {
		dec = ASCII
	}
	var out strings.Builder
	st := newState()
	flush := func() {
		s, _ := dec(st.page, st.line)
		out.WriteString(s)
		out.WriteByte('\n')
		st.line = nil
	}
	for _, op := range j.Ops {
		switch op.Kind {
		case escpos.OpCodePage:
			st.page = op.N
		case escpos.OpText:
			st.line = append(st.line, op.Data...)
		case escpos.OpLineFeed:
			flush()
		case escpos.OpRaster:
			fmt.Fprintf(&out, "[raster %d×%d]\n", op.Bitmap.W, op.Bitmap.H)
		case escpos.OpQR:
			if op.N == 80 {
				st.qrData = op.Data
			} else if op.N == 81 {
				fmt.Fprintf(&out, "[QR %s]\n", st.qrData)
			}
		case escpos.OpBarcode:
			fmt.Fprintf(&out, "[barcode %s]\n", barcodeText(op))
		case escpos.OpCut:
			out.WriteString("[cut]\n")
		}
	}
	if len(st.line) > 0 {
		flush()
	}
	return out.String()
}

// barcodeText is a barcode's human-readable data (CODE128's code-set
// selector "{B" left out).
func barcodeText(op escpos.Op) string {
	d := op.Data
	if op.N == 73 && len(d) >= 2 && d[0] == '{' {
		d = d[2:]
	}
	return string(d)
}

var (
	faceOnce sync.Once
	faces    map[int]font.Face
	faceErr  error
)

// face is Vazirmatn at px dots, for drawing code-page text as a printer's
// font would.
func face(px int) (font.Face, error) {
	faceOnce.Do(func() {
		faces = map[int]font.Face{}
		f, err := opentype.Parse(fonts.VazirmatnRegular)
		if err != nil {
			faceErr = fmt.Errorf("parse Vazirmatn: %w", err)
			return
		}
		for _, px := range []int{20, 40} {
			fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
			if err != nil {
				faceErr = fmt.Errorf("Vazirmatn at %d dots: %w", px, err)
				return
			}
			faces[px] = fc
		}
	})
	return faces[px], faceErr
}

// Render draws the job as the paper comes out of a head of headDots dots:
// raster images at the left margin, code-page text in font A cells, QR
// codes as the printer draws them, barcodes as a framed box with their
// text (the simulator does not draw bars), and feeds as blank paper. Only
// what was printed is drawn: a job that ran out of paper stops where the
// paper did.
func (j Job) Render(headDots int, dec TextDecoder) (*image.Gray, error) {
	if dec == nil {
		dec = ASCII
	}
	type piece struct {
		img  image.Image
		x, y int
	}
	var pieces []piece
	y := 0
	st := newState()
	place := func(w int) int {
		switch st.align {
		case 1, 49:
			return (headDots - w) / 2
		case 2, 50:
			return headDots - w
		}
		return st.margin
	}
	for i, op := range j.Ops {
		if i >= j.Printed {
			break
		}
		switch op.Kind {
		case escpos.OpInit:
			st = newState()
		case escpos.OpAlign:
			st.align = op.N
		case escpos.OpSize:
			st.size = op.N
		case escpos.OpBold:
			st.bold = op.N&1 == 1
		case escpos.OpCodePage:
			st.page = op.N
		case escpos.OpLeftMargin:
			st.margin = op.N
		case escpos.OpRaster:
			pieces = append(pieces, piece{op.Bitmap.Image(), st.margin, y})
			y += op.Bitmap.H
		case escpos.OpFeedDots:
			y += op.N
		case escpos.OpFeedLines:
			y += op.N * lineRows
		case escpos.OpText:
			st.line = append(st.line, op.Data...)
		case escpos.OpLineFeed:
			sx, sy := 1+(st.size>>4)&7, 1+st.size&7
			text, _ := dec(st.page, st.line)
			st.line = nil
			img, err := textLine(text, sx, sy)
			if err != nil {
				return nil, err
			}
			pieces = append(pieces, piece{img, place(img.Bounds().Dx()), y})
			y += lineRows * sy
		case escpos.OpQR:
			switch op.N {
			case 80:
				st.qrData = op.Data
			case 67:
				st.qrSize = max(1, op.M)
			case 69:
				st.qrLevel = []qrcode.RecoveryLevel{qrcode.Low, qrcode.Medium, qrcode.High, qrcode.Highest}[min(3, max(0, op.M-48))]
			case 81:
				img, err := qrImage(st.qrData, st.qrLevel, st.qrSize)
				if err != nil {
					return nil, err
				}
				pieces = append(pieces, piece{img, place(img.Bounds().Dx()), y})
				y += img.Bounds().Dy()
			}
		case escpos.OpBarcode:
			img, err := barcodeBox(barcodeText(op), headDots)
			if err != nil {
				return nil, err
			}
			pieces = append(pieces, piece{img, place(img.Bounds().Dx()), y})
			y += img.Bounds().Dy()
		}
	}
	out := image.NewGray(image.Rect(0, 0, headDots, y))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	for _, p := range pieces {
		r := p.img.Bounds().Sub(p.img.Bounds().Min).Add(image.Pt(p.x, p.y))
		draw.Draw(out, r, p.img, p.img.Bounds().Min, draw.Src)
	}
	return out, nil
}

// PNG is Render encoded as a PNG.
func (j Job) PNG(headDots int, dec TextDecoder) ([]byte, error) {
	img, err := j.Render(headDots, dec)
	if err != nil {
		return nil, err
	}
	if img.Bounds().Dy() == 0 {
		return nil, fmt.Errorf("printer simulator: the job put nothing on paper")
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("printer simulator: encode preview: %w", err)
	}
	return b.Bytes(), nil
}

// textLine draws one line of text in visual order, one font A cell per
// character, scaled sx by sy as GS ! asks.
func textLine(text string, sx, sy int) (image.Image, error) {
	f, err := face(20 * sy)
	if err != nil {
		return nil, err
	}
	runes := []rune(text)
	cw, ch := cellW*sx, cellH*sy
	img := image.NewGray(image.Rect(0, 0, max(1, len(runes)*cw), lineRows*sy))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.Black, Face: f}
	for i, r := range runes {
		if r == '─' || r == '═' { // box drawing: the printer's font has it, Vazirmatn does not
			rows := []int{ch / 2}
			if r == '═' {
				rows = []int{ch/2 - 2*sy, ch/2 + 2*sy}
			}
			for _, y := range rows {
				for x := i * cw; x < (i+1)*cw; x++ {
					for t := 0; t < 2*sy; t++ {
						img.SetGray(x, y+t, color.Gray{0})
					}
				}
			}
			continue
		}
		adv, ok := f.GlyphAdvance(r)
		if !ok || r == ' ' {
			continue
		}
		// Joining letters are drawn to fill their cell so a word stays joined.
		x := i*cw + (cw-adv.Ceil())/2
		d.Dot = fixed.P(x, ch-ch/5)
		d.DrawString(string(r))
	}
	return img, nil
}

// qrImage draws a QR code with modules of size dots, as GS ( k prints it.
func qrImage(data []byte, level qrcode.RecoveryLevel, size int) (image.Image, error) {
	q, err := qrcode.New(string(data), level)
	if err != nil {
		return nil, fmt.Errorf("printer simulator: QR of %d bytes: %w", len(data), err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	n := len(bits) * size
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			c := color.Gray{255}
			if bits[y/size][x/size] {
				c = color.Gray{0}
			}
			img.SetGray(x, y, c)
		}
	}
	return img, nil
}

// barcodeBox is where a barcode would be: a frame with the data in it.
func barcodeBox(text string, headDots int) (image.Image, error) {
	f, err := face(20)
	if err != nil {
		return nil, err
	}
	w := min(headDots, max(160, font.MeasureString(f, text).Ceil()+24))
	img := image.NewGray(image.Rect(0, 0, w, 80))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for x := range w {
		img.SetGray(x, 0, color.Gray{0})
		img.SetGray(x, 79, color.Gray{0})
	}
	for y := range 80 {
		img.SetGray(0, y, color.Gray{0})
		img.SetGray(w-1, y, color.Gray{0})
	}
	d := &font.Drawer{Dst: img, Src: image.Black, Face: f, Dot: fixed.P((w-font.MeasureString(f, text).Ceil())/2, 48)}
	d.DrawString(text)
	return img, nil
}

// IranSystem decodes text printed under ESC t page with the Iran System
// table, and anything else as ASCII.
func IranSystem(page int) TextDecoder {
	return func(p int, b []byte) (string, bool) {
		if p == page {
			return iransystem.Decode(b), true
		}
		return ASCII(p, b)
	}
}
