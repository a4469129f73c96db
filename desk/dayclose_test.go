package desk_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// TestCloseDayNeedsSupervisor: a clerk's PIN never closes a day, the
// supervisor's does; counts in Persian digits with ٬ are read; a
// difference without a reason is refused; the closed day takes no intake
// until the supervisor reopens it; the close reaches the exchange once.
func TestCloseDayNeedsSupervisor(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	nc := nationalCode(t, "001234567")
	if _, err := d.Intake(ctx, passInput(nc)); err != nil {
		t.Fatal(err)
	}
	day := d.Today()
	sum, err := d.DaySummary(ctx, day)
	if err != nil || sum.ExpectedCash != 1_150_000 || sum.Requests != 1 {
		t.Fatalf("summary: %+v %v", sum, err)
	}
	in := desk.CloseInput{Day: day, CountedCash: "۱٬۱۵۰٬۰۰۰", CountedCard: "۰", Supervisor: "clerk1", PIN: "2468"}
	if _, err := d.CloseDay(ctx, in); pishkhan.ErrorCode(err) != pishkhan.EUnauthorized || pishkhan.PersianMessage(err) == "" {
		t.Fatalf("a clerk closed the day: %v", err)
	}
	in.Supervisor, in.PIN = "boss", "0000"
	if _, err := d.CloseDay(ctx, in); pishkhan.ErrorCode(err) != pishkhan.EUnauthorized {
		t.Fatalf("a wrong supervisor PIN: %v", err)
	}
	in.PIN, in.CountedCash = "1357", "1,100,000"
	if _, err := d.CloseDay(ctx, in); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
		t.Fatalf("a shortfall without a reason: %v", err)
	}
	in.CountedCash = "abc"
	if _, err := d.CloseDay(ctx, in); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
		t.Fatalf("a count that is not a number: %v", err)
	}
	in.CountedCash, in.Reason = "1,100,000", "کسری ۵۰٬۰۰۰ ریال؛ بررسی می‌شود"
	c, err := d.CloseDay(ctx, in)
	if err != nil || c.Difference() != -50_000 || c.ClosedBy != "boss" {
		t.Fatalf("close: %+v %v", c, err)
	}
	if _, err := d.Intake(ctx, passInput(nationalCode(t, "052417893"))); pishkhan.ErrorCode(err) != pishkhan.ELocked {
		t.Fatalf("intake on a closed day: %v", err)
	}
	if err := d.ReopenDay(ctx, day, "رسید جا مانده", "clerk1", "2468"); pishkhan.ErrorCode(err) != pishkhan.EUnauthorized {
		t.Fatalf("a clerk reopened the day: %v", err)
	}
	if err := d.ReopenDay(ctx, day, "رسید جا مانده", "boss", "1357"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Intake(ctx, passInput(nationalCode(t, "052417893"))); err != nil {
		t.Fatalf("intake after reopening: %v", err)
	}

	// The close goes to the exchange with the next sync, once.
	sim, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 1, InquiryDelay: time.Hour,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	code, _ := sim.IssueEnrolCode(ctx, 12345, 3)
	if _, err := d.Enrol(ctx, desk.EnrolInput{ExchangeURL: srv.URL, OneTimeCode: code}, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	rep, err := d.NewReplicator(ctx, replicator.Config{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := rep.Cycle(ctx); err != nil {
			t.Fatal(err)
		}
	}
	st, err := sim.Stats(ctx)
	if err != nil || st.DayCloses != 1 {
		t.Fatalf("the exchange holds %d day closes (%v)", st.DayCloses, err)
	}
	if left, _ := d.Store.UnsentDayCloses(ctx); len(left) != 0 {
		t.Errorf("%d closes still unsent", len(left))
	}
}

// TestReport: the day's report has every request, the money by method,
// totals by service and clerk, the unsent ones, and the close once the
// day is closed; its PDF is written.
func TestReport(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	for _, nine := range []string{"001234567", "052417893"} {
		if _, err := d.Intake(ctx, passInput(nationalCode(t, nine))); err != nil {
			t.Fatal(err)
		}
	}
	r, err := d.Report(ctx, d.Today(), d.Today())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Lines) != 2 || len(r.Unsent) != 2 || r.ExpectedCash != 2_300_000 || r.Closed || len(r.ByService) != 1 || r.ByService[0].Count != 2 ||
		len(r.ByClerk) != 1 || r.ByClerk[0].Name != "زهرا احمدی" {
		t.Fatalf("report: %+v", r)
	}
	if _, err := d.CloseDay(ctx, desk.CloseInput{Day: d.Today(), CountedCash: "2300000", CountedCard: "0", Supervisor: "boss", PIN: "1357"}); err != nil {
		t.Fatal(err)
	}
	if r, _ = d.Report(ctx, d.Today(), d.Today()); !r.Closed || r.ClosedBy != "boss" || r.CountedCash != 2_300_000 {
		t.Errorf("report of the closed day: closed %v by %q counted %d", r.Closed, r.ClosedBy, r.CountedCash)
	}
	var b bytes.Buffer
	if err := d.ReportPDF(ctx, &b, d.Today(), d.Today()); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("PDF: %d bytes, %v", b.Len(), err)
	}
	if _, err := d.Report(ctx, d.Today(), d.Today().AddDays(-1)); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
		t.Errorf("a range that ends before it starts: %v", err)
	}
}

// TestLateChangeGoesToNextDay: the exchange accepts a request after its day
// was closed; the change shows in the report of the day it arrived on, as a
// late change, and not in the closed day's.
func TestLateChangeGoesToNextDay(t *testing.T) {
	d, clock := readyDesk(t)
	ctx := context.Background()
	r, err := d.Intake(ctx, passInput(nationalCode(t, "001234567")))
	if err != nil {
		t.Fatal(err)
	}
	day := d.Today()
	if _, err := d.CloseDay(ctx, desk.CloseInput{Day: day, CountedCash: "1150000", CountedCard: "0", Supervisor: "boss", PIN: "1357"}); err != nil {
		t.Fatal(err)
	}
	clock.advance(24 * time.Hour)
	next := d.Today()
	for _, s := range []pishkhan.RequestState{pishkhan.StateSending, pishkhan.StateAccepted} {
		if err := d.Store.TransitionRequest(ctx, r.ID, s, "", "replicator"); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := d.Report(ctx, next, next)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Late) != 1 || rep.Late[0].State != pishkhan.StateAccepted.Persian() || len(rep.Lines) != 0 {
		t.Fatalf("next day's report: %d late, %d lines", len(rep.Late), len(rep.Lines))
	}
	if old, _ := d.Report(ctx, day, day); len(old.Late) != 0 || len(old.Lines) != 1 {
		t.Errorf("the closed day's report: %d late, %d lines", len(old.Late), len(old.Lines))
	}
	var b bytes.Buffer
	if err := d.ReportPDF(ctx, &b, next, next); err != nil {
		t.Fatal(err)
	}
}

// TestPINLockout: five wrong PINs in a row lock the user for a quarter of
// an hour — even the right PIN is refused meanwhile, in Persian — then the
// right PIN works again and the count starts afresh.
func TestPINLockout(t *testing.T) {
	d, clock := readyDesk(t)
	ctx := context.Background()
	for i := 1; i < desk.MaxPINFailures; i++ {
		if _, err := d.Authenticate(ctx, "clerk1", "0000"); pishkhan.ErrorCode(err) != pishkhan.EUnauthorized {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
	}
	_, err := d.Authenticate(ctx, "clerk1", "0000")
	if err == nil || !strings.Contains(err.Error(), "locked") || !strings.Contains(pishkhan.PersianMessage(err), "بسته است") {
		t.Fatalf("the fifth wrong PIN: %v (%q)", err, pishkhan.PersianMessage(err))
	}
	if _, err := d.Authenticate(ctx, "clerk1", "2468"); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("the right PIN while locked: %v", err)
	}
	if _, err := d.Authenticate(ctx, "boss", "1357"); err != nil {
		t.Errorf("another user is locked too: %v", err)
	}
	clock.advance(desk.PINLockout + time.Minute)
	if _, err := d.Authenticate(ctx, "clerk1", "2468"); err != nil {
		t.Fatalf("the right PIN after the lockout: %v", err)
	}
	// The count started again: four wrong PINs do not lock.
	for range desk.MaxPINFailures - 1 {
		d.Authenticate(ctx, "clerk1", "0000")
	}
	if _, err := d.Authenticate(ctx, "clerk1", "2468"); err != nil {
		t.Errorf("locked after four wrong PINs: %v", err)
	}
	if rep, err := d.VerifyAudit(ctx); err != nil || rep.Entries == 0 {
		t.Errorf("audit: %v", err)
	}
}
