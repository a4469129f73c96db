package rtl

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestDigitEntryAnyScript(t *testing.T) {
	test.NewTempApp(t)
	e := NewDigitEntry()
	var last string
	e.OnValue = func(v string) { last = v }
	w := test.NewWindow(e)
	defer w.Close()
	test.Type(e, "۰2٣x-۴ 5a٩")
	if e.Text != "۰۲۳۴۵۹" {
		t.Errorf("shows %q, want Persian digits ۰۲۳۴۵۹", e.Text)
	}
	if e.Value() != "023459" || last != "023459" {
		t.Errorf("Value() = %q, OnValue saw %q, want 023459", e.Value(), last)
	}
	if e.CursorColumn != 6 {
		t.Errorf("caret at column %d after 6 digits", e.CursorColumn)
	}
	// Backspace removes the last digit.
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if e.Value() != "02345" {
		t.Errorf("after backspace Value() = %q", e.Value())
	}
	// Left arrow and a digit insert before the last digit: digits run
	// left to right.
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	test.Type(e, "9")
	if e.Value() != "023495" {
		t.Errorf("after Left and 9 Value() = %q, want 023495", e.Value())
	}
}

func TestDigitEntryPasteAndMaxLen(t *testing.T) {
	a := test.NewTempApp(t)
	e := NewDigitEntry()
	e.MaxLen = 10
	w := test.NewWindow(e)
	defer w.Close()
	a.Clipboard().SetContent("کد: ۰۰۱-۲۳۴۵۶۷-۹ (x)")
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	if e.Value() != "0012345679" || e.Text != "۰۰۱۲۳۴۵۶۷۹" {
		t.Errorf("pasted: Text %q Value %q", e.Text, e.Value())
	}
	test.Type(e, "12")
	if e.Value() != "0012345679" {
		t.Errorf("typed past MaxLen: %q", e.Value())
	}
	e.SetValue("٠٩١٢ 345 6789 00")
	if e.Value() != "0912345678" {
		t.Errorf("SetValue kept %q, want the first 10 digits", e.Value())
	}
	if Digits("a۱b٢3") != "123" {
		t.Errorf("Digits = %q", Digits("a۱b٢3"))
	}
}

func TestWrappersUseText(t *testing.T) {
	test.NewTempApp(t)
	s := "کد ملی ۰۰۱۲۳۴۵۶۷۹ برای Ali ثبت شد."
	l := Label(s)
	if l.Text != Text(s) || l.Alignment != fyne.TextAlignTrailing {
		t.Errorf("Label: %q aligned %v", l.Text, l.Alignment)
	}
	SetLabel(l, "نام Ali")
	if l.Text != Text("نام Ali") {
		t.Errorf("SetLabel: %q", l.Text)
	}
	if b := Button("ثبت ۲", nil); b.Text != Text("ثبت ۲") {
		t.Errorf("Button: %q", b.Text)
	}
}
