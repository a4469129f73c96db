package rtl

import (
	"runtime"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/pishkhan/pishkhan/persian"
)

// The Entry's editing keys beyond single characters: undo and redo, and
// moving and deleting by words.
//
//   - Control+Z undoes the last step, Control+Shift+Z and Control+Y redo it
//     (Command instead of Control on macOS, as Fyne's driver sends them).
//     Letters typed one after another form one step, as do Backspaces
//     pressed one after another and Deletes pressed one after another; a
//     paste, a cut, a typed line break and the deletion of a selection are
//     a step each. Moving the cursor ends a step. Undo puts back the text,
//     the cursor and the selection from before the step. SetText clears
//     the history.
//   - Control+Left and Control+Right (Option on macOS) move to the start of
//     a word on screen, in the direction of the arrow: the nearest start of
//     a word in that direction, where a Persian word starts at its right
//     edge and a Latin word or a number at its left edge. So in Persian text
//     Control+Left goes to the next word in logical order, leftwards on
//     screen, and Control+Right back to the start of the word (or the one
//     before). Past the last word the caret goes to the line's end on that
//     side, and from there to the neighbouring line, as Left and Right do.
//     With Shift they select.
//   - Control+Backspace deletes back to the start of the word before the
//     cursor (with the spaces after it); Control+Delete deletes to the start
//     of the next word (the rest of this word and the spaces after it). A
//     run of punctuation counts as a word, and a line break on its own.
//     With a selection, both delete the selection.
//   - Control+Home and Control+End go to the start and end of the text.

// editKind says how an edit goes into the undo history.
type editKind int

const (
	editOnce      editKind = iota // a step of its own
	editTyping                    // one step with the typing right before it
	editBackspace                 // one step with the Backspaces right before it
	editDelete                    // one step with the Deletes right before it
)

// maxUndo is the most steps the history keeps.
const maxUndo = 200

// entryState is what undo and redo put back.
type entryState struct {
	text           string
	cursor, anchor int
	after          bool
}

type entryHistory struct {
	undo, redo []entryState
	group      editKind // kind of the step still open; editOnce: none
	groupAt    int      // where the cursor was after the open step's last edit
}

// endGroup closes the step being typed, so that the next edit starts a
// new one.
func (h *entryHistory) endGroup() { h.group = editOnce }

func (e *Entry) state() entryState {
	return entryState{text: e.text, cursor: e.cursor, anchor: e.anchor, after: e.after}
}

// remember records the state before an edit as an undo step, unless the
// edit goes on with the step still open: the same kind of typing or
// deleting, with no selection, at the cursor where the last one left it
// (edit notes that place in groupAt).
func (e *Entry) remember(kind editKind) {
	h := &e.hist
	goesOn := kind != editOnce && kind == h.group && e.cursor == e.anchor && e.cursor == h.groupAt
	if !goesOn {
		h.undo = append(h.undo, e.state())
		if len(h.undo) > maxUndo {
			h.undo = append(h.undo[:0], h.undo[len(h.undo)-maxUndo:]...)
		}
	}
	h.redo = h.redo[:0]
	h.group = kind
}

// Undo puts back the text, cursor and selection from before the last
// editing step. It does nothing if there is none.
func (e *Entry) Undo() { e.step(&e.hist.undo, &e.hist.redo) }

// Redo makes the last undone step again.
func (e *Entry) Redo() { e.step(&e.hist.redo, &e.hist.undo) }

// step restores the newest state of from, keeping the present one in to.
func (e *Entry) step(from, to *[]entryState) {
	if e.Disabled() || len(*from) == 0 {
		return
	}
	st := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, e.state())
	e.restore(st)
}

func (e *Entry) restore(st entryState) {
	e.hist.endGroup()
	e.cursor, e.anchor, e.after = min(st.cursor, len(st.text)), min(st.anchor, len(st.text)), st.after
	e.setText(st.text)
	e.hasGoal = false
	e.changedCursor()
	e.Refresh()
}

// shortcutModifier is Control, or Command on macOS, as Fyne's driver
// sends undo, redo and the clipboard shortcuts; wordModifier moves by
// words with the arrows (Option on macOS, as in widget.Entry).
var (
	shortcutModifier = fyne.KeyModifierShortcutDefault
	wordModifier     = func() fyne.KeyModifier {
		if runtime.GOOS == "darwin" {
			return fyne.KeyModifierAlt
		}
		return fyne.KeyModifierControl
	}()
)

// customShortcut handles a key with modifiers that Fyne's driver sends as
// a desktop.CustomShortcut: Shift with a movement key, Control (or the
// platform's modifier) with Z (Shift+Z redoes), Y, the arrows, Backspace,
// Delete, Home and End.
func (e *Entry) customShortcut(s *desktop.CustomShortcut) {
	extend := s.Modifier&fyne.KeyModifierShift != 0
	mod := s.Modifier &^ fyne.KeyModifierShift
	if mod == 0 {
		if extend {
			e.typedKey(s.KeyName, true)
		}
		return
	}
	ctrl := mod == fyne.KeyModifierControl || mod == shortcutModifier
	word := mod == wordModifier
	switch {
	case ctrl && s.KeyName == fyne.KeyZ && extend, ctrl && s.KeyName == fyne.KeyY && !extend:
		e.Redo()
		return
	case ctrl && s.KeyName == fyne.KeyZ:
		e.Undo()
		return
	case word && (s.KeyName == fyne.KeyLeft || s.KeyName == fyne.KeyRight):
		e.moveWord(s.KeyName == fyne.KeyLeft, extend)
	case word && (s.KeyName == fyne.KeyBackspace || s.KeyName == fyne.KeyDelete) && !extend:
		if !e.deleteSelection() {
			if s.KeyName == fyne.KeyBackspace {
				if p := prevWordStart(e.text, e.cursor); p < e.cursor {
					e.edit(p, e.cursor, "", editOnce)
				}
			} else if p := nextWordStart(e.text, e.cursor); p > e.cursor {
				e.edit(e.cursor, p, "", editOnce)
			}
		}
	case ctrl && s.KeyName == fyne.KeyHome:
		e.moveTo(0, false, extend)
	case ctrl && s.KeyName == fyne.KeyEnd:
		e.moveTo(len(e.text), true, extend)
	default:
		return
	}
	e.hasGoal = false
	e.Refresh()
}

// moveWord moves the caret to the nearest start of a word on screen to
// its left or right (see the comment at the top of this file), or to the
// line's end on that side, or on to the neighbouring line.
func (e *Entry) moveWord(left, extend bool) {
	lay := e.layout()
	i := lay.lineOf(e.cursor)
	l := &lay.lines[i]
	k, _ := l.caret(e.cursor, e.after)
	n := len(l.units)
	target := -1
	if left {
		for j := k - 1; j >= 0 && target < 0; j-- {
			if l.wordStartAt(j) {
				target = j
			}
		}
		if target < 0 && k > 0 {
			target = 0
		}
	} else {
		for j := k + 1; j <= n && target < 0; j++ {
			if l.wordStartAt(j) {
				target = j
			}
		}
		if target < 0 && k < n {
			target = n
		}
	}
	switch {
	case target >= 0:
		p, after := l.boundary(target)
		e.moveTo(p, after, extend)
	case left && i+1 < len(lay.lines):
		e.moveTo(lay.lines[i+1].start, false, extend)
	case !left && i > 0:
		e.moveTo(lay.lines[i-1].end, true, extend)
	default: // nowhere to go; still drop the selection
		e.moveTo(e.cursor, e.after, extend)
	}
}

// wordStartAt reports whether the boundary j (between units j-1 and j, 0
// being the left end) is where a word starts: the right edge of a
// right-to-left word, or the left edge of a left-to-right one.
func (l *entryLine) wordStartAt(j int) bool {
	word := func(u int, rtl bool) bool {
		return u >= 0 && u < len(l.units) && l.units[u].word && l.units[u].rtl == rtl
	}
	return (word(j-1, true) && !word(j, true)) || (word(j, false) && !word(j-1, false))
}

// boundary returns the logical position and the caret side of boundary j
// of the line, with the caret on the edge of the word that starts there,
// or of the line's outermost character at either end.
func (l *entryLine) boundary(j int) (int, bool) {
	n := len(l.units)
	if n == 0 {
		return l.start, false
	}
	// the unit the caret is drawn against: the word's
	u := j
	switch {
	case j == n:
		u = n - 1
	case j > 0 && l.units[j-1].word && l.units[j-1].rtl && !(l.units[j].word && l.units[j].rtl):
		u = j - 1
	}
	un := l.units[u]
	if u == j { // the caret is on the unit's left edge
		if un.rtl {
			return un.b, true
		}
		return un.a, false
	}
	if un.rtl { // on its right edge
		return un.a, false
	}
	return un.b, true
}

// prevWordStart is where Control+Backspace deletes back to from p: over
// the spaces before p, then over the word (or the run of punctuation)
// before them; a line break right before p on its own.
func prevWordStart(s string, p int) int {
	r, n := utf8.DecodeLastRuneInString(s[:p])
	if p > 0 && persian.IsParagraphSeparator(r) {
		return p - n
	}
	isSpace := func(r rune) bool { return unicode.IsSpace(r) && !persian.IsParagraphSeparator(r) }
	for p > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:p])
		if !isSpace(r) {
			break
		}
		p -= n
	}
	if p == 0 {
		return 0
	}
	r, _ = utf8.DecodeLastRuneInString(s[:p])
	kind := isWordRune(r)
	for p > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:p])
		if isSpace(r) || persian.IsParagraphSeparator(r) || isWordRune(r) != kind {
			break
		}
		p -= n
	}
	return p
}

// nextWordStart is where Control+Delete deletes to from p: over the word
// (or the run of punctuation) at p, then over the spaces after it; a line
// break right after p on its own.
func nextWordStart(s string, p int) int {
	r, n := utf8.DecodeRuneInString(s[p:])
	if p < len(s) && persian.IsParagraphSeparator(r) {
		return p + n
	}
	isSpace := func(r rune) bool { return unicode.IsSpace(r) && !persian.IsParagraphSeparator(r) }
	if p < len(s) && !isSpace(r) {
		kind := isWordRune(r)
		for p < len(s) {
			r, n := utf8.DecodeRuneInString(s[p:])
			if isSpace(r) || persian.IsParagraphSeparator(r) || isWordRune(r) != kind {
				break
			}
			p += n
		}
	}
	for p < len(s) {
		r, n := utf8.DecodeRuneInString(s[p:])
		if !isSpace(r) {
			break
		}
		p += n
	}
	return p
}
