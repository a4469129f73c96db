package escpos

import (
	"errors"
	"fmt"
)

// OpKind is a decoded ESC/POS command.
type OpKind uint8

// The commands the decoder knows: the ones Encode writes, the text-mode
// ones a code-page receipt uses, and the status query.
const (
	OpInit          OpKind = iota + 1 // ESC @
	OpMotionUnits                     // GS P x y
	OpLeftMargin                      // GS L n (N dots)
	OpRaster                          // GS v 0 (Bitmap)
	OpFeedDots                        // ESC J n
	OpFeedLines                       // ESC d n
	OpAlign                           // ESC a n
	OpBold                            // ESC E n
	OpSize                            // GS ! n
	OpCodePage                        // ESC t n
	OpText                            // printable bytes up to a line feed (Data, without the LF)
	OpLineFeed                        // LF
	OpQR                              // GS ( k cn=49 fn=N, with Data for fn 80
	OpBarcodeHeight                   // GS h n
	OpBarcodeWidth                    // GS w n
	OpBarcodeHRI                      // GS H n
	OpBarcode                         // GS k m n data (N = m, Data)
	OpCut                             // GS V m n
	OpStatusQuery                     // DLE EOT n
)

// Op is one decoded command.
type Op struct {
	Kind   OpKind
	N, M   int
	Data   []byte
	Bitmap *Bitmap
}

// DecodeError is a byte stream the decoder refuses, with where.
type DecodeError struct {
	Offset int
	Short  bool // the command needs more bytes than there are
	Reason string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("ESC/POS at byte %d: %s", e.Offset, e.Reason)
}

// maxRasterBytes bounds one GS v 0 image (a 576-dot head at 4,000 rows is 288 KB).
const maxRasterBytes = 1 << 20

// Decode parses an ESC/POS byte stream into commands. It refuses unknown
// commands, truncated ones and absurd sizes with a *DecodeError, never panics.
func Decode(data []byte) ([]Op, error) {
	var ops []Op
	for i := 0; i < len(data); {
		op, n, err := Next(data[i:])
		if err != nil {
			var de *DecodeError
			if errors.As(err, &de) {
				de.Offset += i
			}
			return ops, err
		}
		ops = append(ops, op)
		i += n
	}
	return ops, nil
}

// Next decodes the first command of data and says how many bytes it took.
// A command that data holds only the beginning of gives a *DecodeError with
// Short set: a reader of a live byte stream (the printer simulator) waits
// for more bytes; anything else wrong is final. Text runs end at the end of
// data, so a streaming reader may see one line of text as several ops.
func Next(data []byte) (Op, int, error) {
	i := 0
	need := func(n int) error {
		if i+n > len(data) {
			return &DecodeError{Offset: 0, Short: true, Reason: fmt.Sprintf("command cut short (%d more bytes needed)", i+n-len(data))}
		}
		return nil
	}
	if len(data) == 0 {
		return Op{}, 0, need(1)
	}
	c := data[i]
	switch {
	case c == '\n':
		return Op{Kind: OpLineFeed}, 1, nil
	case c == esc:
		if err := need(2); err != nil {
			return Op{}, 0, err
		}
		cmd := data[i+1]
		switch cmd {
		case '@':
			return Op{Kind: OpInit}, i + 2, nil
		case 'J', 'd', 'a', 'E', 't':
			if err := need(3); err != nil {
				return Op{}, 0, err
			}
			kind := map[byte]OpKind{'J': OpFeedDots, 'd': OpFeedLines, 'a': OpAlign, 'E': OpBold, 't': OpCodePage}[cmd]
			n := int(data[i+2])
			if cmd == 'a' && n > 2 && n != 48 && n != 49 && n != 50 {
				return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("ESC a %d: alignment must be 0–2", n)}
			}
			return Op{Kind: kind, N: n}, i + 3, nil
		}
		return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("unknown command ESC 0x%02x", cmd)}
	case c == gs:
		if err := need(2); err != nil {
			return Op{}, 0, err
		}
		cmd := data[i+1]
		switch cmd {
		case 'P':
			if err := need(4); err != nil {
				return Op{}, 0, err
			}
			return Op{Kind: OpMotionUnits, N: int(data[i+2]), M: int(data[i+3])}, i + 4, nil
		case 'L':
			if err := need(4); err != nil {
				return Op{}, 0, err
			}
			return Op{Kind: OpLeftMargin, N: int(data[i+2]) | int(data[i+3])<<8}, i + 4, nil
		case 'v':
			if err := need(8); err != nil {
				return Op{}, 0, err
			}
			if data[i+2] != '0' || data[i+3] > 3 && (data[i+3] < 48 || data[i+3] > 51) {
				return Op{}, 0, &DecodeError{Offset: i, Reason: "GS v: only GS v 0 with mode 0–3 is known"}
			}
			wb := int(data[i+4]) | int(data[i+5])<<8
			h := int(data[i+6]) | int(data[i+7])<<8
			if wb == 0 || h == 0 || wb*h > maxRasterBytes {
				return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("GS v 0: image of %d×%d bytes", wb, h)}
			}
			i += 8
			if err := need(wb * h); err != nil {
				return Op{}, 0, err
			}
			bm := &Bitmap{W: wb * 8, H: h, Bits: append([]byte(nil), data[i:i+wb*h]...)}
			return Op{Kind: OpRaster, N: int(data[i-5]), Bitmap: bm}, i + wb*h, nil
		case '!', 'h', 'w', 'H':
			if err := need(3); err != nil {
				return Op{}, 0, err
			}
			kind := map[byte]OpKind{'!': OpSize, 'h': OpBarcodeHeight, 'w': OpBarcodeWidth, 'H': OpBarcodeHRI}[cmd]
			return Op{Kind: kind, N: int(data[i+2])}, i + 3, nil
		case 'V':
			if err := need(3); err != nil {
				return Op{}, 0, err
			}
			m := int(data[i+2])
			if m == 65 || m == 66 || m == 97 || m == 98 || m == 103 || m == 104 {
				if err := need(4); err != nil {
					return Op{}, 0, err
				}
				return Op{Kind: OpCut, M: m, N: int(data[i+3])}, i + 4, nil
			}
			return Op{Kind: OpCut, M: m}, i + 3, nil
		case 'k':
			if err := need(4); err != nil {
				return Op{}, 0, err
			}
			m := int(data[i+2])
			if m < 65 || m > 79 {
				return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("GS k %d: only the counted form (65–79) is known", m)}
			}
			n := int(data[i+3])
			i += 4
			if err := need(n); err != nil {
				return Op{}, 0, err
			}
			return Op{Kind: OpBarcode, N: m, Data: append([]byte(nil), data[i:i+n]...)}, i + n, nil
		case '(':
			if err := need(5); err != nil {
				return Op{}, 0, err
			}
			if data[i+2] != 'k' {
				return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("unknown command GS ( 0x%02x", data[i+2])}
			}
			p := int(data[i+3]) | int(data[i+4])<<8
			if p < 2 {
				return Op{}, 0, &DecodeError{Offset: i, Reason: "GS ( k with fewer than 2 parameter bytes"}
			}
			i += 5
			if err := need(p); err != nil {
				return Op{}, 0, err
			}
			if data[i] != 49 {
				return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("GS ( k: symbol %d; only QR (49) is known", data[i])}
			}
			fn := int(data[i+1])
			op := Op{Kind: OpQR, N: fn}
			switch fn {
			case 65, 67, 69, 81:
				if p >= 3 {
					op.M = int(data[i+2])
				}
			case 80:
				if p < 3 {
					return Op{}, 0, &DecodeError{Offset: i, Reason: "GS ( k store: no data"}
				}
				op.Data = append([]byte(nil), data[i+3:i+p]...)
			default:
				return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("GS ( k: QR function %d is not known", fn)}
			}
			return op, i + p, nil
		default:
			return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("unknown command GS 0x%02x", cmd)}
		}
	case c == dle:
		if err := need(3); err != nil {
			return Op{}, 0, err
		}
		if data[i+1] != eot || data[i+2] < 1 || data[i+2] > 4 {
			return Op{}, 0, &DecodeError{Offset: i, Reason: "DLE: only DLE EOT 1–4 is known"}
		}
		return Op{Kind: OpStatusQuery, N: int(data[i+2])}, i + 3, nil
	case c >= 0x20 || c == '\t':
		j := i
		for j < len(data) && (data[j] >= 0x20 || data[j] == '\t') {
			j++
		}
		return Op{Kind: OpText, Data: append([]byte(nil), data[i:j]...)}, j, nil
	default:
		return Op{}, 0, &DecodeError{Offset: i, Reason: fmt.Sprintf("unexpected control byte 0x%02x", c)}
	}
}

// Paper replays decoded commands onto a roll of the head's width: raster
// images at the left margin, feeds as blank paper. Text-mode and printer-
// drawn elements (QR, barcodes) leave blank paper of about their size,
// since drawing them belongs to the printer. It returns the paper
// as a bitmap, for previews and for tests that compare what was sent with
// what was meant.
func Paper(ops []Op, headDots int) *Bitmap {
	type piece struct {
		bm   *Bitmap
		x, y int
	}
	var pieces []piece
	y, margin := 0, 0
	for _, op := range ops {
		switch op.Kind {
		case OpRaster:
			pieces = append(pieces, piece{op.Bitmap, margin, y})
			y += op.Bitmap.H
		case OpFeedDots:
			y += op.N
		case OpFeedLines:
			y += op.N * 30
		case OpLeftMargin:
			margin = op.N
		case OpQR:
			if op.N == 81 {
				y += 200
			}
		case OpBarcode:
			y += 80
		}
	}
	out := NewBitmap(headDots, y)
	for _, p := range pieces {
		for yy := 0; yy < p.bm.H; yy++ {
			for xx := 0; xx < p.bm.W; xx++ {
				if p.bm.At(xx, yy) && p.x+xx < headDots {
					out.Set(p.x+xx, p.y+yy)
				}
			}
		}
	}
	return out
}
