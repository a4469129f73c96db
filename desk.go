package pishkhan

import (
	"fmt"
	"strings"
	"time"
)

// DeskConfig identifies this desk: the office it belongs to and its number.
// It is set once by `pishkhan init` and is part of every tracking code.
type DeskConfig struct {
	OfficeCode int    // 1..99999, issued by the programme
	OfficeName string // shown on receipts
	DeskNumber int    // 1..99 within the office
	CreatedAt  time.Time
}

// Check validates the configuration.
func (c DeskConfig) Check() error {
	if c.OfficeCode < 1 || c.OfficeCode > 99999 {
		return FieldError("office_code", "کد دفتر باید عددی بین ۱ و ۹۹۹۹۹ باشد.", "office code must be 1..99999, got %d", c.OfficeCode)
	}
	if c.DeskNumber < 1 || c.DeskNumber > 99 {
		return FieldError("desk", "شماره میز باید عددی بین ۱ و ۹۹ باشد.", "desk number must be 1..99, got %d", c.DeskNumber)
	}
	if strings.TrimSpace(c.OfficeName) == "" {
		return FieldError("office_name", "نام دفتر را وارد کنید.", "office name is required")
	}
	return nil
}

// DayClose is the supervisor's close of one business day at one desk: the
// money expected from the day's payments against what was counted, per
// payment method, with a reason for any difference. A closed day is locked:
// no request or payment lands in it until a supervisor reopens it, which is
// a separate, audited act.
type DayClose struct {
	ID           int64
	Date         string // Jalali YYYY/MM/DD
	ExpectedCash Rials
	CountedCash  Rials
	ExpectedCard Rials // card payments recorded
	CountedCard  Rials // the card terminal's settlement
	Requests     int
	Reason       string // why counted and expected differ; required when they do
	ClosedBy     string
	ClosedAt     time.Time
	ReopenedBy   string
	ReopenedAt   time.Time
	ReopenReason string
	Sent         bool // the exchange has it
}

// Difference is counted minus expected cash (negative: a shortfall).
func (d DayClose) Difference() Rials { return d.CountedCash - d.ExpectedCash }

// CardDifference is counted minus expected card payments.
func (d DayClose) CardDifference() Rials { return d.CountedCard - d.ExpectedCard }

// Check validates a day close before it is saved.
func (d DayClose) Check() error {
	if _, _, _, ok := parseJalaliYMD(d.Date); !ok {
		return FieldError("date", "تاریخ بستن روز نامعتبر است.", "day close date %q is not a Jalali date", d.Date)
	}
	if d.CountedCash < 0 || d.ExpectedCash < 0 || d.CountedCard < 0 || d.ExpectedCard < 0 {
		return FieldError("counted_cash", "مبلغ نمی‌تواند منفی باشد.", "amounts must not be negative")
	}
	if d.ClosedBy == "" {
		return FieldError("closed_by", "بستن روز باید به نام یک مدیر ثبت شود.", "a day close needs the supervisor who closed it")
	}
	if (d.Difference() != 0 || d.CardDifference() != 0) && strings.TrimSpace(d.Reason) == "" {
		return FieldError("reason", "مبلغ شمرده‌شده با مبلغ مورد انتظار یکی نیست؛ دلیل اختلاف را بنویسید.",
			"counted and expected differ (cash %d, card %d); a reason is required", d.Difference(), d.CardDifference())
	}
	return nil
}

func (d DayClose) String() string {
	return fmt.Sprintf("day %s: %d requests, cash expected %d counted %d", d.Date, d.Requests, d.ExpectedCash, d.CountedCash)
}
