// Package persian provides the Persian-language helpers shared by every part
// of Pishkhan: digit conversion, number and money formatting, text
// normalisation for search keys and display, Jalali (Solar Hijri) civil
// dates in the Asia/Tehran time zone, and text for devices without a text
// engine: shaping to presentation forms ([Shape]) and the bidirectional
// algorithm's visual order for right-to-left lines ([Visual], [ForDevice]),
// held to GNU FriBidi's output by the tests.
//
// The package is a leaf: it imports nothing from the rest of the project and
// is safe for concurrent use.
//
// # Conventions
//
//   - Integers are formatted with Persian digits (U+06F0–U+06F9) and the
//     Arabic thousands separator ٬ (U+066C), exactly as CLDR does for the
//     "fa" locale. Negative numbers are prefixed with LEFT-TO-RIGHT MARK
//     (U+200E) and MINUS SIGN (U+2212), again as CLDR does, so that the sign
//     stays on the left of the number inside right-to-left text.
//   - Money is always held as an int64 number of rials. Tomans (10 rials) are
//     a display unit only; see [FormatTomans] for how fractions are shown.
//   - [Date] is a Jalali civil date. Its String method uses Latin digits and
//     is meant for logs, the CLI and storage keys; Persian and Long are for
//     people.
//   - [Normalize] builds search/comparison keys and is lossy;
//     [NormalizeText] only cleans up display text and keeps it readable.
package persian
