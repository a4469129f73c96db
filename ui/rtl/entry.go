package rtl

import (
	"bytes"
	"image/color"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"

	"github.com/pishkhan/pishkhan/persian"
)

// Entry is a text entry for right-to-left paragraphs: Persian text, mixed
// with Latin words and numbers. Text() is the logical string; each line is
// drawn right-aligned through Text, so mixed runs appear in the order a
// Persian reader expects, and the caret and the selection are drawn where
// the logical cursor and the logical selection are on screen:
//
//   - Left and Right move the caret one character to the left or right on
//     screen (in Persian text Left is logically forward); Home and End go to
//     the logical start (right edge) and end of the line; Backspace deletes
//     the logical character before the cursor, Delete the one after it;
//     Shift with a movement key selects.
//   - Control with Left or Right moves by a word on screen (in Persian text
//     Control+Left goes to the next word), Control+Backspace and
//     Control+Delete delete a word, Control+Home and Control+End go to the
//     start and end of the text; Control+Z undoes, Control+Shift+Z and
//     Control+Y redo (see entry_keys.go).
//   - Where two runs meet, one logical offset has two places on screen. The
//     caret is drawn next to the character it was put after (by typing,
//     Backspace, End, a click on that character's trailing half, or an arrow
//     key that crossed it) or else before the character that follows.
//   - A click or tap puts the cursor at the character boundary nearest to
//     the pointer; dragging selects.
//
// It does not wrap lines and has no password mode. A single-line
// Entry (NewEntry) calls OnSubmitted on Return; a multi-line one
// (NewMultiLineEntry) takes Return as a line break, and Up and Down move
// between lines.
type Entry struct {
	widget.DisableableWidget

	// PlaceHolder is shown, right-aligned, while the entry is empty.
	PlaceHolder string
	// MultiLine makes Return insert a line break (see NewMultiLineEntry).
	MultiLine bool
	TextStyle fyne.TextStyle

	// OnChanged is called with the text after every change by the user or
	// SetText, as in widget.Entry.
	OnChanged func(string) `json:"-"`
	// OnSubmitted is called with the text when Return is pressed in a
	// single-line entry (Shift+Return in a multi-line one).
	OnSubmitted func(string) `json:"-"`
	// OnCursorChanged is called after the cursor or the selection moved.
	OnCursorChanged func() `json:"-"`

	text   string
	cursor int  // byte offset of the logical cursor in text
	anchor int  // byte offset where the selection started; == cursor if none
	after  bool // the caret belongs to the character before cursor (see caret)

	focused bool
	shift   bool // a Shift key is held down
	pressed bool // a mouse button went down on the entry and a drag may follow
	goalX   float32
	hasGoal bool          // goalX holds the x of an Up/Down movement sequence
	scroll  fyne.Position // how far the content is shifted right (X) and up (Y)

	hist entryHistory // undo and redo

	lay    *entryLayout
	layKey layoutKey
	self   fyne.Widget // the outermost widget, if another type embeds Entry
}

var (
	_ fyne.Widget         = (*Entry)(nil)
	_ fyne.Focusable      = (*Entry)(nil)
	_ fyne.Tappable       = (*Entry)(nil)
	_ fyne.DoubleTappable = (*Entry)(nil)
	_ fyne.Draggable      = (*Entry)(nil)
	_ fyne.Shortcutable   = (*Entry)(nil)
	_ fyne.Disableable    = (*Entry)(nil)
	_ desktop.Mouseable   = (*Entry)(nil)
	_ desktop.Keyable     = (*Entry)(nil)
	_ desktop.Cursorable  = (*Entry)(nil)
	_ mobile.Keyboardable = (*Entry)(nil)
)

// NewEntry returns an empty single-line entry.
func NewEntry() *Entry {
	e := &Entry{after: true}
	e.ExtendBaseWidget(e)
	return e
}

// NewMultiLineEntry returns an empty entry that takes several lines.
func NewMultiLineEntry() *Entry {
	e := NewEntry()
	e.MultiLine = true
	return e
}

// Text returns the text in logical order.
func (e *Entry) Text() string { return e.text }

// SetText replaces the text (logical order) and puts the cursor at its
// logical end. OnChanged is called if the text changed. The undo history
// is cleared.
func (e *Entry) SetText(s string) {
	e.hist = entryHistory{}
	e.cursor, e.anchor, e.after = len(s), len(s), true
	e.setText(s)
	e.Refresh()
}

// SetPlaceHolder changes the placeholder.
func (e *Entry) SetPlaceHolder(s string) {
	e.PlaceHolder = s
	e.Refresh()
}

// CursorOffset is the logical cursor position, in runes from the start of
// the text.
func (e *Entry) CursorOffset() int { return utf8.RuneCountInString(e.text[:e.cursor]) }

// SetCursorOffset puts the cursor after the first n runes of the text
// (clamped to the text) and clears the selection.
func (e *Entry) SetCursorOffset(n int) {
	p := byteOffset(e.text, n)
	e.moveTo(p, true, false)
	e.Refresh()
}

// Selection returns the logical selection as rune offsets, start ≤ end;
// start == end when nothing is selected.
func (e *Entry) Selection() (start, end int) {
	a, b := e.selRange()
	return utf8.RuneCountInString(e.text[:a]), utf8.RuneCountInString(e.text[:b])
}

// Select selects the runes [start, end) of the text, with the cursor at end.
func (e *Entry) Select(start, end int) {
	e.anchor = byteOffset(e.text, start)
	e.cursor = byteOffset(e.text, end)
	e.after = e.cursor > e.anchor
	e.changedCursor()
	e.Refresh()
}

// SelectedText returns the selected text (logical order), or "".
func (e *Entry) SelectedText() string {
	a, b := e.selRange()
	return e.text[a:b]
}

// CaretPosition is where the caret is drawn, relative to the entry: the
// horizontal centre of the caret bar and its top.
func (e *Entry) CaretPosition() fyne.Position {
	g := e.geometry()
	lay := e.layout()
	i := lay.lineOf(e.cursor)
	_, x := lay.lines[i].caret(e.cursor, e.after)
	return fyne.NewPos(g.border+e.lineLeft(g, &lay.lines[i])+x, g.border+e.lineTop(g, i))
}

// Cursor is the mouse pointer shown over the entry.
func (e *Entry) Cursor() desktop.Cursor { return desktop.TextCursor }

// Keyboard is the kind of on-screen keyboard a mobile device shows.
func (e *Entry) Keyboard() mobile.KeyboardType {
	if e.MultiLine {
		return mobile.DefaultKeyboard
	}
	return mobile.SingleLineKeyboard
}

// FocusGained is called when the entry gets the keyboard focus.
func (e *Entry) FocusGained() {
	e.focused = true
	e.Refresh()
}

// FocusLost is called when the entry loses the keyboard focus.
func (e *Entry) FocusLost() {
	e.focused, e.shift, e.pressed = false, false, false
	e.Refresh()
}

// TypedRune inserts r at the cursor, replacing the selection.
func (e *Entry) TypedRune(r rune) {
	if e.Disabled() || (unicode.IsControl(r) && r != '\t') {
		return
	}
	e.insert(string(r), editTyping)
}

// KeyDown notes the Shift key, which makes movement keys select.
func (e *Entry) KeyDown(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = true
	}
}

// KeyUp notes the release of the Shift key.
func (e *Entry) KeyUp(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = false
	}
}

// TypedKey handles the movement and editing keys.
func (e *Entry) TypedKey(k *fyne.KeyEvent) {
	if e.Disabled() {
		return
	}
	e.typedKey(k.Name, e.shift)
}

func (e *Entry) typedKey(name fyne.KeyName, extend bool) {
	vertical := false
	switch name {
	case fyne.KeyLeft, fyne.KeyRight:
		e.moveVisually(name == fyne.KeyLeft, extend)
	case fyne.KeyUp, fyne.KeyDown:
		if !e.MultiLine {
			return
		}
		e.moveLine(name == fyne.KeyDown, extend)
		vertical = true
	case fyne.KeyHome, fyne.KeyEnd:
		lay := e.layout()
		l := lay.lines[lay.lineOf(e.cursor)]
		if name == fyne.KeyHome {
			e.moveTo(l.start, false, extend)
		} else {
			e.moveTo(l.end, true, extend)
		}
	case fyne.KeyPageUp:
		e.moveTo(0, false, extend)
	case fyne.KeyPageDown:
		e.moveTo(len(e.text), true, extend)
	case fyne.KeyBackspace:
		if !e.deleteSelection() && e.cursor > 0 {
			_, n := utf8.DecodeLastRuneInString(e.text[:e.cursor])
			e.edit(e.cursor-n, e.cursor, "", editBackspace)
		}
	case fyne.KeyDelete:
		if !e.deleteSelection() && e.cursor < len(e.text) {
			e.edit(e.cursor, nextUnit(e.text, e.cursor), "", editDelete)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if !e.MultiLine || (extend && e.OnSubmitted != nil) {
			if e.OnSubmitted != nil {
				e.OnSubmitted(e.text)
			}
			return
		}
		e.insert("\n", editOnce)
	default:
		return
	}
	if !vertical {
		e.hasGoal = false
	}
	e.Refresh()
}

// TypedShortcut handles copy, cut, paste, select all, undo and redo, and
// the movement and deletion keys with Control (see customShortcut) or
// Shift when a driver sends those as a shortcut.
func (e *Entry) TypedShortcut(s fyne.Shortcut) {
	switch s := s.(type) {
	case *fyne.ShortcutCopy:
		if sel := e.SelectedText(); sel != "" {
			s.Clipboard.SetContent(sel)
		}
	case *fyne.ShortcutCut:
		if sel := e.SelectedText(); sel != "" && !e.Disabled() {
			s.Clipboard.SetContent(sel)
			e.deleteSelection()
			e.Refresh()
		}
	case *fyne.ShortcutPaste:
		if e.Disabled() {
			return
		}
		t := strings.ReplaceAll(s.Clipboard.Content(), "\r\n", "\n")
		if !e.MultiLine {
			t = strings.Map(func(r rune) rune {
				if persian.IsParagraphSeparator(r) {
					return ' '
				}
				return r
			}, t)
		}
		if t != "" {
			e.insert(t, editOnce)
		}
	case *fyne.ShortcutSelectAll:
		e.anchor, e.cursor, e.after = 0, len(e.text), true
		e.changedCursor()
		e.Refresh()
	case *fyne.ShortcutUndo:
		e.Undo()
	case *fyne.ShortcutRedo:
		e.Redo()
	case *desktop.CustomShortcut:
		if !e.Disabled() {
			e.customShortcut(s)
		}
	}
}

// Tapped puts the cursor where the pointer is (Shift extends the
// selection) and takes the focus.
func (e *Entry) Tapped(ev *fyne.PointEvent) {
	e.requestFocus()
	e.placeAt(ev.Position, e.shift)
	e.Refresh()
}

// DoubleTapped selects the word under the pointer.
func (e *Entry) DoubleTapped(ev *fyne.PointEvent) {
	e.requestFocus()
	p, _ := e.hit(ev.Position)
	a, b := wordAround(e.text, p)
	if a == b {
		return
	}
	e.anchor, e.cursor, e.after = a, b, true
	e.changedCursor()
	e.Refresh()
}

// MouseDown puts the cursor where the pointer is, as Tapped, so that a
// drag selects from there.
func (e *Entry) MouseDown(m *desktop.MouseEvent) {
	if m.Button != desktop.MouseButtonPrimary {
		return
	}
	e.requestFocus()
	e.pressed = true
	e.placeAt(m.Position, e.shift || m.Modifier&fyne.KeyModifierShift != 0)
	e.Refresh()
}

// MouseUp ends a press.
func (e *Entry) MouseUp(*desktop.MouseEvent) { e.pressed = false }

// Dragged selects from where the drag started to the pointer.
func (e *Entry) Dragged(d *fyne.DragEvent) {
	if !e.pressed { // no MouseDown came first (touch, test driver)
		e.requestFocus()
		e.pressed = true
		e.placeAt(d.Position.Subtract(d.Dragged), false)
	}
	e.placeAt(d.Position, true)
	e.Refresh()
}

// DragEnd ends a drag selection.
func (e *Entry) DragEnd() { e.pressed = false }

// ExtendBaseWidget is for a type that embeds Entry, as in widget.Entry.
func (e *Entry) ExtendBaseWidget(w fyne.Widget) {
	if e.self == nil {
		e.self = w
	}
	e.DisableableWidget.ExtendBaseWidget(w)
}

// CreateRenderer is called by Fyne to draw the entry.
func (e *Entry) CreateRenderer() fyne.WidgetRenderer {
	e.ExtendBaseWidget(e)
	r := &entryRenderer{
		e:           e,
		box:         canvas.NewRectangle(color.Transparent),
		border:      canvas.NewRectangle(color.Transparent),
		area:        &entryArea{},
		placeholder: canvas.NewText("", color.Transparent),
		caret:       canvas.NewRectangle(color.Transparent),
	}
	r.area.ExtendBaseWidget(r.area)
	r.Refresh()
	return r
}

// ---- editing and cursor movement ----

func (e *Entry) requestFocus() {
	if e.Disabled() {
		return
	}
	self := e.self
	if self == nil {
		self = e
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(self); c != nil {
		if f, ok := self.(fyne.Focusable); ok && c.Focused() != f {
			c.Focus(f)
		}
	}
}

func (e *Entry) selRange() (int, int) {
	return min(e.cursor, e.anchor), max(e.cursor, e.anchor)
}

// moveTo moves the cursor to byte offset p, its caret belonging to the
// character before p if after is set; extend keeps the selection anchor.
func (e *Entry) moveTo(p int, after, extend bool) {
	e.hist.endGroup()
	e.cursor, e.after = p, after
	if !extend {
		e.anchor = p
	}
	e.changedCursor()
}

func (e *Entry) changedCursor() {
	if e.OnCursorChanged != nil {
		e.OnCursorChanged()
	}
}

// setText stores s and calls OnChanged if it differs.
func (e *Entry) setText(s string) {
	changed := s != e.text
	e.text = s
	e.cursor = min(e.cursor, len(s))
	e.anchor = min(e.anchor, len(s))
	if changed && e.OnChanged != nil {
		e.OnChanged(s)
	}
}

// edit replaces text[a:b] with s, leaving the cursor after it. kind
// says how it goes into the undo history (see remember).
func (e *Entry) edit(a, b int, s string, kind editKind) {
	e.remember(kind)
	e.cursor, e.anchor, e.after = a+len(s), a+len(s), true
	e.hist.groupAt = e.cursor
	e.setText(e.text[:a] + s + e.text[b:])
	e.changedCursor()
}

// insert puts s at the cursor in place of the selection.
func (e *Entry) insert(s string, kind editKind) {
	a, b := e.selRange()
	e.edit(a, b, s, kind)
	e.hasGoal = false
	e.Refresh()
}

// deleteSelection deletes the selected text, if any.
func (e *Entry) deleteSelection() bool {
	a, b := e.selRange()
	if a == b {
		return false
	}
	e.edit(a, b, "", editOnce)
	return true
}

// moveVisually moves the caret one character to the left or right on
// screen, crossing the character next to it in that direction: crossing a
// right-to-left character leftwards is a step logically forward, crossing
// a left-to-right one a step back. At the end of a line it goes on to the
// neighbouring line (left: the next, right: the previous), as lines of a
// right-to-left paragraph are read. Without Shift, a selection collapses to
// its edge on that side.
func (e *Entry) moveVisually(left, extend bool) {
	lay := e.layout()
	if !extend && e.cursor != e.anchor {
		a, b := e.selRange()
		la, lb := lay.lineOf(a), lay.lineOf(b)
		_, xa := lay.lines[la].caret(a, false)
		_, xb := lay.lines[lb].caret(b, true)
		g := e.geometry()
		xa += e.lineLeft(g, &lay.lines[la])
		xb += e.lineLeft(g, &lay.lines[lb])
		useB := (la == lb && (xb < xa) == left) || (la != lb && left)
		if useB {
			e.moveTo(b, true, false)
		} else {
			e.moveTo(a, false, false)
		}
		return
	}
	i := lay.lineOf(e.cursor)
	l := &lay.lines[i]
	k, _ := l.caret(e.cursor, e.after)
	switch {
	case left && k > 0:
		if u := l.units[k-1]; u.rtl {
			e.moveTo(u.b, true, extend)
		} else {
			e.moveTo(u.a, false, extend)
		}
	case !left && k < len(l.units):
		if u := l.units[k]; u.rtl {
			e.moveTo(u.a, false, extend)
		} else {
			e.moveTo(u.b, true, extend)
		}
	case left && i+1 < len(lay.lines):
		e.moveTo(lay.lines[i+1].start, false, extend)
	case !left && i > 0:
		e.moveTo(lay.lines[i-1].end, true, extend)
	}
}

// moveLine moves the caret to the next or previous line, as near as
// possible to the same x.
func (e *Entry) moveLine(down, extend bool) {
	lay := e.layout()
	g := e.geometry()
	i := lay.lineOf(e.cursor)
	if !e.hasGoal {
		_, x := lay.lines[i].caret(e.cursor, e.after)
		e.goalX, e.hasGoal = e.lineLeft(g, &lay.lines[i])+x, true
	}
	j := i - 1
	if down {
		j = i + 1
	}
	if j < 0 || j >= len(lay.lines) {
		return
	}
	l := &lay.lines[j]
	p, after := l.hit(e.goalX - e.lineLeft(g, l))
	e.moveTo(p, after, extend)
}

// placeAt puts the cursor at the boundary nearest to pos (relative to the
// entry).
func (e *Entry) placeAt(pos fyne.Position, extend bool) {
	p, after := e.hit(pos)
	e.moveTo(p, after, extend)
	e.hasGoal = false
}

// hit is the logical position at pos (relative to the entry).
func (e *Entry) hit(pos fyne.Position) (int, bool) {
	g := e.geometry()
	lay := e.layout()
	i := 0
	if e.MultiLine {
		i = int((pos.Y - g.border - e.lineTop(g, 0)) / lay.lineHeight)
		i = max(0, min(i, len(lay.lines)-1))
	}
	l := &lay.lines[i]
	return l.hit(pos.X - g.border - e.lineLeft(g, l))
}

// nextUnit is the end of the character at p with the combining marks that
// follow it.
func nextUnit(s string, p int) int {
	_, n := utf8.DecodeRuneInString(s[p:])
	p += n
	for p < len(s) {
		r, n := utf8.DecodeRuneInString(s[p:])
		if !isMark(r) {
			break
		}
		p += n
	}
	return p
}

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me) }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || isMark(r) || r == '\u200c' || r == '_'
}

// wordAround is the word (letters, digits, marks, ZWNJ) around byte
// offset p, or the run of other characters there.
func wordAround(s string, p int) (int, int) {
	if s == "" {
		return 0, 0
	}
	at := p
	if at == len(s) {
		_, n := utf8.DecodeLastRuneInString(s)
		at -= n
	}
	r, _ := utf8.DecodeRuneInString(s[at:])
	kind := isWordRune(r)
	a, b := at, at
	for a > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:a])
		if isWordRune(r) != kind || persian.IsParagraphSeparator(r) {
			break
		}
		a -= n
	}
	for b < len(s) {
		r, n := utf8.DecodeRuneInString(s[b:])
		if isWordRune(r) != kind || persian.IsParagraphSeparator(r) {
			break
		}
		b += n
	}
	return a, b
}

// byteOffset is the byte offset of rune n of s, clamped to s.
func byteOffset(s string, n int) int {
	if n <= 0 {
		return 0
	}
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// ---- geometry ----

// entryGeometry holds the theme sizes the layout uses. Positions called
// "area" are relative to the clipped area inside the border.
type entryGeometry struct {
	border       float32 // width of the input border; the area starts there
	left, right  float32 // the text's horizontal extent in the area
	top, height  float32 // the first line's top in the area; the area height
	caretW, line float32
}

func (e *Entry) geometry() entryGeometry {
	th := e.Theme()
	b := th.Size(theme.SizeNameInputBorder)
	pad := th.Size(theme.SizeNameInnerPadding)
	size := e.Size()
	g := entryGeometry{
		border: b,
		left:   pad - b,
		right:  size.Width - b - pad,
		height: size.Height - 2*b,
		caretW: max(b, 2),
		line:   e.layout().lineHeight,
	}
	if e.MultiLine {
		g.top = pad - b
	} else {
		g.top = (g.height - g.line) / 2
	}
	return g
}

// lineLeft is the x of the left end of a line in the area: lines are
// right-aligned, and scrolled right by e.scroll.X when too wide.
func (e *Entry) lineLeft(g entryGeometry, l *entryLine) float32 {
	return g.right - l.width + e.scroll.X
}

// lineTop is the y of line i in the area.
func (e *Entry) lineTop(g entryGeometry, i int) float32 {
	return g.top + float32(i)*g.line - e.scroll.Y
}

// scrollToCaret shifts the content so that the caret is inside the area,
// and no further than the text needs.
func (e *Entry) scrollToCaret() {
	g := e.geometry()
	lay := e.layout()
	i := lay.lineOf(e.cursor)
	_, cx := lay.lines[i].caret(e.cursor, e.after)
	x := e.lineLeft(g, &lay.lines[i]) + cx
	margin := min(g.caretW*2, (g.right-g.left)/4)
	if x < g.left+margin {
		e.scroll.X += g.left + margin - x
	} else if x > g.right-margin {
		e.scroll.X -= x - (g.right - margin)
	}
	e.scroll.X = max(0, min(e.scroll.X, lay.maxWidth-(g.right-g.left)))
	if !e.MultiLine {
		e.scroll.Y = 0
		return
	}
	y := e.lineTop(g, i)
	bottom := g.height - g.top
	if y < g.top {
		e.scroll.Y -= g.top - y
	} else if y+g.line > bottom {
		e.scroll.Y += y + g.line - bottom
	}
	e.scroll.Y = max(0, min(e.scroll.Y, float32(len(lay.lines))*g.line-(bottom-g.top)))
}

// ---- layout of the text: where each character is on screen ----

// An entryUnit is one character with the combining marks after it: the steps
// the cursor takes. x0 and x1 are its left and right edge, measured from
// the left end of its line.
type entryUnit struct {
	a, b   int // byte range in the entry's text
	rtl    bool
	word   bool // a letter or digit (isWordRune), with its marks
	x0, x1 float32
}

type entryLine struct {
	start, end int    // byte range of the line (without its line break)
	draw       string // Text(line), what Fyne is given to draw
	width      float32
	units      []entryUnit // on-screen order, left to right
}

type entryLayout struct {
	lines      []entryLine
	lineHeight float32
	maxWidth   float32
}

type layoutKey struct {
	text, font string
	size       float32
	style      fyne.TextStyle
}

// lineOf is the index of the line holding byte offset p.
func (l *entryLayout) lineOf(p int) int {
	i := 0
	for j := range l.lines {
		if l.lines[j].start <= p {
			i = j
		}
	}
	return i
}

// caret returns where the caret of logical position p is in the line: k,
// the index of the boundary between units k-1 and k (0 is the left end),
// and x. If after is set and a character comes before p in the line, the
// caret is on that character's trailing side (left of a right-to-left
// character, right of a left-to-right one); otherwise on the leading side
// of the character after p. An empty line has its caret at x 0 (the right
// end, as the line has no width).
func (l *entryLine) caret(p int, after bool) (k int, x float32) {
	prev, next := -1, -1
	for i, u := range l.units {
		if u.b == p || (u.a < p && p < u.b) {
			prev = i
		}
		if u.a == p {
			next = i
		}
	}
	switch {
	case prev >= 0 && (after || next < 0):
		if u := l.units[prev]; u.rtl {
			return prev, u.x0
		} else {
			return prev + 1, u.x1
		}
	case next >= 0:
		if u := l.units[next]; u.rtl {
			return next + 1, u.x1
		} else {
			return next, u.x0
		}
	}
	return 0, 0
}

// hit is the logical position nearest to x (from the left end of the
// line) and the side its caret belongs to, so that caret(hit(x)) is the
// character edge nearest to x.
func (l *entryLine) hit(x float32) (int, bool) {
	if len(l.units) == 0 {
		return l.start, false
	}
	i := len(l.units) - 1
	for j, u := range l.units {
		if x < u.x1 {
			i = j
			break
		}
	}
	u := l.units[i]
	leftHalf := x < (u.x0+u.x1)/2
	switch {
	case u.rtl && leftHalf:
		return u.b, true
	case u.rtl:
		return u.a, false
	case leftHalf:
		return u.a, false
	}
	return u.b, true
}

// layout returns the layout of the current text, computing it when the
// text, the font or the size changed.
func (e *Entry) layout() *entryLayout {
	th := e.Theme()
	res := th.Font(e.TextStyle)
	key := layoutKey{text: e.text, size: th.Size(theme.SizeNameText), style: e.TextStyle}
	if res != nil {
		key.font = res.Name()
	}
	if e.lay == nil || e.layKey != key {
		e.lay, e.layKey = buildLayout(e.text, res, key.size, e.TextStyle), key
	}
	return e.lay
}

// buildLayout measures where every character of s is drawn. Each run (see
// Runs) is shaped on its own, as Fyne shapes it inside the string Text
// gives it, with go-text's HarfBuzz and the theme font; a cluster (a
// ligature) is shared equally among its characters. The widths are scaled
// to Fyne's own measurement of the line, which differs only when a glyph
// comes from a fallback font.
func buildLayout(s string, res fyne.Resource, size float32, style fyne.TextStyle) *entryLayout {
	lay := &entryLayout{lineHeight: fyne.MeasureText("M", size, style).Height}
	runs := Runs(s)
	face := faceOf(res)
	for n, sp := range lineSpans(s) {
		l := entryLine{start: sp[0], end: sp[1], draw: Text(s[sp[0]:sp[1]])}
		x := float32(0)
		for _, r := range runs {
			if r.Line != n {
				continue
			}
			us, w := runUnits(face, size, s, r)
			for i := range us {
				us[i].x0 += x
				us[i].x1 += x
			}
			l.units = append(l.units, us...)
			x += w
		}
		l.width = x
		if l.draw != "" {
			measured := fyne.MeasureText(l.draw, size, style).Width
			if x > 0 && measured > 0 && (measured-x > 0.01 || x-measured > 0.01) {
				f := measured / x
				for i := range l.units {
					l.units[i].x0 *= f
					l.units[i].x1 *= f
				}
				l.width = measured
			}
		}
		lay.maxWidth = max(lay.maxWidth, l.width)
		lay.lines = append(lay.lines, l)
	}
	return lay
}

// runUnits returns the units of one run in on-screen order, their x
// measured from the run's left end, and the run's width.
func runUnits(face *font.Face, size float32, s string, r Run) ([]entryUnit, float32) {
	text := s[r.Start:r.End]
	rs := []rune(text)
	// the unit of each rune, and the units' byte ranges (logical order)
	unitOf := make([]int, len(rs))
	var us []entryUnit
	off := r.Start
	for i, c := range rs {
		n := utf8.RuneLen(c)
		if i == 0 || !isMark(c) {
			us = append(us, entryUnit{a: off, b: off + n, rtl: r.RTL, word: isWordRune(c), x0: -1, x1: -1})
		} else {
			us[len(us)-1].b = off + n
		}
		unitOf[i] = len(us) - 1
		off += n
	}
	clusters, width := shapeRun(face, size, rs, r.RTL)
	for _, c := range clusters {
		var in []int // the units sharing this cluster, logical order
		for j := c.lo; j < c.hi; j++ {
			if len(in) == 0 || in[len(in)-1] != unitOf[j] {
				in = append(in, unitOf[j])
			}
		}
		share := (c.x1 - c.x0) / float32(len(in))
		for k, ui := range in {
			x0, x1 := c.x0+float32(k)*share, c.x0+float32(k+1)*share
			if r.RTL {
				x0, x1 = c.x1-float32(k+1)*share, c.x1-float32(k)*share
			}
			u := &us[ui]
			if u.x0 < 0 {
				u.x0, u.x1 = x0, x1
			} else {
				u.x0, u.x1 = min(u.x0, x0), max(u.x1, x1)
			}
		}
	}
	// A unit no glyph was given to (it should not happen) sits, empty,
	// at the edge of the unit before it.
	edge := float32(0)
	if r.RTL {
		edge = width
	}
	for i := range us {
		if us[i].x0 < 0 {
			us[i].x0, us[i].x1 = edge, edge
		}
		if r.RTL {
			edge = us[i].x0
		} else {
			edge = us[i].x1
		}
	}
	if r.RTL {
		for i, j := 0, len(us)-1; i < j; i, j = i+1, j-1 {
			us[i], us[j] = us[j], us[i]
		}
	}
	return us, width
}

// A glyphCluster is the glyphs HarfBuzz made of the runes [lo, hi) of a run,
// drawn between x0 and x1.
type glyphCluster struct {
	lo, hi int
	x0, x1 float32
}

var (
	entryShapeMu   sync.Mutex // guards the shaper, the segmenter and the faces
	entryShaper    shaping.HarfbuzzShaper
	entrySegmenter shaping.Segmenter
	entryFaces     = map[string]*font.Face{}
)

type entryFontmap struct{ f *font.Face }

func (m entryFontmap) ResolveFace(rune) *font.Face { return m.f }

// faceOf parses a font resource (once), falling back to the bundled
// Vazirmatn.
func faceOf(res fyne.Resource) *font.Face {
	if res == nil {
		res = vazirRegular
	}
	entryShapeMu.Lock()
	defer entryShapeMu.Unlock()
	if f, ok := entryFaces[res.Name()]; ok {
		return f
	}
	f, err := font.ParseTTF(bytes.NewReader(res.Content()))
	if err != nil && res != vazirRegular {
		f, err = font.ParseTTF(bytes.NewReader(vazirRegular.Content()))
	}
	if err != nil {
		fyne.LogError("rtl.Entry: cannot read the font", err)
		return nil
	}
	entryFaces[res.Name()] = f
	return f
}

// shapeRun shapes the runes of one run in its direction and returns its
// clusters, left to right, with their extents, and the run's width. A
// right-to-left run holds only Arabic-script letters and neutrals; it is
// shaped in the pieces Text cuts it into at closing delimiters
// (splitAtClosers), each on its own, placed right to left. A left-to-right
// run is cut by script (Latin, digits) as go-text's entrySegmenter cuts it for
// Fyne.
func shapeRun(face *font.Face, size float32, rs []rune, rtl bool) ([]glyphCluster, float32) {
	if face == nil || len(rs) == 0 {
		return nil, 0
	}
	entryShapeMu.Lock()
	defer entryShapeMu.Unlock()
	in := shaping.Input{Face: face, Size: fixed.Int26_6(float64(size) * 64)}
	type item struct {
		in  shaping.Input
		off int // index in rs of the item's first rune
	}
	var items []item
	if rtl {
		in.Direction, in.Script = di.DirectionRTL, language.Arabic
		off := 0
		for _, p := range splitAtClosers(string(rs)) {
			n := utf8.RuneCountInString(p)
			it := in
			it.Text, it.RunEnd = rs[off:off+n], n
			items = append(items, item{it, off})
			off += n
		}
		for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
			items[i], items[j] = items[j], items[i] // on-screen order
		}
	} else {
		in.Text, in.RunEnd, in.Direction = rs, len(rs), di.DirectionLTR
		for _, it := range entrySegmenter.Split(in, entryFontmap{face}) {
			items = append(items, item{it, 0})
		}
	}
	var out []glyphCluster
	x := float32(0)
	for _, it := range items {
		o := entryShaper.Shape(it.in)
		starts := map[int]bool{}
		for _, g := range o.Glyphs {
			starts[g.ClusterIndex] = true
		}
		end := func(c int) int {
			for j := c + 1; j < it.in.RunEnd; j++ {
				if starts[j] {
					return j
				}
			}
			return it.in.RunEnd
		}
		for _, g := range o.Glyphs {
			adv := float32(g.XAdvance) / 64
			lo := g.ClusterIndex + it.off
			if n := len(out); n > 0 && out[n-1].lo == lo {
				out[n-1].x1 = x + adv
			} else {
				out = append(out, glyphCluster{lo: lo, hi: end(g.ClusterIndex) + it.off, x0: x, x1: x + adv})
			}
			x += adv
		}
	}
	return out, x
}

// ---- drawing ----

// entryArea is the clipped area inside the entry's border that holds the
// text, the selection and the caret.
type entryArea struct {
	widget.BaseWidget
	objects []fyne.CanvasObject
}

func (a *entryArea) CreateRenderer() fyne.WidgetRenderer { return &areaRenderer{a} }

type areaRenderer struct{ a *entryArea }

func (r *areaRenderer) Destroy()                     {}
func (r *areaRenderer) Layout(fyne.Size)             {}
func (r *areaRenderer) MinSize() fyne.Size           { return fyne.Size{} }
func (r *areaRenderer) Objects() []fyne.CanvasObject { return r.a.objects }
func (r *areaRenderer) Refresh() {
	for _, o := range r.a.objects {
		o.Refresh()
	}
}

// IsClip makes Fyne clip the area's objects to it (as container.Clip).
func (r *areaRenderer) IsClip() {}

type entryRenderer struct {
	e           *Entry
	box, border *canvas.Rectangle
	area        *entryArea
	lines       []*canvas.Text
	sel         []*canvas.Rectangle
	placeholder *canvas.Text
	caret       *canvas.Rectangle
}

func (r *entryRenderer) Destroy() {}

func (r *entryRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.box, r.border, r.area}
}

func (r *entryRenderer) MinSize() fyne.Size {
	th := r.e.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	m := fyne.MeasureText("M", th.Size(theme.SizeNameText), r.e.TextStyle)
	rows := float32(1)
	if r.e.MultiLine {
		rows = 3
	}
	return fyne.NewSize(m.Width+3*pad, m.Height*rows+2*pad)
}

func (r *entryRenderer) Layout(size fyne.Size) {
	b := r.e.Theme().Size(theme.SizeNameInputBorder)
	r.border.Resize(fyne.NewSize(size.Width-b-.5, size.Height-b-.5))
	r.border.Move(fyne.NewSquareOffsetPos(b / 2))
	r.box.Resize(size.Subtract(fyne.NewSquareSize(b * 2)))
	r.box.Move(fyne.NewSquareOffsetPos(b))
	r.area.Resize(size.Subtract(fyne.NewSquareSize(b * 2)))
	r.area.Move(fyne.NewSquareOffsetPos(b))
	r.place()
}

func (r *entryRenderer) Refresh() {
	th := r.e.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.box.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.box.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.border.CornerRadius = r.box.CornerRadius
	r.border.StrokeWidth = th.Size(theme.SizeNameInputBorder)
	switch {
	case r.e.Disabled():
		r.border.StrokeColor = th.Color(theme.ColorNameDisabled, v)
	case r.e.focused:
		r.border.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	default:
		r.border.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	}
	r.Layout(r.e.Size())
	r.box.Refresh()
	r.border.Refresh()
	r.area.Refresh()
}

// place sets the text objects, the selection and the caret from the
// entry's state.
func (r *entryRenderer) place() {
	e := r.e
	th := e.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	lay := e.layout()
	e.scrollToCaret()
	g := e.geometry()
	textSize := th.Size(theme.SizeNameText)
	fg := th.Color(theme.ColorNameForeground, v)
	if e.Disabled() {
		fg = th.Color(theme.ColorNameDisabled, v)
	}

	for len(r.lines) < len(lay.lines) {
		r.lines = append(r.lines, canvas.NewText("", fg))
	}
	r.lines = r.lines[:len(lay.lines)]
	for i := range lay.lines {
		l := &lay.lines[i]
		t := r.lines[i]
		t.Text, t.Color, t.TextSize, t.TextStyle = l.draw, fg, textSize, e.TextStyle
		t.Alignment = fyne.TextAlignLeading
		t.Move(fyne.NewPos(e.lineLeft(g, l), e.lineTop(g, i)))
		t.Resize(fyne.NewSize(l.width, g.line))
	}

	ph := r.placeholder
	ph.Text, ph.TextSize, ph.TextStyle = Text(e.PlaceHolder), textSize, e.TextStyle
	ph.Color = th.Color(theme.ColorNamePlaceHolder, v)
	if e.Disabled() {
		ph.Color = fg
	}
	pw := ph.MinSize().Width
	ph.Move(fyne.NewPos(g.right-pw, g.top))
	ph.Resize(fyne.NewSize(pw, g.line))
	ph.Hidden = e.text != ""

	var rects [][4]float32 // x0, x1, y, line
	if a, b := e.selRange(); a != b && e.focused {
		for i := range lay.lines {
			l := &lay.lines[i]
			left := e.lineLeft(g, l)
			open := false
			for _, u := range l.units {
				if u.a >= a && u.b <= b {
					if n := len(rects); open && rects[n-1][1] >= left+u.x0-0.01 {
						rects[n-1][1] = max(rects[n-1][1], left+u.x1)
					} else {
						rects = append(rects, [4]float32{left + u.x0, left + u.x1, e.lineTop(g, i)})
					}
					open = true
				} else {
					open = false
				}
			}
		}
	}
	selColor := th.Color(theme.ColorNameSelection, v)
	for len(r.sel) < len(rects) {
		r.sel = append(r.sel, canvas.NewRectangle(selColor))
	}
	r.sel = r.sel[:len(rects)]
	for i, q := range rects {
		r.sel[i].FillColor = selColor
		r.sel[i].Move(fyne.NewPos(q[0], q[2]))
		r.sel[i].Resize(fyne.NewSize(q[1]-q[0], g.line))
	}

	i := lay.lineOf(e.cursor)
	_, cx := lay.lines[i].caret(e.cursor, e.after)
	r.caret.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.caret.Move(fyne.NewPos(e.lineLeft(g, &lay.lines[i])+cx-g.caretW/2, e.lineTop(g, i)))
	r.caret.Resize(fyne.NewSize(g.caretW, g.line))
	r.caret.Hidden = !e.focused || e.Disabled()

	objs := make([]fyne.CanvasObject, 0, len(r.sel)+len(r.lines)+2)
	for _, s := range r.sel {
		objs = append(objs, s)
	}
	objs = append(objs, ph)
	for _, t := range r.lines {
		objs = append(objs, t)
	}
	r.area.objects = append(objs, r.caret)
}
