package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/atomicfile"
	"github.com/pishkhan/pishkhan/persian"
)

// cmdReport writes the day's or a range's report as a PDF.
func cmdReport(e *env, args []string) error {
	if len(args) == 0 || (args[0] != "day" && args[0] != "range") {
		return usagef("report day [--day YYYY/MM/DD] --out FILE.pdf | report range --from YYYY/MM/DD --to YYYY/MM/DD --out FILE.pdf")
	}
	fs := newFlags(e, "report "+args[0])
	dayFlag := fs.String("day", "", "Jalali day (default: today)")
	fromFlag := fs.String("from", "", "first Jalali day of the range")
	toFlag := fs.String("to", "", "last Jalali day of the range")
	out := fs.String("out", "", "the PDF file to write (required)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out FILE.pdf is required")
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	parse := func(flag, s string) (persian.Date, error) {
		day, err := persian.ParseDate(persian.ToLatinDigits(s))
		if err != nil {
			return day, pishkhan.FieldError(flag, "تاریخ نامعتبر است.", "--%s %q: %v", flag, s, err)
		}
		return day, nil
	}
	from, to := d.Today(), d.Today()
	if args[0] == "day" && *dayFlag != "" {
		if from, err = parse("day", *dayFlag); err != nil {
			return err
		}
		to = from
	}
	if args[0] == "range" {
		if *fromFlag == "" || *toFlag == "" {
			return usagef("report range needs --from and --to")
		}
		if from, err = parse("from", *fromFlag); err != nil {
			return err
		}
		if to, err = parse("to", *toFlag); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := d.ReportPDF(e.ctx, &buf, from, to); err != nil {
		return err
	}
	if err := atomicfile.Write(*out, ".pishkhan-*.tmp", buf.Bytes()); err != nil {
		return err
	}
	return e.emit(map[string]any{"file": *out, "bytes": buf.Len(), "from": from.String(), "to": to.String()}, func(w io.Writer) {
		fmt.Fprintf(w, "report %s–%s written to %s (%d bytes)\n", from, to, *out, buf.Len())
	})
}
