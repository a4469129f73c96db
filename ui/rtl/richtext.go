package rtl

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// A Span gives the logical byte range [Start, End) of a string its own
// RichText style (a colour, bold, a size).
type Span struct {
	Start, End int
	Style      widget.RichTextStyle
}

// Style is the style RichText gives text outside every span: inline,
// aligned right.
var Style = widget.RichTextStyle{Alignment: fyne.TextAlignTrailing, Inline: true}

// RichText shows s (logical order, right-to-left lines) in a RichText whose
// segments are s's pieces (see Pieces) in on-screen order; the pieces that
// fall in a span take its style (the last span wins where they overlap).
// Alignment and line ends are set by RichText; a span's own Alignment and
// Inline are ignored.
func RichText(s string, spans ...Span) *widget.RichText {
	return widget.NewRichText(Segments(s, spans...)...)
}

// Segments returns RichText's segments, to set on an existing RichText.
func Segments(s string, spans ...Span) []widget.RichTextSegment {
	var cuts []int
	for _, sp := range spans {
		cuts = append(cuts, sp.Start, sp.End)
	}
	pieces := Pieces(s, cuts...)
	var segs []widget.RichTextSegment
	lines := lineSpans(s)
	line := 0
	for i, p := range pieces {
		for ; line < p.Line; line++ { // empty lines before this piece
			segs = append(segs, &widget.TextSegment{Style: lineEnd(Style)})
		}
		st := Style
		for _, sp := range spans {
			if p.Start >= sp.Start && p.End <= sp.End {
				st = sp.Style
				st.Alignment = fyne.TextAlignTrailing
				st.Inline = true
			}
		}
		if i == len(pieces)-1 || pieces[i+1].Line != p.Line {
			st = lineEnd(st)
			line++
		}
		segs = append(segs, &widget.TextSegment{Text: p.Draw, Style: st})
	}
	for ; line < len(lines); line++ {
		segs = append(segs, &widget.TextSegment{Style: lineEnd(Style)})
	}
	return segs
}

func lineEnd(st widget.RichTextStyle) widget.RichTextStyle {
	st.Inline = false
	return st
}
