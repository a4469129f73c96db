package rtl

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	"github.com/go-text/typesetting/unicodedata"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/bidi"

	"github.com/pishkhan/pishkhan/fonts"
	"github.com/pishkhan/pishkhan/persian"
)

// corpus is the kind of line a counter office shows.
var corpus = []string{
	"کد ملی ۰۰۱۲۳۴۵۶۷۹ برای Ali ثبت شد.",
	"درخواست ثبت شد",
	"شماره ۱۲۳ در صف",
	"شماره 123 در صف",
	"مبلغ ۱٬۲۵۰٬۰۰۰ ریال",
	"مبلغ 1,250,000 ریال",
	"تاریخ ۱۴۰۵/۰۹/۰۷ ثبت شد",
	"تاریخ 1405/09/07 ثبت شد",
	"کد رهگیری 12345-01-050907-0001-5",
	"کد رهگیری ۱۲۳۴۵-۰۱-۰۵۰۹۰۷-۰۰۰۱-۵ صادر شد.",
	"پرونده (شماره ۱۲) بسته شد",
	"پرونده (Ali Rezaei) بسته شد",
	"نام «علی رضایی» ثبت شد.",
	"گفت «Hello world» و رفت",
	"این درخواست پذیرفته می‌شود.",
	"نام خانوادگی:",
	"۱۲ نفر در صف",
	"12 نفر در صف هستند.",
	"۳ درخواست، ۲ پرداخت",
	"خطا: connection refused (code 7)",
	"سرور exchange.example.ir پاسخ نداد!",
	"نسخه v2.7.1 نصب شد",
	"تلفن 0912-345-6789",
	"٪۵۰ تخفیف",
	"۵۰% تخفیف",
	"مبلغ: ۱۲٬۰۰۰ تومان (بدون مالیات)",
	"خط اول\nخط دوم ۱۲\nline three",
}

var alphabet = []rune("ابپتسشکگلمنوهیآدر ۰۱۲۳۴۵۶ 0123456789 abcXYZ .,:;-/()[]«»٬٫%\u200c\u064e\u0651")

func randomLines(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 9))
	lines := make([]string, n)
	for i := range lines {
		rs := make([]rune, 1+rng.IntN(40))
		for j := range rs {
			rs[j] = alphabet[rng.IntN(len(alphabet))]
		}
		lines[i] = string(rs)
	}
	return lines
}

// testMirrors is the mirroring of persian.Visual (rule L4).
var testMirrors = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹',
}

// reverseRTL reverses a right-to-left run as a shaper draws it: clusters
// reversed (a mark stays after its letter, also across a joiner before a
// mark), brackets mirrored.
func reverseRTL(s string, mirror func(rune) rune) string {
	rs := []rune(s)
	var out []rune
	end := len(rs)
	for end > 0 {
		start := end - 1
		for start > 0 {
			r := rs[start]
			if unicode.Is(unicode.Mn, r) || (persian.BidiClass(r) == bidi.BN && start+1 < end && unicode.Is(unicode.Mn, rs[start+1])) {
				start--
				continue
			}
			break
		}
		for _, r := range rs[start:end] {
			out = append(out, mirror(r))
		}
		end = start
	}
	return string(out)
}

func mirrorL4(r rune) rune {
	if m, ok := testMirrors[r]; ok {
		return m
	}
	return r
}

// visualFromRuns is the on-screen order Runs describes, one string per line.
func visualFromRuns(s string) string {
	var b strings.Builder
	line := 0
	for _, r := range Runs(s) {
		for ; line < r.Line; line++ {
			b.WriteByte('\n')
		}
		if r.RTL {
			b.WriteString(reverseRTL(s[r.Start:r.End], mirrorL4))
		} else {
			b.WriteString(s[r.Start:r.End])
		}
	}
	for ; line < strings.Count(s, "\n"); line++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// TestLevelsAgreeWithPersianVisual: ordering by Runs gives exactly what
// persian.Visual (the tested UAX #9, compared with fribidi) gives.
func TestLevelsAgreeWithPersianVisual(t *testing.T) {
	lines := append(append([]string{}, corpus...), randomLines(5000, 7)...)
	bad := 0
	for _, s := range lines {
		if !hasRTL(s) {
			continue
		}
		var want []string
		for _, l := range strings.Split(s, "\n") {
			if hasRTL(l) {
				want = append(want, persian.Visual(l))
			} else {
				want = append(want, l)
			}
		}
		if got := visualFromRuns(s); got != strings.Join(want, "\n") {
			bad++
			if bad < 10 {
				t.Errorf("%q: runs give %q, persian.Visual %q", s, got, strings.Join(want, "\n"))
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d lines differ", bad)
	}
}

func runTexts(s string) []string {
	var out []string
	for _, r := range Runs(s) {
		d := "L"
		if r.RTL {
			d = "R"
		}
		out = append(out, fmt.Sprintf("%s%d:%s", d, r.Line, s[r.Start:r.End]))
	}
	return out
}

// TestRunsByHand checks Runs against orderings worked out by hand from UAX #9.
func TestRunsByHand(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"کد ملی ۰۰۱۲۳۴۵۶۷۹ برای Ali ثبت شد.", []string{"R0: ثبت شد.", "L0:Ali", "R0: برای ", "L0:۰۰۱۲۳۴۵۶۷۹", "R0:کد ملی "}},
		{"درخواست ثبت شد", []string{"R0:درخواست ثبت شد"}},
		{"مبلغ ۱٬۲۵۰٬۰۰۰ ریال", []string{"R0: ریال", "L0:۱٬۲۵۰٬۰۰۰", "R0:مبلغ "}},
		{"تاریخ ۱۴۰۵/۰۹/۰۷ ثبت شد", []string{"R0: ثبت شد", "L0:۱۴۰۵/۰۹/۰۷", "R0:تاریخ "}},
		// After Persian letters the code's digits are Arabic numbers (W2),
		// so each hyphen is right to left (N1): the groups come out reversed.
		{"کد 12-01", []string{"L0:01", "R0:-", "L0:12", "R0:کد "}},
		{"پرونده (Ali Rezaei) بسته شد", []string{"R0:) بسته شد", "L0:Ali Rezaei", "R0:پرونده ("}},
		{"12 نفر", []string{"R0: نفر", "L0:12"}},
		{"نام:", []string{"R0:نام:"}},
		{"Hello world.", []string{"L0:Hello world."}},
		{"۱۲۳۴", []string{"L0:۱۲۳۴"}},
		{"کد " + LTR("12-01") + ".", []string{"R0:.", "L0:\u200e12-01\u200e", "R0:کد "}},
		{"الف\nب 1", []string{"R0:الف", "L1:1", "R1:ب "}},
	} {
		if got := runTexts(c.in); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Runs(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestTextUnchangedWithoutRTL(t *testing.T) {
	for _, s := range []string{"", "Hello world.", "۱۲۳۴", "1,250,000", "12345-01-050907-0001-5", "(a) b", "line1\nline2"} {
		if got := Text(s); got != s {
			t.Errorf("Text(%q) = %q, want it unchanged", s, got)
		}
	}
}

type oneFace struct{ f *font.Face }

func (o oneFace) ResolveFace(rune) *font.Face { return o.f }

func vazirFace(t testing.TB) *font.Face {
	f, err := font.ParseTTF(bytes.NewReader(fonts.VazirmatnRegular))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fyneOrder draws one line the way Fyne 2.7.1's painter does
// (internal/painter/font.go walkString): go-text's Segmenter splits the
// string with Direction LTR, the runs are placed from left to right in the
// order the segmenter returns them, and HarfBuzz lays a right-to-left run
// out reversed, mirroring its brackets. The result is the characters from
// left to right, without the zero-width marks.
func fyneOrder(face *font.Face, s string) (string, []shaping.Input) {
	rs := []rune(s)
	in := shaping.Input{Text: rs, RunEnd: len(rs), Direction: di.DirectionLTR, Face: face, Size: fixed.I(16)}
	var seg shaping.Segmenter
	var b strings.Builder
	ins := seg.Split(in, oneFace{face})
	for _, r := range ins {
		part := string(rs[r.RunStart:r.RunEnd])
		if r.Direction.Progression() == di.TowardTopLeft {
			part = reverseRTL(part, func(r rune) rune {
				if m, ok := unicodedata.LookupMirrorChar(r); ok {
					return m
				}
				return r
			})
		}
		b.WriteString(part)
	}
	return strings.NewReplacer(string(LRM), "", string(RLM), "", string(LRO), "", string(RLO), "", string(PDF), "").Replace(b.String()), ins
}

// TestFyneSegmentsTextAsIntended runs Text's result through go-text's
// segmenter exactly as Fyne does and checks that what lands on screen is
// persian.Visual's order.
func TestFyneSegmentsTextAsIntended(t *testing.T) {
	face := vazirFace(t)
	lines := append(append([]string{}, corpus...), randomLines(5000, 11)...)
	bad := 0
	for _, s := range lines {
		for _, l := range strings.Split(s, "\n") { // Fyne draws each line on its own
			want := l
			if hasRTL(l) {
				want = persian.Visual(l)
			}
			got, _ := fyneOrder(face, Text(l))
			if got != want {
				bad++
				if bad < 10 {
					t.Errorf("%q: Fyne would draw %q, want %q (Text gave %q)", l, got, want, Text(l))
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d lines differ", bad)
	}
}

// TestFyneAloneMisordersMixedLines documents the problem this package
// solves: given the logical string, Fyne's order is not UAX #9's.
func TestFyneAloneMisordersMixedLines(t *testing.T) {
	face := vazirFace(t)
	s := "کد ملی ۰۰۱۲۳۴۵۶۷۹ برای Ali ثبت شد."
	got, ins := fyneOrder(face, s)
	if got == persian.Visual(s) {
		t.Fatalf("Fyne's own order of %q is already right; this layer may no longer be needed", s)
	}
	// The segmenter returns the runs in logical order and Fyne draws them so.
	prev := -1
	for _, in := range ins {
		if in.RunStart < prev {
			t.Fatalf("segments not in logical order: %+v", ins)
		}
		prev = in.RunStart
	}
	// A fully visual string (persian.Visual) is reversed again by Fyne.
	v := persian.Visual(s)
	if got, _ := fyneOrder(face, v); got == v {
		t.Errorf("Fyne draws the visual-order string as given; expected it to reverse the Persian runs again")
	}
}
