package desk

import (
	"context"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
)

// Show returns the request with this tracking code (any digit script, with
// or without dashes). A mistyped code is caught by its check digit.
func (d *Desk) Show(ctx context.Context, code string) (store.RequestView, error) {
	tc, _, err := pishkhan.ParseTrackingCode(code, d.Today().Year)
	if err != nil {
		return store.RequestView{}, err
	}
	return d.Store.RequestByTracking(ctx, tc)
}

// Lookup finds requests by tracking code (18 digits) or national code (10 digits).
func (d *Desk) Lookup(ctx context.Context, query string) ([]store.RequestView, error) {
	digits := persian.ToLatinDigits(query)
	n := 0
	for _, r := range digits {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	switch n {
	case 18:
		v, err := d.Show(ctx, query)
		if err != nil {
			return nil, err
		}
		return []store.RequestView{v}, nil
	case 10:
		nc, err := pishkhan.ParseNationalCode(query)
		if err != nil {
			return nil, err
		}
		return d.Store.RequestsByNationalCode(ctx, nc)
	}
	return nil, pishkhan.FieldError("query", "کد رهگیری ۱۸ رقمی یا کد ملی ۱۰ رقمی را وارد کنید.",
		"enter an 18-digit tracking code or a 10-digit national code, got %q", query)
}

// ListDay returns the requests filed on a Jalali day, in filing order.
func (d *Desk) ListDay(ctx context.Context, day persian.Date) ([]store.RequestView, error) {
	if !day.Valid() {
		return nil, pishkhan.FieldError("day", "تاریخ نامعتبر است.", "invalid day %v", day)
	}
	return d.Store.RequestsOfDay(ctx, day)
}

// AuditReport is the result of verifying the audit trail.
type AuditReport struct {
	Entries int64
	Last    *pishkhan.AuditEntry
}

// VerifyAudit checks the whole hash chain of the audit trail.
func (d *Desk) VerifyAudit(ctx context.Context) (AuditReport, error) {
	n, last, err := d.Store.VerifyAudit(ctx)
	return AuditReport{Entries: n, Last: last}, err
}

// PurgePersonalData blanks personal data of accepted requests filed more than
// retention ago (see store.PurgePersonalData).
func (d *Desk) PurgePersonalData(ctx context.Context, retention time.Duration, by Actor) (int, error) {
	if err := d.authorize(ctx, by, pishkhan.ActPurge); err != nil {
		return 0, err
	}
	if retention < 24*time.Hour {
		return 0, pishkhan.FieldError("retention", "مدت نگهداری باید دست‌کم یک روز باشد.", "retention must be at least one day, got %s", retention)
	}
	n, err := d.Store.PurgePersonalData(ctx, d.Now().Add(-retention), by.Name())
	if err == nil && n > 0 {
		d.Log.Info("personal data purged", "requests", n, "retention", retention)
	}
	return n, err
}

// NeedingAction lists the requests a supervisor should look at: refused
// or needing action at the exchange, or with a receipt that failed to print.
func (d *Desk) NeedingAction(ctx context.Context) ([]store.RequestView, error) {
	return d.Store.RequestsNeedingAction(ctx, 500)
}

// Queue lists the requests not yet sent to the exchange, oldest first (at
// most 500), for the supervisor's view of the outbox.
func (d *Desk) Queue(ctx context.Context) ([]store.RequestView, error) {
	return d.Store.OutboxBatch(ctx, 500)
}
