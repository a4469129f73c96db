package ui

import (
	"fyne.io/fyne/v2"

	"github.com/pishkhan/pishkhan/ui/rtl"
)

// appTheme is the window's theme: the bundled Vazirmatn for every text style.
func appTheme() fyne.Theme { return rtl.Theme() }
