package rtl

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan/persian"
)

// DigitEntry is an entry for a number written digit by digit — a national
// code, a phone number, an amount — that accepts digits of any script
// (Persian ۰–۹, Arabic-Indic ٠–٩, Latin 0–9, typed or pasted), shows them
// as Persian digits and gives its value in Latin digits. Anything else
// typed or pasted is dropped. Digits run left to right, so Fyne's own
// caret and selection are right for it.
type DigitEntry struct {
	widget.Entry
	// MaxLen, when above 0, is the most digits it takes (10 for a
	// national code).
	MaxLen int
	// OnValue, if set, is called with the value (Latin digits) whenever it
	// changes.
	OnValue func(value string)
}

// NewDigitEntry returns an empty DigitEntry.
func NewDigitEntry() *DigitEntry {
	e := &DigitEntry{}
	e.ExtendBaseWidget(e)
	e.Entry.OnChanged = func(string) {
		if e.OnValue != nil {
			e.OnValue(e.Value())
		}
	}
	return e
}

// latinDigit maps a digit of any of the three scripts to '0'–'9'.
func latinDigit(r rune) (rune, bool) {
	d := []rune(persian.ToLatinDigits(string(r)))
	if len(d) == 1 && d[0] >= '0' && d[0] <= '9' {
		return d[0], true
	}
	return 0, false
}

// Digits keeps the digits of s, of any script, as Latin digits.
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if d, ok := latinDigit(r); ok {
			b.WriteRune(d)
		}
	}
	return b.String()
}

// Value is the entry's digits in Latin script ("0012345679").
func (e *DigitEntry) Value() string { return persian.ToLatinDigits(e.Text) }

// SetValue shows value's digits (any script; other characters dropped).
func (e *DigitEntry) SetValue(value string) {
	d := Digits(value)
	if e.MaxLen > 0 && len(d) > e.MaxLen {
		d = d[:e.MaxLen]
	}
	e.SetText(persian.ToPersianDigits(d))
}

// TypedRune takes a digit of any script and shows it as a Persian digit;
// it drops anything else, and digits beyond MaxLen.
func (e *DigitEntry) TypedRune(r rune) {
	d, ok := latinDigit(r)
	if !ok || e.full() {
		return
	}
	e.Entry.TypedRune([]rune(persian.ToPersianDigits(string(d)))[0])
}

// full reports whether another digit would go beyond MaxLen.
func (e *DigitEntry) full() bool {
	if e.MaxLen <= 0 {
		return false
	}
	return len([]rune(e.Text))-len([]rune(e.SelectedText())) >= e.MaxLen
}

// TypedShortcut pastes only the digits of the clipboard's text; other
// shortcuts work as in widget.Entry.
func (e *DigitEntry) TypedShortcut(sc fyne.Shortcut) {
	if p, ok := sc.(*fyne.ShortcutPaste); ok {
		digits := Digits(p.Clipboard.Content())
		if digits == "" {
			return
		}
		for _, d := range digits {
			e.TypedRune(d)
		}
		return
	}
	e.Entry.TypedShortcut(sc)
}
