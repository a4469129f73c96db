package iransystem

// The Iran System table, written from Roozbeh Pournader's "IRAN SYSTEM to
// Unicode" table version 1.0 of 21 January 2000 (Mark Leisher's copy,
// IRANSYSTEM.TXT) and checked byte by byte against the Wikipedia table and
// several independent converters; docs/iran-system.md lists the sources and
// where they disagree.
//
// Pournader maps each letter byte to the base letter plus ZWJ/ZWNJ to
// say how it joins; here each byte is the Unicode presentation form that
// persian.Shape produces for that joining, which is the same information.
// A byte whose letter has fewer forms in Iran System than in Unicode stands
// for several forms: canonical is the one Decode returns (the isolated form
// for "final-isolated" bytes, the initial form for "initial-medial" ones, as
// in the Wikipedia table), shared lists the others, which Encode maps to the
// same byte.

// cell is one byte of the upper half.
type cell struct {
	canonical rune   // what Decode returns
	shared    string // other runes Encode maps to this byte: forms without a byte of their own
	name      string // the character and, for letters, the forms the byte draws
}

// upper is the table for 0x80–0xFF, indexed by the byte; 0x00–0x7F is ASCII.
var upper = [256]cell{
	0x80: {'\u06F0', "", "EXTENDED ARABIC-INDIC DIGIT ZERO"},
	0x81: {'\u06F1', "", "EXTENDED ARABIC-INDIC DIGIT ONE"},
	0x82: {'\u06F2', "", "EXTENDED ARABIC-INDIC DIGIT TWO"},
	0x83: {'\u06F3', "", "EXTENDED ARABIC-INDIC DIGIT THREE"},
	0x84: {'\u06F4', "", "EXTENDED ARABIC-INDIC DIGIT FOUR"},
	0x85: {'\u06F5', "", "EXTENDED ARABIC-INDIC DIGIT FIVE"},
	0x86: {'\u06F6', "", "EXTENDED ARABIC-INDIC DIGIT SIX"},
	0x87: {'\u06F7', "", "EXTENDED ARABIC-INDIC DIGIT SEVEN"},
	0x88: {'\u06F8', "", "EXTENDED ARABIC-INDIC DIGIT EIGHT"},
	0x89: {'\u06F9', "", "EXTENDED ARABIC-INDIC DIGIT NINE"},
	0x8A: {'\u060C', "", "ARABIC COMMA"},
	0x8B: {'\u0640', "", "ARABIC TATWEEL"},
	0x8C: {'\u061F', "", "ARABIC QUESTION MARK"},
	0x8D: {'\uFE81', "\uFE82", "ALEF WITH MADDA ABOVE, isolated (and final)"},
	0x8E: {'\uFE8B', "\uFE8C\uFE89\uFE8A", "YEH WITH HAMZA ABOVE, initial-medial (and isolated, final)"},
	0x8F: {'\uFE80', "\u0621", "HAMZA"},
	0x90: {'\uFE8D', "", "ALEF, isolated"},
	0x91: {'\uFE8E', "", "ALEF, final"},
	0x92: {'\uFE8F', "\uFE90", "BEH, final-isolated"},
	0x93: {'\uFE91', "\uFE92", "BEH, initial-medial"},
	0x94: {'\uFB56', "\uFB57", "PEH, final-isolated"},
	0x95: {'\uFB58', "\uFB59", "PEH, initial-medial"},
	0x96: {'\uFE95', "\uFE96", "TEH, final-isolated"},
	0x97: {'\uFE97', "\uFE98", "TEH, initial-medial"},
	0x98: {'\uFE99', "\uFE9A", "THEH, final-isolated"},
	0x99: {'\uFE9B', "\uFE9C", "THEH, initial-medial"},
	0x9A: {'\uFE9D', "\uFE9E", "JEEM, final-isolated"},
	0x9B: {'\uFE9F', "\uFEA0", "JEEM, initial-medial"},
	0x9C: {'\uFB7A', "\uFB7B", "TCHEH, final-isolated"},
	0x9D: {'\uFB7C', "\uFB7D", "TCHEH, initial-medial"},
	0x9E: {'\uFEA1', "\uFEA2", "HAH, final-isolated"},
	0x9F: {'\uFEA3', "\uFEA4", "HAH, initial-medial"},
	0xA0: {'\uFEA5', "\uFEA6", "KHAH, final-isolated"},
	0xA1: {'\uFEA7', "\uFEA8", "KHAH, initial-medial"},
	0xA2: {'\uFEA9', "\uFEAA", "DAL, isolated-final"},
	0xA3: {'\uFEAB', "\uFEAC", "THAL, isolated-final"},
	0xA4: {'\uFEAD', "\uFEAE", "REH, isolated-final"},
	0xA5: {'\uFEAF', "\uFEB0", "ZAIN, isolated-final"},
	0xA6: {'\uFB8A', "\uFB8B", "JEH, isolated-final"},
	0xA7: {'\uFEB1', "\uFEB2", "SEEN, final-isolated"},
	0xA8: {'\uFEB3', "\uFEB4", "SEEN, initial-medial"},
	0xA9: {'\uFEB5', "\uFEB6", "SHEEN, final-isolated"},
	0xAA: {'\uFEB7', "\uFEB8", "SHEEN, initial-medial"},
	0xAB: {'\uFEB9', "\uFEBA", "SAD, final-isolated"},
	0xAC: {'\uFEBB', "\uFEBC", "SAD, initial-medial"},
	0xAD: {'\uFEBD', "\uFEBE", "DAD, final-isolated"},
	0xAE: {'\uFEBF', "\uFEC0", "DAD, initial-medial"},
	0xAF: {'\uFEC1', "\uFEC2\uFEC3\uFEC4", "TAH, all forms"},

	// 0xB0–0xDF: the shades, box-drawing characters and blocks of code
	// page 437, at the same positions.
	0xB0: {'\u2591', "", "LIGHT SHADE"},
	0xB1: {'\u2592', "", "MEDIUM SHADE"},
	0xB2: {'\u2593', "", "DARK SHADE"},
	0xB3: {'\u2502', "", "BOX DRAWINGS LIGHT VERTICAL"},
	0xB4: {'\u2524', "", "BOX DRAWINGS LIGHT VERTICAL AND LEFT"},
	0xB5: {'\u2561', "", "BOX DRAWINGS VERTICAL SINGLE AND LEFT DOUBLE"},
	0xB6: {'\u2562', "", "BOX DRAWINGS VERTICAL DOUBLE AND LEFT SINGLE"},
	0xB7: {'\u2556', "", "BOX DRAWINGS DOWN DOUBLE AND LEFT SINGLE"},
	0xB8: {'\u2555', "", "BOX DRAWINGS DOWN SINGLE AND LEFT DOUBLE"},
	0xB9: {'\u2563', "", "BOX DRAWINGS DOUBLE VERTICAL AND LEFT"},
	0xBA: {'\u2551', "", "BOX DRAWINGS DOUBLE VERTICAL"},
	0xBB: {'\u2557', "", "BOX DRAWINGS DOUBLE DOWN AND LEFT"},
	0xBC: {'\u255D', "", "BOX DRAWINGS DOUBLE UP AND LEFT"},
	0xBD: {'\u255C', "", "BOX DRAWINGS UP DOUBLE AND LEFT SINGLE"},
	0xBE: {'\u255B', "", "BOX DRAWINGS UP SINGLE AND LEFT DOUBLE"},
	0xBF: {'\u2510', "", "BOX DRAWINGS LIGHT DOWN AND LEFT"},
	0xC0: {'\u2514', "", "BOX DRAWINGS LIGHT UP AND RIGHT"},
	0xC1: {'\u2534', "", "BOX DRAWINGS LIGHT UP AND HORIZONTAL"},
	0xC2: {'\u252C', "", "BOX DRAWINGS LIGHT DOWN AND HORIZONTAL"},
	0xC3: {'\u251C', "", "BOX DRAWINGS LIGHT VERTICAL AND RIGHT"},
	0xC4: {'\u2500', "", "BOX DRAWINGS LIGHT HORIZONTAL"},
	0xC5: {'\u253C', "", "BOX DRAWINGS LIGHT VERTICAL AND HORIZONTAL"},
	0xC6: {'\u255E', "", "BOX DRAWINGS VERTICAL SINGLE AND RIGHT DOUBLE"},
	0xC7: {'\u255F', "", "BOX DRAWINGS VERTICAL DOUBLE AND RIGHT SINGLE"},
	0xC8: {'\u255A', "", "BOX DRAWINGS DOUBLE UP AND RIGHT"},
	0xC9: {'\u2554', "", "BOX DRAWINGS DOUBLE DOWN AND RIGHT"},
	0xCA: {'\u2569', "", "BOX DRAWINGS DOUBLE UP AND HORIZONTAL"},
	0xCB: {'\u2566', "", "BOX DRAWINGS DOUBLE DOWN AND HORIZONTAL"},
	0xCC: {'\u2560', "", "BOX DRAWINGS DOUBLE VERTICAL AND RIGHT"},
	0xCD: {'\u2550', "", "BOX DRAWINGS DOUBLE HORIZONTAL"},
	0xCE: {'\u256C', "", "BOX DRAWINGS DOUBLE VERTICAL AND HORIZONTAL"},
	0xCF: {'\u2567', "", "BOX DRAWINGS UP SINGLE AND HORIZONTAL DOUBLE"},
	0xD0: {'\u2568', "", "BOX DRAWINGS UP DOUBLE AND HORIZONTAL SINGLE"},
	0xD1: {'\u2564', "", "BOX DRAWINGS DOWN SINGLE AND HORIZONTAL DOUBLE"},
	0xD2: {'\u2565', "", "BOX DRAWINGS DOWN DOUBLE AND HORIZONTAL SINGLE"},
	0xD3: {'\u2559', "", "BOX DRAWINGS UP DOUBLE AND RIGHT SINGLE"},
	0xD4: {'\u2558', "", "BOX DRAWINGS UP SINGLE AND RIGHT DOUBLE"},
	0xD5: {'\u2552', "", "BOX DRAWINGS DOWN SINGLE AND RIGHT DOUBLE"},
	0xD6: {'\u2553', "", "BOX DRAWINGS DOWN DOUBLE AND RIGHT SINGLE"},
	0xD7: {'\u256B', "", "BOX DRAWINGS VERTICAL DOUBLE AND HORIZONTAL SINGLE"},
	0xD8: {'\u256A', "", "BOX DRAWINGS VERTICAL SINGLE AND HORIZONTAL DOUBLE"},
	0xD9: {'\u2518', "", "BOX DRAWINGS LIGHT UP AND LEFT"},
	0xDA: {'\u250C', "", "BOX DRAWINGS LIGHT DOWN AND RIGHT"},
	0xDB: {'\u2588', "", "FULL BLOCK"},
	0xDC: {'\u2584', "", "LOWER HALF BLOCK"},
	0xDD: {'\u258C', "", "LEFT HALF BLOCK"},
	0xDE: {'\u2590', "", "RIGHT HALF BLOCK"},
	0xDF: {'\u2580', "", "UPPER HALF BLOCK"},

	0xE0: {'\uFEC5', "\uFEC6\uFEC7\uFEC8", "ZAH, all forms"},
	0xE1: {'\uFEC9', "", "AIN, isolated"},
	0xE2: {'\uFECA', "", "AIN, final"},
	0xE3: {'\uFECC', "", "AIN, medial"},
	0xE4: {'\uFECB', "", "AIN, initial"},
	0xE5: {'\uFECD', "", "GHAIN, isolated"},
	0xE6: {'\uFECE', "", "GHAIN, final"},
	0xE7: {'\uFED0', "", "GHAIN, medial"},
	0xE8: {'\uFECF', "", "GHAIN, initial"},
	0xE9: {'\uFED1', "\uFED2", "FEH, final-isolated"},
	0xEA: {'\uFED3', "\uFED4", "FEH, initial-medial"},
	0xEB: {'\uFED5', "\uFED6", "QAF, final-isolated"},
	0xEC: {'\uFED7', "\uFED8", "QAF, initial-medial"},
	0xED: {'\uFB8E', "\uFB8F", "KEHEH, final-isolated"},
	0xEE: {'\uFB90', "\uFB91", "KEHEH, initial-medial"},
	0xEF: {'\uFB92', "\uFB93", "GAF, final-isolated"},
	0xF0: {'\uFB94', "\uFB95", "GAF, initial-medial"},
	0xF1: {'\uFEDD', "\uFEDE", "LAM, final-isolated"},
	0xF2: {'\uFEFB', "\uFEFC", "LIGATURE LAM WITH ALEF, isolated (and final)"},
	0xF3: {'\uFEDF', "\uFEE0", "LAM, initial-medial"},
	0xF4: {'\uFEE1', "\uFEE2", "MEEM, final-isolated"},
	0xF5: {'\uFEE3', "\uFEE4", "MEEM, initial-medial"},
	0xF6: {'\uFEE5', "\uFEE6", "NOON, final-isolated"},
	0xF7: {'\uFEE7', "\uFEE8", "NOON, initial-medial"},
	0xF8: {'\uFEED', "\uFEEE", "WAW, isolated-final"},
	0xF9: {'\uFEE9', "\uFEEA", "HEH, final-isolated"},
	0xFA: {'\uFEEC', "", "HEH, medial"},
	0xFB: {'\uFEEB', "", "HEH, initial"},
	0xFC: {'\uFBFD', "", "FARSI YEH, final"},
	0xFD: {'\uFBFC', "", "FARSI YEH, isolated"},
	0xFE: {'\uFBFE', "\uFBFF", "FARSI YEH, initial-medial"},
	0xFF: {'\u00A0', "", "NO-BREAK SPACE"},
}

// folds are characters Iran System has no byte for that Encode accepts as
// another one a Persian reader takes to be the same; Decode gives back the
// second. Arabic kaf and yeh (and alef maksura, which persian.Shape shapes
// like yeh) are the Persian letters drawn the Arabic way; Arabic-Indic
// digits are the Persian digits; the Arabic thousands and decimal
// separators and the minus sign, which persian.FormatInt and FormatTomans
// write, become the ASCII comma, the slash (the decimal mark Persian
// writing uses in plain text, e.g. ۱۸/۵) and the hyphen-minus.
var folds = map[rune]rune{
	'\uFED9': '\uFB8E', '\uFEDA': '\uFB8F', '\uFEDB': '\uFB90', '\uFEDC': '\uFB91', // ك → ک
	'\uFEF1': '\uFBFC', '\uFEF2': '\uFBFD', '\uFEF3': '\uFBFE', '\uFEF4': '\uFBFF', // ي → ی
	'\uFEEF': '\uFBFC', '\uFEF0': '\uFBFD', '\uFBE8': '\uFBFE', '\uFBE9': '\uFBFF', // ى → ی
	'\u0660': '\u06F0', '\u0661': '\u06F1', '\u0662': '\u06F2', '\u0663': '\u06F3', '\u0664': '\u06F4',
	'\u0665': '\u06F5', '\u0666': '\u06F6', '\u0667': '\u06F7', '\u0668': '\u06F8', '\u0669': '\u06F9',
	'\u066C': ',', // ARABIC THOUSANDS SEPARATOR
	'\u066B': '/', // ARABIC DECIMAL SEPARATOR
	'\u2212': '-', // MINUS SIGN
}

// invisible are the zero-width formatting characters Encode leaves out:
// once text is shaped and in visual order, joining and direction are
// already in the chosen forms and their order, and these draw nothing.
var invisible = map[rune]bool{
	'\u200C': true,                                                                 // ZERO WIDTH NON-JOINER
	'\u200D': true,                                                                 // ZERO WIDTH JOINER
	'\u200E': true,                                                                 // LEFT-TO-RIGHT MARK
	'\u200F': true,                                                                 // RIGHT-TO-LEFT MARK
	'\u061C': true,                                                                 // ARABIC LETTER MARK
	'\u202A': true, '\u202B': true, '\u202C': true, '\u202D': true, '\u202E': true, // embeddings, overrides, PDF
	'\u2066': true, '\u2067': true, '\u2068': true, '\u2069': true, // isolates, PDI
}

// nearest is what EncodeLossy writes for characters Encode refuses that
// have a close substitute: letters with hamza or madda Iran System lacks
// become the letter without it, teh marbuta becomes heh, and some
// punctuation becomes its ASCII look-alike.
var nearest = map[rune]rune{
	'\uFE83': '\uFE8D', '\uFE84': '\uFE8E', // أ → ا
	'\uFE87': '\uFE8D', '\uFE88': '\uFE8E', // إ → ا
	'\uFE85': '\uFEED', '\uFE86': '\uFEEE', // ؤ → و
	'\uFE93': '\uFEE9', '\uFE94': '\uFEEA', // ة → ه
	'\uFEF5': '\uFEFB', '\uFEF6': '\uFEFC', // لآ → لا
	'\uFEF7': '\uFEFB', '\uFEF8': '\uFEFC', // لأ → لا
	'\uFEF9': '\uFEFB', '\uFEFA': '\uFEFC', // لإ → لا
	'\u061B': ';', // ARABIC SEMICOLON
	'\u066A': '%', // ARABIC PERCENT SIGN
	'\u00AB': '"', // «
	'\u00BB': '"', // »
	'\u2013': '-', // EN DASH
	'\u2014': '-', // EM DASH
	'\u202F': ' ', // NARROW NO-BREAK SPACE
	'\u2009': ' ', // THIN SPACE
	'\u00D7': 'x', // MULTIPLICATION SIGN
	'\u066D': '*', // ARABIC FIVE POINTED STAR
	'\u06D4': '.', // ARABIC FULL STOP
}
