package desk

import (
	"context"
	"strings"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
)

// IntakeInput is what the clerk gathered from a walk-in.
type IntakeInput struct {
	NationalCode string // any digit script, dashes allowed
	FirstName    string
	LastName     string
	FatherName   string
	BirthDate    string // Jalali, optional
	Mobile       string // optional
	SubServiceID string
	Fields       map[string]string
	PayMethod    string // "cash" or "card"
	Amount       string // optional: when given it must equal the fee due
	TerminalRef  string // card terminal reference for card payments
	Clerk        string // user name of the clerk filing it
	// ID, when set, is the request's UUIDv7 chosen by the caller, so that a
	// retry after a lost answer files nothing twice: the same ID with the
	// same content returns the request already filed. Empty: a new ID.
	ID string
}

// Intake validates a walk-in's request against the catalog and the
// domain's rules and files it in one transaction. It returns the filed
// request with its tracking code; nothing is written when it fails.
func (d *Desk) Intake(ctx context.Context, in IntakeInput) (*pishkhan.Request, error) {
	clerk, err := d.User(ctx, in.Clerk)
	if err != nil {
		if pishkhan.ErrorCode(err) == pishkhan.ENotFound {
			return nil, pishkhan.FieldError("clerk", "اپراتوری با این نام کاربری وجود ندارد.", "no user %q to file the request", in.Clerk)
		}
		return nil, err
	}
	if !clerk.Active || !clerk.Role.Can(pishkhan.ActIntake) {
		return nil, pishkhan.Errorf(pishkhan.EUnauthorized, "فقط اپراتور یا مدیر دفتر می‌تواند درخواست ثبت کند.",
			"user %s (%s) may not file requests", clerk.Username, clerk.Role)
	}
	nc, err := pishkhan.ParseNationalCode(in.NationalCode)
	if err != nil {
		return nil, err
	}
	c := pishkhan.Citizen{NationalCode: nc}
	if strings.TrimSpace(in.FirstName) == "" || strings.TrimSpace(in.LastName) == "" {
		return nil, pishkhan.FieldError("name", "نام و نام خانوادگی متقاضی را وارد کنید.", "citizen's first and last name are required")
	}
	if c.FirstName, err = pishkhan.CheckPersonName("first_name", in.FirstName); err != nil {
		return nil, err
	}
	if c.LastName, err = pishkhan.CheckPersonName("last_name", in.LastName); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.FatherName) != "" {
		if c.FatherName, err = pishkhan.CheckPersonName("father_name", in.FatherName); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(in.BirthDate) != "" {
		bd, err := persian.ParseDate(in.BirthDate)
		if err != nil {
			return nil, pishkhan.FieldError("birth_date", "تاریخ تولد را به شکل ۱۳۶۵/۰۴/۱۲ وارد کنید.", "birth date %q: %v", in.BirthDate, err)
		}
		if bd.Year < pishkhan.MinJalaliYear {
			return nil, pishkhan.FieldError("birth_date", "سال تولد نادرست است.", "birth year %d is before %d", bd.Year, pishkhan.MinJalaliYear)
		}
		if bd.Compare(d.Today()) > 0 {
			return nil, pishkhan.FieldError("birth_date", "تاریخ تولد نمی‌تواند در آینده باشد.", "birth date %s is in the future", bd)
		}
		c.BirthDate = bd.String()
	}
	if strings.TrimSpace(in.Mobile) != "" {
		if c.Mobile, err = pishkhan.ParseMobile(in.Mobile); err != nil {
			return nil, err
		}
	}
	entry, err := d.Store.SubService(ctx, strings.TrimSpace(in.SubServiceID))
	if err != nil {
		return nil, err
	}
	fields, err := entry.SubService.ValidateForm(in.Fields)
	if err != nil {
		return nil, err
	}
	due := entry.SubService.TotalFee()
	pay := pishkhan.Payment{Method: pishkhan.PaymentMethod(strings.ToLower(strings.TrimSpace(in.PayMethod))), Amount: due,
		TerminalRef: canonicalRef(in.TerminalRef)}
	if strings.TrimSpace(in.Amount) != "" {
		a, err := persian.ParseInt(in.Amount)
		if err != nil {
			return nil, pishkhan.FieldError("amount", "مبلغ باید عدد باشد.", "amount %q is not a number", in.Amount)
		}
		pay.Amount = pishkhan.Rials(a)
	}
	if err := pay.Validate(due); err != nil {
		return nil, err
	}
	var id pishkhan.ID
	if strings.TrimSpace(in.ID) != "" {
		if id, err = pishkhan.ParseID(strings.ToLower(strings.TrimSpace(in.ID))); err != nil {
			return nil, err
		}
		if id.Version() != 7 {
			return nil, pishkhan.FieldError("id", "شناسه درخواست باید UUID نسخه ۷ باشد.", "request id %s is not a UUIDv7", id)
		}
	} else if id, err = pishkhan.NewID(d.Now(), nil); err != nil {
		return nil, err
	}
	if err := d.checkOffline(ctx, id); err != nil {
		return nil, err
	}
	r, err := d.Store.Intake(ctx, store.NewRequest{ID: id, Citizen: c, SubServiceID: entry.SubService.ID,
		CatalogVersion: entry.Version, Fields: fields, Payment: pay, Clerk: clerk.Username})
	if err != nil {
		return nil, err
	}
	d.Log.Info("intake", "tracking_code", r.TrackingCode, "sub_service", r.SubServiceID, "clerk", clerk.Username)
	if d.AfterIntake != nil {
		d.AfterIntake(r)
	}
	return r, nil
}

// canonicalRef keeps a card terminal reference as plain ASCII digits when it
// is digits with separators; anything else is left for Payment.Validate to refuse.
func canonicalRef(s string) string {
	s = persian.ToLatinDigits(strings.TrimSpace(s))
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u200c' {
			return -1
		}
		return r
	}, s)
	for _, r := range digits {
		if r < '0' || r > '9' {
			return s
		}
	}
	return digits
}
