package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
)

func TestIntakeWritesEverything(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	before := rowCounts(t, db)
	in := passRequest(t, c, mustNC(t, "001234567"))
	r := intake(t, db, in)

	after := rowCounts(t, db)
	delta := map[string]int{"requests": 1, "inquiries": 3, "payments": 1, "print_jobs": 1, "audit": 1}
	for _, tb := range allTables {
		if after[tb]-before[tb] != delta[tb] {
			t.Errorf("table %s grew by %d rows, want %d", tb, after[tb]-before[tb], delta[tb])
		}
	}

	// The returned request.
	if r.ID != in.ID || r.State != pishkhan.StateQueued || r.GovFee != 1_000_000 || r.CounterFee != 150_000 ||
		r.CatalogVersion != 1 || r.ServiceID != "sv-1" || r.AgencyID != "ag-2" || r.ClerkID != "clerk1" {
		t.Errorf("returned request %+v", r)
	}
	if !r.CreatedAt.Equal(c.now()) || r.Payment == nil || r.Payment.Amount != 1_150_000 {
		t.Errorf("returned request times/payment: %v %+v", r.CreatedAt, r.Payment)
	}

	// The tracking code: office, desk, Jalali day, sequence; it parses back.
	if code := string(r.TrackingCode); len(code) != 18 || code[:17] != "12345"+"03"+"050907"+"0001" || !pishkhan.DammValid(code) {
		t.Errorf("tracking code %s, want office 12345, desk 03, day 050907, seq 0001 and a check digit", code)
	}
	tc, parts, err := pishkhan.ParseTrackingCode(string(r.TrackingCode), 1405)
	if err != nil || tc != r.TrackingCode {
		t.Fatalf("ParseTrackingCode(%s): %v", r.TrackingCode, err)
	}
	if parts != (pishkhan.TrackingParts{Office: 12345, Desk: 3, Year: 1405, Month: 9, Day: 7, Seq: 1}) {
		t.Errorf("tracking parts %+v", parts)
	}

	// What was stored.
	v, err := db.RequestByTracking(ctx, r.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != in.ID || v.Citizen != in.Citizen || !reflect.DeepEqual(v.Fields, in.Fields) || v.Day != "1405/09/07" ||
		v.SubServiceName != "صدور گذرنامه" || v.ServiceName != "گذرنامه" || v.AgencyName != "پلیس مهاجرت و گذرنامه" ||
		v.GovFee != 1_000_000 || v.CounterFee != 150_000 || v.CatalogVersion != 1 || v.State != pishkhan.StateQueued {
		t.Errorf("stored request %+v", v)
	}
	var types []string
	for _, q := range v.Inquiries {
		types = append(types, q.TypeID)
		if q.State != pishkhan.InquiryPending || q.RequestID != in.ID {
			t.Errorf("inquiry %+v", q)
		}
	}
	if !reflect.DeepEqual(types, []string{"iq-3", "iq-1", "iq-2"}) {
		t.Errorf("inquiries %v, want the catalog's order [iq-3 iq-1 iq-2]", types)
	}
	if v.InquiryNames["iq-3"] != "استعلام نظام وظیفه" {
		t.Errorf("inquiry names %v", v.InquiryNames)
	}
	if v.Payment == nil || v.Payment.Method != pishkhan.PayCash || v.Payment.Amount != 1_150_000 || v.Payment.TerminalRef != "" {
		t.Errorf("payment %+v", v.Payment)
	}
	if len(v.PrintJobs) != 1 || v.PrintJobs[0].Kind != pishkhan.PrintReceipt || v.PrintJobs[0].State != pishkhan.PrintPending {
		t.Errorf("print jobs %+v", v.PrintJobs)
	}
	jobs, _ := db.PendingPrintJobs(ctx)
	if len(jobs) != 1 || jobs[0].RequestID != in.ID {
		t.Errorf("pending print jobs %+v", jobs)
	}
	trail, _ := db.AuditTrail(ctx, string(r.TrackingCode), 0)
	if len(trail) != 1 || trail[0].Action != "intake" || trail[0].Actor != "clerk1" {
		t.Errorf("audit %+v", trail)
	}
	if byID, err := db.RequestByID(ctx, in.ID); err != nil || byID.TrackingCode != r.TrackingCode {
		t.Errorf("RequestByID: %v %v", byID.TrackingCode, err)
	}
	_, err = db.RequestByTracking(ctx, "123450305090700024")
	wantCode(t, err, pishkhan.ENotFound)
	_, err = db.RequestByID(ctx, newID(t, c))
	wantCode(t, err, pishkhan.ENotFound)
	if probs, err := db.IntegrityReport(ctx); err != nil || len(probs) != 0 {
		t.Errorf("IntegrityReport = %v, %v", probs, err)
	}
}

func TestIntakeCardAndNoInquiries(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	in := NewRequest{ID: newID(t, c), Citizen: pishkhan.Citizen{NationalCode: mustNC(t, "123456789"), FirstName: "مریم", LastName: "کریمی"},
		SubServiceID: "ss-card", CatalogVersion: 1,
		Payment: pishkhan.Payment{Method: pishkhan.PayCard, Amount: 80_000, TerminalRef: "123456789012"}, Clerk: "clerk1"}
	r := intake(t, db, in)
	v, err := db.RequestByTracking(ctx, r.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Inquiries) != 0 || v.Payment.Method != pishkhan.PayCard || v.Payment.TerminalRef != "123456789012" || len(v.Fields) != 0 {
		t.Errorf("stored %+v payment %+v", v, v.Payment)
	}
}

func TestIntakeSequencePerJalaliDay(t *testing.T) {
	db, c := readyDB(t)
	nc := mustNC(t, "001234567")
	seqOf := func() (int, string) {
		t.Helper()
		r := intake(t, db, passRequest(t, c, nc))
		_, p, err := pishkhan.ParseTrackingCode(string(r.TrackingCode), 1405)
		if err != nil {
			t.Fatal(err)
		}
		return p.Seq, persian.Date{Year: p.Year, Month: p.Month, Day: p.Day}.String()
	}
	for want := 1; want <= 3; want++ {
		if seq, day := seqOf(); seq != want || day != "1405/09/07" {
			t.Errorf("intake %d: seq %d day %s", want, seq, day)
		}
		c.advance(time.Minute)
	}
	// 23:59 in Tehran is still the same Jalali day, although it is 20:29 UTC.
	c.set(time.Date(2026, 11, 28, 20, 29, 0, 0, time.UTC))
	if seq, day := seqOf(); seq != 4 || day != "1405/09/07" {
		t.Errorf("23:59 Tehran: seq %d day %s, want 4 on 1405/09/07", seq, day)
	}
	// Two minutes later it is the next Jalali day in Tehran (still 28 November in UTC).
	c.set(time.Date(2026, 11, 28, 20, 31, 0, 0, time.UTC))
	if seq, day := seqOf(); seq != 1 || day != "1405/09/08" {
		t.Errorf("00:01 Tehran: seq %d day %s, want 1 on 1405/09/08", seq, day)
	}
	if seq, day := seqOf(); seq != 2 || day != "1405/09/08" {
		t.Errorf("next: seq %d day %s, want 2 on 1405/09/08", seq, day)
	}
	today, err := db.RequestsOfDay(context.Background(), persian.Date{Year: 1405, Month: 9, Day: 7})
	if err != nil || len(today) != 4 {
		t.Fatalf("RequestsOfDay: %d, %v", len(today), err)
	}
	for i, v := range today {
		if _, p, _ := pishkhan.ParseTrackingCode(string(v.TrackingCode), 1405); p.Seq != i+1 {
			t.Errorf("RequestsOfDay[%d] has seq %d", i, p.Seq)
		}
	}
	if db.Today() != (persian.Date{Year: 1405, Month: 9, Day: 8}) {
		t.Errorf("Today = %v", db.Today())
	}
}

func TestIntakeFailuresWriteNothing(t *testing.T) {
	ctx := context.Background()
	nc := mustNC(t, "001234567")
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, db *DB, c *clock, in *NewRequest)
		code  string
		field string
	}{
		{"unknown sub-service", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.SubServiceID = "ss-404" }, pishkhan.ENotFound, ""},
		{"catalog version mismatch", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.CatalogVersion = 2 }, pishkhan.EConflict, ""},
		{"catalog updated meanwhile", func(t *testing.T, db *DB, c *clock, in *NewRequest) {
			if err := db.ImportCatalog(ctx, testCatalog(2), "tech"); err != nil {
				t.Fatal(err)
			}
		}, pishkhan.EConflict, ""},
		{"wrong amount", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.Payment.Amount = 1_000_000 }, pishkhan.EInvalid, "amount"},
		{"card without terminal ref", func(t *testing.T, db *DB, c *clock, in *NewRequest) {
			in.Payment.Method = pishkhan.PayCard
		}, pishkhan.EInvalid, "terminal_ref"},
		{"cash with terminal ref", func(t *testing.T, db *DB, c *clock, in *NewRequest) {
			in.Payment.TerminalRef = "123456"
		}, pishkhan.EInvalid, "terminal_ref"},
		{"unknown payment method", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.Payment.Method = "cheque" }, pishkhan.EInvalid, "payment"},
		{"closed day", func(t *testing.T, db *DB, c *clock, in *NewRequest) {
			if err := rawExec(db, `INSERT INTO day_close_rounds (day, expected_cash, counted_cash, expected_card, counted_card, requests, closed_by, closed_at)
				VALUES ('1405/09/07', 0, 0, 0, 0, 0, 'boss', ?)`, fmtTime(c.now())); err != nil {
				t.Fatal(err)
			}
		}, pishkhan.ELocked, ""},
		{"zero id", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.ID = pishkhan.ID{} }, pishkhan.EInvalid, ""},
		{"UUIDv4 id", func(t *testing.T, db *DB, c *clock, in *NewRequest) {
			in.ID[6] = 0x40 | (in.ID[6] & 0x0f)
		}, pishkhan.EInvalid, ""},
		{"no national code", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.Citizen.NationalCode = "" }, pishkhan.EInvalid, ""},
		{"no clerk", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.Clerk = "" }, pishkhan.EInvalid, ""},
		{"short national code", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.Citizen.NationalCode = "123" }, pishkhan.EInvalid, "national_code"},
		{"national code check digit", func(t *testing.T, db *DB, c *clock, in *NewRequest) { in.Citizen.NationalCode = "0012345670" }, pishkhan.EInvalid, "national_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, c := readyDB(t)
			intake(t, db, passRequest(t, c, nc)) // an earlier request, so the tables are not empty
			in := passRequest(t, c, nc)
			tc.setup(t, db, c, &in)
			before := rowCounts(t, db)
			r, err := db.Intake(ctx, in)
			if r != nil {
				t.Errorf("a request came back with the error: %+v", r)
			}
			wantCode(t, err, tc.code)
			if tc.field != "" {
				if pe := asError(err); pe.Field != tc.field {
					t.Errorf("field %q, want %q", pe.Field, tc.field)
				}
			}
			sameCounts(t, before, rowCounts(t, db))
		})
	}
}

func TestIntakeNotInitialised(t *testing.T) {
	db, c := openTestDB(t)
	if err := db.ImportCatalog(context.Background(), testCatalog(1), "tech"); err != nil {
		t.Fatal(err)
	}
	before := rowCounts(t, db)
	_, err := db.Intake(context.Background(), passRequest(t, c, mustNC(t, "001234567")))
	wantCode(t, err, pishkhan.ENotInit)
	sameCounts(t, before, rowCounts(t, db))
}

func TestIntakeDuplicateID(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	in := passRequest(t, c, mustNC(t, "001234567"))
	first := intake(t, db, in)
	before := rowCounts(t, db)
	c.advance(time.Minute)

	// The same ID with the same body: the stored request comes back, nothing is written.
	again, err := db.Intake(ctx, in)
	if err != nil {
		t.Fatalf("retry of a filed request: %v", err)
	}
	sameCounts(t, before, rowCounts(t, db))
	if !reflect.DeepEqual(again, first) {
		t.Errorf("retry returned\n%+v\nwant the request first filed\n%+v", again, first)
	}

	// A retry sees the request as it is now, not as it was filed.
	if err := db.TransitionRequest(ctx, in.ID, pishkhan.StateSending, "", "replicator"); err != nil {
		t.Fatal(err)
	}
	before = rowCounts(t, db)
	again, err = db.Intake(ctx, in)
	if err != nil {
		t.Fatalf("retry after a transition: %v", err)
	}
	sameCounts(t, before, rowCounts(t, db))
	if again.State != pishkhan.StateSending || again.TrackingCode != first.TrackingCode || len(again.Inquiries) != 3 ||
		again.Payment == nil || *again.Payment != *first.Payment {
		t.Errorf("retry after a transition returned %+v", again)
	}
	// The national code in another script is the same body.
	other := in
	other.Citizen.NationalCode = pishkhan.NationalCode(persian.ToPersianDigits(string(in.Citizen.NationalCode)))
	if _, err := db.Intake(ctx, other); err != nil {
		t.Errorf("retry with Persian digits: %v", err)
	}
	sameCounts(t, before, rowCounts(t, db))

	if n := count(t, db.SQL(), "SELECT COUNT(*) FROM requests WHERE id = ?", in.ID.String()); n != 1 {
		t.Errorf("%d rows with the id, want 1", n)
	}
	// The retries used no sequence number.
	next := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	_, p, _ := pishkhan.ParseTrackingCode(string(next.TrackingCode), 1405)
	if p.Seq != 2 || next.TrackingCode == first.TrackingCode {
		t.Errorf("next request after retries has seq %d", p.Seq)
	}
}

func TestIntakeDuplicateIDDifferentBody(t *testing.T) {
	ctx := context.Background()
	otherNC := mustNC(t, "001234568")
	for name, change := range map[string]func(in *NewRequest){
		"national code":   func(in *NewRequest) { in.Citizen.NationalCode = otherNC },
		"sub-service":     func(in *NewRequest) { in.SubServiceID, in.Fields, in.Payment.Amount = "ss-renew", nil, 600_000 },
		"catalog version": func(in *NewRequest) { in.CatalogVersion = 2 },
		"field value":     func(in *NewRequest) { in.Fields = map[string]string{"mobile": "09121234567", "kind": "فوری"} },
		"extra field": func(in *NewRequest) {
			in.Fields = map[string]string{"mobile": "09121234567", "kind": "عادی", "postal_code": "1234567890"}
		},
		"no fields": func(in *NewRequest) { in.Fields = nil },
		"payment method": func(in *NewRequest) {
			in.Payment = pishkhan.Payment{Method: pishkhan.PayCard, Amount: in.Payment.Amount, TerminalRef: "123456"}
		},
		"amount": func(in *NewRequest) { in.Payment.Amount++ },
		"clerk":  func(in *NewRequest) { in.Clerk = "clerk2" },
	} {
		t.Run(name, func(t *testing.T) {
			db, c := readyDB(t)
			in := passRequest(t, c, mustNC(t, "001234567"))
			first := intake(t, db, in)
			before := rowCounts(t, db)
			change(&in)
			r, err := db.Intake(ctx, in)
			if r != nil {
				t.Errorf("a request came back with the error: %+v", r)
			}
			wantCode(t, err, pishkhan.EConflict)
			if want := "request " + in.ID.String() + " was already filed with different content"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q, want %q", err, want)
			}
			if p := pishkhan.PersianMessage(err); p != "این درخواست قبلاً با اطلاعات دیگری ثبت شده است." {
				t.Errorf("Persian message %q", p)
			}
			sameCounts(t, before, rowCounts(t, db))
			if v, err := db.RequestByID(ctx, in.ID); err != nil || v.TrackingCode != first.TrackingCode || v.ClerkID != "clerk1" {
				t.Errorf("stored request after a refused resend: %+v, %v", v, err)
			}
		})
	}
	// A card payment's terminal reference is part of the body.
	t.Run("terminal ref", func(t *testing.T) {
		db, c := readyDB(t)
		in := passRequest(t, c, mustNC(t, "001234567"))
		in.Payment = pishkhan.Payment{Method: pishkhan.PayCard, Amount: 1_150_000, TerminalRef: "111111"}
		intake(t, db, in)
		before := rowCounts(t, db)
		in.Payment.TerminalRef = "222222"
		_, err := db.Intake(ctx, in)
		wantCode(t, err, pishkhan.EConflict)
		sameCounts(t, before, rowCounts(t, db))
	})
}

// TestIntakeAuditDetailIsJSON checks that every intake's audit detail is
// valid JSON, also for a sub-service id with quotes and control characters.
func TestIntakeAuditDetailIsJSON(t *testing.T) {
	db, c := openTestDB(t)
	ctx := context.Background()
	if err := db.InitDesk(ctx, testCfg, "tech"); err != nil {
		t.Fatal(err)
	}
	hostile := "ss-\"q\"\x01\t\\\u2028<&>"
	cat := testCatalog(1)
	cat.SubServices = append(cat.SubServices, pishkhan.SubService{ID: hostile, ServiceID: "sv-9", Name: "خدمت با شناسه ناجور", CounterFee: 5_000})
	if err := db.ImportCatalog(ctx, cat, "tech"); err != nil {
		t.Fatalf("ImportCatalog: %v", err)
	}
	nc := mustNC(t, "001234567")
	intake(t, db, passRequest(t, c, nc))
	card := passRequest(t, c, nc)
	card.Payment = pishkhan.Payment{Method: pishkhan.PayCard, Amount: 1_150_000, TerminalRef: "123456"}
	intake(t, db, card)
	odd := NewRequest{ID: newID(t, c), Citizen: pishkhan.Citizen{NationalCode: nc}, SubServiceID: hostile, CatalogVersion: 1,
		Payment: pishkhan.Payment{Method: pishkhan.PayCash, Amount: 5_000}, Clerk: "clerk1"}
	oddReq := intake(t, db, odd)

	trail, err := db.AuditTrail(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range trail {
		if e.Action != "intake" {
			continue
		}
		n++
		if !json.Valid([]byte(e.Detail)) {
			t.Errorf("intake audit detail is not JSON: %s", e.Detail)
			continue
		}
		var d struct {
			ID           string `json:"id"`
			SubService   string `json:"sub_service"`
			NationalCode string `json:"national_code"`
			Amount       int64  `json:"amount"`
			Method       string `json:"method"`
		}
		if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
			t.Fatal(err)
		}
		if d.NationalCode != nc.Masked() || d.ID == "" || d.Amount <= 0 || (d.Method != "cash" && d.Method != "card") {
			t.Errorf("detail %+v", d)
		}
		if e.Subject == string(oddReq.TrackingCode) && (d.SubService != hostile || d.ID != odd.ID.String() || d.Amount != 5_000) {
			t.Errorf("detail of the odd sub-service: %+v", d)
		}
	}
	if n != 3 {
		t.Errorf("%d intake audit entries, want 3", n)
	}
	for _, id := range []string{hostile, "\x00", `"}`, "\xff\xfe"} {
		d, err := intakeDetail(id, id, id, 1, pishkhan.PaymentMethod(id))
		if err != nil || !json.Valid([]byte(d)) {
			t.Errorf("intakeDetail(%q) = %s, %v; not JSON", id, d, err)
		}
	}
}

// TestIntakeRollsBackLateFailures makes the last steps of intake fail (with
// triggers added for the test) and checks that the earlier steps are undone.
func TestIntakeRollsBackLateFailures(t *testing.T) {
	for _, table := range []string{"inquiries", "payments", "print_jobs", "audit"} {
		t.Run(table, func(t *testing.T) {
			db, c := readyDB(t)
			if err := rawExec(db, `CREATE TRIGGER test_fail BEFORE INSERT ON `+table+` BEGIN SELECT RAISE(ABORT, 'test failure'); END`); err != nil {
				t.Fatal(err)
			}
			before := rowCounts(t, db)
			_, err := db.Intake(context.Background(), passRequest(t, c, mustNC(t, "001234567")))
			if err == nil {
				t.Fatal("intake succeeded although a step failed")
			}
			sameCounts(t, before, rowCounts(t, db))
		})
	}
}

func TestIntakeAfterReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pishkhan.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: testStart}
	db.Now = c.now
	if err := db.InitDesk(ctx, testCfg, "tech"); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportCatalog(ctx, testCatalog(1), "tech"); err != nil {
		t.Fatal(err)
	}
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	db.Close()

	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.Now = c.now
	v, err := db2.RequestByTracking(ctx, r.TrackingCode)
	if err != nil || v.ID != r.ID {
		t.Fatalf("after reopen: %v %v", v.ID, err)
	}
	r2 := intake(t, db2, passRequest(t, c, mustNC(t, "001234567")))
	if _, p, _ := pishkhan.ParseTrackingCode(string(r2.TrackingCode), 1405); p.Seq != 2 {
		t.Errorf("sequence after reopen %d, want 2", p.Seq)
	}
	if n, _, err := db2.VerifyAudit(ctx); err != nil || n != 4 {
		t.Errorf("VerifyAudit after reopen: %d, %v", n, err)
	}
}

func TestIntakeCanonicalNationalCode(t *testing.T) {
	db, c := readyDB(t)
	nc := mustNC(t, "001234567")
	in := passRequest(t, c, "۰۰۱-۲۳۴۵۶۷-"+pishkhan.NationalCode(string(rune('۰'+rune(nc[9]-'0')))))
	r := intake(t, db, in)
	if r.Citizen.NationalCode != nc {
		t.Errorf("returned national code %q, want %q", r.Citizen.NationalCode, nc)
	}
	vs, err := db.RequestsByNationalCode(context.Background(), nc)
	if err != nil || len(vs) != 1 {
		t.Errorf("lookup by the canonical national code: %d, %v", len(vs), err)
	}
}

func TestIntakeDailyLimit(t *testing.T) {
	db, c := readyDB(t)
	first := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	if err := copyRequest(db, first.ID, newID(t, c), pishkhan.MaxDailySequence, "state", "'queued'"); err != nil {
		t.Fatal(err)
	}
	before := rowCounts(t, db)
	_, err := db.Intake(context.Background(), passRequest(t, c, mustNC(t, "001234567")))
	wantCode(t, err, pishkhan.ELimit)
	sameCounts(t, before, rowCounts(t, db))
}
