package escpos

import (
	"fmt"
	"unicode/utf8"
)

// Align is a line's alignment on the paper. Persian text is right-aligned
// by default.
type Align uint8

// The alignments.
const (
	AlignRight Align = iota
	AlignCenter
	AlignLeft
)

// A Block is one element of a receipt.
type Block interface{ block() }

// Text is a paragraph, wrapped to the paper's width.
type Text struct {
	Text   string
	Align  Align
	Bold   bool
	Double bool // double width and height
}

// Separator is a full-width rule.
type Separator struct {
	Double bool // a double rule (═) instead of a single one (─)
}

// KV is a key/value row: the key at the start of the line (the right, in
// Persian), the value at its end (the left).
type KV struct {
	Key, Value string
	Bold       bool
}

// QR is a QR code drawn by the printer (GS ( k), centred.
type QR struct {
	Data   string
	Module int // dots per module, 1–16 (default 6)
}

// Barcode is a CODE128 barcode drawn by the printer, centred.
type Barcode struct {
	Data   string // printable ASCII
	Height int    // dots, 1–255 (default 60)
}

// Feed advances the paper by whole lines.
type Feed struct{ Lines int }

// Cut feeds the paper past the cutter and cuts it (partially).
type Cut struct{}

func (Text) block()      {}
func (Separator) block() {}
func (KV) block()        {}
func (QR) block()        {}
func (Barcode) block()   {}
func (Feed) block()      {}
func (Cut) block()       {}

// Receipt is what one print job prints.
type Receipt struct {
	Blocks []Block
}

// Check refuses what no printer can print: empty QR or barcode data, data
// too long, non-ASCII barcodes, out-of-range sizes.
func (r *Receipt) Check() error {
	for i, b := range r.Blocks {
		switch b := b.(type) {
		case Text:
			if !utf8.ValidString(b.Text) {
				return fmt.Errorf("block %d: text is not valid UTF-8", i)
			}
		case KV:
			if !utf8.ValidString(b.Key) || !utf8.ValidString(b.Value) {
				return fmt.Errorf("block %d: key/value is not valid UTF-8", i)
			}
		case QR:
			if b.Data == "" || len(b.Data) > 7089 {
				return fmt.Errorf("block %d: QR data of %d bytes (1 to 7089)", i, len(b.Data))
			}
			if b.Module < 0 || b.Module > 16 {
				return fmt.Errorf("block %d: QR module %d dots (1 to 16)", i, b.Module)
			}
		case Barcode:
			if b.Data == "" || len(b.Data) > 80 {
				return fmt.Errorf("block %d: barcode data of %d bytes (1 to 80)", i, len(b.Data))
			}
			for _, c := range []byte(b.Data) {
				if c < 0x20 || c > 0x7e {
					return fmt.Errorf("block %d: barcode data must be printable ASCII", i)
				}
			}
			if b.Height < 0 || b.Height > 255 {
				return fmt.Errorf("block %d: barcode height %d (1 to 255)", i, b.Height)
			}
		case Feed:
			if b.Lines < 0 || b.Lines > 255 {
				return fmt.Errorf("block %d: feed of %d lines (0 to 255)", i, b.Lines)
			}
		case Separator, Cut:
		case nil:
			return fmt.Errorf("block %d is nil", i)
		default:
			return fmt.Errorf("block %d: unknown block %T", i, b)
		}
	}
	return nil
}
