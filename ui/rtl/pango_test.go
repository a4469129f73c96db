package rtl

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan/fonts"
)

// The reference comparison: the same logical line is drawn by pango-view
// (Pango, with a right-to-left base direction, fribidi's UAX #9) and by
// Fyne from this package's pieces, both in Vazirmatn. Each token (a word or
// a punctuation mark) is coloured red in turn; its horizontal extent is
// measured in both pictures, and the left-to-right order of the tokens must
// be the same.

const pxSize = 28

// pangoLines is what the comparison draws.
var pangoLines = []string{
	"کد ملی ۰۰۱۲۳۴۵۶۷۹ برای Ali ثبت شد.",
	"درخواست شما ثبت شد",
	"شماره ۱۲۳ در صف",
	"شماره 123 در صف",
	"مبلغ ۱٬۲۵۰٬۰۰۰ ریال",
	"مبلغ 1,250,000 ریال پرداخت شد.",
	"تاریخ ۱۴۰۵/۰۹/۰۷ ثبت شد",
	"کد رهگیری 12345-01-050907-0001-5",
	"پرونده (شماره ۱۲) بسته شد",
	"پرونده (Ali Rezaei) بسته شد",
	"نام «علی رضایی» ثبت شد.",
	"گفت «Hello world» و رفت",
	"این درخواست پذیرفته می‌شود.",
	"نام خانوادگی:",
	"۱۲ نفر در صف",
	"12 نفر در صف هستند.",
	"خطا: connection refused (code 7)",
	"نسخه v2.7.1 نصب شد",
	"Ali ثبت‌نام کرد",
	"کد رهگیری " + LTR("12345-01-050907-0001-5") + " صادر شد.",
}

// tokens cuts a line into words (letters, digits, marks and joiners) and
// single punctuation characters; spaces belong to none.
func tokens(s string) [][2]int {
	word := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '\u200c' || r == '\u200d'
	}
	var out [][2]int
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r), unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d':
			i += n
		case word(r):
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !word(r2) {
					break
				}
				j += n2
			}
			out = append(out, [2]int{i, j})
			i = j
		default:
			out = append(out, [2]int{i, i + n})
			i += n
		}
	}
	return out
}

var fontconfigOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "rtl-fontconfig")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "Vazirmatn-Regular.ttf"), fonts.VazirmatnRegular, 0o644); err != nil {
		return "", err
	}
	conf := fmt.Sprintf(`<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>%s</dir>
  <cachedir>%s</cachedir>
</fontconfig>
`, dir, filepath.Join(dir, "cache"))
	file := filepath.Join(dir, "fonts.conf")
	return file, os.WriteFile(file, []byte(conf), 0o644)
})

// pangoRender draws markup with pango-view, right to left, in Vazirmatn
// only (a fontconfig that knows no other font); extra are more pango-view
// options (wrapping, alignment).
func pangoRender(t *testing.T, markup string, extra ...string) image.Image {
	t.Helper()
	bin, err := exec.LookPath("pango-view")
	if err != nil {
		t.Fatalf("pango-view is needed for the reference comparison: install the Debian package pango1.0-tools (apt-get install pango1.0-tools): %v", err)
	}
	conf, err := fontconfigOnce()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "pango.png")
	args := append([]string{"-q", "--rtl", "--no-auto-dir", "--pixels", "--font", fmt.Sprintf("Vazirmatn %d", pxSize),
		"--margin", fmt.Sprint(pangoMargin), "--background", "white", "--foreground", "black", "--hinting", "none"}, extra...)
	cmd := exec.Command(bin, append(args, "--markup", "-o", out, "-t", markup)...)
	cmd.Env = append(os.Environ(), "FONTCONFIG_FILE="+conf)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pango-view: %v: %s", err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// pangoMarkup colours s[a:b] red.
func pangoMarkup(s string, a, b int) string {
	return escape(s[:a]) + `<span foreground="#ff0000">` + escape(s[a:b]) + `</span>` + escape(s[b:])
}

// bigTheme is Theme with a larger text size, so that the pictures resolve
// small punctuation.
type bigTheme struct{ fyne.Theme }

func (b bigTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameText {
		return pxSize
	}
	return b.Theme.Size(n)
}

func fyneApp(t *testing.T) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(bigTheme{Theme()})
}

// fyneRender draws a RichText of segs in a test window.
func fyneRender(t *testing.T, segs []widget.RichTextSegment) image.Image {
	t.Helper()
	rt := widget.NewRichText(segs...)
	w := test.NewWindow(rt)
	defer w.Close()
	w.SetPadded(true)
	w.Resize(rt.MinSize().Add(fyne.NewSize(40, 20)))
	return w.Canvas().Capture()
}

var red = widget.RichTextStyle{ColorName: theme.ColorNameError, Inline: true}

// redExtent is the horizontal extent of the reddish pixels.
func redExtent(img image.Image) (lo, hi int, ok bool) {
	b := img.Bounds()
	lo, hi = b.Max.X, b.Min.X-1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			r, g, bb = r>>8, g>>8, bb>>8
			if r > 140 && int(r)-int(g) > 70 && int(r)-int(bb) > 70 {
				lo, hi = min(lo, x), max(hi, x)
			}
		}
	}
	return lo, hi, hi >= lo
}

type extent struct{ lo, hi int }

func (e extent) mid() float64 { return float64(e.lo+e.hi) / 2 }

// order is the tokens' indices sorted by their position from left to right.
func order(ex []extent) []int {
	idx := make([]int, len(ex))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case ex[a].mid() < ex[b].mid():
			return -1
		case ex[a].mid() > ex[b].mid():
			return 1
		}
		return 0
	})
	return idx
}

// measure colours each token in turn and returns its extent.
func measure(t *testing.T, s string, render func(a, b int) image.Image) []extent {
	t.Helper()
	var out []extent
	for _, tk := range tokens(s) {
		lo, hi, ok := redExtent(render(tk[0], tk[1]))
		if !ok {
			t.Fatalf("%q: token %q not found in the picture", s, s[tk[0]:tk[1]])
		}
		out = append(out, extent{lo, hi})
	}
	return out
}

func names(s string, idx []int) string {
	tk := tokens(s)
	var out []string
	for _, i := range idx {
		out = append(out, s[tk[i][0]:tk[i][1]])
	}
	return strings.Join(out, " | ")
}

// fyneSegments is this package's drawing of s with s[a:b] red.
func fyneSegments(s string, a, b int) []widget.RichTextSegment {
	return Segments(s, Span{Start: a, End: b, Style: red})
}

// TestWordOrderMatchesPango is the reference comparison.
func TestWordOrderMatchesPango(t *testing.T) {
	fyneApp(t)
	for _, s := range pangoLines {
		pango := measure(t, s, func(a, b int) image.Image { return pangoRender(t, pangoMarkup(s, a, b)) })
		fy := measure(t, s, func(a, b int) image.Image { return fyneRender(t, fyneSegments(s, a, b)) })
		po, fo := order(pango), order(fy)
		if !slices.Equal(po, fo) {
			t.Errorf("%q: tokens from left to right\npango: %s\n fyne: %s", s, names(s, po), names(s, fo))
		}
		// Sizes agree too: the same font, so each token is about as wide.
		for i := range pango {
			pw, fw := pango[i].hi-pango[i].lo, fy[i].hi-fy[i].lo
			if d := pw - fw; d > 3+pw/10 || d < -3-pw/10 {
				tk := tokens(s)[i]
				t.Errorf("%q: token %q is %dpx wide in pango, %dpx in Fyne", s, s[tk[0]:tk[1]], pw, fw)
			}
		}
	}
}

// naiveSegments is plain Fyne: the logical string cut at the token, the
// parts side by side in logical order, as a Label holding the logical
// string draws its runs.
func naiveSegments(s string, a, b int) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	plain := widget.RichTextStyleInline
	for _, p := range []struct {
		text string
		st   widget.RichTextStyle
	}{{s[:a], plain}, {s[a:b], red}, {s[b:], plain}} {
		if p.text != "" {
			segs = append(segs, &widget.TextSegment{Text: p.text, Style: p.st})
		}
	}
	return segs
}

// TestComparisonCatchesPlainFyne: the measurement tells Fyne's own order
// of a mixed line from pango's, so the comparison above can fail.
func TestComparisonCatchesPlainFyne(t *testing.T) {
	fyneApp(t)
	s := "کد ملی ۰۰۱۲۳۴۵۶۷۹ برای Ali ثبت شد."
	pango := measure(t, s, func(a, b int) image.Image { return pangoRender(t, pangoMarkup(s, a, b)) })
	naive := measure(t, s, func(a, b int) image.Image { return fyneRender(t, naiveSegments(s, a, b)) })
	if po, no := order(pango), order(naive); slices.Equal(po, no) {
		t.Errorf("plain Fyne orders %q as pango does (%s); the measurement cannot tell them apart", s, names(s, po))
	} else {
		t.Logf("pango: %s\nplain Fyne: %s", names(s, po), names(s, no))
	}
}

// writePicture writes pic as dir/name in PNG; with no dir, nothing.
func writePicture(t *testing.T, dir, name string, pic image.Image) {
	t.Helper()
	if dir == "" {
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, pic); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWritePictures writes side-by-side pictures (Fyne through this
// package, pango-view, plain Fyne) into $RTL_PICTURES, for docs/rtl/.
func TestWritePictures(t *testing.T) {
	dir := os.Getenv("RTL_PICTURES")
	fyneApp(t)
	for i, s := range []string{pangoLines[0], pangoLines[5], pangoLines[7], pangoLines[len(pangoLines)-1], pangoLines[9], pangoLines[10]} {
		ours := fyneRender(t, Segments(s))
		pango := pangoRender(t, escape(s))
		naive := fyneRender(t, []widget.RichTextSegment{&widget.TextSegment{Text: s, Style: widget.RichTextStyleInline}})
		pic := stack(ours, pango, naive)
		writePicture(t, dir, fmt.Sprintf("compare-%d.png", i+1), pic)
	}
}

// stack puts pictures one under another, right-aligned, with a grey rule
// between.
func stack(imgs ...image.Image) image.Image {
	w, h := 0, 0
	for _, im := range imgs {
		w = max(w, im.Bounds().Dx())
		h += im.Bounds().Dy() + 4
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.Gray{0x99}), image.Point{}, draw.Src)
	y := 0
	for _, im := range imgs {
		b := im.Bounds()
		r := image.Rect(w-b.Dx(), y, w, y+b.Dy())
		draw.Draw(out, image.Rect(0, y, w, y+b.Dy()), image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.Draw(out, r, im, b.Min, draw.Src)
		y += b.Dy() + 4
	}
	return out
}

// TestTextDrawsAsPieces links the comparison to Text: a line drawn from
// the single string Text(s) looks like the same line drawn from its pieces
// (what TestWordOrderMatchesPango measures). RichText places a row of
// several segments a few pixels further left and rounds each segment's
// position, so the ink is compared from its left edge and a column with
// ink in one picture needs ink within 2 columns in the other.
func TestTextDrawsAsPieces(t *testing.T) {
	fyneApp(t)
	for _, s := range pangoLines {
		whole := inkColumns(fyneRender(t, []widget.RichTextSegment{&widget.TextSegment{Text: Text(s), Style: Style}}))
		pieces := inkColumns(fyneRender(t, Segments(s)))
		if len(whole) == 0 {
			t.Fatalf("%q: no ink", s)
		}
		if bad := unmatchedInk(whole, pieces) + unmatchedInk(pieces, whole); abs32(len(whole)-len(pieces)) > 3 || bad > 0 {
			t.Errorf("%q: Text(s) is %dpx wide, its pieces %dpx; %d columns of ink without a match", s, len(whole), len(pieces), bad)
		}
	}
}

// unmatchedInk counts the columns with ink in a that have none within 2
// columns in b.
func unmatchedInk(a, b []int) int {
	n := 0
	for x, c := range a {
		if c == 0 {
			continue
		}
		found := false
		for k := max(x-2, 0); k <= x+2 && k < len(b); k++ {
			found = found || b[k] > 0
		}
		if !found {
			n++
		}
	}
	return n
}

// inkColumns counts, for each column from the leftmost one with ink to the
// rightmost, its light (text) pixels.
func inkColumns(img image.Image) []int {
	b := img.Bounds()
	var cols []int
	for x := b.Min.X; x < b.Max.X; x++ {
		n := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); (r>>8+g>>8+bl>>8)/3 > 128 {
				n++
			}
		}
		cols = append(cols, n)
	}
	lo, hi := 0, len(cols)
	for lo < hi && cols[lo] == 0 {
		lo++
	}
	for hi > lo && cols[hi-1] == 0 {
		hi--
	}
	return cols[lo:hi]
}

func abs32(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
