package rtl

import (
	"fmt"
	"image"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/unicode/bidi"

	"github.com/pishkhan/pishkhan/persian"
)

// The wrapping tests draw at pxSize with bigTheme (pango_test.go), so
// that pango-view can draw the same text at the same size.

// longMixed is a long Persian paragraph with Persian and Latin digits, a
// date, a time, Latin words, a «quotation», a ZWNJ and a code.
var longMixed = "درخواست شماره ۱۲۳ برای Ali Rezaei در تاریخ ۱۴۰۵/۰۹/۰۷ ساعت 12:30 ثبت شد و پس از تأیید «کارشناس فنی» به مرکز تبادل فرستاده می‌شود؛ کد رهگیری " + LTR("12345-01-0001") + " را نگه دارید."

// phoneLine puts a number whose digits follow Persian letters at the start
// of its second line (at the widths used): UAX #9 resolves levels for the
// whole paragraph, so those digits are Arabic numbers and the groups of
// 0912-345-6789 come in reverse order, on the second line as in pango.
// Resolving the second line on its own would keep them in order.
var phoneLine = "برای پیگیری درخواست با شماره 0912-345-6789 تماس بگیرید یا به دفتر پیشخوان بیایید."

// wrapCases are drawn by pango-view and by Paragraph at the same width.
// Each width leaves every line at least minSlack px short of the width,
// and every line at least minSlack px too wide with the next word added,
// so that small differences between the two shapers cannot move a break
// (TestWrapCasesHaveSlack checks it).
var wrapCases = []struct {
	text  string
	width float32
}{
	{longMixed, 350}, // «Ali» ends line 1 (at its left), «Rezaei» starts line 2 (at its right)
	{longMixed, 480},
	{phoneLine, 360},
}

const minSlack = 4

func pxMeasure(draw string) float32 {
	if draw == "" {
		return 0
	}
	return fyne.MeasureText(draw, pxSize, fyne.TextStyle{}).Width
}

// nextWordEnd is the end of the word at s[a:] (up to a break space or
// b, the paragraph's end), or of its first character with its marks if
// the line before was cut in the middle of that word (cut is set): what
// the line before would have taken next.
func nextWordEnd(s string, a, b int, cut bool) int {
	if cut {
		for i, r := range s[a:b] {
			if i > 0 && !isMark(r) && r != '\u200d' && persian.BidiClass(r) != bidi.BN {
				return a + i
			}
		}
		return b
	}
	if k := strings.IndexFunc(s[a:b], isBreakSpace); k >= 0 {
		return a + k
	}
	return b
}

// wrapSlack is the smallest margin of the breaks of wrapText(s, width):
// how much room each line leaves, and how much too wide it would be with
// the next word (or character, after a cut word).
func wrapSlack(s string, width float32, measure func(string) float32) float32 {
	ls := wrapText(s, width, measure)
	slack := float32(1e9)
	for i, l := range ls {
		slack = min(slack, width-l.Width)
		if i+1 < len(ls) && ls[i+1].Paragraph == l.Paragraph {
			nx := ls[i+1]
			sp := paragraphSpans(s)[l.Paragraph]
			p := newWrapPara(s, sp[0], sp[1], measure)
			end := nextWordEnd(s, nx.Start, sp[1], nx.Start == l.End)
			slack = min(slack, measure(p.draw(p.runeAt(l.Start), p.runeAt(end)))-width)
		}
	}
	return slack
}

func TestWrapCasesHaveSlack(t *testing.T) {
	fyneApp(t)
	for _, c := range wrapCases {
		if sl := wrapSlack(c.text, c.width, pxMeasure); sl < minSlack {
			t.Errorf("%.0f px: a break is only %.1f px from the width; pick another width for the pango comparison", c.width, sl)
		}
	}
}

// paragraphWindow shows p alone, with its text width w, in a test window
// without padding.
func paragraphWindow(t *testing.T, p *Paragraph, w float32) fyne.Window {
	t.Helper()
	win := test.NewWindow(p)
	t.Cleanup(win.Close)
	win.SetPadded(false)
	pad := p.Theme().Size(theme.SizeNameInnerPadding)
	win.Resize(fyne.NewSize(w+2*pad, 10))
	win.Resize(fyne.NewSize(w+2*pad, p.MinSize().Height))
	return win
}

func lineTexts(s string, ls []Line) []string {
	var out []string
	for _, l := range ls {
		out = append(out, s[l.Start:l.End])
	}
	return out
}

// TestParagraphFirstWordsOnTop: the widget wraps the logical text, so the
// first words are on the top line, the first one at the right edge, and
// the last words on the bottom line; every line fits.
func TestParagraphFirstWordsOnTop(t *testing.T) {
	fyneApp(t)
	s := longMixed
	const w = 350
	p := NewParagraph(s)
	win := paragraphWindow(t, p, w)
	ls := p.Lines()
	if len(ls) < 4 {
		t.Fatalf("%d lines at %v px: %q", len(ls), float32(w), lineTexts(s, ls))
	}
	if got := lineTexts(s, ls); got[0] != "درخواست شماره ۱۲۳ برای Ali" || got[1] != "Rezaei در تاریخ ۱۴۰۵/۰۹/۰۷" || !strings.HasSuffix(got[len(got)-1], "دارید.") {
		t.Errorf("lines %q", got)
	}
	r := test.WidgetRenderer(p).(*paragraphRenderer)
	pad := p.Theme().Size(theme.SizeNameInnerPadding)
	if len(r.texts) != len(ls) {
		t.Fatalf("%d text objects for %d lines", len(r.texts), len(ls))
	}
	lh := r.lineHeight()
	for i, l := range ls {
		tx := r.texts[i]
		if l.Width > w {
			t.Errorf("line %d %q is %v px wide, more than %v", i, s[l.Start:l.End], l.Width, float32(w))
		}
		if tx.Text != l.Draw || !nearX(tx.Position().X+tx.Size().Width, p.Size().Width-pad, 0.01) || !nearX(tx.Position().Y, pad+float32(i)*lh, 0.01) {
			t.Errorf("line %d drawn as %q at %v size %v", i, tx.Text, tx.Position(), tx.Size())
		}
		if m := fyne.MeasureText(tx.Text, pxSize, fyne.TextStyle{}).Width; !nearX(m, l.Width, 0.01) {
			t.Errorf("line %d: Width %v, Fyne measures %v", i, l.Width, m)
		}
	}
	// In the picture: «درخواست» (red) is on the top line at its right
	// end, «دارید» on the bottom line.
	first := tokens(s)[0]
	p.mark = &paragraphMark{first[0], first[1]}
	p.Refresh()
	box := redBox(t, win.Canvas().Capture())
	if line := int((box.mid().Y - pad) / lh); line != 0 || float32(box.x1) < p.Size().Width-pad-3 {
		t.Errorf("the first word is drawn on line %d, x %d..%d; want line 0 at the right edge %v", line, box.x0, box.x1, p.Size().Width-pad)
	}
	last := strings.Index(s, "دارید")
	p.mark = &paragraphMark{last, last + len("دارید")}
	p.Refresh()
	box = redBox(t, win.Canvas().Capture())
	if line := int((box.mid().Y - pad) / lh); line != len(ls)-1 {
		t.Errorf("the last word is drawn on line %d; want %d", line, len(ls)-1)
	}
	// All ink is inside the text width.
	p.mark = &paragraphMark{0, len(s)}
	p.Refresh()
	box = redBox(t, win.Canvas().Capture())
	if float32(box.x0) < pad-1 || float32(box.x1) > pad+w+1 {
		t.Errorf("the text is drawn over x %d..%d, outside %v..%v", box.x0, box.x1, pad, pad+w)
	}
}

// TestWrappedLabelMisorders shows what the paragraph is for: a wrapped
// RichText of Text's pieces (what a Label with Wrapping set draws) breaks
// the on-screen string, and the first word is not on the top line.
func TestWrappedLabelMisorders(t *testing.T) {
	fyneApp(t)
	s := longMixed
	first := tokens(s)[0]
	rt := widget.NewRichText(Segments(s, Span{Start: first[0], End: first[1], Style: red})...)
	rt.Wrapping = fyne.TextWrapWord
	win := test.NewWindow(rt)
	defer win.Close()
	win.SetPadded(false)
	pad := theme.InnerPadding()
	win.Resize(fyne.NewSize(350+2*pad, 600))
	box := redBox(t, win.Canvas().Capture())
	lh := fyne.MeasureText("M", pxSize, fyne.TextStyle{}).Height
	if line := int((box.mid().Y - pad) / lh); line == 0 {
		t.Errorf("a wrapped Label puts the first word on the top line; the check below cannot tell it from Paragraph")
	} else {
		t.Logf("a wrapped Label draws the first word on line %d", line)
	}
}

type box struct{ x0, x1, y0, y1 int }

func (b box) mid() fyne.Position {
	return fyne.NewPos(float32(b.x0+b.x1)/2, float32(b.y0+b.y1)/2)
}

// redBox is the bounding box of the reddish pixels.
func redBox(t *testing.T, img image.Image) box {
	t.Helper()
	b := img.Bounds()
	out := box{b.Max.X, b.Min.X - 1, b.Max.Y, b.Min.Y - 1}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			r, g, bb = r>>8, g>>8, bb>>8
			if r > 140 && int(r)-int(g) > 70 && int(r)-int(bb) > 70 {
				out.x0, out.x1 = min(out.x0, x), max(out.x1, x)
				out.y0, out.y1 = min(out.y0, y), max(out.y1, y)
			}
		}
	}
	if out.x1 < out.x0 {
		t.Fatalf("no red in the picture")
	}
	return out
}

// pangoWrapped draws markup with pango-view as a right-to-left paragraph
// wrapped at width (pixels), aligned right, in Vazirmatn only.
func pangoWrapped(t *testing.T, markup string, width float32) image.Image {
	t.Helper()
	return pangoRender(t, markup, "--align=right", fmt.Sprintf("--width=%v", width), "--wrap=word")
}

const pangoMargin = 10

// measurePangoLineHeight is the height pango-view gives each line: the
// difference between a picture of three lines and one of a single line,
// halved.
func measurePangoLineHeight(t *testing.T) float32 {
	h1 := pangoWrapped(t, "ب", 1000).Bounds().Dy()
	h3 := pangoWrapped(t, "ب\nب\nب", 1000).Bounds().Dy()
	return float32(h3-h1) / 2
}

// placed is where a token is drawn: its line and its x extent.
type placed struct {
	line   int
	x0, x1 int
}

// TestParagraphMatchesPango draws each wrap case with every token (word
// or punctuation mark) red in turn, with pango-view and with Paragraph at
// the same text width, and finds the token in both pictures: it must be
// on the same line, in the same left-to-right order among the tokens of
// that line, and about as wide.
func TestParagraphMatchesPango(t *testing.T) {
	fyneApp(t)
	plh := measurePangoLineHeight(t)
	for _, c := range wrapCases {
		s := c.text
		tks := tokens(s)
		p := NewParagraph(s)
		win := paragraphWindow(t, p, c.width)
		pad := p.Theme().Size(theme.SizeNameInnerPadding)
		lh := test.WidgetRenderer(p).(*paragraphRenderer).lineHeight()
		var fy, pg []placed
		for _, tk := range tks {
			p.mark = &paragraphMark{tk[0], tk[1]}
			p.Refresh()
			b := redBox(t, win.Canvas().Capture())
			fy = append(fy, placed{int((b.mid().Y - pad) / lh), b.x0, b.x1})
			b = redBox(t, pangoWrapped(t, pangoMarkup(s, tk[0], tk[1]), c.width))
			pg = append(pg, placed{int((b.mid().Y - pangoMargin) / plh), b.x0, b.x1})
		}
		if t.Failed() {
			return
		}
		describe := func(ps []placed) string {
			var lines [][]int
			for i, q := range ps {
				for len(lines) <= q.line {
					lines = append(lines, nil)
				}
				lines[q.line] = append(lines[q.line], i)
			}
			var b strings.Builder
			for n, idx := range lines {
				slices.SortStableFunc(idx, func(a, b int) int { return (ps[a].x0 + ps[a].x1) - (ps[b].x0 + ps[b].x1) })
				fmt.Fprintf(&b, "\n  line %d: %s", n, names(s, idx))
			}
			return b.String()
		}
		fd, pd := describe(fy), describe(pg)
		if fd != pd {
			t.Errorf("%.0f px, %q: tokens by line, left to right\npango:%s\n fyne:%s", c.width, s, pd, fd)
		} else {
			t.Logf("%.0f px:%s", c.width, fd)
		}
		for i := range tks {
			pw, fw := pg[i].x1-pg[i].x0, fy[i].x1-fy[i].x0
			if d := pw - fw; d > 3+pw/10 || d < -3-pw/10 {
				t.Errorf("%q: token %q is %d px wide in pango, %d px in Fyne", s, s[tks[i][0]:tks[i][1]], pw, fw)
			}
		}
	}
}

// TestWrapPictures writes docs/rtl/paragraph-N.png into $RTL_PICTURES:
// Paragraph (top), pango-view (middle) and a Label of Text(s) with
// Wrapping set (bottom), at the same width.
func TestWrapPictures(t *testing.T) {
	dir := os.Getenv("RTL_PICTURES")
	fyneApp(t)
	for i, c := range []struct {
		text  string
		width float32
	}{wrapCases[0], wrapCases[2]} {
		p := NewParagraph(c.text)
		win := paragraphWindow(t, p, c.width)
		label := Label(c.text)
		label.Wrapping = fyne.TextWrapWord
		lw := test.NewWindow(label)
		lw.SetPadded(false)
		lw.Resize(fyne.NewSize(win.Canvas().Size().Width, 10))
		lw.Resize(fyne.NewSize(win.Canvas().Size().Width, label.MinSize().Height))
		pic := stack(win.Canvas().Capture(), pangoWrapped(t, escape(c.text), c.width), lw.Canvas().Capture())
		lw.Close()
		writePicture(t, dir, fmt.Sprintf("paragraph-%d.png", i+1), pic)
	}
}

// TestParagraphRewrapsOnResize: a narrower paragraph has more lines and a
// taller MinSize, and the text objects follow.
func TestParagraphRewrapsOnResize(t *testing.T) {
	fyneApp(t)
	p := NewParagraph(longMixed)
	// Before it has a size it counts its lines unwrapped (as a wrapped
	// Label does), or wrapped at MinWidth.
	lh := fyne.MeasureText("M", pxSize, fyne.TextStyle{}).Height
	pad := p.Theme().Size(theme.SizeNameInnerPadding)
	if h := p.MinSize().Height; !nearX(h, lh+2*pad, 0.01) {
		t.Errorf("before layout the paragraph asks for %v, want one line (%v)", h, lh+2*pad)
	}
	p.MinWidth = 300
	if h, n := p.MinSize().Height, len(Wrap(longMixed, 300, pxSize, fyne.TextStyle{})); !nearX(h, float32(n)*lh+2*pad, 0.01) {
		t.Errorf("before layout, with MinWidth 300, the paragraph asks for %v, want %d lines", h, n)
	}
	p.MinWidth = 0
	below := widget.NewLabel("x")
	box := container.NewVBox(p, below)
	win := test.NewWindow(box)
	defer win.Close()
	win.SetPadded(false)
	win.Resize(fyne.NewSize(520, 600))
	wide := len(p.Lines())
	h := p.MinSize().Height
	win.Resize(fyne.NewSize(320, 600))
	box.Refresh() // the driver lays the VBox out again when MinSize changes
	narrow := len(p.Lines())
	r := test.WidgetRenderer(p).(*paragraphRenderer)
	if narrow <= wide || p.MinSize().Height <= h || len(r.texts) != narrow {
		t.Errorf("at 520 px %d lines (height %v), at 320 px %d lines (height %v, %d text objects)", wide, h, narrow, p.MinSize().Height, len(r.texts))
	}
	if below.Position().Y < p.Position().Y+p.MinSize().Height-0.5 {
		t.Errorf("the label below is at %v, inside the paragraph (height %v)", below.Position().Y, p.MinSize().Height)
	}
	p.SetText("کوتاه")
	if n := len(p.Lines()); n != 1 || len(r.texts) != 1 || r.texts[0].Text != Text("کوتاه") {
		t.Errorf("SetText: %d lines, %d text objects", n, len(r.texts))
	}
	// MinWidth: a paragraph alone in a Center container asks for it.
	p.SetText(longMixed)
	p.MinWidth = 300
	c := container.NewCenter(p)
	c.Resize(fyne.NewSize(800, 800))
	if w := p.Size().Width; !nearX(w, 300+2*pad, 0.01) {
		t.Errorf("with MinWidth 300 the paragraph is %v wide in a Center", w)
	}
	for _, l := range p.Lines() {
		if l.Width > 300 {
			t.Errorf("line %q is %v wide", longMixed[l.Start:l.End], l.Width)
		}
	}
	p.SetText("کوتاه")
	if w := p.MinSize().Width; !nearX(w, fyne.MeasureText(Text("کوتاه"), pxSize, fyne.TextStyle{}).Width+2*pad, 0.01) {
		t.Errorf("a short text asks for %v, more than its width", w)
	}
}

// TestParagraphImportance colours the text as a Label does, also when
// the importance changes before SetText (as the sync bar does).
func TestParagraphImportance(t *testing.T) {
	fyneApp(t)
	p := NewParagraph("هشدار")
	p.Importance = widget.DangerImportance
	paragraphWindow(t, p, 200)
	r := test.WidgetRenderer(p).(*paragraphRenderer)
	v := fyne.CurrentApp().Settings().ThemeVariant()
	if len(r.texts) != 1 {
		t.Fatalf("%d text objects for one line", len(r.texts))
	}
	if want := p.Theme().Color(theme.ColorNameError, v); r.texts[0].Color != want {
		t.Errorf("DangerImportance: colour %v, want %v", r.texts[0].Color, want)
	}
	p.Importance = widget.WarningImportance
	p.SetText("هشدار دیگر")
	if len(r.texts) != 1 {
		t.Fatalf("%d text objects for one line", len(r.texts))
	}
	if want := p.Theme().Color(theme.ColorNameWarning, v); r.texts[0].Color != want {
		t.Errorf("WarningImportance: colour %v, want %v", r.texts[0].Color, want)
	}
}

// TestWrapLongWord: a word wider than the line is cut between
// characters, never between a letter and its marks, and each piece but a
// single character fits.
func TestWrapLongWord(t *testing.T) {
	fyneApp(t)
	word := strings.Repeat("پیشخوان‌", 12) + "بَ"
	s := "کد " + word + " ثبت شد " + strings.Repeat("x", 80)
	for _, w := range []float32{120, 60, 10, 0, -5} {
		ls := Wrap(s, w, pxSize, fyne.TextStyle{})
		var b strings.Builder
		for i, l := range ls {
			text := s[l.Start:l.End]
			if l.Width > w && utf8.RuneCountInString(strings.TrimRightFunc(text, func(r rune) bool { return isMark(r) || r == '\u200c' })) > 1 {
				t.Errorf("%v px: line %d %q is %v wide", w, i, text, l.Width)
			}
			if r, _ := utf8.DecodeRuneInString(text); isMark(r) {
				t.Errorf("%v px: line %d starts with a mark: %q", w, i, text)
			}
			if i > 0 && ls[i-1].End != l.Start {
				b.WriteByte(' ')
			}
			b.WriteString(text)
		}
		if b.String() != s {
			t.Errorf("%v px: the lines put together give %q", w, b.String())
		}
		if w == 120 && (len(ls) < 4 || lineTexts(s, ls)[0] != "کد") {
			t.Errorf("120 px: lines %q", lineTexts(s, ls))
		}
	}
	// In the widget too.
	p := NewParagraph(word)
	paragraphWindow(t, p, 100)
	if n := len(p.Lines()); n < 3 {
		t.Errorf("the long word takes %d lines at 100 px", n)
	}
}

// TestWrapEmptyAndSpaces: no text, spaces and empty paragraphs give one
// empty line each, with nothing to draw.
func TestWrapEmptyAndSpaces(t *testing.T) {
	fyneApp(t)
	for _, c := range []struct {
		s     string
		lines []string
	}{
		{"", []string{""}},
		{"   ", []string{""}},
		{"\t \u3000", []string{""}},
		{"\n", []string{"", ""}},
		{"  \r\n  ", []string{"", ""}},
		{"سلام  \n\n  دنیا  ", []string{"سلام", "", "  دنیا"}},
		{"a b", []string{"a b"}},
		{"\u00a0\u00a0", []string{"\u00a0\u00a0"}}, // no-break spaces are not break spaces
	} {
		ls := Wrap(c.s, 100, pxSize, fyne.TextStyle{})
		if got := lineTexts(c.s, ls); !slices.Equal(got, c.lines) {
			t.Errorf("%q: lines %q, want %q", c.s, got, c.lines)
		}
		for _, l := range ls {
			if strings.TrimFunc(c.s[l.Start:l.End], isBreakSpace) == "" && (l.Draw != c.s[l.Start:l.End] || l.Width != 0) {
				t.Errorf("%q: empty line drawn as %q, %v wide", c.s, l.Draw, l.Width)
			}
		}
	}
	p := NewParagraph("")
	win := paragraphWindow(t, p, 200)
	lh := test.WidgetRenderer(p).(*paragraphRenderer).lineHeight()
	pad := p.Theme().Size(theme.SizeNameInnerPadding)
	if h := p.MinSize().Height; !nearX(h, lh+2*pad, 0.01) {
		t.Errorf("an empty paragraph is %v tall, want one line %v", h, lh+2*pad)
	}
	p.SetText("   ")
	win.Canvas().Capture()
	if n := len(test.WidgetRenderer(p).(*paragraphRenderer).texts); n != 0 {
		t.Errorf("%d text objects for spaces", n)
	}
}

// TestWrapUnwrappedIsText: a paragraph that fits is one line drawn as
// Text draws it.
func TestWrapUnwrappedIsText(t *testing.T) {
	fyneApp(t)
	for _, s := range append(append([]string{}, corpus...), randomLines(300, 3)...) {
		ls := Wrap(s, 1e6, pxSize, fyne.TextStyle{})
		for _, l := range ls {
			sp := paragraphSpans(s)[l.Paragraph]
			want := trimBreakSpaces(s[sp[0]:sp[1]])
			if strings.TrimFunc(want, isBreakSpace) == "" {
				continue
			}
			if s[l.Start:l.End] != want || l.Draw != Text(want) {
				t.Errorf("%q: line %q drawn as %q, want %q", s, s[l.Start:l.End], l.Draw, Text(want))
			}
		}
	}
}

// TestWrapLinePieces: the pieces the tests colour draw what Draw draws:
// read as Fyne draws them (right-to-left stretches reversed and mirrored),
// a line's pieces side by side, cut at its runs or cut further, give the
// same as its Draw string; a line that is a whole paragraph gives what
// persian.Visual gives.
func TestWrapLinePieces(t *testing.T) {
	fyneApp(t)
	for _, s := range append(append([]string{longMixed, phoneLine}, corpus...), randomLines(100, 5)...) {
		for _, w := range []float32{150, 300, 1e6} {
			for _, l := range Wrap(s, w, pxSize, fyne.TextStyle{}) {
				var cuts []int
				for i, r := range s[l.Start:l.End] {
					if i%3 == 0 && !isMark(r) {
						cuts = append(cuts, l.Start+i)
					}
				}
				var whole, pieces strings.Builder
				for _, pc := range linePieces(s, l) {
					whole.WriteString(drawnOrder(pc.Draw))
				}
				for _, pc := range linePieces(s, l, cuts...) {
					pieces.WriteString(drawnOrder(pc.Draw))
				}
				text := s[l.Start:l.End]
				if whole.String() != pieces.String() || drawnOrder(l.Draw) != whole.String() {
					t.Errorf("%q: Draw shows %q, its pieces %q, cut further %q", text, drawnOrder(l.Draw), whole.String(), pieces.String())
				}
				if w == 1e6 && hasRTL(text) && drawnOrder(l.Draw) != stripControls(persian.Visual(text)) {
					t.Errorf("%q: Draw shows %q, persian.Visual gives %q", text, drawnOrder(l.Draw), persian.Visual(text))
				}
			}
		}
	}
}

// drawnOrder is the order in which Fyne shows the characters of a string
// made by Text or Wrap, from left to right: each RLO … PDF stretch reversed
// and mirrored (as HarfBuzz lays it out), the marks dropped.
func drawnOrder(draw string) string {
	var b, run strings.Builder
	inRTL := false
	for _, r := range draw {
		switch r {
		case LRM, RLM, LRO:
		case RLO:
			inRTL = true
		case PDF:
			if inRTL {
				b.WriteString(reverseRTL(run.String(), mirrorL4))
				run.Reset()
			}
			inRTL = false
		default:
			if inRTL {
				run.WriteRune(r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// fakeWidth measures a Draw string without Fyne: each character has a
// width of its own, the controls none.
func fakeWidth(draw string) float32 {
	w := float32(0)
	for _, r := range draw {
		switch {
		case r == LRM || r == RLM || r == LRO || r == RLO || r == PDF || isMark(r):
		case r == ' ':
			w += 3
		default:
			w += float32(4 + int(r)%9)
		}
	}
	return w
}

// checkWrap checks the lines of wrapText(s, width, measure): in order,
// the text between them only break spaces and one line break between
// paragraphs, every line fits unless it is a single character, and no
// line could take the next word (or character of a cut word).
func checkWrap(t *testing.T, s string, width float32, measure func(string) float32, maximal bool) {
	t.Helper()

	ls := wrapText(s, width, measure)
	paras := paragraphSpans(s)
	if len(ls) == 0 || ls[0].Paragraph != 0 || ls[len(ls)-1].Paragraph != len(paras)-1 {
		t.Fatalf("%q at %v: lines %+v for %d paragraphs", s, width, ls, len(paras))
	}
	prevEnd := 0
	for i, l := range ls {
		if l.Start < prevEnd || l.End < l.Start || l.End > len(s) {
			t.Fatalf("%q at %v: line %d is [%d, %d) after %d", s, width, i, l.Start, l.End, prevEnd)
		}
		gap := s[prevEnd:l.Start]
		breaks := 0
		for j := 0; j < len(gap); {
			r, n := utf8.DecodeRuneInString(gap[j:])
			switch {
			case persian.IsParagraphSeparator(r):
				if !(r == '\n' && j > 0 && gap[j-1] == '\r') {
					breaks++
				}
			case !isBreakSpace(r):
				t.Fatalf("%q at %v: %q lost between lines %d and %d", s, width, r, i-1, i)
			}
			j += n
		}
		if i > 0 && breaks != l.Paragraph-ls[i-1].Paragraph {
			t.Fatalf("%q at %v: %d line breaks between lines %d and %d", s, width, breaks, i-1, i)
		}
		text := s[l.Start:l.End]
		if strings.IndexFunc(text, persian.IsParagraphSeparator) >= 0 {
			t.Fatalf("%q at %v: line %d %q holds a line break", s, width, i, text)
		}
		if r, _ := utf8.DecodeLastRuneInString(text); text != "" && isBreakSpace(r) {
			t.Fatalf("%q at %v: line %d %q ends with a break space", s, width, i, text)
		}
		sp := paras[l.Paragraph]
		p := newWrapPara(s, sp[0], sp[1], measure)
		a, b := p.runeAt(l.Start), p.runeAt(l.End)
		if p.off[a] != l.Start || p.off[b] != l.End {
			t.Fatalf("%q: line %d cuts a character", s, i)
		}
		if d := p.draw(a, b); d != l.Draw || measure(d) != l.Width {
			t.Fatalf("%q at %v: line %d drawn as %q (%v), want %q", s, width, i, l.Draw, l.Width, d)
		}
		if l.Width > width && len(p.cutPoints(a, b)) > 1 {
			t.Fatalf("%q at %v: line %d %q is %v wide", s, width, i, text, l.Width)
		}
		if maximal && i+1 < len(ls) && ls[i+1].Paragraph == l.Paragraph {
			nx := ls[i+1]
			end := nextWordEnd(s, nx.Start, sp[1], nx.Start == l.End)
			if w := measure(p.draw(a, p.runeAt(end))); w <= width {
				t.Fatalf("%q at %v: line %d %q could take %q too (%v wide)", s, width, i, text, s[l.End:end], w)
			}
		}
		prevEnd = l.End
	}
	for _, r := range s[prevEnd:] {
		if !isBreakSpace(r) {
			t.Fatalf("%q at %v: %q lost after the last line", s, width, r)
		}
	}
}

// TestWrapRandom runs the checks of FuzzWrap on the corpus and random
// lines at several widths, with a made-up measurement (which grows with
// every character, so that no line could take one more word) and, on
// fewer lines, with Fyne's.
func TestWrapRandom(t *testing.T) {
	fyneApp(t)
	lines := append(append([]string{longMixed, phoneLine}, corpus...), randomLines(400, 13)...)
	n := len(lines)
	for i := 0; i+2 < n; i += 3 {
		lines = append(lines, lines[i]+"\n"+lines[i+1]+" "+lines[i+2])
	}
	for i, s := range lines {
		for _, w := range []float32{0, 40, 90, 200, 400} {
			checkWrap(t, s, w, fakeWidth, true)
			if i%6 == 0 && (w == 90 || w == 200) {
				checkWrap(t, s, w, pxMeasure, false)
			}
		}
	}
}

// FuzzWrap: any text at any width wraps without a panic, losing or
// repeating no character (see checkWrap).
func FuzzWrap(f *testing.F) {
	test.NewTempApp(f).Settings().SetTheme(bigTheme{Theme()})
	for _, s := range append(append([]string{longMixed, phoneLine}, corpus...), randomLines(20, 17)...) {
		f.Add(s, uint16(150))
	}
	f.Add("", uint16(0))
	f.Add(" \r\n\u200c\u064e", uint16(3))
	f.Fuzz(func(t *testing.T, s string, w uint16) {
		if !utf8.ValidString(s) || len(s) > 2000 {
			return
		}
		checkWrap(t, s, float32(w), fakeWidth, true)
		checkWrap(t, s, float32(w%600), pxMeasure, false)
	})
}

func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case LRM, RLM, LRO, RLO, PDF:
			return -1
		}
		return r
	}, s)
}
