package desk_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
)

// deskStart is 2026-11-28 10:00 in Tehran, Jalali 1405/09/07.
var deskStart = time.Date(2026, 11, 28, 10, 0, 0, 0, persian.Tehran())

// cheapPIN keeps argon2id fast in tests.
var cheapPIN = pishkhan.Argon2idParams{Memory: 1024, Time: 1, Threads: 1}

// deskClock is a settable clock for the desk's store.
type deskClock struct{ t time.Time }

func (c *deskClock) now() time.Time          { return c.t }
func (c *deskClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// openDesk opens a fresh desk in a temporary folder with a fixed clock and cheap PIN hashing.
func openDesk(t *testing.T) (*desk.Desk, *deskClock) {
	t.Helper()
	d, err := desk.Open(context.Background(), filepath.Join(t.TempDir(), "data"), nil)
	if err != nil {
		t.Fatalf("desk.Open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	c := &deskClock{t: deskStart}
	d.Store.Now = c.now
	d.PINCost = cheapPIN
	return d, c
}

// readyDesk is an initialised desk (office 12345, desk 3) with users clerk1
// (clerk), boss (supervisor) and tech (technician), and smallCatalog installed.
func readyDesk(t *testing.T) (*desk.Desk, *deskClock) {
	t.Helper()
	d, c := openDesk(t)
	ctx := context.Background()
	if _, err := d.Init(ctx, desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر پیشخوان ۱۲", DeskNumber: "3"}, setupActor(t, d)); err != nil {
		t.Fatalf("Init: %v", err)
	}
	addUsers(t, d)
	if _, err := d.ImportCatalog(ctx, smallCatalog(1), as(t, d, "tech")); err != nil {
		t.Fatalf("ImportCatalog: %v", err)
	}
	return d, c
}

// smallCatalog is a hand-built catalog with one form of every common field kind.
func smallCatalog(v pishkhan.CatalogVersion) *pishkhan.Catalog {
	return &pishkhan.Catalog{
		Version: v,
		Agencies: []pishkhan.Agency{
			{ID: "ag-1", Name: "سازمان ثبت احوال کشور"},
			{ID: "ag-2", Name: "پلیس مهاجرت و گذرنامه"},
		},
		InquiryTypes: []pishkhan.InquiryType{
			{ID: "iq-1", AgencyID: "ag-1", Name: "استعلام هویت"},
			{ID: "iq-2", AgencyID: "ag-2", Name: "استعلام ممنوع‌الخروجی"},
		},
		Services: []pishkhan.Service{
			{ID: "sv-1", AgencyID: "ag-2", Name: "گذرنامه"},
			{ID: "sv-2", AgencyID: "ag-1", Name: "کارت ملی هوشمند"},
		},
		SubServices: []pishkhan.SubService{
			{ID: "ss-pass", ServiceID: "sv-1", Name: "صدور گذرنامه", GovFee: 1_000_000, CounterFee: 150_000,
				Inquiries: []string{"iq-2", "iq-1"},
				Fields: []pishkhan.FieldSpec{
					{Key: "applicant", Label: "کد ملی متقاضی", Type: pishkhan.FieldNationalCode, Required: true},
					{Key: "contact", Label: "شماره همراه", Type: pishkhan.FieldMobile, Required: true},
					{Key: "postal_code", Label: "کد پستی", Type: pishkhan.FieldPostalCode},
					{Key: "kind", Label: "نوع", Type: pishkhan.FieldChoice, Choices: []string{"عادی", "زیارتی"}, Required: true},
					{Key: "trips", Label: "تعداد سفر", Type: pishkhan.FieldNumber, Min: 0, Max: 99},
					{Key: "expiry", Label: "تاریخ انقضا", Type: pishkhan.FieldDate},
				}},
			{ID: "ss-card", ServiceID: "sv-2", Name: "صدور المثنی کارت ملی هوشمند", GovFee: 0, CounterFee: 80_000},
		},
	}
}

// nationalCode completes nine digits into a valid national code.
func nationalCode(t *testing.T, nine string) pishkhan.NationalCode {
	t.Helper()
	nc, err := pishkhan.CompleteNationalCode(nine)
	if err != nil {
		t.Fatal(err)
	}
	return nc
}

// passInput is a valid intake of ss-pass for nc, paid in cash.
func passInput(nc pishkhan.NationalCode) desk.IntakeInput {
	return desk.IntakeInput{
		NationalCode: string(nc), FirstName: "علی", LastName: "رضایی", FatherName: "محمد", BirthDate: "1370/01/15",
		Mobile: "09121234567", SubServiceID: "ss-pass",
		Fields:    map[string]string{"applicant": string(nc), "contact": "09121234567", "kind": "عادی"},
		PayMethod: "cash", Clerk: "clerk1",
	}
}

var tables = []string{"desk_config", "users", "catalog_meta", "agencies", "services", "inquiry_types", "sub_services",
	"sub_service_inquiries", "requests", "inquiries", "payments", "print_jobs", "day_close_rounds", "audit"}

// counts counts the rows of every table.
func counts(t *testing.T, d *desk.Desk) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := d.Store.SQL().QueryRow("SELECT COUNT(*) FROM " + tb).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

// unchanged fails when a table's row count moved.
func unchanged(t *testing.T, before, after map[string]int) {
	t.Helper()
	for _, tb := range tables {
		if before[tb] != after[tb] {
			t.Errorf("table %s: %d rows before, %d after a refused call", tb, before[tb], after[tb])
		}
	}
}

// errAs returns the first *pishkhan.Error in err's chain.
func errAs(err error) *pishkhan.Error {
	var pe *pishkhan.Error
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// expectCode fails unless err has code want, a Persian message and, when
// field is not empty, that Field.
func expectCode(t *testing.T, err error, want, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", want)
	}
	if got := pishkhan.ErrorCode(err); got != want {
		t.Fatalf("error code %q, want %q: %v", got, want, err)
	}
	msg := pishkhan.PersianMessage(err)
	persianLetters := false
	for _, r := range msg {
		if r >= 0x0600 && r <= 0x06FF {
			persianLetters = true
		}
	}
	if !persianLetters || msg == pishkhan.PersianMessage(fmt.Errorf("x")) {
		t.Errorf("error %v has no specific Persian message: %q", err, msg)
	}
	if field != "" {
		if pe := errAs(err); pe == nil || pe.Field != field {
			t.Errorf("error %v: field %v, want %q", err, pe, field)
		}
	}
}

// sqlDB is the raw handle, for checks and for breaking things on purpose.
func sqlDB(d *desk.Desk) *sql.DB { return d.Store.SQL() }

// pins are the PINs of readyDesk's users.
var pins = map[string]string{"clerk1": "2468", "boss": "1357", "tech": "9753"}

// as logs one of readyDesk's users in.
func as(t testing.TB, d *desk.Desk, username string) desk.Actor {
	t.Helper()
	a, err := d.Login(context.Background(), username, pins[username])
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return a
}

// addUsers gives a desk without users readyDesk's users: boss, the
// supervisor, added by the set-up actor, then clerk1 and tech added by boss.
func addUsers(t testing.TB, d *desk.Desk) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.AddUser(ctx, desk.AddUserInput{Username: "boss", FullName: "مدیر دفتر", Role: "supervisor", PIN: "1357"}, setupActor(t, d)); err != nil {
		t.Fatalf("AddUser boss: %v", err)
	}
	boss := as(t, d, "boss")
	for _, u := range []desk.AddUserInput{
		{Username: "clerk1", FullName: "زهرا احمدی", Role: "clerk", PIN: "2468"},
		{Username: "tech", FullName: "کارشناس", Role: "technician", PIN: "9753"},
	} {
		if _, err := d.AddUser(ctx, u, boss); err != nil {
			t.Fatalf("AddUser %s: %v", u.Username, err)
		}
	}
}

// setupActor is the set-up actor of a desk that has no users yet.
func setupActor(t testing.TB, d *desk.Desk) desk.Actor {
	t.Helper()
	a, err := d.SetupActor(context.Background())
	if err != nil {
		t.Fatalf("SetupActor: %v", err)
	}
	return a
}
