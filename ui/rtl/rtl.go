// Package rtl is Pishkhan's right-to-left layer on top of Fyne 2.7.1, which
// shapes Persian letters but orders mixed runs (Persian with digits or
// Latin) wrongly, has no right-to-left layout and draws the Entry caret
// wrongly in right-to-left text. Every string a person reads in the window
// goes through Text before Fyne draws it; containers built here put their
// first element on the right.
package rtl

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Label is a label of right-to-left text, aligned right.
func Label(s string) *widget.Label {
	l := widget.NewLabel(Text(s))
	l.Alignment = fyne.TextAlignTrailing
	return l
}

// SetLabel changes a label's text.
func SetLabel(l *widget.Label, s string) { l.SetText(Text(s)) }

// Button is a button with a right-to-left caption.
func Button(s string, tapped func()) *widget.Button { return widget.NewButton(Text(s), tapped) }
