package rtl

import (
	"bytes"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/pishkhan/pishkhan/fonts"
)

// TestDefaultFontsAreVazirmatn: the theme's fonts are Fyne's own default
// font resources, holding Vazirmatn, so Fyne parses one face per style
// instead of Vazirmatn plus its Noto Sans fallback (theme.go).
func TestDefaultFontsAreVazirmatn(t *testing.T) {
	th := Theme()
	for _, c := range []struct {
		style    fyne.TextStyle
		fyneOwn  fyne.Resource
		vazirmat []byte
	}{
		{fyne.TextStyle{}, theme.DefaultTextFont(), fonts.VazirmatnRegular},
		{fyne.TextStyle{Bold: true}, theme.DefaultTextBoldFont(), fonts.VazirmatnBold},
		{fyne.TextStyle{Monospace: true}, theme.DefaultTextFont(), fonts.VazirmatnRegular},
	} {
		got := th.Font(c.style)
		if got != c.fyneOwn {
			t.Errorf("style %+v: the theme's font is not Fyne's own default resource; Fyne will also parse Noto Sans", c.style)
		}
		if !bytes.Equal(got.Content(), c.vazirmat) {
			t.Errorf("style %+v: the font %q is not Vazirmatn", c.style, got.Name())
		}
	}
}
