package rtl

import (
	"math"
	"slices"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Paragraph shows text of right-to-left paragraphs (logical order, one
// paragraph per line of the string) wrapped to the paragraph's width, as a
// Persian reader expects: broken into lines in logical order at the spaces
// (see Wrap), the first words on the top line, each line's runs ordered on
// their own and the line aligned right. It re-wraps whenever it is
// resized. Use it instead of Label for text that can be longer than the
// room it gets: a widget.Label with Wrapping set wraps the string Text
// made, which is in on-screen order, and so puts the logical end of a mixed
// line on the first line.
//
// It has the padding of a Label, and its lines follow each other as the
// lines of a wrapped Label do. Its minimum width is MinWidth (plus the
// padding) or less if the text is narrower; its minimum height is that of
// its lines at its current width.
type Paragraph struct {
	widget.BaseWidget

	// TextStyle is the style of the text (bold, say).
	TextStyle fyne.TextStyle
	// Importance colours the text as it colours a Label (DangerImportance
	// draws it in the theme's error colour).
	Importance widget.Importance
	// MinWidth is the width of text below which the paragraph does not
	// ask to be made narrower: set it where nothing else gives the
	// paragraph a width (in a dialog, a Row or a Center container), or the
	// text wraps at every word. Zero by default, which suits a paragraph
	// that fills the width of a VBox, a Border or a Form.
	MinWidth float32

	text string

	lines []Line         // the lines wrapped for key
	key   wrapKey        // what lines were wrapped for
	nat   float32        // the widest paragraph, unwrapped, for natK
	natK  wrapKey        // key of nat (its width is unused)
	mark  *paragraphMark // tests only: draw this range in pieces, coloured
}

// paragraphMark makes the renderer draw a byte range of the text in the
// error colour, each line cut into pieces there (for the tests, which find
// a word by its colour).
type paragraphMark struct{ start, end int }

type wrapKey struct {
	text, font  string
	width, size float32
	style       fyne.TextStyle
}

var _ fyne.Widget = (*Paragraph)(nil)

// NewParagraph returns a paragraph showing s (logical order).
func NewParagraph(s string) *Paragraph {
	p := &Paragraph{text: s}
	p.ExtendBaseWidget(p)
	return p
}

// Text returns the text, in logical order.
func (p *Paragraph) Text() string { return p.text }

// SetText changes the text (logical order) and wraps it again.
func (p *Paragraph) SetText(s string) {
	p.text = s
	p.Refresh()
}

// Lines returns the paragraph's lines at its current width, top to
// bottom (see Wrap).
func (p *Paragraph) Lines() []Line {
	return slices.Clone(p.wrapped(p.textWidth(p.Size().Width)))
}

// CreateRenderer is called by Fyne to draw the paragraph.
func (p *Paragraph) CreateRenderer() fyne.WidgetRenderer {
	p.ExtendBaseWidget(p)
	return &paragraphRenderer{p: p}
}

// textWidth is the width the lines have when the paragraph is w wide: w
// less the padding. Before the paragraph has a size it is MinWidth or,
// without one, unlimited: a wrapped Label, too, counts its lines unwrapped
// until it is laid out, so that a window is not made tall for text that
// would wrap at every word.
func (p *Paragraph) textWidth(w float32) float32 {
	pad := p.Theme().Size(theme.SizeNameInnerPadding)
	switch {
	case w > 0:
		return w - 2*pad
	case p.MinWidth > 0:
		return p.MinWidth
	}
	return math.MaxFloat32
}

func (p *Paragraph) keyFor(width float32) wrapKey {
	th := p.Theme()
	k := wrapKey{text: p.text, width: width, size: th.Size(theme.SizeNameText), style: p.TextStyle}
	if f := th.Font(p.TextStyle); f != nil {
		k.font = f.Name()
	}
	return k
}

// wrapped returns the lines at the given text width, wrapping the text
// only when it, the width, the size or the font changed.
func (p *Paragraph) wrapped(width float32) []Line {
	k := p.keyFor(width)
	if p.lines == nil || k != p.key {
		p.lines, p.key = Wrap(p.text, width, k.size, p.TextStyle), k
	}
	return p.lines
}

// natural is the width of the widest paragraph, unwrapped.
func (p *Paragraph) natural() float32 {
	k := p.keyFor(0)
	if k != p.natK {
		p.nat, p.natK = 0, k
		for _, sp := range paragraphSpans(p.text) {
			t := Text(trimBreakSpaces(p.text[sp[0]:sp[1]]))
			if t != "" {
				p.nat = max(p.nat, fyne.MeasureText(t, k.size, p.TextStyle).Width)
			}
		}
	}
	return p.nat
}

// trimBreakSpaces drops the break spaces at the end of s (Wrap puts them
// on no line).
func trimBreakSpaces(s string) string {
	for s != "" {
		r, n := utf8.DecodeLastRuneInString(s)
		if !isBreakSpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

func (p *Paragraph) colorName() fyne.ThemeColorName {
	switch p.Importance {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}

type paragraphRenderer struct {
	p     *Paragraph
	texts []*canvas.Text
	objs  []fyne.CanvasObject
}

func (r *paragraphRenderer) Destroy() {}

func (r *paragraphRenderer) Objects() []fyne.CanvasObject { return r.objs }

// lineHeight is the height of one line, as canvas.Text measures it.
func (r *paragraphRenderer) lineHeight() float32 {
	return fyne.MeasureText("M", r.p.Theme().Size(theme.SizeNameText), r.p.TextStyle).Height
}

func (r *paragraphRenderer) MinSize() fyne.Size {
	p := r.p
	pad := p.Theme().Size(theme.SizeNameInnerPadding)
	w := min(p.natural(), p.MinWidth)
	tw := max(p.textWidth(p.Size().Width), w) // w: about to be made wider
	n := len(p.wrapped(tw))
	return fyne.NewSize(w+2*pad, float32(n)*r.lineHeight()+2*pad)
}

func (r *paragraphRenderer) Layout(size fyne.Size) { r.place(size) }

func (r *paragraphRenderer) Refresh() {
	r.place(r.p.Size())
}

// place wraps the text at the width of size and places one canvas.Text
// per line, aligned right (or several per line with a mark).
func (r *paragraphRenderer) place(size fyne.Size) {
	p := r.p
	th := p.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	pad := th.Size(theme.SizeNameInnerPadding)
	textSize := th.Size(theme.SizeNameText)
	fg := th.Color(p.colorName(), v)
	lh := r.lineHeight()
	lines := p.wrapped(p.textWidth(size.Width))

	n := 0
	text := func(s string, c fyne.ThemeColorName, x, y, w float32) {
		if n == len(r.texts) {
			r.texts = append(r.texts, canvas.NewText("", fg))
		}
		t := r.texts[n]
		n++
		t.Text, t.TextSize, t.TextStyle, t.Alignment = s, textSize, p.TextStyle, fyne.TextAlignLeading
		t.Color = th.Color(c, v)
		t.Move(fyne.NewPos(x, y))
		t.Resize(fyne.NewSize(w, lh))
		t.Refresh()
	}
	right := size.Width - pad
	for i, l := range lines {
		y := pad + float32(i)*lh
		if p.mark == nil || p.mark.end <= l.Start || p.mark.start >= l.End {
			if l.Draw != "" {
				text(l.Draw, p.colorName(), right-l.Width, y, l.Width)
			}
			continue
		}
		// Tests: the line's pieces, cut at the mark, side by side.
		pieces := linePieces(p.text, l, p.mark.start, p.mark.end)
		total := float32(0)
		ws := make([]float32, len(pieces))
		for k, pc := range pieces {
			ws[k] = fyne.MeasureText(pc.Draw, textSize, p.TextStyle).Width
			total += ws[k]
		}
		x := right - total
		for k, pc := range pieces {
			c := p.colorName()
			if pc.Start >= p.mark.start && pc.End <= p.mark.end {
				c = theme.ColorNameError
			}
			text(pc.Draw, c, x, y, ws[k])
			x += ws[k]
		}
	}
	r.texts = r.texts[:n]
	r.objs = r.objs[:0]
	for _, t := range r.texts {
		r.objs = append(r.objs, t)
	}
}
