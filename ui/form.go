package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

// labelWidth is the width of a form's label column.
const labelWidth = 190

// field is one form row: the label on the right, the input on its left.
func field(label string, obj fyne.CanvasObject) fyne.CanvasObject {
	l := rtl.Label(label)
	return container.NewBorder(nil, nil, nil, container.New(layout.NewGridWrapLayout(fyne.NewSize(labelWidth, l.MinSize().Height)), l), obj)
}

// form stacks rows.
func form(rows ...fyne.CanvasObject) *fyne.Container { return container.NewVBox(rows...) }

// persianMessage is the Persian text of an error for the screen.
func persianMessage(err error) string { return pishkhan.PersianMessage(err) }

// heading is a bold label.
func heading(s string) *widget.Label {
	l := rtl.Label(s)
	l.TextStyle.Bold = true
	return l
}

// asError is errors.As.
func asError(err error, target any) bool { return errors.As(err, target) }
