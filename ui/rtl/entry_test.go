package rtl

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// entryWindow shows e alone in a test window of the given width, with the
// Vazirmatn theme, and focuses it.
func entryWindow(t *testing.T, e *Entry, width float32) fyne.Window {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(Theme())
	w := test.NewWindow(e)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(width, e.MinSize().Height+2*theme.Padding()))
	w.Canvas().Focus(e)
	return w
}

// press sends a key to the focused object, as the window does.
func pressKeys(w fyne.Window, names ...fyne.KeyName) {
	for _, n := range names {
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: n})
	}
}

// typeFocused types s into the focused object, as the window does with
// typed characters. (test.TypeOnCanvas only reaches a handler set with
// Canvas.SetOnTypedRune, not the focused widget.)
func typeFocused(w fyne.Window, s string) {
	for _, r := range s {
		w.Canvas().Focused().TypedRune(r)
	}
}

func shiftKey(w fyne.Window, down bool) {
	k := w.Canvas().Focused().(desktop.Keyable)
	if down {
		k.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	} else {
		k.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
}

// canvasPos is where o is drawn on its window's canvas. (The test
// driver's AbsolutePositionForObject subtracts the canvas's interactive
// inset, which neither the capture nor TapCanvas do.)
func canvasPos(w fyne.Window, o fyne.CanvasObject) fyne.Position {
	inset, _ := w.Canvas().InteractiveArea()
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(inset)
}

func nearX(a, b, tol float32) bool { return math.Abs(float64(a-b)) <= float64(tol) }

// textRight is where the right end of every line is drawn, relative to
// the entry: inside the inner padding.
func textRight(e *Entry) float32 {
	return e.Size().Width - e.Theme().Size(theme.SizeNameInnerPadding)
}

// drawnSpan is a piece of a line on screen: its logical byte range and its
// left and right x relative to the entry.
type drawnSpan struct {
	a, b   int
	rtl    bool
	x0, x1 float32
}

// drawnSpans places s's pieces (Pieces cut at cuts) the way a
// right-aligned label would, measuring each piece with Fyne: this does
// not use the entry's own measurement.
func drawnSpans(e *Entry, s string, cuts ...int) []drawnSpan {
	ps := Pieces(s, cuts...)
	size := e.Theme().Size(theme.SizeNameText)
	total := float32(0)
	for _, p := range ps {
		total += fyne.MeasureText(p.Draw, size, fyne.TextStyle{}).Width
	}
	x := textRight(e) - total
	var out []drawnSpan
	for _, p := range ps {
		w := fyne.MeasureText(p.Draw, size, fyne.TextStyle{}).Width
		out = append(out, drawnSpan{p.Start, p.End, p.RTL, x, x + w})
		x += w
	}
	return out
}

// spanOf finds the drawnSpan [a, b).
func spanOf(t *testing.T, sp []drawnSpan, a, b int) drawnSpan {
	t.Helper()
	for _, p := range sp {
		if p.a == a && p.b == b {
			return p
		}
	}
	t.Fatalf("no piece [%d, %d) in %v", a, b, sp)
	return drawnSpan{}
}

// inkCaret finds the caret in a capture of the window: the columns, in
// the caret's middle row inside the entry, that have the caret colour.
func inkCaret(t *testing.T, w fyne.Window, e *Entry) (lo, hi float32, ok bool) {
	t.Helper()
	img := w.Canvas().Capture()
	th := e.Theme()
	want := th.Color(theme.ColorNamePrimary, fyne.CurrentApp().Settings().ThemeVariant())
	wr, wg, wb, _ := want.RGBA()
	pos := canvasPos(w, e)
	b := th.Size(theme.SizeNameInputBorder)
	c := e.CaretPosition()
	y := int(pos.Y + c.Y + e.layout().lineHeight/2)
	first, last := -1, -1
	for x := int(pos.X + b + 1); x < int(pos.X+e.Size().Width-b-1); x++ {
		r, g, bb, _ := img.At(x, y).RGBA()
		if colorDiff(r, wr) < 0x1800 && colorDiff(g, wg) < 0x1800 && colorDiff(bb, wb) < 0x1800 {
			if first < 0 {
				first = x
			}
			last = x
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	return float32(first) - pos.X, float32(last+1) - pos.X, true
}

func colorDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// checkInk checks that the caret is drawn where CaretPosition says.
func checkInk(t *testing.T, w fyne.Window, e *Entry) {
	t.Helper()
	lo, hi, ok := inkCaret(t, w, e)
	x := e.CaretPosition().X
	if !ok {
		t.Errorf("no caret drawn (CaretPosition %v)", x)
		return
	}
	if !(lo-1.5 <= x && x <= hi+1.5) || hi-lo > 4 {
		t.Errorf("caret drawn in columns %v..%v, CaretPosition says %v", lo, hi, x)
	}
}

func TestEntryTypingPersianMovesCaretLeft(t *testing.T) {
	e := NewEntry()
	var changed []string
	e.OnChanged = func(s string) { changed = append(changed, s) }
	w := entryWindow(t, e, 400)
	checkInk(t, w, e)
	if x := e.CaretPosition().X; !nearX(x, textRight(e), 0.01) {
		t.Errorf("empty entry: caret at %v, want the right edge %v", x, textRight(e))
	}
	// Each letter typed goes to the left of the text, and the caret with
	// it. The letters here join only to the right, so no letter changes
	// the shape of the one before. (A letter that joins a previous one can
	// make the text narrower: «ب» + «ر» turns the wide final «ب» into the
	// short initial one; there the caret follows the text's left end to
	// the right. The second loop checks that with «کتاب ابر».)
	s := "ورود روز زرد"
	prev := e.CaretPosition().X
	for i, r := range s {
		typeFocused(w, string(r))
		x := e.CaretPosition().X
		if x >= prev {
			t.Errorf("after typing %q (byte %d) the caret went from %v to %v: want it further left", r, i, prev, x)
		}
		prev = x
	}
	for _, r := range " کتاب ابر" {
		typeFocused(w, string(r))
		// The caret is at the left end of the text, measured by Fyne.
		x := e.CaretPosition().X
		if left := drawnSpans(e, e.Text())[0].x0; !nearX(x, left, 0.5) {
			t.Errorf("after %q the caret is at %v, the text's left end at %v", e.Text(), x, left)
		}
	}
	s += " کتاب ابر"
	if e.Text() != s {
		t.Errorf("Text() = %q, want %q", e.Text(), s)
	}
	if len(changed) != utf8.RuneCountInString(s) || changed[len(changed)-1] != s {
		t.Errorf("OnChanged called %d times, last with %q", len(changed), changed[len(changed)-1])
	}
	// The caret is at the left end of the text: the left edge of the
	// first piece on screen.
	sp := drawnSpans(e, s)
	if x := e.CaretPosition().X; !nearX(x, sp[0].x0, 1) {
		t.Errorf("caret at %v, the text starts at %v", x, sp[0].x0)
	}
	checkInk(t, w, e)
}

func TestEntryLatinInsidePersian(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	typeFocused(w, "سلام ")
	boundary := e.CaretPosition().X
	sp := drawnSpans(e, "سلام ")
	if !nearX(boundary, sp[0].x0, 1) {
		t.Errorf("after «سلام » the caret is at %v, want the left end of the space %v", boundary, sp[0].x0)
	}
	prevRel := float32(-1)
	for i, r := range "Ali" {
		typeFocused(w, string(r))
		s := e.Text()
		sp := drawnSpans(e, s)
		left := sp[0].x0 // the left end of the line
		x := e.CaretPosition().X
		// The Latin word grows from its right end, next to the Persian
		// run, towards the left; the caret stays after its last letter,
		// which is its right end, so it moves right within the line.
		if rel := x - left; rel <= prevRel {
			t.Errorf("after %q the caret is %v from the line's left end, was %v: want it to move right", s, rel, prevRel)
		} else {
			prevRel = rel
		}
		latin := spanOf(t, sp, len("سلام "), len(s))
		if !nearX(x, latin.x1, 1) || !nearX(x, boundary, 1) {
			t.Errorf("after %q the caret is at %v, want the right end of %q at %v (letter %d)", s, x, s[latin.a:latin.b], latin.x1, i)
		}
		checkInk(t, w, e)
	}
	// A space and a Persian word after the Latin one go to its left.
	typeFocused(w, " و")
	s := e.Text()
	sp = drawnSpans(e, s)
	if x := e.CaretPosition().X; !nearX(x, sp[0].x0, 1) {
		t.Errorf("after %q the caret is at %v, want the left end %v", s, x, sp[0].x0)
	}
	if s != "سلام Ali و" {
		t.Errorf("Text() = %q", s)
	}
}

func TestEntryArrowsHomeEnd(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	typeFocused(w, "سلام")
	end := e.CaretPosition().X
	pressKeys(w, fyne.KeyLeft) // already at the left end
	if e.CursorOffset() != 4 {
		t.Errorf("Left at the left end moved the cursor to %d", e.CursorOffset())
	}
	pressKeys(w, fyne.KeyHome)
	if e.CursorOffset() != 0 || !nearX(e.CaretPosition().X, textRight(e), 0.01) {
		t.Errorf("Home: cursor %d at %v, want 0 at the right edge %v", e.CursorOffset(), e.CaretPosition().X, textRight(e))
	}
	checkInk(t, w, e)
	prev := e.CaretPosition().X
	for i := 1; i <= 4; i++ {
		pressKeys(w, fyne.KeyLeft)
		if e.CursorOffset() != i || e.CaretPosition().X >= prev {
			t.Errorf("Left %d: cursor %d at %v (was %v), want %d further left", i, e.CursorOffset(), e.CaretPosition().X, prev, i)
		}
		prev = e.CaretPosition().X
	}
	if !nearX(prev, end, 0.01) {
		t.Errorf("four Lefts from Home end at %v, End is at %v", prev, end)
	}
	pressKeys(w, fyne.KeyRight, fyne.KeyRight)
	if e.CursorOffset() != 2 {
		t.Errorf("two Rights: cursor %d, want 2", e.CursorOffset())
	}
	// Between س and ل: inside the word.
	if x := e.CaretPosition().X; !(x < textRight(e)-2 && x > end+2) {
		t.Errorf("cursor 2 of «سلام» drawn at %v, outside the word's inside (%v..%v)", x, end, textRight(e))
	}
	pressKeys(w, fyne.KeyEnd)
	if e.CursorOffset() != 4 || !nearX(e.CaretPosition().X, end, 0.01) {
		t.Errorf("End: cursor %d at %v, want 4 at %v", e.CursorOffset(), e.CaretPosition().X, end)
	}
}

func TestEntryBackspaceDelete(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	test.Type(e, "سلام")
	pressKeys(w, fyne.KeyBackspace)
	if e.Text() != "سلا" || e.CursorOffset() != 3 {
		t.Errorf("Backspace: %q cursor %d, want «سلا» 3", e.Text(), e.CursorOffset())
	}
	pressKeys(w, fyne.KeyHome, fyne.KeyLeft, fyne.KeyBackspace) // removes س
	if e.Text() != "لا" || e.CursorOffset() != 0 {
		t.Errorf("Home Left Backspace: %q cursor %d, want «لا» 0", e.Text(), e.CursorOffset())
	}
	pressKeys(w, fyne.KeyDelete)
	if e.Text() != "ا" || e.CursorOffset() != 0 {
		t.Errorf("Delete: %q cursor %d, want «ا» 0", e.Text(), e.CursorOffset())
	}
	pressKeys(w, fyne.KeyBackspace) // nothing before the cursor
	if e.Text() != "ا" {
		t.Errorf("Backspace at the start changed the text to %q", e.Text())
	}
	// Delete takes a letter with its marks.
	e.SetText("بَد")
	pressKeys(w, fyne.KeyHome, fyne.KeyDelete)
	if e.Text() != "د" {
		t.Errorf("Delete before «بَ» left %q", e.Text())
	}
}

func TestEntrySelectAndReplace(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	typeFocused(w, "سلام دنیا")
	pressKeys(w, fyne.KeyHome)
	shiftKey(w, true)
	pressKeys(w, fyne.KeyLeft, fyne.KeyLeft, fyne.KeyLeft, fyne.KeyLeft)
	shiftKey(w, false)
	if a, b := e.Selection(); a != 0 || b != 4 || e.SelectedText() != "سلام" {
		t.Fatalf("Shift+Left×4 from Home selected [%d, %d) %q, want the first word", a, b, e.SelectedText())
	}
	// The highlight covers the first word, which is at the right.
	r := test.WidgetRenderer(e).(*entryRenderer)
	word := spanOf(t, drawnSpans(e, e.Text(), len("سلام")), 0, len("سلام"))
	b := e.Theme().Size(theme.SizeNameInputBorder)
	if len(r.sel) != 1 || !nearX(r.sel[0].Position().X+b, word.x0, 1) || !nearX(r.sel[0].Position().X+r.sel[0].Size().Width+b, word.x1, 1) {
		t.Errorf("selection drawn as %d rectangle(s), first at %v width %v; want one over %v..%v", len(r.sel), r.sel[0].Position().X+b, r.sel[0].Size().Width, word.x0, word.x1)
	}
	// Left without Shift collapses to the selection's left edge, the end
	// of the word.
	pressKeys(w, fyne.KeyLeft)
	if a, b := e.Selection(); a != b || e.CursorOffset() != 4 {
		t.Errorf("Left after the selection: cursor %d, selection [%d, %d)", e.CursorOffset(), a, b)
	}
	shiftKey(w, true)
	pressKeys(w, fyne.KeyRight, fyne.KeyRight)
	shiftKey(w, false)
	// Right is logically backward in Persian: 4 → 2.
	if e.SelectedText() != "ام" {
		t.Errorf("Shift+Right×2 from 4 selected %q, want «ام»", e.SelectedText())
	}
	typeFocused(w, "ی")
	if e.Text() != "سلی دنیا" || e.CursorOffset() != 3 {
		t.Errorf("typing over the selection: %q cursor %d, want «سلی دنیا» 3", e.Text(), e.CursorOffset())
	}
	if len(r.sel) != 0 {
		t.Errorf("%d selection rectangles left after typing", len(r.sel))
	}
	// Backspace deletes a selection.
	shiftKey(w, true)
	pressKeys(w, fyne.KeyEnd)
	shiftKey(w, false)
	pressKeys(w, fyne.KeyBackspace)
	if e.Text() != "سلی" {
		t.Errorf("Shift+End, Backspace: %q, want «سلی»", e.Text())
	}
}

func TestEntryMixedSelectionRectangles(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	s := "نام: Ali ۱۲۳"
	e.SetText(s)
	// ": Al" — the colon and space of the Persian run (right) and the
	// start of the Latin run (left), with "i ۱۲۳" between them on screen.
	a, b := len("نام"), len("نام: Al")
	e.Select(utf8.RuneCountInString(s[:a]), utf8.RuneCountInString(s[:b]))
	if e.SelectedText() != ": Al" {
		t.Fatalf("selected %q", e.SelectedText())
	}
	r := test.WidgetRenderer(e).(*entryRenderer)
	sp := drawnSpans(e, s, a, b)
	bw := e.Theme().Size(theme.SizeNameInputBorder)
	persian, latin := spanOf(t, sp, a, len("نام: ")), spanOf(t, sp, len("نام: "), b)
	if len(r.sel) != 2 {
		t.Fatalf("%d selection rectangles, want 2", len(r.sel))
	}
	got := [][2]float32{}
	for _, q := range r.sel {
		got = append(got, [2]float32{q.Position().X + bw, q.Position().X + bw + q.Size().Width})
	}
	if !nearX(got[0][0], latin.x0, 1) || !nearX(got[0][1], latin.x1, 1) || !nearX(got[1][0], persian.x0, 1) || !nearX(got[1][1], persian.x1, 1) {
		t.Errorf("selection rectangles %v, want «Al» %v..%v and «: » %v..%v", got, latin.x0, latin.x1, persian.x0, persian.x1)
	}
	checkInk(t, w, e)
}

func TestEntryMixedLineCaret(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	s := "نام: Ali ۱۲۳"
	typeFocused(w, s)
	if e.Text() != s {
		t.Fatalf("Text() = %q", e.Text())
	}
	// On screen: «Ali ۱۲۳» on the left, «نام: » on the right.
	cuts := []int{len("نام"), len("نام:"), len("نام: "), len("نام: Ali"), len("نام: Ali ")}
	sp := drawnSpans(e, s, cuts...)
	name := spanOf(t, sp, 0, len("نام"))
	colon := spanOf(t, sp, len("نام"), len("نام:"))
	space := spanOf(t, sp, len("نام:"), len("نام: "))
	ali := spanOf(t, sp, len("نام: "), len("نام: Ali"))
	digits := spanOf(t, sp, len("نام: Ali "), len(s))
	if !(ali.x1 <= digits.x0+0.5 && digits.x1 <= space.x0+0.5 && space.x1 <= colon.x0+0.5 && colon.x1 <= name.x0+0.5) {
		t.Fatalf("pieces not in the order Ali ۱۲۳ | space | : | نام: %v", sp)
	}
	// Where the caret goes after typing up to each rune offset (the caret
	// belongs to the character before the cursor).
	want := map[int]float32{
		0:  name.x1,   // right edge
		3:  name.x0,   // after «نام»
		4:  colon.x0,  // after «:»
		5:  space.x0,  // after the space: the left end of the Persian run
		8:  ali.x1,    // after «Ali»
		9:  digits.x0, // after the space between «Ali» and «۱۲۳»
		12: digits.x1, // after «۱۲۳»: right end of the Latin run
	}
	for off, x := range want {
		e.SetCursorOffset(off)
		if got := e.CaretPosition().X; !nearX(got, x, 1) {
			t.Errorf("offset %d: caret at %v, want %v", off, got, x)
		}
	}
	// Walking with Left from Home crosses one character on screen at a
	// time, right to left; the logical offset goes forward through the
	// Persian run and backward through the Latin one.
	pressKeys(w, fyne.KeyHome)
	var offs []int
	prev := e.CaretPosition().X
	for range 13 {
		pressKeys(w, fyne.KeyLeft)
		offs = append(offs, e.CursorOffset())
		if x := e.CaretPosition().X; x >= prev && len(offs) <= 12 {
			t.Errorf("Left %d: caret went from %v to %v", len(offs), prev, x)
		} else {
			prev = x
		}
	}
	if fmt.Sprint(offs) != "[1 2 3 4 5 11 10 9 8 7 6 5 5]" {
		t.Errorf("offsets after each Left: %v", offs)
	}
	if !nearX(prev, ali.x0, 1) {
		t.Errorf("after 12 Lefts the caret is at %v, want the left end %v", prev, ali.x0)
	}
	offs = offs[:0]
	for range 12 {
		pressKeys(w, fyne.KeyRight)
		offs = append(offs, e.CursorOffset())
		if x := e.CaretPosition().X; x <= prev {
			t.Errorf("Right %d: caret went from %v to %v", len(offs), prev, x)
		} else {
			prev = x
		}
	}
	if fmt.Sprint(offs) != "[6 7 8 9 10 11 12 4 3 2 1 0]" {
		t.Errorf("offsets after each Right: %v", offs)
	}
	// Typing goes in at the logical cursor: Left×6 from Home crosses
	// «نام: » and then «۳», leaving the cursor between «۲» and «۳».
	pressKeys(w, fyne.KeyHome, fyne.KeyLeft, fyne.KeyLeft, fyne.KeyLeft, fyne.KeyLeft, fyne.KeyLeft, fyne.KeyLeft)
	typeFocused(w, "۴")
	if e.Text() != "نام: Ali ۱۲۴۳" || e.CursorOffset() != 12 {
		t.Errorf("Home, Left×6, ۴: %q cursor %d, want «نام: Ali ۱۲۴۳» 12", e.Text(), e.CursorOffset())
	}
	pressKeys(w, fyne.KeyBackspace)
	if e.Text() != s {
		t.Errorf("Backspace: %q", e.Text())
	}
	pressKeys(w, fyne.KeyEnd)
	if e.CursorOffset() != 12 || !nearX(e.CaretPosition().X, digits.x1, 1) {
		t.Errorf("End: cursor %d at %v, want 12 at %v", e.CursorOffset(), e.CaretPosition().X, digits.x1)
	}
	checkInk(t, w, e)
}

func TestEntryClickPlacesCursor(t *testing.T) {
	e := NewEntry()
	other := widget.NewEntry()
	w := entryWindow(t, e, 400)
	w.SetContent(twoRows(e, other))
	w.Canvas().Focus(other)
	s := "سلام دنیای خوب، Ali Reza و ۱۲۳"
	e.SetText(s)
	words := [][2]int{}
	for _, f := range []string{"سلام", "دنیای", "خوب", "Ali", "Reza", "۱۲۳"} {
		i := strings.Index(s, f)
		words = append(words, [2]int{i, i + len(f)})
	}
	var cuts []int
	for _, wd := range words {
		cuts = append(cuts, wd[0], wd[1])
	}
	sp := drawnSpans(e, s, cuts...)
	origin := canvasPos(w, e)
	y := e.Size().Height / 2
	for _, wd := range words {
		p := spanOf(t, sp, wd[0], wd[1])
		// A click just inside the right edge of a Persian word puts the
		// cursor at its logical start, just inside its left edge at its
		// end; for a Latin word the other way round.
		right, left := wd[0], wd[1]
		if !p.rtl {
			right, left = wd[1], wd[0]
		}
		for _, c := range []struct {
			x    float32
			want int
			edge float32
		}{{p.x1 - 1, right, p.x1}, {p.x0 + 1, left, p.x0}} {
			test.TapCanvas(w.Canvas(), origin.Add(fyne.NewPos(c.x, y)))
			if w.Canvas().Focused() != e {
				t.Fatalf("the click did not focus the entry")
			}
			if got := e.CursorOffset(); got != utf8.RuneCountInString(s[:c.want]) {
				t.Errorf("click at %v in %q: cursor %d (%q|%q), want %d", c.x, s[wd[0]:wd[1]], got, string([]rune(s)[:got]), string([]rune(s)[got:]), utf8.RuneCountInString(s[:c.want]))
			}
			if x := e.CaretPosition().X; !nearX(x, c.edge, 1.5) {
				t.Errorf("click at %v in %q: caret at %v, want the word's edge %v", c.x, s[wd[0]:wd[1]], x, c.edge)
			}
		}
	}
	checkInk(t, w, e)
	// Beyond the text's left end: the left edge of the leftmost
	// character, which here is the start of «۱۲۳».
	test.TapCanvas(w.Canvas(), origin.Add(fyne.NewPos(sp[0].x0-20, y)))
	if want := utf8.RuneCountInString(s) - 3; e.CursorOffset() != want || !nearX(e.CaretPosition().X, sp[0].x0, 1) {
		t.Errorf("click left of the text: cursor %d at %v, want %d at %v", e.CursorOffset(), e.CaretPosition().X, want, sp[0].x0)
	}
	// Beyond the right end: the logical start.
	test.TapCanvas(w.Canvas(), origin.Add(fyne.NewPos(textRight(e)+3, y)))
	if e.CursorOffset() != 0 {
		t.Errorf("click right of the text: cursor %d, want 0", e.CursorOffset())
	}
}

// twoRows stacks two objects.
func twoRows(a, b fyne.CanvasObject) fyne.CanvasObject {
	return Form(FormItem{"یک", a}, FormItem{"دو", b})
}

func TestEntryDragSelects(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	s := "سلام دنیا"
	e.SetText(s)
	w.Canvas().Unfocus()
	sp := drawnSpans(e, s, len("سلام"), len("سلام "))
	first := spanOf(t, sp, 0, len("سلام"))
	origin := canvasPos(w, e)
	y := e.Size().Height / 2
	// Drag from the right edge of the first word to its left edge. Like
	// Fyne's own Entry, the entry takes the drag's start to be Position -
	// Dragged (Position is the pointer now); test.Drag passes its pos as
	// Position.
	test.Drag(w.Canvas(), origin.Add(fyne.NewPos(first.x0+1, y)), first.x0+1-(first.x1-1), 0)
	if e.SelectedText() != "سلام" || w.Canvas().Focused() != e {
		t.Errorf("dragging over the first word selected %q (focused: %v)", e.SelectedText(), w.Canvas().Focused() == e)
	}
}

func TestEntryDoubleTapSelectsWord(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	s := "سلام دنیا Ali"
	e.SetText(s)
	sp := drawnSpans(e, s, len("سلام"), len("سلام "), len("سلام دنیا"), len("سلام دنیا "))
	for _, wd := range []string{"سلام", "دنیا", "Ali"} {
		i := strings.Index(s, wd)
		p := spanOf(t, sp, i, i+len(wd))
		e.DoubleTapped(&fyne.PointEvent{Position: fyne.NewPos((p.x0+p.x1)/2, e.Size().Height/2)})
		if e.SelectedText() != wd {
			t.Errorf("double tap on %q selected %q", wd, e.SelectedText())
		}
	}
	_ = w
}

func TestEntryPlaceholderSubmitTabAndSetText(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(Theme())
	e1, e2 := NewEntry(), NewEntry()
	e1.SetPlaceHolder("نام")
	var submitted, changed string
	e1.OnSubmitted = func(s string) { submitted = s }
	e1.OnChanged = func(s string) { changed = s }
	w := test.NewWindow(Form(FormItem{"نام", e1}, FormItem{"شهر", e2}))
	defer w.Close()
	w.Resize(fyne.NewSize(400, 200))
	r := test.WidgetRenderer(e1).(*entryRenderer)
	ph := r.placeholder
	b := e1.Theme().Size(theme.SizeNameInputBorder)
	if ph.Hidden || ph.Text != Text("نام") || !nearX(ph.Position().X+ph.Size().Width+b, textRight(e1), 0.5) {
		t.Errorf("placeholder %q hidden=%v ends at %v, want it right-aligned at %v", ph.Text, ph.Hidden, ph.Position().X+ph.Size().Width+b, textRight(e1))
	}
	// Tab order: e1, then e2.
	w.Canvas().FocusNext()
	if w.Canvas().Focused() != e1 {
		t.Fatalf("first Tab focused %T", w.Canvas().Focused())
	}
	typeFocused(w, "علی")
	if !ph.Hidden {
		t.Errorf("placeholder still shown over text")
	}
	pressKeys(w, fyne.KeyReturn)
	if submitted != "علی" || changed != "علی" {
		t.Errorf("OnSubmitted got %q, OnChanged %q", submitted, changed)
	}
	w.Canvas().FocusNext()
	if w.Canvas().Focused() != e2 {
		t.Fatalf("second Tab focused %T", w.Canvas().Focused())
	}
	typeFocused(w, "تهران")
	if e2.Text() != "تهران" || e1.Text() != "علی" {
		t.Errorf("texts %q, %q", e1.Text(), e2.Text())
	}
	e1.SetText("رضا")
	if changed != "رضا" || e1.CursorOffset() != 3 {
		t.Errorf("SetText: OnChanged %q, cursor %d", changed, e1.CursorOffset())
	}
	e1.Disable()
	w.Canvas().Focus(e1)
	typeFocused(w, "x")
	if e1.Text() != "رضا" {
		t.Errorf("a disabled entry took typing: %q", e1.Text())
	}
}

func TestEntryClipboard(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 400)
	cb := fyne.CurrentApp().Clipboard()
	cb.SetContent("خط یک\nخط دو")
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if e.Text() != "خط یک خط دو" {
		t.Errorf("paste into a single line: %q", e.Text())
	}
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedShortcut(&fyne.ShortcutCut{Clipboard: cb})
	if e.Text() != "" || cb.Content() != "خط یک خط دو" {
		t.Errorf("cut: text %q clipboard %q", e.Text(), cb.Content())
	}
	_ = w
}

func TestEntryMultiLine(t *testing.T) {
	e := NewMultiLineEntry()
	w := entryWindow(t, e, 400)
	w.Resize(fyne.NewSize(400, 200))
	typeFocused(w, "سلام")
	pressKeys(w, fyne.KeyReturn)
	typeFocused(w, "دنیا Ali")
	if e.Text() != "سلام\nدنیا Ali" {
		t.Fatalf("Text() = %q", e.Text())
	}
	second := e.CaretPosition()
	pressKeys(w, fyne.KeyHome)
	if e.CursorOffset() != 5 || !nearX(e.CaretPosition().X, textRight(e), 0.01) {
		t.Errorf("Home on line 2: cursor %d at %v", e.CursorOffset(), e.CaretPosition().X)
	}
	pressKeys(w, fyne.KeyUp)
	if e.CursorOffset() != 0 || e.CaretPosition().Y >= second.Y {
		t.Errorf("Up from the start of line 2: cursor %d at %v", e.CursorOffset(), e.CaretPosition())
	}
	pressKeys(w, fyne.KeyEnd, fyne.KeyLeft)
	if e.CursorOffset() != 5 {
		t.Errorf("Left at the end of line 1 goes to the start of line 2; cursor %d", e.CursorOffset())
	}
	pressKeys(w, fyne.KeyRight)
	if e.CursorOffset() != 4 {
		t.Errorf("Right at the start of line 2 goes to the end of line 1; cursor %d", e.CursorOffset())
	}
	pressKeys(w, fyne.KeyDown)
	if e.CaretPosition().Y != second.Y {
		t.Errorf("Down: caret at %v, want on line 2 (y %v)", e.CaretPosition(), second.Y)
	}
	checkInk(t, w, e)
	// An empty last line has the caret at its right edge.
	pressKeys(w, fyne.KeyPageDown, fyne.KeyReturn)
	if c := e.CaretPosition(); !nearX(c.X, textRight(e), 0.01) || c.Y <= second.Y {
		t.Errorf("on a new empty line the caret is at %v", c)
	}
	checkInk(t, w, e)
}

func TestEntryLongLineScrolls(t *testing.T) {
	e := NewEntry()
	w := entryWindow(t, e, 200)
	s := strings.Repeat("سلام دنیا ", 8)
	typeFocused(w, s)
	x := e.CaretPosition().X
	if x < 0 || x > e.Size().Width {
		t.Errorf("caret at %v, outside the entry (width %v)", x, e.Size().Width)
	}
	checkInk(t, w, e)
	pressKeys(w, fyne.KeyHome)
	if x := e.CaretPosition().X; !nearX(x, textRight(e), 0.01) {
		t.Errorf("Home: caret at %v, want %v", x, textRight(e))
	}
	checkInk(t, w, e)
}

// TestEntryMeasuresAsFyne checks that the entry's own shaping of each run
// adds up to Fyne's measurement of the line it draws, without scaling.
func TestEntryMeasuresAsFyne(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme())
	for _, s := range append(pangoLines, randomLines(300, 7)...) {
		s = strings.ReplaceAll(s, "\n", " ")
		x := float32(0)
		for _, r := range Runs(s) {
			_, w := runUnits(faceOf(vazirRegular), 14, s, r)
			x += w
		}
		if m := fyne.MeasureText(Text(s), 14, fyne.TextStyle{}).Width; !nearX(x, m, 0.05) {
			t.Errorf("%q: runs add up to %v, Fyne measures %v", s, x, m)
		}
	}
}

// TestEntryPictures draws entries with the caret into $RTL_PICTURES
// (docs/rtl/entry-*.png).
func TestEntryPictures(t *testing.T) {
	dir := os.Getenv("RTL_PICTURES")
	a := test.NewTempApp(t)
	a.Settings().SetTheme(bigTheme{Theme()})
	for i, c := range []struct {
		text         string
		cursor, from int
	}{
		{"نام: Ali ۱۲۳", 8, 8},
		{"کد ملی ۰۰۱۲۳۴۵۶۷۹ برای Ali ثبت شد.", 4, 9},
	} {
		e := NewEntry()
		w := test.NewWindow(e)
		w.Resize(fyne.NewSize(700, e.MinSize().Height+2*theme.Padding()))
		w.Canvas().Focus(e)
		e.SetText(c.text)
		e.Select(c.from, c.cursor)
		checkInk(t, w, e)
		pic := w.Canvas().Capture()
		w.Close()
		if dir == "" {
			continue
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, pic.(image.Image)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("entry-%d.png", i+1)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
