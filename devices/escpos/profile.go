package escpos

import "fmt"

// Mode is how a profile prints Persian.
type Mode uint8

// The modes. Raster works on any ESC/POS printer; code page needs a printer
// with the Iran System code page (package iransystem); a line it cannot hold
// is drawn as raster.
const (
	ModeRaster Mode = iota
	ModeCodePage
)

// Profile describes one printer model.
type Profile struct {
	Name         string
	HeadDots     int  // printable width in dots: 384 (58 mm) or 576 (80 mm)
	CharsPerLine int  // of font A in text mode
	CodePage     int  // ESC t n of the Persian code page; -1 when the printer has none
	Baud         int  // serial speed
	Mode         Mode // how Persian is printed
	TextPx       int  // raster mode: font size in dots (default 24)
}

// The built-in profiles.
var (
	Profile80 = Profile{Name: "80mm-raster", HeadDots: 576, CharsPerLine: 48, CodePage: -1, Baud: 115200, Mode: ModeRaster, TextPx: 24}
	Profile58 = Profile{Name: "58mm-raster", HeadDots: 384, CharsPerLine: 32, CodePage: -1, Baud: 115200, Mode: ModeRaster, TextPx: 22}
	// The code-page profiles use ESC t 10, the number most printers sold in
	// Iran give Iran System (docs/iran-system.md); check a printer's
	// self-test page before trusting it.
	Profile80IranSystem = Profile{Name: "80mm-iransystem", HeadDots: 576, CharsPerLine: 48, CodePage: 10, Baud: 9600, Mode: ModeCodePage, TextPx: 24}
	Profile58IranSystem = Profile{Name: "58mm-iransystem", HeadDots: 384, CharsPerLine: 32, CodePage: 10, Baud: 9600, Mode: ModeCodePage, TextPx: 22}
)

// Check verifies a profile.
func (p Profile) Check() error {
	switch {
	case p.HeadDots != 384 && p.HeadDots != 576:
		return fmt.Errorf("printer profile %q: head width %d dots; 384 or 576", p.Name, p.HeadDots)
	case p.CharsPerLine < 16 || p.CharsPerLine > 80:
		return fmt.Errorf("printer profile %q: %d characters per line", p.Name, p.CharsPerLine)
	case p.Baud <= 0:
		return fmt.Errorf("printer profile %q: baud rate %d", p.Name, p.Baud)
	case p.Mode == ModeCodePage && (p.CodePage < 0 || p.CodePage > 255):
		return fmt.Errorf("printer profile %q: code-page mode needs an ESC t code page, got %d", p.Name, p.CodePage)
	case p.Mode != ModeRaster && p.Mode != ModeCodePage:
		return fmt.Errorf("printer profile %q: unknown mode %d", p.Name, p.Mode)
	case p.TextPx != 0 && (p.TextPx < 12 || p.TextPx > 64):
		return fmt.Errorf("printer profile %q: text size %d dots", p.Name, p.TextPx)
	}
	return nil
}
