package persian

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"pgregory.net/rapid"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii already normal", "hello world", "hello world"},
		{"latin lower-cased", "Hello WORLD", "hello world"},
		{"arabic yeh", "علي", "علی"},
		{"alef maksura", "موسى", "موسی"},
		{"arabic kaf", "كتاب", "کتاب"},
		{"teh marbuta", "مدرسة", "مدرسه"},
		{"heh with yeh above", "خانۀ", "خانه"},
		{"heh plus hamza mark", "خانهٔ", "خانه"},
		{"alef madda", "آب", "اب"},
		{"alef hamza above", "أحمد", "احمد"},
		{"alef hamza below", "إسلام", "اسلام"},
		{"alef wasla", "ٱلله", "الله"},
		{"decomposed alef madda", "ا\u0653ب", "اب"},
		{"waw hamza", "مؤسسه", "موسسه"},
		{"yeh hamza", "مسئول", "مسیول"},
		{"harakat", "مُحَمَّد", "محمد"},
		{"tanvin", "فوراً", "فورا"},
		{"superscript alef", "رحمٰن", "رحمن"},
		{"tatweel", "سلـــام", "سلام"},
		{"zwnj as space", "می\u200cروم", "می روم"},
		{"zwj as space", "a\u200db", "a b"},
		{"nbsp", "a\u00a0b", "a b"},
		{"whitespace runs", " \t a \n\n b\r\n", "a b"},
		{"zwnj next to spaces", "a \u200c b\u200c", "a b"},
		{"persian digits", "۱۴۰۵/۰۹/۰۷", "1405/09/07"},
		{"arabic digits", "٤٥٦", "456"},
		{"bidi marks dropped", "\u200e12\u200f\u061c", "12"},
		{"bom dropped", "\ufeffabc", "abc"},
		{"control dropped", "a\x00b", "ab"},
		{"presentation forms", "\ufedb\ufe98\ufe8e\ufe8f", "کتاب"}, // ﻛﺘﺎﺏ with Arabic kaf
		{"lam alef ligature", "\ufefb", "لا"},
		{"fullwidth latin", "ＡＢＣ１２", "abc12"},
		{"mixed", "  شمارهٔ   ملّی: ۰۰۱۲۳۴۵۶۷۸  ", "شماره ملی: 0012345678"},
		{"same key for variants", "كيك", "کیک"},
		{"invalid utf8", "a\xffb", "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q (%+q), want %q", tt.in, got, got, tt.want)
			}
		})
	}
}

func TestNormalizeEquivalences(t *testing.T) {
	groups := [][]string{
		{"علی", "علي", "علــی", "عَلی"},
		{"آقای کریمی", "اقاي كريمي", "  آقای\u200cکریمی ", "آقای  کریمی"},
		{"خانه", "خانة", "خانۀ", "خانهٔ"},
		{"1405", "۱۴۰۵", "١٤٠٥"},
	}
	for _, g := range groups {
		want := Normalize(g[0])
		for _, s := range g[1:] {
			if got := Normalize(s); got != want {
				t.Errorf("Normalize(%q) = %q, want %q (same as %q)", s, got, want, g[0])
			}
		}
	}
}

// checkNormalized verifies the invariants of a Normalize result.
func checkNormalized(t interface {
	Helper()
	Fatalf(string, ...any)
}, in, out string) {
	t.Helper()
	if again := Normalize(out); again != out {
		t.Fatalf("Normalize not idempotent: Normalize(%q) = %q, Normalize of that = %q", in, out, again)
	}
	if !utf8.ValidString(out) {
		t.Fatalf("Normalize(%q) = %q is not valid UTF-8", in, out)
	}
	if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
		t.Fatalf("Normalize(%q) = %q has stray spaces", in, out)
	}
	for _, r := range out {
		switch {
		case r == ' ':
		case unicode.IsSpace(r), r == zwnj, r == zwj, r == tatweel:
			t.Fatalf("Normalize(%q) = %q contains %U", in, out, r)
		case strings.ContainsRune("يىكةأإٱآؤ", r):
			t.Fatalf("Normalize(%q) = %q contains unfolded letter %q", in, out, r)
		case isPersianDigit(r), isArabicDigit(r):
			t.Fatalf("Normalize(%q) = %q contains non-ASCII digit %q", in, out, r)
		case r >= 0x064B && r <= 0x065F, r == 0x0670:
			t.Fatalf("Normalize(%q) = %q contains harakat %U", in, out, r)
		case unicode.IsUpper(r) && unicode.ToLower(r) != r:
			t.Fatalf("Normalize(%q) = %q contains upper-case %q", in, out, r)
		}
	}
	if !norm.NFKC.IsNormalString(out) {
		t.Fatalf("Normalize(%q) = %q is not NFKC", in, out)
	}
}

// persianish draws strings rich in the characters Normalize cares about.
var persianish = rapid.StringOf(rapid.OneOf(
	rapid.SampledFrom([]rune("يىكةۀهٔأإٱآاؤئیکـ\u200c\u200d\u00a0\u200e\u200f \t\n۰۹٠٩09AZaz\u064b\u0650\u0651\u0653\u0654\u0670\ufefb\ufedbİẞΣ\u0301")),
	rapid.RuneFrom(nil, unicode.Arabic, unicode.Latin, unicode.Mn, unicode.Zs, unicode.Cf),
	rapid.Rune(),
))

func TestNormalizeIdempotentProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := persianish.Draw(t, "s")
		checkNormalized(t, s, Normalize(s))
	})
}

// plainPersian draws strings mostly from the characters for which Normalize
// skips NFKC, with a few that force the NFKC path.
var plainPersian = rapid.StringOf(rapid.SampledFrom([]rune(
	"ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكىءـ\u064b\u064c\u064e\u064f\u0650\u0651\u0652" +
		"۰۱۹٠٩ aZ09\t\u200c.,،؛؟٫٬\u0653\u0654\u0301\ufefb")))

// TestNormalizeFastPathProperty checks that skipping NFKC never changes the
// result.
func TestNormalizeFastPathProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := plainPersian.Draw(t, "s")
		if got, want := Normalize(s), normalizeNFKC(s); got != want {
			t.Fatalf("Normalize(%q) = %q, but with NFKC %q", s, got, want)
		}
	})
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF || needsNFKC(string(r)) {
			continue
		}
		for _, s := range []string{string(r), "ا" + string(r) + "\u0651\u064e", "e\u064b" + string(r)} {
			if got, want := Normalize(s), normalizeNFKC(s); got != want {
				t.Fatalf("Normalize(%q) = %q, but with NFKC %q", s, got, want)
			}
		}
	}
}

func TestNormalizeAllRunesIdempotent(t *testing.T) {
	// Every code point outside the big CJK, Hangul and private-use blocks,
	// alone and between a base letter and a combining mark, must normalise
	// to a fixed point.
	ranges := [][2]rune{{0, 0x2FFF}, {0xA000, 0xABFF}, {0xF900, 0xFFFF}, {0x10000, 0x1FFFF}}
	if testing.Short() {
		ranges = [][2]rune{{0, 0x2FFF}, {0xFB00, 0xFFFF}}
	}
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			s := string(r)
			checkNormalized(t, s, Normalize(s))
			s = "e" + s + "\u0301ا"
			checkNormalized(t, s, Normalize(s))
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", "Hello", "علي كريمي", "می\u200cروم", "  ۱۲۳  ", "آب", "مُحَمَّد",
		"\ufefb", "e\u0640\u0301", "a\xffb", "ＡＢＣ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Normalize(s)
		checkNormalized(t, s, out)
		if slow := normalizeNFKC(s); slow != out {
			t.Fatalf("Normalize(%q) = %q, but with NFKC %q", s, out, slow)
		}
	})
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain", "سلام", "سلام"},
		{"arabic yeh and kaf", "علي كريمي", "علی کریمی"},
		{"alef maksura kept", "موسى", "موسى"},
		{"alef madda kept", "آب", "آب"},
		{"diacritics kept", "مُحَمَّد", "مُحَمَّد"},
		{"zwnj kept", "می\u200cروم", "می\u200cروم"},
		{"zwnj run collapsed", "می\u200c\u200c\u200cروم", "می\u200cروم"},
		{"zwnj next to space dropped", "می \u200cروم\u200c ها", "می روم ها"},
		{"zwnj at ends dropped", "\u200cکتاب\u200c", "کتاب"},
		{"tatweel", "سلـــام", "سلام"},
		{"tatweel between zwnj", "می\u200cـ\u200cروم", "می\u200cروم"},
		{"whitespace", "  a \t\n b\u00a0\u00a0c  ", "a b c"},
		{"arabic digits to persian", "٤٥٦", "۴۵۶"},
		{"persian and ascii digits kept", "۱۲ 34", "۱۲ 34"},
		{"control char dropped", "a\x00b\x7f", "ab"},
		{"bidi mark kept", "a\u200eb", "a\u200eb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeText(tt.in); got != tt.want {
				t.Errorf("NormalizeText(%q) = %q (%+q), want %q", tt.in, got, got, tt.want)
			}
		})
	}
}

func checkNormalizedText(t interface {
	Helper()
	Fatalf(string, ...any)
}, in, out string) {
	t.Helper()
	if again := NormalizeText(out); again != out {
		t.Fatalf("NormalizeText not idempotent: %q -> %q -> %q", in, out, again)
	}
	if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
		t.Fatalf("NormalizeText(%q) = %q has stray spaces", in, out)
	}
	if strings.ContainsAny(out, "يكـ\t\n") {
		t.Fatalf("NormalizeText(%q) = %q has characters it should replace", in, out)
	}
	// Apart from the replaced characters, no letters or marks are lost.
	keep := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r == 'ي':
				return 'ی'
			case r == 'ك':
				return 'ک'
			case isArabicDigit(r):
				return persianZero + r - arabicZero
			case r == tatweel || r == zwnj || unicode.IsSpace(r) || unicode.Is(unicode.Cc, r):
				return -1
			}
			return r
		}, s)
	}
	if keep(in) != keep(out) {
		t.Fatalf("NormalizeText(%q) = %q lost or changed content", in, out)
	}
}

func TestNormalizeTextProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := persianish.Draw(t, "s")
		checkNormalizedText(t, s, NormalizeText(s))
	})
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"", "علي", "می\u200c\u200cروم", " \u200c a", "٤ـ٥", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkNormalizedText(t, s, NormalizeText(s))
	})
}

var benchInputs = map[string]string{
	"ascii-normal": "shomare melli 0012345678",
	"ascii-upper":  "Ali Karimi, Tehran Office 12",
	"persian":      "  آقاي علي كريمي‌زاده، شمارهٔ ملّی: ۰۰۱۲۳۴۵۶۷۸ — خيابان انقلاب، پلاک ۱۲  ",
	"persian-long": strings.Repeat("درخواست صدور گذرنامهٔ جديد برای متقاضی ", 20),
}

func BenchmarkNormalize(b *testing.B) {
	for name, in := range benchInputs {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				_ = Normalize(in)
			}
		})
	}
}

func BenchmarkNormalizeText(b *testing.B) {
	in := benchInputs["persian"]
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		_ = NormalizeText(in)
	}
}
