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
		return vazirBold
	}
	return vazirRegular
}
