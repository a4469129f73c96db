package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/pishkhan/pishkhan/fonts"
)

// BenchmarkDay5000 renders a day of 5,000 requests (report), and, as the
// baseline, the same requests table drawn by fpdf alone with Latin text of
// the same lengths: no shaping, no bidi, fpdf's own line splitting
// (latin-baseline, run first). Both report the PDF's size and pages;
// report also its time and size over the baseline's (x-baseline-*).
func BenchmarkDay5000(b *testing.B) {
	d := testDay(5000, 42)
	var base result
	b.Run("latin-baseline", func(b *testing.B) {
		base = benchmark(b, func(w io.Writer) error { return latinTable(w, d.Lines) })
	})
	b.Run("report", func(b *testing.B) {
		rep := benchmark(b, func(w io.Writer) error { return PDF(w, d) })
		if base.ns > 0 {
			b.ReportMetric(rep.ns/base.ns, "x-baseline-time")
			b.ReportMetric(float64(rep.bytes)/float64(base.bytes), "x-baseline-bytes")
		}
	})
}

type result struct {
	ns    float64
	bytes int
	pages int
}

func benchmark(b *testing.B, render func(io.Writer) error) result {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := render(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "pdf-bytes")
	pages := bytes.Count(buf.Bytes(), []byte("/Type /Page\n"))
	b.ReportMetric(float64(pages), "pages")
	return result{float64(b.Elapsed().Nanoseconds()) / float64(b.N), buf.Len(), pages}
}

// latinTable draws the requests table as report does (same font, sizes,
// columns, rules, a repeated header and a page footer) but with Latin
// stand-ins of the same lengths, left to right, wrapped by fpdf.SplitText.
func latinTable(w io.Writer, ls []Line) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(family, "", fonts.VazirmatnRegular)
	pdf.AddUTF8FontFromBytes(family, "B", fonts.VazirmatnBold)
	pdf.SetCreationDate(time.Unix(0, 0))
	widths := []float64{8.5, 28.5, 9, 19.5, 29, 20, 15, 14, 10.5, 16, 16}
	heads := []string{"No", "Tracking", "Time", "Citizen", "Service", "Agency", "Clerk", "State", "Pay", "Gov", "Fee"}
	latin := func(s string) string { // a Latin string as long as s
		n := len([]rune(s))
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcdefghij klmnopqrst uvwxyz"[i%28]
		}
		return string(b)
	}
	lh := lineHeight(tableSize)
	y := bodyBottom
	page := 0
	measure := func(cells []string, bold bool) ([][]string, float64) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(family, style, tableSize)
		split := make([][]string, len(cells))
		n := 1
		for i, c := range cells {
			split[i] = pdf.SplitText(c, widths[i]-2*padX)
			n = max(n, len(split[i]))
		}
		return split, float64(n)*lh + 2*padY
	}
	draw := func(split [][]string, h float64) {
		x := margin
		pdf.SetLineWidth(0.15)
		for i, lines := range split {
			for k, l := range lines {
				pdf.Text(x+padX, y+padY+ascent(tableSize)+float64(k)*lh, l)
			}
			pdf.Line(x, y, x, y+h)
			x += widths[i]
		}
		pdf.Line(margin, y+h, right, y+h)
		y += h
	}
	for i, l := range ls {
		split, h := measure([]string{strconv.Itoa(i + 1), l.Tracking, l.At.Format("15:04"), latin(l.Citizen), latin(l.Service),
			latin(l.Agency), latin(l.Clerk), latin(l.State), latin(l.Payment),
			fmt.Sprintf("%d", l.Gov), fmt.Sprintf("%d", l.Counter)}, false)
		if y+h > bodyBottom {
			page++
			pdf.AddPage()
			pdf.SetFont(family, "", 8)
			pdf.Text(100, bodyBottom+9, "page "+strconv.Itoa(page))
			y = bodyTop
			draw(measure(heads, true))
			split, h = measure([]string{strconv.Itoa(i + 1), l.Tracking, l.At.Format("15:04"), latin(l.Citizen), latin(l.Service),
				latin(l.Agency), latin(l.Clerk), latin(l.State), latin(l.Payment),
				fmt.Sprintf("%d", l.Gov), fmt.Sprintf("%d", l.Counter)}, false)
		}
		draw(split, h)
	}
	return pdf.Output(w)
}
