package persian

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Characters that the normalisers treat specially.
const (
	zwnj    = '\u200C' // ZERO WIDTH NON-JOINER (نیم‌فاصله)
	zwj     = '\u200D' // ZERO WIDTH JOINER
	zwsp    = '\u200B' // ZERO WIDTH SPACE
	tatweel = '\u0640' // ـ ARABIC TATWEEL (kashida)

	persianYeh = '\u06CC' // ی
	persianKaf = '\u06A9' // ک
	heh        = '\u0647' // ه
	alef       = '\u0627' // ا
	waw        = '\u0648' // و
)

// dropRune is returned by fold for runes that Normalize deletes.
const dropRune = -1

// Normalize returns the search/comparison key for s. Two strings that a
// Persian reader would consider the same word should have equal keys. It is
// lossy and meant for indexes, lookups and de-duplication, not for display.
//
// Steps, in order:
//
//  1. Unicode NFKC, which among other things turns Arabic presentation forms
//     (common in text copied from PDFs), full-width Latin letters and digits,
//     and ligatures into ordinary characters.
//  2. Arabic yeh ي (U+064A), alef maksura ى (U+0649) and yeh with hamza ئ
//     become Persian yeh ی (U+06CC); Arabic kaf ك (U+0643) and swash kaf ڪ
//     become Persian kaf ک (U+06A9).
//  3. Teh marbuta ة, heh with yeh above ۀ, ae ە, heh goal ہ ۂ and heh
//     doachashmee ھ become heh ه.
//  4. All alef variants — آ (madda), أ إ (hamza), ٱ (wasla), ٲ ٳ — become
//     plain alef ا, so "آب" and "اب" share a key; waw with hamza ؤ becomes
//     و. These agree with what dropping the combining hamza/madda from the
//     canonical decompositions gives.
//  5. Arabic combining marks (harakat U+064B–U+065F, superscript alef
//     U+0670, Quranic annotation marks) and tatweel ـ are deleted, as are
//     invisible format characters (bidi marks, BOM, soft hyphen) and control
//     characters other than white space.
//  6. ZWNJ, ZWJ, ZERO WIDTH SPACE, NBSP and every other Unicode white space
//     character count as space; each run of space becomes one ASCII space,
//     and leading and trailing space is removed. Hence "می‌روم" and
//     "می روم" share a key.
//  7. Persian and Arabic-Indic digits become ASCII digits.
//  8. Letters are lower-cased (unicode.ToLower), which affects Latin and
//     other cased scripts only.
//
// Normalize is idempotent: Normalize(Normalize(s)) == Normalize(s). Invalid
// UTF-8 bytes become U+FFFD.
func Normalize(s string) string {
	// Fast path for the very common case of short ASCII keys that are
	// already normalised (lower-case, single-spaced, trimmed).
	if isNormalASCII(s) {
		return s
	}
	if !needsNFKC(s) {
		return foldPass(s)
	}
	return normalizeNFKC(s)
}

// normalizeNFKC is Normalize without the fast paths.
func normalizeNFKC(s string) string {
	// One pass is enough for almost every input, but deleting a character
	// can leave a combining mark next to a new base character, which NFKC
	// would then compose. Repeat until the result is NFKC-stable so that
	// Normalize is idempotent. In practice the loop ends after one or two
	// passes; the bound only guards against pathological input.
	for range 8 {
		s = foldPass(norm.NFKC.String(s))
		if norm.NFKC.IsNormalString(s) {
			break
		}
	}
	return s
}

// isNormalASCII reports whether s is pure ASCII and already a fixed point of
// Normalize.
func isNormalASCII(s string) bool {
	prevSpace := true // forbids a leading space
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, c >= 'A' && c <= 'Z', c < ' ', c == 0x7F:
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		default:
			prevSpace = false
		}
	}
	return len(s) == 0 || s[len(s)-1] != ' '
}

// needsNFKC reports whether s contains a rune outside the set for which
// NFKC is known to make no difference to the result of foldPass: ASCII,
// the basic Arabic and Persian letters, harakat (which may be reordered by
// NFKC but are deleted anyway), tatweel, Arabic-Indic and Persian digits,
// Arabic punctuation and ZWNJ. None of these has a compatibility decomposition or composes with
// another, and foldPass maps them into the same set.
func needsNFKC(s string) bool {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf,
			r >= 0x0621 && r <= 0x063A, // ء … غ
			r >= 0x0640 && r <= 0x0652, // tatweel, ف … ي, harakat up to sukun
			isArabicDigit(r), isPersianDigit(r),
			r == '\u067E', r == '\u0686', r == '\u0698', // پ چ ژ
			r == persianKaf, r == '\u06AF', r == persianYeh, // ک گ ی
			r == '\u060C', r == '\u061B', r == '\u061F', // ، ؛ ؟
			r == DecimalSeparator, r == ThousandsSeparator,
			r == zwnj:
		default:
			return true
		}
	}
	return false
}

// foldPass applies steps 2–8 of Normalize to s, which must already be NFKC.
func foldPass(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		r = fold(r)
		switch r {
		case dropRune:
			continue
		case ' ':
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// arabicBlock is the Arabic Unicode block U+0600–U+06FF, where most of the
// text Normalize sees lives; fold looks these runes up in arabicFold.
const (
	arabicBlockStart = 0x0600
	arabicBlockEnd   = 0x06FF
)

// arabicFold[r-arabicBlockStart] is fold(r) for the Arabic block,
// precomputed by foldSlow.
var arabicFold = func() (t [arabicBlockEnd - arabicBlockStart + 1]rune) {
	for i := range t {
		t[i] = foldSlow(rune(arabicBlockStart + i))
	}
	return t
}()

// fold maps one rune for Normalize: it returns dropRune to delete r and ' '
// for anything that counts as space.
func fold(r rune) rune {
	if r < utf8.RuneSelf {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		case r == ' ', r >= '\t' && r <= '\r':
			return ' '
		case r < ' ', r == 0x7F:
			return dropRune
		}
		return r
	}
	if r >= arabicBlockStart && r <= arabicBlockEnd {
		return arabicFold[r-arabicBlockStart]
	}
	return foldSlow(r)
}

// foldSlow is fold without the fast paths.
func foldSlow(r rune) rune {
	switch {
	case isPersianDigit(r):
		return '0' + r - persianZero
	case isArabicDigit(r):
		return '0' + r - arabicZero
	}
	switch r {
	case '\u064A', '\u0649', '\u0626': // ي ى ئ
		return persianYeh
	case '\u0643', '\u06AA': // ك ڪ
		return persianKaf
	case '\u0629', '\u06C0', '\u06D5', '\u06C1', '\u06C2', '\u06BE': // ة ۀ ە ہ ۂ ھ
		return heh
	case '\u0622', '\u0623', '\u0625', '\u0671', '\u0672', '\u0673': // آ أ إ ٱ ٲ ٳ
		return alef
	case '\u0624': // ؤ
		return waw
	case tatweel:
		return dropRune
	case zwnj, zwj, zwsp:
		return ' '
	}
	switch {
	case unicode.IsSpace(r):
		return ' '
	case isArabicMark(r):
		return dropRune
	case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Cc, r):
		return dropRune
	}
	return unicode.ToLower(r)
}

// isArabicMark reports whether r is a non-spacing mark in one of the Arabic
// blocks: harakat, superscript alef, Quranic annotation signs and the like.
func isArabicMark(r rune) bool {
	inArabic := (r >= 0x0600 && r <= 0x06FF) || (r >= 0x0750 && r <= 0x077F) ||
		(r >= 0x0870 && r <= 0x08FF) || (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF)
	return inArabic && unicode.Is(unicode.Mn, r)
}

// NormalizeText cleans up display text typed by users before it is stored,
// without changing how it reads. Unlike [Normalize] it keeps ZWNJ
// (نیم‌فاصله), diacritics, alef variants and the original digit script.
//
//   - Arabic yeh ي (U+064A) becomes Persian yeh ی (U+06CC) and Arabic kaf ك
//     (U+0643) becomes Persian kaf ک (U+06A9) — the usual artefact of an
//     Arabic keyboard layout. Alef maksura ى is kept (Arabic names).
//   - Arabic-Indic digits ٠–٩ become the Persian digits ۰–۹, which look
//     different for 4, 5 and 6. ASCII digits are kept.
//   - Tatweel ـ and control characters other than white space are deleted.
//   - Every run of white space (including NBSP and newlines) becomes one
//     ASCII space, and the result is trimmed; the function is meant for
//     single-line fields such as names, titles and addresses.
//   - A run of ZWNJs becomes one, and a ZWNJ at either end or next to a space
//     (where it has no effect) is deleted.
//
// NormalizeText is idempotent. Invalid UTF-8 bytes become U+FFFD.
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace, pendingZWNJ := false, false
	for _, r := range s {
		switch {
		case r > ' ' && r < 0x7F:
			// Fast path: printable ASCII is kept.
		case r >= arabicBlockStart && r <= arabicBlockEnd &&
			r != '\u064A' && r != '\u0643' && r != tatweel && !isArabicDigit(r):
			// Fast path: the rest of the Arabic block (no spaces or
			// controls there) is kept.
		case r == '\u064A':
			r = persianYeh
		case r == '\u0643':
			r = persianKaf
		case isArabicDigit(r):
			r = persianZero + r - arabicZero
		case r == tatweel:
			continue
		case r == zwnj:
			// A ZWNJ after a space, or at the start, does nothing.
			pendingZWNJ = !pendingSpace && b.Len() > 0
			continue
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
			pendingZWNJ = false // a ZWNJ before a space does nothing
			continue
		case unicode.Is(unicode.Cc, r):
			continue
		}
		switch {
		case pendingSpace:
			b.WriteByte(' ')
		case pendingZWNJ:
			b.WriteRune(zwnj)
		}
		pendingSpace, pendingZWNJ = false, false
		b.WriteRune(r)
	}
	return b.String()
}
