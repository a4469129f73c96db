package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is the window's theme: the bundled Vazirmatn for every text
// style (from ui/rtl once it provides it).
func appTheme() fyne.Theme { return theme.DefaultTheme() }
