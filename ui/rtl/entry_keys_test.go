package rtl

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// ctrlKey sends Control (with Shift if shift) and key to the focused
// object as Fyne's desktop driver does: as a desktop.CustomShortcut.
func ctrlKey(w fyne.Window, key fyne.KeyName, shift bool) {
	mod := fyne.KeyModifierControl
	if shift {
		mod |= fyne.KeyModifierShift
	}
	w.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod})
}

// undo and redo send Control+Z and Control+Y as the driver does (as
// Fyne's own shortcuts).
func undo(w fyne.Window) {
	w.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
}
func redo(w fyne.Window) {
	w.Canvas().Focused().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutRedo{})
}

func TestEntryUndoRedo(t *testing.T) {
	e := NewEntry()
	var changes int
	e.OnChanged = func(string) { changes++ }
	w := entryWindow(t, e, 400)
	cb := fyne.CurrentApp().Clipboard()

	// Typing is one step, however many letters.
	typeFocused(w, "سلام دنیا")
	undo(w)
	if e.Text() != "" || e.CursorOffset() != 0 {
		t.Fatalf("undo after typing: %q cursor %d, want empty", e.Text(), e.CursorOffset())
	}
	if changes != 10 {
		t.Errorf("OnChanged called %d times, want 9 typed + 1 undone", changes)
	}
	// Control+Shift+Z redoes, Control+Z undoes again, Control+Y redoes.
	ctrlKey(w, fyne.KeyZ, true)
	if e.Text() != "سلام دنیا" || e.CursorOffset() != 9 {
		t.Fatalf("Control+Shift+Z: %q cursor %d", e.Text(), e.CursorOffset())
	}
	ctrlKey(w, fyne.KeyZ, false) // a driver may send Control+Z as a custom shortcut too
	if e.Text() != "" {
		t.Fatalf("Control+Z as a custom shortcut: %q", e.Text())
	}
	redo(w)
	if e.Text() != "سلام دنیا" {
		t.Fatalf("Control+Y: %q", e.Text())
	}
	redo(w) // nothing left to redo
	if e.Text() != "سلام دنیا" {
		t.Fatalf("a second redo: %q", e.Text())
	}

	// Moving the cursor ends a step; a paste is a step of its own.
	e.SetText("") // clears the history
	undo(w)
	if e.Text() != "" {
		t.Fatalf("undo right after SetText: %q", e.Text())
	}
	typeFocused(w, "کد ")
	cb.SetContent("12345")
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	typeFocused(w, " ثبت")
	pressKeys(w, fyne.KeyHome)
	typeFocused(w, "«")
	want := []string{"«کد 12345 ثبت", "کد 12345 ثبت", "کد 12345", "کد ", ""}
	if e.Text() != want[0] {
		t.Fatalf("typed %q", e.Text())
	}
	for _, s := range want[1:] {
		undo(w)
		if e.Text() != s {
			t.Errorf("undo: %q, want %q", e.Text(), s)
		}
	}
	for i := len(want) - 2; i >= 0; i-- {
		redo(w)
		if e.Text() != want[i] {
			t.Errorf("redo: %q, want %q", e.Text(), want[i])
		}
	}
	if e.CursorOffset() != 1 {
		t.Errorf("after redoing «: cursor %d, want 1", e.CursorOffset())
	}

	// Backspaces in a row are one step; undo puts the cursor back.
	e.SetText("سلام دنیا")
	pressKeys(w, fyne.KeyBackspace, fyne.KeyBackspace, fyne.KeyBackspace)
	pressKeys(w, fyne.KeyHome, fyne.KeyDelete, fyne.KeyDelete)
	if e.Text() != "ام د" {
		t.Fatalf("after Backspace×3, Home, Delete×2: %q", e.Text())
	}
	undo(w)
	if e.Text() != "سلام د" || e.CursorOffset() != 0 {
		t.Errorf("undo of the Deletes: %q cursor %d, want «سلام د» 0", e.Text(), e.CursorOffset())
	}
	undo(w)
	if e.Text() != "سلام دنیا" || e.CursorOffset() != 9 {
		t.Errorf("undo of the Backspaces: %q cursor %d, want «سلام دنیا» 9", e.Text(), e.CursorOffset())
	}

	// Deleting a selection, cutting and typing over a selection are one
	// step each, and undo selects the text again.
	e.Select(0, 4)
	pressKeys(w, fyne.KeyDelete)
	if e.Text() != " دنیا" {
		t.Fatalf("Delete on a selection: %q", e.Text())
	}
	undo(w)
	if a, b := e.Selection(); e.Text() != "سلام دنیا" || a != 0 || b != 4 {
		t.Errorf("undo of a deleted selection: %q selection %d–%d", e.Text(), a, b)
	}
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedShortcut(&fyne.ShortcutCut{Clipboard: cb})
	typeFocused(w, "نو")
	e.Select(0, 2)
	typeFocused(w, "تازه")
	if e.Text() != "تازه" {
		t.Fatalf("typing over a selection: %q", e.Text())
	}
	for _, s := range []string{"نو", "", "سلام دنیا"} {
		undo(w)
		if e.Text() != s {
			t.Errorf("undo: %q, want %q", e.Text(), s)
		}
	}
	if a, b := e.Selection(); a != 0 || b != 9 {
		t.Errorf("undo of the cut: selection %d–%d, want all", a, b)
	}
	// A new edit drops what could be redone.
	typeFocused(w, "x")
	redo(w)
	if e.Text() != "x" {
		t.Errorf("redo after a new edit: %q", e.Text())
	}
	checkInk(t, w, e)
	// A disabled entry does not undo.
	e.Disable()
	undo(w)
	if e.Text() != "x" {
		t.Errorf("a disabled entry undid: %q", e.Text())
	}
}

// TestEntryUndoLimit: the history keeps the last maxUndo steps.
func TestEntryUndoLimit(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	for range maxUndo + 20 {
		typeFocused(w, "ب")
		pressKeys(w, fyne.KeyLeft, fyne.KeyRight) // ends the step
	}
	for range maxUndo + 20 {
		undo(w)
	}
	if n := utf8.RuneCountInString(e.Text()); n != 20 {
		t.Errorf("after undoing everything %d letters are left, want 20", n)
	}
}

// wordWalk presses Control+key n times and returns the cursor offsets and
// caret x after each press.
func wordWalk(w fyne.Window, e *Entry, key fyne.KeyName, n int) ([]int, []float32) {
	var offs []int
	var xs []float32
	for range n {
		ctrlKey(w, key, false)
		offs = append(offs, e.CursorOffset())
		xs = append(xs, e.CaretPosition().X)
	}
	return offs, xs
}

func TestEntryWordMoves(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)

	// Persian: Control+Left from the right edge goes to the start of each
	// next word, at its right edge, then to the left end.
	s := "سلام دنیای خوب"
	e.SetText(s)
	pressKeys(w, fyne.KeyHome)
	sp := drawnSpans(e, s, len("سلام"), len("سلام "), len("سلام دنیای"), len("سلام دنیای "))
	offs, xs := wordWalk(w, e, fyne.KeyLeft, 4)
	if fmt.Sprint(offs) != "[5 11 14 14]" {
		t.Errorf("Control+Left from Home: offsets %v, want [5 11 14 14]", offs)
	}
	for i, wd := range []string{"دنیای", "خوب"} {
		a := strings.Index(s, wd)
		if p := spanOf(t, sp, a, a+len(wd)); !nearX(xs[i], p.x1, 1) {
			t.Errorf("Control+Left %d: caret at %v, want the right edge of %q at %v", i+1, xs[i], wd, p.x1)
		}
	}
	if !nearX(xs[2], sp[0].x0, 1) {
		t.Errorf("the third Control+Left: caret at %v, want the left end %v", xs[2], sp[0].x0)
	}
	checkInk(t, w, e)
	offs, _ = wordWalk(w, e, fyne.KeyRight, 4)
	if fmt.Sprint(offs) != "[11 5 0 0]" {
		t.Errorf("Control+Right from the end: offsets %v, want [11 5 0 0]", offs)
	}
	// From inside a word, Control+Right goes to its start.
	e.SetCursorOffset(8)
	ctrlKey(w, fyne.KeyRight, false)
	if e.CursorOffset() != 5 {
		t.Errorf("Control+Right inside «دنیای»: cursor %d, want 5", e.CursorOffset())
	}

	// Latin only: Control+Right goes forward, to each word's left edge.
	e.SetText("hello big world")
	pressKeys(w, fyne.KeyHome)
	offs, xs = wordWalk(w, e, fyne.KeyRight, 3)
	if fmt.Sprint(offs) != "[6 10 15]" || !(xs[0] < xs[1] && xs[1] < xs[2]) {
		t.Errorf("Control+Right in Latin text: offsets %v at %v, want [6 10 15] going right", offs, xs)
	}
	offs, _ = wordWalk(w, e, fyne.KeyLeft, 3)
	if fmt.Sprint(offs) != "[10 6 0]" {
		t.Errorf("Control+Left in Latin text: offsets %v, want [10 6 0]", offs)
	}

	// Mixed: always leftwards on screen. «Ali Reza ۱۲۳» is one
	// left-to-right run left of «نام: »; its words start at their left
	// edges, the nearest first.
	s = "نام: Ali Reza ۱۲۳"
	e.SetText(s)
	pressKeys(w, fyne.KeyHome)
	offs, xs = wordWalk(w, e, fyne.KeyLeft, 3)
	if fmt.Sprint(offs) != "[14 9 5]" {
		t.Errorf("Control+Left in %q: offsets %v, want [14 9 5]", s, offs)
	}
	sp = drawnSpans(e, s, len("نام: "), len("نام: Ali"), len("نام: Ali "), len("نام: Ali Reza"), len("نام: Ali Reza "))
	for i, wd := range []string{"۱۲۳", "Reza", "Ali"} {
		a := strings.Index(s, wd)
		if p := spanOf(t, sp, a, a+len(wd)); !nearX(xs[i], p.x0, 1) {
			t.Errorf("Control+Left %d: caret at %v, want the left edge of %q at %v", i+1, xs[i], wd, p.x0)
		}
	}
	offs, xs = wordWalk(w, e, fyne.KeyRight, 3)
	if fmt.Sprint(offs) != "[9 14 0]" || !(xs[0] < xs[1] && xs[1] < xs[2]) || !nearX(xs[2], textRight(e), 0.01) {
		t.Errorf("Control+Right in %q: offsets %v at %v, want [9 14 0] going right to %v", s, offs, xs, textRight(e))
	}
	checkInk(t, w, e)

	// Shift selects: Control+Shift+Left from Home selects the first word
	// and its space; Control+Shift+Right takes it back.
	e.SetText("سلام دنیای خوب")
	pressKeys(w, fyne.KeyHome)
	ctrlKey(w, fyne.KeyLeft, true)
	ctrlKey(w, fyne.KeyLeft, true)
	if e.SelectedText() != "سلام دنیای " {
		t.Errorf("Control+Shift+Left×2 from Home selected %q", e.SelectedText())
	}
	ctrlKey(w, fyne.KeyRight, true)
	if e.SelectedText() != "سلام " {
		t.Errorf("then Control+Shift+Right: %q", e.SelectedText())
	}
	// Without Shift the selection goes and the caret moves on from the
	// cursor.
	ctrlKey(w, fyne.KeyLeft, false)
	if a, b := e.Selection(); a != b || e.CursorOffset() != 11 {
		t.Errorf("Control+Left after a selection: cursor %d, selection %d–%d", e.CursorOffset(), a, b)
	}
}

func TestEntryWordMovesAcrossLines(t *testing.T) {
	e := NewMultiLineEntry()
	w := entryWindow(t, e, 400)
	w.Resize(fyne.NewSize(400, 200))
	e.SetText("سلام\nدنیا")
	e.SetCursorOffset(0)
	offs, _ := wordWalk(w, e, fyne.KeyLeft, 4)
	if fmt.Sprint(offs) != "[4 5 9 9]" {
		t.Errorf("Control+Left through two lines: %v, want [4 5 9 9]", offs)
	}
	offs, _ = wordWalk(w, e, fyne.KeyRight, 4)
	if fmt.Sprint(offs) != "[5 4 0 0]" {
		t.Errorf("Control+Right back: %v, want [5 4 0 0]", offs)
	}
	// Control+End and Control+Home: the ends of the text; with Shift they
	// select.
	ctrlKey(w, fyne.KeyEnd, false)
	if e.CursorOffset() != 9 {
		t.Errorf("Control+End: cursor %d", e.CursorOffset())
	}
	ctrlKey(w, fyne.KeyHome, true)
	if e.SelectedText() != "سلام\nدنیا" {
		t.Errorf("Control+Shift+Home selected %q", e.SelectedText())
	}
	checkInk(t, w, e)
}

func TestEntryWordDelete(t *testing.T) {
	e := NewMultiLineEntry()
	w := entryWindow(t, e, 400)
	w.Resize(fyne.NewSize(400, 200))
	e.SetText("سلام دنیای خوب")
	for _, s := range []string{"سلام دنیای ", "سلام ", ""} {
		ctrlKey(w, fyne.KeyBackspace, false)
		if e.Text() != s || e.CursorOffset() != utf8.RuneCountInString(s) {
			t.Errorf("Control+Backspace: %q cursor %d, want %q", e.Text(), e.CursorOffset(), s)
		}
	}
	undo(w)
	if e.Text() != "سلام " {
		t.Errorf("undo of a word deletion: %q", e.Text())
	}
	e.SetText("سلام دنیای خوب")
	pressKeys(w, fyne.KeyHome)
	for _, s := range []string{"دنیای خوب", "خوب", ""} {
		ctrlKey(w, fyne.KeyDelete, false)
		if e.Text() != s || e.CursorOffset() != 0 {
			t.Errorf("Control+Delete: %q cursor %d, want %q", e.Text(), e.CursorOffset(), s)
		}
	}
	// Punctuation is a word of its own; a line break is deleted alone.
	e.SetText("خطا: ۱۲\nنام: Ali")
	for _, s := range []string{"خطا: ۱۲\nنام: ", "خطا: ۱۲\nنام", "خطا: ۱۲\n", "خطا: ۱۲", "خطا: ", "خطا"} {
		ctrlKey(w, fyne.KeyBackspace, false)
		if e.Text() != s {
			t.Errorf("Control+Backspace: %q, want %q", e.Text(), s)
		}
	}
	// With a selection, only the selection goes.
	e.SetText("سلام دنیای خوب")
	e.Select(6, 8)
	ctrlKey(w, fyne.KeyBackspace, false)
	if e.Text() != "سلام دای خوب" {
		t.Errorf("Control+Backspace with a selection: %q", e.Text())
	}
	// Control+Shift+Backspace does nothing.
	ctrlKey(w, fyne.KeyBackspace, true)
	if e.Text() != "سلام دای خوب" {
		t.Errorf("Control+Shift+Backspace: %q", e.Text())
	}
}

// TestEntryHomeEndSelect: Home and End go to the line's logical start
// (its right edge in a Persian line) and end; with Shift they select.
func TestEntryHomeEndSelect(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	s := "نام: Ali ۱۲۳"
	e.SetText(s)
	e.SetCursorOffset(7) // inside «Ali»
	shiftKey(w, true)
	pressKeys(w, fyne.KeyHome)
	shiftKey(w, false)
	if e.SelectedText() != "نام: Al" || e.CursorOffset() != 0 || !nearX(e.CaretPosition().X, textRight(e), 0.01) {
		t.Errorf("Shift+Home: selected %q, cursor %d at %v; want «نام: Al», 0 at the right edge", e.SelectedText(), e.CursorOffset(), e.CaretPosition().X)
	}
	// The driver may send Shift+End as a custom shortcut. The selection
	// keeps its anchor (offset 7) and now ends at the logical end, the
	// right end of «Ali ۱۲۳».
	e.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEnd, Modifier: fyne.KeyModifierShift})
	latin := spanOf(t, drawnSpans(e, s, len("نام: ")), len("نام: "), len(s))
	if e.SelectedText() != "i ۱۲۳" || e.CursorOffset() != 12 || !nearX(e.CaretPosition().X, latin.x1, 1) {
		t.Errorf("Shift+End: selected %q, cursor %d at %v; want «i ۱۲۳», 12 at %v", e.SelectedText(), e.CursorOffset(), e.CaretPosition().X, latin.x1)
	}
	pressKeys(w, fyne.KeyHome)
	if a, b := e.Selection(); a != b || e.CursorOffset() != 0 {
		t.Errorf("Home: cursor %d, selection %d–%d", e.CursorOffset(), a, b)
	}
	checkInk(t, w, e)
}
