package escpos

import (
	"bytes"
	"strings"

	"github.com/pishkhan/pishkhan/devices/iransystem"
)

// Code-page mode prints text with the printer's own font: each line is
// shaped, put in visual order and mapped to Iran System bytes here, and the
// printer draws one glyph per byte. A block holding a character the code
// page lacks (أ, ة, an emoji…) is drawn as raster instead, so nothing is
// lost or misprinted; QR codes, barcodes, feeds and cuts are the same in
// both modes.

// Box-drawing rules in the Iran System table (as in code page 437).
const ruleSingle, ruleDouble = 0xC4, 0xCD

// typographic folds what a receipt line may hold into what the code page
// has: dashes to '-', typographic quotes to plain ones, the Persian
// semicolon to ';'.
var typographic = strings.NewReplacer("؛", ";", "—", "-", "–", "-", "«", "\"", "»", "\"", "…", "...", "•", "*", "×", "x")

// cpEncode is one logical line as Iran System bytes, or ok false when the
// code page cannot hold it.
func cpEncode(line string) ([]byte, bool) {
	b, err := iransystem.FromLogical(typographic.Replace(line))
	return b, err == nil
}

// cpWrap breaks a paragraph into lines of at most width bytes, in logical
// order (words whole unless one is wider than a line), each encoded.
func cpWrap(text string, width int) ([][]byte, bool) {
	var lines [][]byte
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		cur := ""
		for _, w := range words {
			try := w
			if cur != "" {
				try = cur + " " + w
			}
			b, ok := cpEncode(try)
			switch {
			case !ok:
				return nil, false
			case len(b) <= width:
				cur = try
				continue
			case cur == "":
				// One word wider than the line: raster splits it properly.
				return nil, false
			}
			b, _ = cpEncode(cur)
			lines = append(lines, b)
			cur = w
		}
		if cur != "" {
			b, ok := cpEncode(cur)
			if !ok {
				return nil, false
			}
			lines = append(lines, b)
		}
	}
	return lines, true
}

// textMode renders a text, key/value or separator block as text-mode
// ESC/POS; ok is false for other blocks and for text the code page cannot
// hold (the caller draws those as raster).
func (e *Encoder) textMode(blk Block) ([]byte, bool) {
	cpl := e.p.CharsPerLine
	var b bytes.Buffer
	switch blk := blk.(type) {
	case Text:
		width := cpl
		if blk.Double {
			width /= 2
		}
		lines, ok := cpWrap(blk.Text, width)
		if !ok {
			return nil, false
		}
		b.Write([]byte{esc, 'a', map[Align]byte{AlignRight: 2, AlignCenter: 1, AlignLeft: 0}[blk.Align]})
		if blk.Bold {
			b.Write([]byte{esc, 'E', 1})
		}
		if blk.Double {
			b.Write([]byte{gs, '!', 0x11})
		}
		for _, l := range lines {
			b.Write(l)
			b.WriteByte('\n')
		}
		if blk.Double {
			b.Write([]byte{gs, '!', 0})
		}
		if blk.Bold {
			b.Write([]byte{esc, 'E', 0})
		}
		b.Write([]byte{esc, 'a', 0})
	case KV:
		k, ok1 := cpEncode(blk.Key)
		v, ok2 := cpEncode(blk.Value)
		if !ok1 || !ok2 {
			return nil, false
		}
		if blk.Bold {
			b.Write([]byte{esc, 'E', 1})
		}
		// Visual order, right to left: the key at the right edge, the value at the left.
		if len(k)+1+len(v) <= cpl {
			b.Write(v)
			b.Write(bytes.Repeat([]byte{' '}, cpl-len(k)-len(v)))
			b.Write(k)
			b.WriteByte('\n')
		} else {
			vl, ok := cpWrap(blk.Value, cpl-2)
			if !ok {
				return nil, false
			}
			b.Write(bytes.Repeat([]byte{' '}, max(0, cpl-len(k))))
			b.Write(k)
			b.WriteByte('\n')
			for _, l := range vl {
				b.Write(bytes.Repeat([]byte{' '}, cpl-len(l)-2))
				b.Write(l)
				b.WriteString("  \n")
			}
		}
		if blk.Bold {
			b.Write([]byte{esc, 'E', 0})
		}
	case Separator:
		c := byte(ruleSingle)
		if blk.Double {
			c = ruleDouble
		}
		b.Write(bytes.Repeat([]byte{c}, cpl))
		b.WriteByte('\n')
	default:
		return nil, false
	}
	return b.Bytes(), true
}
