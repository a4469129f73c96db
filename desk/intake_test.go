package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
)

func TestIntakeEndToEndAnyDigits(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	nc := nationalCode(t, "001234567")
	ncPersian := persian.ToPersianDigits(string(nc[:3]) + "-" + string(nc[3:9]) + "-" + string(nc[9:]))
	arabic := strings.NewReplacer("0", "٠", "1", "١", "2", "٢", "3", "٣", "4", "٤", "5", "٥", "6", "٦", "7", "٧", "8", "٨", "9", "٩")
	in := desk.IntakeInput{
		NationalCode: ncPersian,
		FirstName:    " علي ", LastName: "رضايي", FatherName: "محمد",
		BirthDate:    "۱۳۷۰/۱/۵",
		Mobile:       arabic.Replace("0912 123 4567"),
		SubServiceID: " ss-pass ",
		Fields: map[string]string{
			"applicant":   arabic.Replace(string(nc)),
			"contact":     "+98 ۹۱۲ ۱۲۳ ۴۵۶۷",
			"postal_code": "۱۳۱۱۱-۵۵۵۵۵",
			"kind":        "زیارتی",
			"trips":       "۱۲",
			"expiry":      "١٤٠٦/٠٢/٠١",
		},
		PayMethod:   " Card ",
		Amount:      "۱٬۱۵۰٬۰۰۰",
		TerminalRef: "۱۲۳۴۵۶۷۸۹۰",
		Clerk:       "clerk1",
	}
	before := counts(t, d)
	r, err := d.Intake(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	after := counts(t, d)
	for tb, want := range map[string]int{"requests": 1, "inquiries": 2, "payments": 1, "print_jobs": 1, "audit": 1} {
		if after[tb]-before[tb] != want {
			t.Errorf("%s grew by %d, want %d", tb, after[tb]-before[tb], want)
		}
	}
	if r.ID.Version() != 7 || !r.ID.Time().Equal(deskStart.Truncate(time.Millisecond)) {
		t.Errorf("request id %s (time %v) is not a UUIDv7 of the desk's clock", r.ID, r.ID.Time())
	}
	_, p, err := pishkhan.ParseTrackingCode(string(r.TrackingCode), 1405)
	if err != nil || p != (pishkhan.TrackingParts{Office: 12345, Desk: 3, Year: 1405, Month: 9, Day: 7, Seq: 1}) {
		t.Errorf("tracking code %s: %+v %v", r.TrackingCode, p, err)
	}

	v, err := d.Show(ctx, string(r.TrackingCode))
	if err != nil {
		t.Fatal(err)
	}
	want := pishkhan.Citizen{NationalCode: nc, FirstName: "علی", LastName: "رضایی", FatherName: "محمد", BirthDate: "1370/01/05", Mobile: "09121234567"}
	if v.Citizen != want {
		t.Errorf("citizen %+v, want %+v", v.Citizen, want)
	}
	wantFields := map[string]string{"applicant": string(nc), "contact": "09121234567", "postal_code": "1311155555",
		"kind": "زیارتی", "trips": "12", "expiry": "1406/02/01"}
	if len(v.Fields) != len(wantFields) {
		t.Errorf("fields %v, want %v", v.Fields, wantFields)
	}
	for k, w := range wantFields {
		if v.Fields[k] != w {
			t.Errorf("field %s = %q, want %q", k, v.Fields[k], w)
		}
	}
	if v.Payment == nil || v.Payment.Method != pishkhan.PayCard || v.Payment.Amount != 1_150_000 || v.Payment.TerminalRef != "1234567890" {
		t.Errorf("payment %+v", v.Payment)
	}
	if v.ClerkID != "clerk1" || v.State != pishkhan.StateQueued || len(v.Inquiries) != 2 || v.Inquiries[0].TypeID != "iq-2" || len(v.PrintJobs) != 1 {
		t.Errorf("request %+v", v)
	}

	// Amount may be left out (the fee due is taken); a supervisor may file too.
	in2 := passInput(nc)
	in2.Clerk = "boss"
	r2, err := d.Intake(ctx, in2)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Payment.Amount != 1_150_000 || r2.ClerkID != "boss" {
		t.Errorf("second request %+v %+v", r2, r2.Payment)
	}
	if rep, err := d.VerifyAudit(ctx); err != nil || rep.Entries != int64(after["audit"]+1) {
		t.Errorf("VerifyAudit %+v %v", rep, err)
	}
	if probs, err := d.Store.IntegrityReport(ctx); err != nil || len(probs) != 0 {
		t.Errorf("IntegrityReport %v %v", probs, err)
	}
}

func TestIntakeBadInputWritesNothing(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	nc := nationalCode(t, "001234567")
	if _, err := d.Intake(ctx, passInput(nc)); err != nil { // one good request first
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(in *desk.IntakeInput)
		code   string
		field  string
	}{
		{"bad national code check digit", func(in *desk.IntakeInput) { in.NationalCode = string(nc[:9]) + string('0'+(nc[9]-'0'+1)%10) }, pishkhan.EInvalid, "national_code"},
		{"short national code", func(in *desk.IntakeInput) { in.NationalCode = "۱۲۳۴۵" }, pishkhan.EInvalid, "national_code"},
		{"no national code", func(in *desk.IntakeInput) { in.NationalCode = "" }, pishkhan.EInvalid, "national_code"},
		{"no first name", func(in *desk.IntakeInput) { in.FirstName = " \u200c " }, pishkhan.EInvalid, "first_name"},
		{"no last name", func(in *desk.IntakeInput) { in.LastName = "" }, pishkhan.EInvalid, "name"},
		{"digits in first name", func(in *desk.IntakeInput) { in.FirstName = "123" }, pishkhan.EInvalid, "first_name"},
		{"control character in last name", func(in *desk.IntakeInput) { in.LastName = "رضایی\a" }, pishkhan.EInvalid, "last_name"},
		{"markup in father's name", func(in *desk.IntakeInput) { in.FatherName = "<b>محمد</b>" }, pishkhan.EInvalid, "father_name"},
		{"birth year 1", func(in *desk.IntakeInput) { in.BirthDate = "0001/01/01" }, pishkhan.EInvalid, "birth_date"},
		{"birth year before 1250", func(in *desk.IntakeInput) { in.BirthDate = "1249/12/29" }, pishkhan.EInvalid, "birth_date"},
		{"bad birth date", func(in *desk.IntakeInput) { in.BirthDate = "1370/13/01" }, pishkhan.EInvalid, "birth_date"},
		{"birth date as day/month/year", func(in *desk.IntakeInput) { in.BirthDate = "15/01/1370" }, pishkhan.EInvalid, "birth_date"},
		{"future birth date", func(in *desk.IntakeInput) { in.BirthDate = "1405/09/08" }, pishkhan.EInvalid, "birth_date"},
		{"bad citizen mobile", func(in *desk.IntakeInput) { in.Mobile = "0212345678" }, pishkhan.EInvalid, "mobile"},
		{"unknown sub-service", func(in *desk.IntakeInput) { in.SubServiceID = "ss-404" }, pishkhan.ENotFound, ""},
		{"bad national-code field", func(in *desk.IntakeInput) { in.Fields["applicant"] = "1234567890" }, pishkhan.EInvalid, "applicant"},
		{"bad mobile field", func(in *desk.IntakeInput) { in.Fields["contact"] = "۰۹۱۲" }, pishkhan.EInvalid, "contact"},
		{"bad postal code field", func(in *desk.IntakeInput) { in.Fields["postal_code"] = "0000000000" }, pishkhan.EInvalid, "postal_code"},
		{"bad choice", func(in *desk.IntakeInput) { in.Fields["kind"] = "ویژه" }, pishkhan.EInvalid, "kind"},
		{"missing required field", func(in *desk.IntakeInput) { delete(in.Fields, "kind") }, pishkhan.EInvalid, "kind"},
		{"number out of range", func(in *desk.IntakeInput) { in.Fields["trips"] = "۱۰۰" }, pishkhan.EInvalid, "trips"},
		{"negative number", func(in *desk.IntakeInput) { in.Fields["trips"] = "-1" }, pishkhan.EInvalid, "trips"},
		{"bad date field", func(in *desk.IntakeInput) { in.Fields["expiry"] = "1405/12/30" }, pishkhan.EInvalid, "expiry"},
		{"unknown field", func(in *desk.IntakeInput) { in.Fields["colour"] = "آبی" }, pishkhan.EInvalid, "colour"},
		{"no payment method", func(in *desk.IntakeInput) { in.PayMethod = "" }, pishkhan.EInvalid, "payment"},
		{"unknown payment method", func(in *desk.IntakeInput) { in.PayMethod = "نقدی" }, pishkhan.EInvalid, "payment"},
		{"wrong amount", func(in *desk.IntakeInput) { in.Amount = "۱٬۰۰۰٬۰۰۰" }, pishkhan.EInvalid, "amount"},
		{"amount not a number", func(in *desk.IntakeInput) { in.Amount = "یک میلیون" }, pishkhan.EInvalid, "amount"},
		{"card without terminal ref", func(in *desk.IntakeInput) { in.PayMethod = "card" }, pishkhan.EInvalid, "terminal_ref"},
		{"card with short terminal ref", func(in *desk.IntakeInput) { in.PayMethod = "card"; in.TerminalRef = "۱۲۳" }, pishkhan.EInvalid, "terminal_ref"},
		{"cash with terminal ref", func(in *desk.IntakeInput) { in.TerminalRef = "123456" }, pishkhan.EInvalid, "terminal_ref"},
		{"unknown clerk", func(in *desk.IntakeInput) { in.Clerk = "ghost" }, pishkhan.EInvalid, "clerk"},
		{"no clerk", func(in *desk.IntakeInput) { in.Clerk = "" }, pishkhan.EInvalid, "clerk"},
		{"technician files", func(in *desk.IntakeInput) { in.Clerk = "tech" }, pishkhan.EUnauthorized, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := passInput(nc)
			in.Fields["postal_code"] = "1311155555"
			in.Fields["trips"] = "3"
			tc.change(&in)
			before := counts(t, d)
			r, err := d.Intake(ctx, in)
			if r != nil {
				t.Errorf("a request came back: %+v", r)
			}
			expectCode(t, err, tc.code, tc.field)
			unchanged(t, before, counts(t, d))
		})
	}
}

// The clerk's user name is matched as at login: case and spaces do not matter.
func TestIntakeClerkNameCaseInsensitive(t *testing.T) {
	d, _ := readyDesk(t)
	in := passInput(nationalCode(t, "001234567"))
	in.Clerk = " Clerk1 "
	r, err := d.Intake(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Store.RequestByID(context.Background(), r.ID)
	if err != nil || v.ClerkID != "clerk1" {
		t.Fatalf("filed under clerk %q (%v), want clerk1", v.ClerkID, err)
	}
}

func TestIntakeClerkStates(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	nc := nationalCode(t, "001234567")
	if _, err := sqlDB(d).Exec("UPDATE users SET active = 0 WHERE username = 'clerk1'"); err != nil {
		t.Fatal(err)
	}
	before := counts(t, d)
	_, err := d.Intake(ctx, passInput(nc))
	expectCode(t, err, pishkhan.EUnauthorized, "")
	unchanged(t, before, counts(t, d))
}

func TestIntakeStateErrors(t *testing.T) {
	ctx := context.Background()
	nc := nationalCode(t, "001234567")

	t.Run("not initialised", func(t *testing.T) {
		d, _ := openDesk(t)
		if _, err := d.ImportCatalog(ctx, smallCatalog(1), setupActor(t, d)); err != nil {
			t.Fatal(err)
		}
		addUsers(t, d)
		before := counts(t, d)
		_, err := d.Intake(ctx, passInput(nc))
		expectCode(t, err, pishkhan.ENotInit, "")
		unchanged(t, before, counts(t, d))
	})
	t.Run("no catalog", func(t *testing.T) {
		d, _ := openDesk(t)
		if _, err := d.Init(ctx, desk.InitInput{OfficeCode: "1", OfficeName: "دفتر", DeskNumber: "1"}, setupActor(t, d)); err != nil {
			t.Fatal(err)
		}
		addUsers(t, d)
		before := counts(t, d)
		_, err := d.Intake(ctx, passInput(nc))
		expectCode(t, err, pishkhan.ENotFound, "")
		unchanged(t, before, counts(t, d))
	})
	t.Run("closed day", func(t *testing.T) {
		d, c := readyDesk(t)
		if _, err := sqlDB(d).Exec(`INSERT INTO day_close_rounds (day, expected_cash, counted_cash, expected_card, counted_card, requests, closed_by, closed_at)
			VALUES ('1405/09/07', 0, 0, 0, 0, 0, 'boss', '2026-11-28T14:00:00.000000000Z')`); err != nil {
			t.Fatal(err)
		}
		before := counts(t, d)
		_, err := d.Intake(ctx, passInput(nc))
		expectCode(t, err, pishkhan.ELocked, "")
		unchanged(t, before, counts(t, d))
		// The next Jalali day is open.
		c.advance(24 * time.Hour)
		if _, err := d.Intake(ctx, passInput(nc)); err != nil {
			t.Errorf("intake on the next day: %v", err)
		}
	})
}
