package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/pishkhan/pishkhan"
)

// Check is one thing the doctor looked at: how it stands, and what to do
// when it is not well — in English for the CLI and logs, in Persian for
// the window.
type Check struct {
	Name       string `json:"name"`
	Status     string `json:"status"` // ok, warn, fail
	Detail     string `json:"detail"`
	Fix        string `json:"fix,omitempty"`
	FixPersian string `json:"fix_fa,omitempty"`
}

// The check statuses.
const (
	CheckOK   = "ok"
	CheckWarn = "warn"
	CheckFail = "fail"
)

// minFreeBytes is the free space below which the doctor warns (a day of a
// busy desk is a few megabytes; a backup is the database's size).
const minFreeBytes = 500 << 20

// Doctor checks the desk: free disk space in the data folder, the
// database's integrity, the audit trail, the enrolment and the clock
// against the exchange's, the outbox's age against the offline limits, and
// the devices (v may be nil). It never changes anything.
func (d *Desk) Doctor(ctx context.Context, v *Devices) []Check {
	var out []Check
	add := func(c Check) { out = append(out, c) }

	if free, err := freeBytes(d.dataDir); err != nil {
		add(Check{Name: "disk", Status: CheckWarn, Detail: fmt.Sprintf("free space in %s unknown: %v", d.dataDir, err)})
	} else if free < minFreeBytes {
		add(Check{Name: "disk", Status: CheckFail, Detail: fmt.Sprintf("%d MB free in %s", free>>20, d.dataDir),
			Fix: "free disk space (at least 500 MB) before the next intake", FixPersian: "فضای دیسک را خالی کنید (دست‌کم ۵۰۰ مگابایت)."})
	} else {
		add(Check{Name: "disk", Status: CheckOK, Detail: fmt.Sprintf("%d MB free in %s", free>>20, d.dataDir)})
	}

	var res string
	if err := d.Store.SQL().QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil || res != "ok" {
		add(Check{Name: "database", Status: CheckFail, Detail: fmt.Sprintf("quick_check: %s %v", res, err),
			Fix: "restore the latest backup; copy the damaged file aside first", FixPersian: "آخرین پشتیبان را بازگردانید؛ پیش از آن از پرونده آسیب‌دیده رونوشت بگیرید."})
	} else if issues, err := d.Store.IntegrityReport(ctx); err != nil || len(issues) > 0 {
		add(Check{Name: "database", Status: CheckFail, Detail: fmt.Sprintf("%d half-written requests %v", len(issues), err),
			Fix: "report to support with the database file", FixPersian: "پرونده پایگاه داده را برای پشتیبانی بفرستید."})
	} else {
		add(Check{Name: "database", Status: CheckOK, Detail: "integrity ok"})
	}

	if n, _, err := d.Store.VerifyAudit(ctx); err != nil {
		add(Check{Name: "audit", Status: CheckFail, Detail: err.Error(),
			Fix: "the audit trail was changed outside the app: keep the file, report it", FixPersian: "رویدادنامه بیرون از برنامه تغییر کرده است؛ پرونده را نگه دارید و گزارش دهید."})
	} else {
		add(Check{Name: "audit", Status: CheckOK, Detail: fmt.Sprintf("%d entries, chain intact", n)})
	}

	rep, err := d.SyncStatus(ctx, true)
	switch {
	case err != nil:
		add(Check{Name: "exchange", Status: CheckWarn, Detail: err.Error()})
	case rep.State.KeyID == "":
		add(Check{Name: "exchange", Status: CheckWarn, Detail: "not enrolled",
			Fix: "enrol the desk: pishkhan enrol --exchange URL --code CODE", FixPersian: "میز را به مرکز تبادل بپیوندید."})
	case !rep.Reachable && exchangeSetupError(rep.ProbeErr) != nil:
		// Retrying will not help: the certificate, the address or the CA file.
		add(Check{Name: "exchange", Status: CheckFail, Detail: "exchange refused: " + rep.ProbeError,
			Fix:        "give the exchange's CA (pishkhan sync ca set FILE) or correct its address (pishkhan enrol); check this PC's date",
			FixPersian: pishkhan.PersianMessage(rep.ProbeErr) + " گواهی مرجع مرکز را تنظیم کنید (کارشناس فنی)."})
	case !rep.Reachable:
		add(Check{Name: "exchange", Status: CheckWarn, Detail: "exchange unreachable: " + rep.ProbeError,
			Fix: "check the network; the desk keeps working offline", FixPersian: "شبکه را بررسی کنید؛ میز بدون اتصال هم کار می‌کند."})
	default:
		skew := d.Now().Sub(rep.ExchangeTime)
		if skew < 0 {
			skew = -skew
		}
		st := CheckOK
		c := Check{Name: "exchange", Detail: fmt.Sprintf("enrolled with %s, reachable, clock %s off", rep.State.ExchangeURL, skew.Round(time.Second))}
		if skew > 2*time.Minute {
			st, c.Fix, c.FixPersian = CheckWarn, "set this PC's clock (the exchange's is used for signatures, but dates on receipts are this PC's)",
				"ساعت این رایانه را تنظیم کنید."
		}
		c.Status = st
		add(c)
	}
	if err == nil && rep.Outbox.Pending > 0 {
		age := d.Now().Sub(rep.Outbox.Oldest)
		c := Check{Name: "outbox", Status: CheckOK, Detail: fmt.Sprintf("%d waiting, oldest %s", rep.Outbox.Pending, age.Round(time.Minute))}
		if rep.Level > 0 {
			c.Status, c.Fix, c.FixPersian = CheckWarn, "restore the connection to the exchange and sync", "اتصال به مرکز را برقرار و همگام‌سازی کنید."
		}
		add(c)
	}

	if v != nil && v.Printer != nil {
		if s, err := d.PrinterStatus(ctx); err != nil {
			add(Check{Name: "printer", Status: CheckFail, Detail: err.Error(), Fix: "check the printer's cable, power and port", FixPersian: "کابل، برق و درگاه چاپگر را بررسی کنید."})
		} else if !s.OK() {
			add(Check{Name: "printer", Status: CheckFail, Detail: s.English(), FixPersian: s.Persian()})
		} else {
			add(Check{Name: "printer", Status: CheckOK, Detail: s.English()})
		}
	} else {
		add(Check{Name: "printer", Status: CheckWarn, Detail: "no printer configured", Fix: "pishkhan devices configure printer --port PORT --profile NAME",
			FixPersian: "چاپگر را در صفحه دستگاه‌ها تنظیم کنید."})
	}
	switch {
	case v != nil && v.Reader != nil:
		add(Check{Name: "card reader", Status: CheckOK, Detail: "answering (" + v.Reader.Firmware() + ")"})
	case v != nil && v.ReaderErr != nil:
		add(Check{Name: "card reader", Status: CheckFail, Detail: v.ReaderErr.Error(), Fix: "check the reader's cable and port", FixPersian: "کابل و درگاه کارت‌خوان را بررسی کنید."})
	default:
		add(Check{Name: "card reader", Status: CheckWarn, Detail: "no card reader configured; national codes are typed"})
	}
	return out
}
