package rtl

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/pishkhan/pishkhan/fonts"
)

var (
	vazirRegular = fyne.NewStaticResource("Vazirmatn-Regular.ttf", fonts.VazirmatnRegular)
	vazirBold    = fyne.NewStaticResource("Vazirmatn-Bold.ttf", fonts.VazirmatnBold)
)

// vazirTheme is Fyne's default theme drawing every text style with the
// bundled Vazirmatn. One font for Persian, Latin and digits matters for
// ordering too: Fyne splits a run wherever the font changes and draws the
// pieces of a right-to-left run in the wrong order (see docs/rtl.md).
type vazirTheme struct{ fyne.Theme }

// Theme returns the window's theme: Fyne's default colours, sizes and
// icons, and Vazirmatn (regular, or bold for bold styles) for every text
// style, monospace and italic included (Vazirmatn has neither; a
// monospace or italic system font would not hold the Persian letters).
func Theme() fyne.Theme { return vazirTheme{theme.DefaultTheme()} }

// Font returns Vazirmatn Bold for bold styles and Vazirmatn Regular otherwise.
func (t vazirTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Bold {
		return boldFont
	}
	return regularFont
}

// regularFont and boldFont are the resources Font returns: Fyne's own
// default font resources made to hold Vazirmatn (see init), or, should a
// Fyne version make that impossible, the bundled Vazirmatn resources.
var regularFont, boldFont fyne.Resource = vazirRegular, vazirBold

// init makes Fyne's own default regular and bold font resources hold
// Vazirmatn, and Font return those resources.
//
// Fyne 2.7.1 parses, for each text style, the theme's font and — unless it
// is the very resource Fyne's default theme uses — also that default font
// (Noto Sans, embedded in the binary) as a fallback, before any letter is
// missing. Vazirmatn has every letter the desk shows, so the two Noto faces
// were parsed for nothing: ~4–5 MB of the window's resident memory
// (docs/benchmarks.md, issue 5). With the default resources holding
// Vazirmatn, Fyne sees the theme font and its fallback as one and parses it
// once. Everything in the process that asks Fyne for its default font then
// gets Vazirmatn, which is what this app wants everywhere anyway. It is
// done at package initialisation, before anything can draw text.
// TestDefaultFontsAreVazirmatn keeps it true across Fyne upgrades.
func init() {
	if r, ok := theme.DefaultTextFont().(*fyne.StaticResource); ok {
		r.StaticName, r.StaticContent = vazirRegular.StaticName, vazirRegular.StaticContent
		regularFont = r
	}
	if r, ok := theme.DefaultTextBoldFont().(*fyne.StaticResource); ok {
		r.StaticName, r.StaticContent = vazirBold.StaticName, vazirBold.StaticContent
		boldFont = r
	}
}
