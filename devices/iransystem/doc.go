// Package iransystem encodes text for the Iran System code page, the
// Persian DOS character set that thermal printers sold in Iran offer
// through ESC t n, and decodes it back for the printer simulator.
//
// Iran System is a visual-order, contextual-form encoding. Bytes 0x00–0x7F
// are ASCII. 0x80–0xFF hold the Persian digits, three punctuation marks,
// the letters — most in two bytes (final-isolated, initial-medial), alef in
// two (isolated, final), heh and yeh in three, ain and ghain in four, and
// tah, zah, hamza, alef with madda, yeh with hamza and the other
// right-joining letters in one — the lam-alef ligature, the box-drawing
// characters of code page 437 at 0xB0–0xDF and the no-break space at 0xFF.
// The printer draws each byte as one glyph, left to right, so the host must
// pick each letter's form and put the line in visual order before mapping
// it: persian.Shape does the first (to Unicode's Arabic presentation forms)
// and persian.Visual the second, and FromLogical does both and then Encode.
//
// # Forms and canonical text
//
// Where Iran System has fewer forms of a letter than Unicode, Encode maps
// all of them to the one byte: e.g. beh isolated ﺏ and final ﺐ are both
// 0x92, and the lam-alef ligature isolated ﻻ and final ﻼ are both 0xF2.
// Decode returns one canonical form for each byte — the isolated form for
// the final-isolated bytes, the initial form for the initial-medial ones —
// so Decode(Encode(s)) is Canonical(s), not always s. Canonical also
// applies the folds Encode makes (Arabic kaf, yeh and alef maksura to the
// Persian letters, Arabic-Indic digits to Persian digits, ٬ to ',', ٫ to
// '/', − to '-') and leaves out the zero-width formatting characters (ZWNJ,
// ZWJ and the bidi marks), which have done their work once text is shaped
// and ordered and which Encode omits.
//
// # What is refused
//
// Encode accepts printable ASCII, the table's characters and forms, the
// folds and the zero-width formatting characters, and nothing else: it
// returns an *UnmappedError naming the first other rune and its position.
// That includes control characters (so text can never carry printer
// commands), unshaped Arabic-script letters (hamza, which has a single
// form, excepted), letters Iran System lacks (أ إ ؤ ة and the lam-alef
// ligatures with madda or hamza), and marks such as harakat. EncodeLossy
// never fails: it substitutes the nearest letter or '?' instead.
//
// docs/iran-system.md has the table, its sources, where they disagree and
// the ESC t numbers printers use for the code page.
package iransystem
