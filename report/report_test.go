package report

import (
	"bytes"
	"compress/zlib"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"github.com/pishkhan/pishkhan/fonts"
	"github.com/pishkhan/pishkhan/persian"
)

var update = flag.Bool("update", false, "rewrite docs/report-example.pdf and .png")

// The tests read the PDFs back with poppler-utils (pdftotext, pdftoppm,
// pdfinfo); scripts/deps.sh installs the Debian package.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install the Debian package poppler-utils (%v)", name, err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	var out, stderr bytes.Buffer
	cmd := exec.Command(tool(t, name), args...)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "Error") {
		t.Fatalf("%s %v complains: %s", name, args, s)
	}
	return out.String()
}

func writePDF(t testing.TB, d Day) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := PDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// key makes extracted and expected text comparable: presentation forms
// back to letters (NFKC), and without the direction marks pdftotext adds,
// ZWNJ and white space (pdftotext moves spaces at the edges of runs).
func key(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '\u200c', r == '\u200e', r == '\u200f',
			r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return -1
		}
		return r
	}, s)
}

// pages is the text of each page as pdftotext reads it.
func pages(t testing.TB, path string) []string {
	t.Helper()
	ps := strings.Split(run(t, "pdftotext", "-enc", "UTF-8", path, "-"), "\f")
	if n := len(ps); n > 0 && strings.TrimSpace(ps[n-1]) == "" {
		ps = ps[:n-1]
	}
	return ps
}

func pageCount(t testing.TB, path string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))
	if m == nil {
		t.Fatal("pdfinfo: no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestDayReadsBack(t *testing.T) {
	t.Parallel()
	d := testDay(60, 1)
	path, pdfBytes := writePDF(t, d)
	n := pageCount(t, path)
	if n < 3 {
		t.Fatalf("60 requests on %d pages; want at least 3", n)
	}
	ps := pages(t, path)
	if len(ps) != n {
		t.Fatalf("pdftotext found %d pages, pdfinfo %d", len(ps), n)
	}
	office := key(officeName)
	for i, p := range ps {
		k := key(p)
		for _, want := range []string{
			office, "کددفتر", key(persian.ToPersianDigits("12345")), "میز۱",
			key(d.From.Long()), "زمانچاپ",
			key(persian.DateOf(d.Printed).Persian()), key(persian.FormatTime(d.Printed.In(persian.Tehran()))),
			key(fmt.Sprintf("صفحه %s از %s", digits(i+1), digits(n))),
		} {
			if !strings.Contains(k, want) {
				t.Errorf("page %d: %q not found in the text:\n%s", i+1, want, p)
			}
		}
	}
	first := key(ps[0])
	var sum int64
	for _, x := range d.ByService {
		sum += x.Amount
	}
	for _, want := range []string{
		"صندوقوجمعکل", "جمعبهتفکیکخدمت", "صدورگواهینامهرانندگیپایهدوم", "جمع",
		key(persian.FormatRials(d.ExpectedCash)), // ۴۴٬۹۸۰٬۰۰۰ ریال
		key(persian.FormatRials(d.CountedCash)),
		key(persian.FormatRials(d.CardTotal)),
		key(persian.FormatRials(d.ExpectedCash-d.CountedCash) + " کسری"),
		key(persian.FormatInt(sum)),
		key("یک اسکناس ۱۰۰٬۰۰۰ ریالی به اشتباه"),
		key("بسته‌شده، " + persian.FormatTime(d.ClosedAt.In(persian.Tehran()))),
	} {
		if !strings.Contains(first, want) {
			t.Errorf("page 1: %q not found in the text:\n%s", want, ps[0])
		}
	}
	// The glyphs drawn are the shaped (joined) forms in visual order, not
	// isolated letters: look for the title's codes in the page contents
	// (copied text maps them back to letters, so pdftotext cannot tell).
	if !bytes.Contains(contents(t, pdfBytes), utf16be(persian.ForDevice("صندوق و جمع کل"))) {
		t.Error("page 1: the title is not drawn with joined letter forms in visual order")
	}
	if !strings.ContainsRune(first, '٬') {
		t.Error("page 1: no ٬ thousands separator")
	}
	all := key(strings.Join(ps, ""))
	for _, want := range []string{
		"جمعبهتفکیکدستگاه", "جمعبهتفکیککاربر", "درخواست‌هایارسال‌نشدهبهمرکزتبادل",
		"همه‌یدرخواست‌ها", "پلیسمهاجرتوگذرنامه", "SaraAhmadi", "operator1",
		key(persian.ToPersianDigits(d.Lines[59].Tracking)),
	} {
		if !strings.Contains(all, key(want)) {
			t.Errorf("%q not found in the text", want)
		}
	}
	// The long service name wraps in the requests table but is whole in
	// the totals table.
	long := key("درخواست صدور پروانه کسب برای واحدهای صنفی تولیدی، خدماتی و توزیعی")
	if !strings.Contains(all, long) {
		t.Errorf("%q not found in the text", long)
	}
}

// TestDayRendersRightToLeft draws page 1 and looks at the ink: not blank,
// and the header band carries more ink at the right (office name, code,
// title) than at the left (date, time).
func TestDayRendersRightToLeft(t *testing.T) {
	t.Parallel()
	path, _ := writePDF(t, testDay(60, 1))
	img := renderPage(t, path, 1, 60)
	b := img.Bounds()
	if w, h := b.Dx(), b.Dy(); w < 480 || w > 500 || h < 690 || h > 710 {
		t.Fatalf("page 1 is %d×%d px at 60 dpi; want A4 (496×702)", w, h)
	}
	total := ink(img, b)
	if frac := float64(total) / float64(b.Dx()*b.Dy()); frac < 0.02 {
		t.Fatalf("page 1 is nearly blank: %.3f of the pixels inked", frac)
	}
	mm := float64(b.Dx()) / pageW
	band := image.Rect(0, int(9*mm), b.Dx(), int(29*mm))
	left := ink(img, image.Rect(band.Min.X, band.Min.Y, band.Dx()/2, band.Max.Y))
	rightInk := ink(img, image.Rect(band.Dx()/2, band.Min.Y, band.Max.X, band.Max.Y))
	t.Logf("page 1: %d ink pixels; header band: right %d, left %d", total, rightInk, left)
	if left == 0 || rightInk < 2*left {
		t.Errorf("header band: %d ink pixels at the right, %d at the left; want the right clearly heavier", rightInk, left)
	}
	// Each table's first column (ردیف) is at the right: in the band of the
	// first table's rows, the rightmost 10 mm hold ink, and the strip just
	// left of the right margin is where the row numbers are.
	col := image.Rect(int((right-12)*mm), int(bodyTop*mm), int(right*mm), int(bodyBottom*mm))
	if ink(img, col) == 0 {
		t.Error("nothing drawn in the rightmost column")
	}
}

func renderPage(t testing.TB, path string, page, dpi int) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	p := strconv.Itoa(page)
	run(t, "pdftoppm", "-png", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-singlefile", path, out)
	f, err := os.Open(out + ".png")
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

// ink counts the dark pixels of img in r.
func ink(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if (cr+cg+cb)/3 < 0x8000 {
				n++
			}
		}
	}
	return n
}

// TestTableColumnsRightToLeft checks with the words' boxes that a table's
// first column is at the right and its last at the left.
func TestTableColumnsRightToLeft(t *testing.T) {
	t.Parallel()
	path, _ := writePDF(t, testDay(60, 1))
	out := run(t, "pdftotext", "-bbox", "-f", "2", "-l", "2", path, "-")
	re := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)"[^>]*>([^<]*)</word>`)
	xOf := map[string]float64{}
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		// A word's glyphs come in visual order: reverse them to read it.
		rs := []rune(m[3])
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		w := key(string(rs))
		if _, seen := xOf[w]; !seen {
			xOf[w], _ = strconv.ParseFloat(m[1], 64)
		}
	}
	order := []string{"ردیف", "رهگیری", "ساعت", "شهروند", "خدمت", "دستگاه", "کاربر", "وضعیت", "پرداخت", "کارمزد"}
	for i := 1; i < len(order); i++ {
		a, okA := xOf[order[i-1]]
		b, okB := xOf[order[i]]
		if !okA || !okB {
			t.Fatalf("header words %q/%q not found on page 2", order[i-1], order[i])
		}
		if a <= b {
			t.Errorf("column %q (x=%.0f) is not right of %q (x=%.0f)", order[i-1], a, order[i], b)
		}
	}
}

func TestPageCountMatchesPaging(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 45, 300} {
		path, _ := writePDF(t, testDay(n, 7))
		got := pageCount(t, path)
		ps := pages(t, path)
		last := key(ps[len(ps)-1])
		want := key(fmt.Sprintf("صفحه %s از %s", digits(got), digits(got)))
		if !strings.Contains(last, want) {
			t.Errorf("%d requests: the last of %d pages does not say %q", n, got, want)
		}
		if n == 0 && got != 1 {
			t.Errorf("an empty day takes %d pages", got)
		}
		if n == 300 && got < 7 {
			t.Errorf("300 requests on %d pages", got)
		}
	}
}

func TestEmptyDayAndRange(t *testing.T) {
	t.Parallel()
	d := Day{
		Office:  Office{Code: 7, Name: "دفتر آزمایشی", Desk: 2},
		From:    persian.Date{Year: 1405, Month: 1, Day: 1},
		To:      persian.Date{Year: 1405, Month: 1, Day: 31},
		Printed: testDay(0, 1).Printed,
	}
	path, _ := writePDF(t, d)
	k := key(strings.Join(pages(t, path), ""))
	for _, want := range []string{
		"گزارش دوره‌ای میز", "از " + d.From.Long(), "تا " + d.To.Long(),
		"همه‌ی درخواست‌ها به مرکز تبادل ارسال شده‌اند.", "در این دوره درخواستی ثبت نشده است.",
		"باز؛ صندوق هنوز بسته نشده است", "موردی نیست.",
	} {
		if !strings.Contains(k, key(want)) {
			t.Errorf("%q not found", want)
		}
	}
}

func TestBadRange(t *testing.T) {
	good := persian.Date{Year: 1405, Month: 9, Day: 7}
	for _, d := range []Day{
		{},
		{From: good},
		{From: good, To: good.AddDays(-1)},
		{From: persian.Date{Year: 1405, Month: 13, Day: 1}, To: good},
	} {
		var buf bytes.Buffer
		if err := PDF(&buf, d); !errors.Is(err, ErrBadRange) {
			t.Errorf("%v–%v: err %v, want ErrBadRange", d.From, d.To, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%v–%v: %d bytes written", d.From, d.To, buf.Len())
		}
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	var calls, last, total int
	err := Write(new(bytes.Buffer), testDay(120, 3), Options{Progress: func(done, n int) {
		calls++
		if done != last+1 || (total != 0 && n != total) {
			t.Errorf("progress %d/%d after %d/%d", done, n, last, total)
		}
		last, total = done, n
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != total {
		t.Errorf("progress ended at %d/%d after %d calls", last, total, calls)
	}
}

// TestFontCoversShapedText: fpdf draws a character with the glyph the
// font's cmap gives its code point, so every presentation form Shape makes
// must be in Vazirmatn's cmap (both weights), or it would draw as nothing.
func TestFontCoversShapedText(t *testing.T) {
	letters := "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيپچژکگی"
	var all strings.Builder
	for _, a := range letters {
		for _, b := range letters {
			// a and b isolated, initial, medial and final, and lam–alef.
			fmt.Fprintf(&all, "%c %c%c %cب%c ل%c ", a, a, b, b, a, a)
		}
	}
	all.WriteString("۰۱۲۳۴۵۶۷۹٬٫،؛؟«»…—−\u200c\u200d\u200e\u200fABCxyz0123()[]ـ")
	shaped := persian.Shape(all.String())
	for _, data := range [][]byte{fonts.VazirmatnRegular, fonts.VazirmatnBold} {
		f, err := sfnt.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		missing := map[rune]bool{}
		for _, r := range shaped {
			if r == ' ' {
				continue
			}
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				missing[r] = true
			}
		}
		for r := range missing {
			t.Errorf("Vazirmatn has no glyph for %U %q", r, r)
		}
	}
	cov, err := fontCoverage()
	if err != nil {
		t.Fatal(err)
	}
	if !cov.has('ﻻ') || !cov.has('ﮐ') || cov.has('😀') || cov.has('\u0378') {
		t.Error("fontCoverage is wrong")
	}
}

func TestWrap(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	r.font(false, tableSize)
	text := "درخواست صدور پروانه کسب برای واحدهای صنفی تولیدی، خدماتی و توزیعی با کد 1234-ABC"
	ls := r.m.wrap(text, 30, maxLines)
	if len(ls) < 3 {
		t.Fatalf("%d lines; want the text wrapped", len(ls))
	}
	for _, l := range ls {
		if l.w > 30+1e-9 {
			t.Errorf("line %q is %.1f mm wide, the cell 30", l.vis, l.w)
		}
		// Each line is a logical run of whole words: undo the drawing
		// order and compare.
		if got := r.pdf.GetStringWidth(l.vis); got != l.w {
			t.Errorf("width %.2f recorded, %.2f measured", l.w, got)
		}
	}
	// Broken in logical order: the first line holds the first words.
	if !strings.Contains(key(ls[0].vis), key(persian.Visual(persian.Shape("درخواست صدور")))) {
		t.Errorf("first line %q does not start the text", ls[0].vis)
	}
	// A word longer than the cell breaks inside, after a hyphen if it can.
	ls = r.m.wrap("۱۲۳۴۵-۰۱-۰۵۰۹۰۷-۰۰۴۲-۶", 15, maxLines)
	// (The line ends with the hyphen, which a right-to-left line puts at
	// its left end.)
	if len(ls) < 2 || !strings.HasPrefix(ls[0].vis, "-") || !strings.HasPrefix(ls[1].vis, "-") {
		t.Errorf("tracking code in 15 mm: %+v", ls)
	}
	// Too much text is cut with an ellipsis.
	ls = r.m.wrap(strings.Repeat("بسیار طولانی ", 200), 20, 3)
	if len(ls) != 3 || !strings.Contains(ls[2].vis, "…") {
		t.Errorf("long text: %d lines, last %q", len(ls), ls[len(ls)-1].vis)
	}
	// Line breaks in the text are kept; control characters go.
	ls = r.m.wrap("الف\nب\x00\x07\r\nج\t\u202eد", 100, maxLines)
	if len(ls) != 3 || strings.ContainsAny(ls[2].vis, "\t\u202e") {
		t.Errorf("lines %+v", ls)
	}
}

// TestExample renders the example kept in docs/ and, with -update,
// rewrites docs/report-example.pdf and docs/report-example.png (page 1).
func TestExample(t *testing.T) {
	t.Parallel()
	path, data := writePDF(t, testDay(60, 1))
	if pageCount(t, path) < 3 {
		t.Fatal("example too short")
	}
	if !*update {
		return
	}
	docs := filepath.Join("..", "docs")
	if err := os.WriteFile(filepath.Join(docs, "report-example.pdf"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", path, filepath.Join(docs, "report-example"))
}

// TestCopiedTextIsLetters: text copied out of the PDF (pdftotext, as
// poppler-based viewers copy) is ordinary Persian letters, not the
// presentation forms the page is drawn with — searchable as typed — and
// the rewritten ToUnicode maps leave poppler with nothing to complain of.
func TestCopiedTextIsLetters(t *testing.T) {
	t.Parallel()
	path, pdf := writePDF(t, testDay(20, 1))
	if bytes.Contains(pdf, []byte(fpdfToUnicode)) {
		t.Fatal("fpdf's identity ToUnicode map is still in the file")
	}
	text := run(t, "pdftotext", path, "-")
	for _, r := range text {
		if (r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF) && len([]rune(norm.NFKC.String(string(r)))) == 1 {
			t.Fatalf("copied text holds the presentation form %U", r)
		}
	}
	// Words with lam-alef are copied as their letters, in order: «اختلاف»,
	// neither the ligature «اختﻼف» nor the reversed «اختالف».
	if !strings.Contains(text, "اختلاف") || strings.Contains(text, "اختالف") || strings.ContainsRune(text, 'ﻼ') {
		t.Error("a word with lam-alef is not copied as its letters")
	}
	for _, want := range []string{"جمع", "گزارش", "صفحه"} {
		if !strings.Contains(text, want) {
			t.Errorf("copied text lacks %q", want)
		}
	}
	// A PDF without fpdf's map is refused, untouched.
	if out, err := fixToUnicode([]byte("%PDF-1.4\nno map")); err == nil || string(out) != "%PDF-1.4\nno map" {
		t.Errorf("fixToUnicode on a foreign file: %v", err)
	}
}

// contents is every stream of the PDF that inflates (the page contents).
func contents(t testing.TB, pdf []byte) []byte {
	t.Helper()
	var out []byte
	for rest := pdf; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			return out
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("\nendstream"))
		if j < 0 {
			return out
		}
		if zr, err := zlib.NewReader(bytes.NewReader(rest[:j])); err == nil {
			if b, err := io.ReadAll(zr); err == nil {
				out = append(out, b...)
			}
		}
		rest = rest[j:]
	}
}

// utf16be is s as fpdf writes text for a UTF-8 font: UTF-16BE code units.
func utf16be(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

// TestCopiedLinesInOrder: pdftotext copies mixed lines in reading order —
// the date before the time, a comma after its number, brackets the right
// way round, «1234-ABC» as typed — and with the spaces where they were
// (pieces.go). Only the direction marks pdftotext and the report add are
// removed.
func TestCopiedLinesInOrder(t *testing.T) {
	t.Parallel()
	path, pdf := writePDF(t, testDay(60, 1))
	marks := strings.NewReplacer("\u200e", "", "\u200f", "", "\u202a", "", "\u202b", "", "\u202c", "")
	text := norm.NFKC.String(marks.Replace(run(t, "pdftotext", "-enc", "UTF-8", path, "-")))
	for _, want := range []string{
		"زمان چاپ: ۱۴۰۵/۰۹/۰۷ ۱۸:۴۰",
		"کد دفتر ۱۲۳۴۵، میز ۱",
		"تاریخ: شنبه ۷ آذر ۱۴۰۵",
		"بسته‌شده، ۱۸:۳۵، به دست مدیر دفتر (modir)",
		"۴۴٬۹۸۰٬۰۰۰ ریال",
		"مبلغ (ریال)",
		"پرداخت جریمه‌ی رانندگی با کد 1234-ABC",
		"صفحه ۱ از ۵",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not copy %q", want)
		}
	}
	// The bridge glyph is copied as nothing (U+0000, which poppler drops).
	if strings.ContainsRune(text, 0) || strings.ContainsRune(text, bridge) {
		t.Error("a bridge glyph is copied")
	}
	if !bytes.Contains(pdf, []byte("/BaseFont /utf8"+mirrorFamily)) {
		t.Error("no mirror font for the brackets")
	}
}
