package persian_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pishkhan/pishkhan/persian"
)

// fribidi runs the reference implementation (GNU FriBidi's command, from
// Debian's libfribidi-bin, which `make deps` installs) over lines: shaping
// and reordering in a right-to-left paragraph, marks after their letters.
// Its lam-alef ligatures leave a ZERO WIDTH NO-BREAK SPACE where the alef
// was; that filler is removed.
func fribidi(t *testing.T, lines []string) []string {
	t.Helper()
	path, err := exec.LookPath("fribidi")
	if err != nil {
		t.Fatalf("the fribidi command is needed as the reference: install libfribidi-bin (make deps does): %v", err)
	}
	cmd := exec.Command(path, "--nopad", "--nobreak", "--rtl", "--reordernsm")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fribidi: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(out), "\uFEFF", ""), "\n"), "\n")
	if len(got) != len(lines) {
		t.Fatalf("fribidi gave %d lines for %d", len(got), len(lines))
	}
	return got
}

// letters are the Persian and Arabic letters Shape knows.
var letters = []rune("ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيپچژکگی")

func corpus() []string {
	lines := []string{
		"سلام دنیا 123 ABC",
		"پیشخوان (کد ۱۲۳)",
		"لا می‌خواهم",
		"مبلغ کل: ۳٬۷۵۰٬۰۰۰ ریال",
		"کد رهگیری: 12345-01-050907-0001-5",
		"کد ملی 001****679 — زهرا احمدی",
		"تاریخ ۱۴۰۵/۰۹/۰۷ ساعت ۱۱:۰۰",
		"پرداخت با کارت (شماره مرجع 1234567890)",
		"رونوشت",
		"لأ لإ لآ الله",
		"مُحَمَّد و عَلی",
		"بـــــــه",
		"«نقل قول» و [کروشه] و {آکولاد}",
		"ایمیل a@b.com در متن، و Pishkhan v0.1.0",
		"۱۲٫۵٪ تخفیف",
		"صدور گواهینامه رانندگی پایه ۲",
		"ژ، ژاله، مژده",
		"گچ‌کاری و گ‍",
		"ک و ك و ی و ي",
		"سازمان ثبت احوال کشور - استعلام هویت",
		"درخواست 6 از 10: done",
		"(1) بند اول",
	}
	for _, l := range letters {
		s := string(l)
		for _, ctx := range []string{"%", "ب%", "%ب", "ب%ب", "ا%", "%ا", "%\u200cب", "ب\u200c%", "ب\u064e%\u064fب"} {
			lines = append(lines, strings.ReplaceAll(ctx, "%", s))
		}
	}
	return lines
}

// randomLines are seeded random lines built the way receipts and reports
// are: Persian words (with ZWNJ and the odd mark), numbers in both digit
// scripts with ٬ and ٫, Latin words and codes, balanced brackets and
// guillemets, and punctuation after words.
func randomLines(n int) []string {
	words := []string{"صدور", "گذرنامه", "پیشخوان", "می‌خواهم", "کارت", "سوخت", "رانندگی", "پلاک", "ریال", "تومان",
		"استعلام", "ثبت‌احوال", "مُحَمَّد", "لاله", "الله", "ژاله", "چاپ", "کد", "رهگیری", "مبلغ"}
	latin := []string{"ABC", "Pishkhan", "v0.1.0", "IR-12", "a@b.com", "OK", "ss-0012", "N/A"}
	number := func(rng *rand.Rand) string {
		s := strconv.Itoa(rng.IntN(10_000_000))
		switch rng.IntN(4) {
		case 0:
			return persian.FormatInt(int64(rng.IntN(10_000_000)))
		case 1:
			return persian.ToPersianDigits(s)
		case 2:
			return s + "." + strconv.Itoa(rng.IntN(100))
		}
		return s
	}
	punct := []string{":", "،", ".", "؛", "!", "؟", "%", "٪", "/", "-"}
	rng := rand.New(rand.NewPCG(1405, 9))
	var token func(depth int) string
	token = func(depth int) string {
		switch k := rng.IntN(10); {
		case k < 5:
			return words[rng.IntN(len(words))]
		case k < 7:
			return number(rng)
		case k < 8:
			return latin[rng.IntN(len(latin))]
		case depth < 2:
			inner := token(depth+1) + " " + token(depth+1)
			if rng.IntN(2) == 0 {
				return "(" + inner + ")"
			}
			return "«" + inner + "»"
		}
		return words[rng.IntN(len(words))] + punct[rng.IntN(len(punct))]
	}
	out := make([]string, n)
	for i := range out {
		parts := make([]string, 1+rng.IntN(8))
		for j := range parts {
			parts[j] = token(0)
		}
		out[i] = strings.Join(parts, " ")
	}
	return out
}

// mismatch is a line whose ForDevice differs from fribidi's.
type mismatch struct{ in, got, want string }

func (m mismatch) String() string {
	return fmt.Sprintf("ForDevice(%q)\n got %q\nwant %q", m.in, m.got, m.want)
}

// againstFribidi returns the lines on which ForDevice and fribidi differ.
func againstFribidi(t *testing.T, lines []string) []mismatch {
	t.Helper()
	want := fribidi(t, lines)
	var out []mismatch
	for i, l := range lines {
		if got := persian.ForDevice(l); got != want[i] {
			out = append(out, mismatch{l, got, want[i]})
		}
	}
	return out
}

func TestDeviceTextMatchesFribidi(t *testing.T) {
	lines := append(corpus(), randomLines(3000)...)
	bad := againstFribidi(t, lines)
	for _, m := range bad[:min(len(bad), 20)] {
		t.Error(m)
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d lines differ from fribidi", len(bad), len(lines))
	}
}

func TestShapeForms(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ب", "\uFE8F"}, {"بب", "\uFE91\uFE90"}, {"ببب", "\uFE91\uFE92\uFE90"},
		{"دب", "\uFEA9\uFE8F"},             // د joins nothing after it
		{"بد", "\uFE91\uFEAA"},             // but joins the letter before
		{"ب\u200cب", "\uFE8F\u200c\uFE8F"}, // ZWNJ breaks joining
		{"ب\u200dب", "\uFE91\u200d\uFE90"}, // ZWJ keeps it
		{"لا", "\uFEFB"}, {"بلا", "\uFE91\uFEFC"},
		{"پ", "\uFB56"}, {"چچ", "\uFB7C\uFB7B"}, {"کگ", "\uFB90\uFB93"}, {"ی", "\uFBFC"}, {"یی", "\uFBFE\uFBFD"},
		{"abc 123", "abc 123"},
	} {
		if got := persian.Shape(c.in); got != c.want {
			t.Errorf("Shape(%q) = %U, want %U", c.in, []rune(got), []rune(c.want))
		}
	}
}

// sortedRunes is s's runes sorted, with brackets folded, for comparing a
// text with its reordering.
func sortedRunes(s string) []rune {
	rs := []rune(strings.NewReplacer(")", "(", "]", "[", "}", "{", ">", "<", "»", "«", "›", "‹").Replace(s))
	slices.Sort(rs)
	return rs
}

func FuzzVisual(f *testing.F) {
	for _, l := range corpus()[:22] {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
			return // one line without explicit embeddings: what callers pass
		}
		v := persian.Visual(s)
		if !slices.Equal(sortedRunes(v), sortedRunes(s)) {
			t.Fatalf("Visual(%q) = %q is not a reordering of it", s, v)
		}
		sh := persian.Shape(s)
		if persian.Shape(sh) != sh {
			t.Fatalf("Shape is not idempotent on %q", s)
		}
		if utf8.RuneCountInString(sh) > utf8.RuneCountInString(s) {
			t.Fatalf("Shape(%q) added runes", s)
		}
		if !bytes.ContainsRune([]byte(s), 'ل') && utf8.RuneCountInString(sh) != utf8.RuneCountInString(s) {
			t.Fatalf("Shape(%q) lost runes without a lam-alef", s)
		}
	})
}
