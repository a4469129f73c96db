package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
)

// testStart is 2026-11-28 10:00 in Tehran, Jalali 1405/09/07.
var testStart = time.Date(2026, 11, 28, 10, 0, 0, 0, persian.Tehran())

// clock is a settable clock for DB.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// advance moves the clock on by d.
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// set moves the clock to t.
func (c *clock) set(t time.Time) { c.t = t }

// openTestDB opens a fresh database in a temporary folder with a fixed clock.
func openTestDB(t *testing.T) (*DB, *clock) {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "data", "pishkhan.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: testStart}
	db.Now = c.now
	return db, c
}

// testCfg is the desk configuration most tests use.
var testCfg = pishkhan.DeskConfig{OfficeCode: 12345, OfficeName: "دفتر پیشخوان شماره ۱۲", DeskNumber: 3}

// readyDB is an initialised desk with testCatalog(1) installed.
func readyDB(t *testing.T) (*DB, *clock) {
	t.Helper()
	db, c := openTestDB(t)
	ctx := context.Background()
	if err := db.InitDesk(ctx, testCfg, "tech"); err != nil {
		t.Fatalf("InitDesk: %v", err)
	}
	if err := db.ImportCatalog(ctx, testCatalog(1), "tech"); err != nil {
		t.Fatalf("ImportCatalog: %v", err)
	}
	return db, c
}

// testCatalog is a small hand-built catalog. Sub-service ss-pass has three
// inquiries in a deliberately non-alphabetical order.
func testCatalog(v pishkhan.CatalogVersion) *pishkhan.Catalog {
	return &pishkhan.Catalog{
		Version: v,
		Agencies: []pishkhan.Agency{
			{ID: "ag-1", Name: "سازمان ثبت احوال کشور"},
			{ID: "ag-2", Name: "پلیس مهاجرت و گذرنامه"},
			{ID: "ag-3", Name: "پلیس راهور"},
			{ID: "ag-9", Name: "دستگاه نمونه ۹ (ساختگی)", Generated: true},
		},
		InquiryTypes: []pishkhan.InquiryType{
			{ID: "iq-1", AgencyID: "ag-1", Name: "استعلام هویت"},
			{ID: "iq-2", AgencyID: "ag-2", Name: "استعلام ممنوع‌الخروجی"},
			{ID: "iq-3", AgencyID: "ag-2", Name: "استعلام نظام وظیفه"},
		},
		Services: []pishkhan.Service{
			{ID: "sv-1", AgencyID: "ag-2", Name: "گذرنامه"},
			{ID: "sv-2", AgencyID: "ag-1", Name: "کارت ملی هوشمند"},
			{ID: "sv-3", AgencyID: "ag-3", Name: "گواهی‌نامه رانندگی", Licence: true},
			{ID: "sv-9", AgencyID: "ag-9", Name: "خدمت نمونه ۹ (ساختگی)", Generated: true},
		},
		SubServices: []pishkhan.SubService{
			{ID: "ss-pass", ServiceID: "sv-1", Name: "صدور گذرنامه", GovFee: 1_000_000, CounterFee: 150_000,
				Inquiries: []string{"iq-3", "iq-1", "iq-2"},
				Fields: []pishkhan.FieldSpec{
					{Key: "mobile", Label: "شماره همراه", Type: pishkhan.FieldMobile, Required: true},
					{Key: "kind", Label: "نوع", Type: pishkhan.FieldChoice, Choices: []string{"عادی", "فوری"}, Required: true},
					{Key: "postal_code", Label: "کد پستی", Type: pishkhan.FieldPostalCode},
				}},
			{ID: "ss-renew", ServiceID: "sv-1", Name: "تمدید گذرنامه", GovFee: 500_000, CounterFee: 100_000,
				Inquiries: []string{"iq-1"}},
			{ID: "ss-card", ServiceID: "sv-2", Name: "کارت ملی هوشمند المثنی", GovFee: 0, CounterFee: 80_000},
			{ID: "ss-plate", ServiceID: "sv-3", Name: "تعويض پلاك", GovFee: 200_000, CounterFee: 50_000}, // Arabic ي and ك
			{ID: "ss-lic", ServiceID: "sv-3", Name: "تمدید گواهی‌نامه رانندگی", GovFee: 300_000, CounterFee: 50_000,
				Inquiries: []string{"iq-1"}},
			{ID: "ss-gen", ServiceID: "sv-9", Name: "خدمت نمونه ۱۲۳ (ساختگی)", GovFee: 10_000, CounterFee: 10_000, Generated: true},
		},
	}
}

// allTables are the tables whose row counts must not move when a write fails.
var allTables = []string{"desk_config", "users", "catalog_meta", "agencies", "services", "inquiry_types", "sub_services",
	"sub_service_inquiries", "request_transitions", "requests", "inquiries", "payments", "print_jobs", "day_close_rounds", "audit",
	"schema_migrations"}

// rowCounts counts the rows of every table.
func rowCounts(t *testing.T, db *DB) map[string]int {
	t.Helper()
	out := make(map[string]int, len(allTables))
	for _, tb := range allTables {
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM " + tb).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

// sameCounts fails the test when any table's row count changed.
func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for _, tb := range allTables {
		if before[tb] != after[tb] {
			t.Errorf("table %s: %d rows before, %d after; a failed write left rows behind", tb, before[tb], after[tb])
		}
	}
}

// count runs a COUNT(*) query.
func count(t *testing.T, q interface {
	QueryRow(string, ...any) *sql.Row
}, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// mustNC completes nine digits into a valid national code.
func mustNC(t *testing.T, nine string) pishkhan.NationalCode {
	t.Helper()
	nc, err := pishkhan.CompleteNationalCode(nine)
	if err != nil {
		t.Fatal(err)
	}
	return nc
}

// newID makes a UUIDv7 at the clock's time.
func newID(t *testing.T, c *clock) pishkhan.ID {
	t.Helper()
	id, err := pishkhan.NewID(c.now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// passRequest is a valid cash request for ss-pass under catalog version v.
func passRequest(t *testing.T, c *clock, nc pishkhan.NationalCode) NewRequest {
	t.Helper()
	return NewRequest{
		ID:             newID(t, c),
		Citizen:        pishkhan.Citizen{NationalCode: nc, FirstName: "علی", LastName: "رضایی", FatherName: "محمد", BirthDate: "1370/01/15", Mobile: "09121234567"},
		SubServiceID:   "ss-pass",
		CatalogVersion: 1,
		Fields:         map[string]string{"mobile": "09121234567", "kind": "عادی"},
		Payment:        pishkhan.Payment{Method: pishkhan.PayCash, Amount: 1_150_000},
		Clerk:          "clerk1",
	}
}

// intake files a request and fails the test on error.
func intake(t *testing.T, db *DB, in NewRequest) *pishkhan.Request {
	t.Helper()
	r, err := db.Intake(context.Background(), in)
	if err != nil {
		t.Fatalf("Intake: %v", err)
	}
	return r
}

// wantCode fails unless err carries the pishkhan code want and a Persian message.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	if got := pishkhan.ErrorCode(err); got != want {
		t.Fatalf("error code %q, want %q (error: %v)", got, want, err)
	}
	checkPersian(t, err)
}

// checkPersian fails unless err has a specific Persian message.
func checkPersian(t *testing.T, err error) {
	t.Helper()
	msg := pishkhan.PersianMessage(err)
	if msg == "" || msg == pishkhan.PersianMessage(fmt.Errorf("x")) {
		t.Errorf("error %v has no specific Persian message (got %q)", err, msg)
	}
	hasPersian := false
	for _, r := range msg {
		if r >= 0x0600 && r <= 0x06FF {
			hasPersian = true
			break
		}
	}
	if !hasPersian {
		t.Errorf("Persian message %q of %v has no Persian letters", msg, err)
	}
}

// rawExec runs raw SQL through the handle, as a buggy caller would.
func rawExec(db *DB, query string, args ...any) error {
	_, err := db.SQL().Exec(query, args...)
	return err
}

// isConstraint reports whether err is a SQLite constraint or trigger failure.
func wantRefused(t *testing.T, err error, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: the database accepted it", what)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "constraint") && !strings.Contains(err.Error(), "immutable") &&
		!strings.Contains(err.Error(), "append-only") && !strings.Contains(err.Error(), "illegal") &&
		!strings.Contains(err.Error(), "closed") {
		t.Fatalf("%s: refused for an unexpected reason: %v", what, err)
	}
}
