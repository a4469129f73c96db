package desk

import (
	"context"
	"strings"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
)

// CloseInput is what a supervisor enters to close a day.
type CloseInput struct {
	Day         persian.Date
	CountedCash string // rials, any digit script, ٬ or , allowed
	CountedCard string // the card terminal's settlement, rials
	Reason      string // required when a count differs from what was expected
	Supervisor  string // user name
	PIN         string // the supervisor's own PIN: a clerk's never closes a day
}

// DaySummary returns a day's figures for closing it: the expected money per
// payment method, the totals per service, agency and clerk, what is unsent.
func (d *Desk) DaySummary(ctx context.Context, day persian.Date) (store.DaySummary, error) {
	if !day.Valid() {
		return store.DaySummary{}, pishkhan.FieldError("day", "تاریخ نامعتبر است.", "invalid day %v", day)
	}
	return d.Store.DaySummary(ctx, day)
}

// supervisor checks that username and pin are a supervisor's.
func (d *Desk) supervisor(ctx context.Context, username, pin string) (pishkhan.User, error) {
	a, err := d.Login(ctx, username, pin)
	if err != nil {
		return pishkhan.User{}, err
	}
	if err := d.authorize(ctx, a, pishkhan.ActDayClose); err != nil {
		u := a.User()
		return u, pishkhan.Errorf(pishkhan.EUnauthorized, "بستن و بازکردن روز فقط با رمز مدیر دفتر ممکن است.", "%s is a %s; only a supervisor closes or reopens a day", u.Username, u.Role)
	}
	return a.User(), nil
}

// amount reads rials typed in any digit script, grouped with ٬ or , (and
// an optional «ریال» after them).
func amount(field, s string) (pishkhan.Rials, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "ریال"))
	if s == "" {
		return 0, pishkhan.FieldError(field, "مبلغ شمرده‌شده را وارد کنید.", "%s is required", field)
	}
	n, err := persian.ParseInt(s)
	if err != nil || n < 0 {
		return 0, pishkhan.FieldError(field, "مبلغ باید عدد (ریال) باشد.", "%s %q is not an amount in rials", field, s)
	}
	return pishkhan.Rials(n), nil
}

// CloseDay closes a day with the supervisor's counts. The expected amounts
// are the store's; a difference needs a reason. The close is audited,
// queued for the exchange, and its receipt (the Z-report) queued for the
// printer. A closed day takes no more requests until it is reopened.
func (d *Desk) CloseDay(ctx context.Context, in CloseInput) (pishkhan.DayClose, error) {
	if !in.Day.Valid() {
		return pishkhan.DayClose{}, pishkhan.FieldError("day", "تاریخ نامعتبر است.", "invalid day %v", in.Day)
	}
	cash, err := amount("counted_cash", in.CountedCash)
	if err != nil {
		return pishkhan.DayClose{}, err
	}
	card, err := amount("counted_card", in.CountedCard)
	if err != nil {
		return pishkhan.DayClose{}, err
	}
	u, err := d.supervisor(ctx, in.Supervisor, in.PIN)
	if err != nil {
		return pishkhan.DayClose{}, err
	}
	c, err := d.Store.CloseDay(ctx, pishkhan.DayClose{Date: in.Day.String(), CountedCash: cash, CountedCard: card,
		Reason: strings.TrimSpace(in.Reason), ClosedBy: u.Username}, u.Username)
	if err != nil {
		return c, err
	}
	d.logger().Info("day closed", "day", c.Date, "requests", c.Requests, "cash_difference", int64(c.Difference()), "card_difference", int64(c.CardDifference()))
	return c, nil
}

// ReopenDay reopens a closed day: a separate, audited act of a supervisor,
// with a reason. The close stays on record.
func (d *Desk) ReopenDay(ctx context.Context, day persian.Date, reason, supervisor, pin string) error {
	u, err := d.supervisor(ctx, supervisor, pin)
	if err != nil {
		return err
	}
	if err := d.Store.ReopenDay(ctx, day, strings.TrimSpace(reason), u.Username); err != nil {
		return err
	}
	d.logger().Warn("day reopened", "day", day.String(), "by", u.Username)
	return nil
}
