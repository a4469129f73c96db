// Package report writes the supervisor's daily (or date-range) report of a
// desk as a Persian, right-to-left PDF: A4 portrait, a header on every page
// (office, desk, Jalali date, time printed), the cash box totals, tables of
// totals by service, agency and clerk, the requests not yet sent to the
// exchange and every request of the period, with page numbers «صفحه ۲ از ۵».
//
// The PDF is written with codeberg.org/go-pdf/fpdf and the bundled Vazirmatn
// font. fpdf neither shapes Arabic script nor orders mixed text, so every
// line is broken in logical order first (each candidate line measured as it
// will be drawn), then shaped to presentation forms and put in visual order
// with [persian.ForDevice]. The text stays real text: it can be selected and
// searched; see docs/report.md for what copying it gives.
package report

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pishkhan/pishkhan/persian"
)

// Office identifies the desk the report is about.
type Office struct {
	Code int    // the office code (کد دفتر), 1..99999
	Name string // e.g. «دفتر پیشخوان خدمات دولت شماره ۱۲۳ تهران»
	Desk int    // the desk number in the office
}

// Line is one request of the period.
type Line struct {
	Tracking string // tracking code, as shown on the receipt
	Citizen  string // the citizen's name (or national code)
	Service  string // the (sub-)service's Persian title
	Agency   string // the government agency that serves it
	Clerk    string // who filed it
	State    string // its state in Persian words
	Payment  string // how it was paid: «نقد», «کارت» …
	Gov      int64  // the government's share, rials
	Counter  int64  // the office's fee, rials
	At       time.Time
}

// Total is one row of a totals table.
type Total struct {
	Name   string
	Count  int
	Amount int64 // rials
}

// Day is everything the report shows. For one day From == To.
type Day struct {
	Office   Office
	From, To persian.Date

	Closed   bool      // the cash box was closed for the period
	ClosedBy string    // who closed it
	ClosedAt time.Time // when

	ExpectedCash     int64 // rials the box should hold
	CountedCash      int64 // rials counted at closing
	CardTotal        int64 // rials paid by card (POS)
	DifferenceReason string

	ByService, ByAgency, ByClerk []Total

	Unsent []Line // requests still not sent to the exchange
	// Late are requests of earlier, closed days whose state the exchange
	// changed during this period, after their day was closed: they show
	// here, in the next open day, not in the closed one.
	Late  []Line
	Lines []Line // every request of the period

	Printed time.Time // when the report is printed; zero: now
}

// Options tune [Write].
type Options struct {
	// Progress, when set, is called as pages are drawn: done of total.
	// Rendering thousands of requests takes a noticeable fraction of a
	// second, and a window can show this.
	Progress func(done, total int)
}

// ErrBadRange is returned for a report whose dates are not valid Jalali
// dates or whose To is before From.
var ErrBadRange = errors.New("report: invalid date range")

// PDF writes the report of d as a PDF to w.
func PDF(w io.Writer, d Day) error { return Write(w, d, Options{}) }

// Write writes the report of d as a PDF to w, as [PDF] does, with options.
func Write(w io.Writer, d Day, o Options) error {
	if !d.From.Valid() || !d.To.Valid() || d.To.Before(d.From) {
		return fmt.Errorf("%w: %s to %s", ErrBadRange, d.From, d.To)
	}
	if d.Printed.IsZero() {
		d.Printed = time.Now()
	}
	r, err := newRenderer()
	if err != nil {
		return err
	}
	return r.render(w, &d, o)
}
