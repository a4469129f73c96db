package desk

import (
	"context"
	"io"
	"sort"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/report"
)

// lrm keeps a tracking code reading left to right in right-to-left text.
const lrm = "\u200e"

// Report gathers the report of the days from..to (one day: from == to):
// the close (for one closed day), totals by service, agency and clerk,
// what is unsent, and every request.
func (d *Desk) Report(ctx context.Context, from, to persian.Date) (report.Day, error) {
	if !from.Valid() || !to.Valid() || to.Before(from) {
		return report.Day{}, pishkhan.FieldError("day", "بازه تاریخ نادرست است.", "bad period %v–%v", from, to)
	}
	cfg, err := d.Config(ctx)
	if err != nil {
		return report.Day{}, err
	}
	lines, err := d.Store.PeriodLines(ctx, from, to)
	if err != nil {
		return report.Day{}, err
	}
	r := report.Day{Office: report.Office{Code: cfg.OfficeCode, Name: cfg.OfficeName, Desk: cfg.DeskNumber}, From: from, To: to, Printed: d.Now()}
	by := map[string]map[string]*report.Total{"service": {}, "agency": {}, "clerk": {}}
	add := func(kind, name string, amount int64) {
		t := by[kind][name]
		if t == nil {
			t = &report.Total{Name: name}
			by[kind][name] = t
		}
		t.Count++
		t.Amount += amount
	}
	for _, l := range lines {
		pay := map[pishkhan.PaymentMethod]string{pishkhan.PayCash: "نقد", pishkhan.PayCard: "کارت"}[l.PayMethod]
		line := report.Line{Tracking: lrm + persian.ToPersianDigits(l.Tracking.Display()) + lrm, Citizen: l.Citizen, Service: l.Service,
			Agency: l.Agency, Clerk: l.Clerk, State: l.State.Persian(), Payment: pay, Gov: int64(l.Gov), Counter: int64(l.Counter), At: l.CreatedAt}
		r.Lines = append(r.Lines, line)
		if l.State.Unsent() {
			r.Unsent = append(r.Unsent, line)
		}
		switch l.PayMethod {
		case pishkhan.PayCash:
			r.ExpectedCash += int64(l.Paid)
		case pishkhan.PayCard:
			r.CardTotal += int64(l.Paid)
		}
		fee := int64(l.Gov + l.Counter)
		add("service", l.Service, fee)
		add("agency", l.Agency, fee)
		add("clerk", l.Clerk, fee)
	}
	sorted := func(m map[string]*report.Total) []report.Total {
		out := make([]report.Total, 0, len(m))
		for _, t := range m {
			out = append(out, *t)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Count != out[j].Count {
				return out[i].Count > out[j].Count
			}
			return out[i].Name < out[j].Name
		})
		return out
	}
	r.ByService, r.ByAgency, r.ByClerk = sorted(by["service"]), sorted(by["agency"]), sorted(by["clerk"])
	late, err := d.Store.LateChanges(ctx, from, to)
	if err != nil {
		return r, err
	}
	for _, l := range late {
		r.Late = append(r.Late, report.Line{Tracking: lrm + persian.ToPersianDigits(l.Tracking.Display()) + lrm, Citizen: l.Citizen,
			Service: l.Service + " (" + persian.ToPersianDigits(l.Day) + ")", Agency: l.Agency, Clerk: l.Clerk, State: l.State.Persian(),
			Gov: int64(l.Gov), Counter: int64(l.Counter), At: l.CreatedAt})
	}
	if from == to {
		sum, err := d.Store.DaySummary(ctx, from)
		if err != nil {
			return r, err
		}
		if c := sum.Close; c != nil {
			r.Closed, r.ClosedBy, r.ClosedAt = true, c.ClosedBy, c.ClosedAt
			r.CountedCash, r.DifferenceReason = int64(c.CountedCash), c.Reason
		}
	}
	return r, nil
}

// ReportPDF writes the report of the days from..to as a PDF.
func (d *Desk) ReportPDF(ctx context.Context, w io.Writer, from, to persian.Date) error {
	r, err := d.Report(ctx, from, to)
	if err != nil {
		return err
	}
	return report.PDF(w, r)
}
