package store

import (
	"context"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
)

// TestDayClose: the day's expected money per payment method, a close that
// needs a reason for its difference, the lock it puts on the day (the store
// refuses intake, a payment slipped in by raw SQL, and any edit of the
// close), and the audited reopening that lifts it.
func TestDayClose(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	day := persian.DateOf(c.now().In(persian.Tehran()))
	intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	c.advance(time.Minute)
	intake(t, db, passRequest(t, c, mustNC(t, "052417893")))
	c.advance(time.Minute)
	card := passRequest(t, c, mustNC(t, "274615390"))
	card.Payment = pishkhan.Payment{Method: pishkhan.PayCard, Amount: 1_150_000, TerminalRef: "123456789012"}
	intake(t, db, card)
	// A request row without its payment yet (as if written half-way), so the
	// test can try to slip a payment into the day once it is closed.
	first, _ := db.RequestsOfDay(ctx, day)
	orphan := newID(t, c)
	if err := copyRequest(db, first[0].ID, orphan, 9, "state", "'queued'"); err != nil {
		t.Fatal(err)
	}

	sum, err := db.DaySummary(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Requests != 4 || sum.ExpectedCash != 2_300_000 || sum.ExpectedCard != 1_150_000 || sum.Close != nil {
		t.Fatalf("summary: %+v", sum)
	}
	if len(sum.ByService) != 1 || sum.ByService[0].Count != 4 || sum.ByService[0].Amount != 4_600_000 || len(sum.ByClerk) != 1 || len(sum.Unsent) != 4 {
		t.Errorf("totals: service %+v clerk %+v unsent %d", sum.ByService, sum.ByClerk, len(sum.Unsent))
	}

	// A shortfall without a reason is refused, and nothing is written.
	before := rowCounts(t, db)
	_, err = db.CloseDay(ctx, pishkhan.DayClose{Date: day.String(), CountedCash: 2_250_000, CountedCard: 1_150_000, ClosedBy: "boss"}, "boss")
	wantCode(t, err, pishkhan.EInvalid)
	sameCounts(t, before, rowCounts(t, db))

	closed, err := db.CloseDay(ctx, pishkhan.DayClose{Date: day.String(), CountedCash: 2_250_000, CountedCard: 1_150_000,
		Reason: "۵۰٬۰۰۰ ریال کسری؛ اسکناس پاره", ClosedBy: "boss",
		ExpectedCash: 1}, "boss") // the caller's expected figure is ignored
	if err != nil {
		t.Fatal(err)
	}
	if closed.ExpectedCash != 2_300_000 || closed.Requests != 4 || closed.Difference() != -50_000 || closed.ID == 0 {
		t.Errorf("close: %+v", closed)
	}
	_, err = db.CloseDay(ctx, pishkhan.DayClose{Date: day.String(), CountedCash: 2_300_000, CountedCard: 1_150_000, ClosedBy: "boss"}, "boss")
	wantCode(t, err, pishkhan.ELocked)

	// The day is locked.
	_, err = db.Intake(ctx, passRequest(t, c, mustNC(t, "384920176")))
	wantCode(t, err, pishkhan.ELocked)
	wantRefused(t, rawExec(db, `INSERT INTO payments (request_id, method, amount, paid_at) VALUES (?, 'cash', 1, '2026-11-28T08:00:00Z')`,
		orphan.String()), "a payment on a closed day")
	wantRefused(t, rawExec(db, "UPDATE day_close_rounds SET counted_cash = 2300000"), "editing a close")
	wantRefused(t, rawExec(db, "UPDATE day_close_rounds SET reason = ''"), "removing the reason")
	wantRefused(t, rawExec(db, "DELETE FROM day_close_rounds"), "deleting a close")
	sum, _ = db.DaySummary(ctx, day)
	if sum.Close == nil || sum.Close.ClosedBy != "boss" {
		t.Errorf("summary of a closed day: %+v", sum.Close)
	}

	// Reopening needs a reason; then intake works again; the close stays on record.
	wantCode(t, db.ReopenDay(ctx, day, "", "boss"), pishkhan.EInvalid)
	if err := db.ReopenDay(ctx, day, "رسید یک مراجع جا مانده بود", "boss"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.ReopenDay(ctx, day, "دوباره", "boss"), pishkhan.EState)
	intake(t, db, passRequest(t, c, mustNC(t, "384920176")))
	wantRefused(t, rawExec(db, "UPDATE day_close_rounds SET reopen_reason = 'x'"), "rewriting the reopening")
	if _, err := db.CloseDay(ctx, pishkhan.DayClose{Date: day.String(), CountedCash: 3_450_000, CountedCard: 1_150_000, ClosedBy: "boss"}, "boss"); err != nil {
		t.Fatal(err)
	}
	all, err := db.DayCloses(ctx, day)
	if err != nil || len(all) != 2 || all[0].ReopenedBy != "boss" || all[0].ReopenReason == "" || !all[1].ReopenedAt.IsZero() {
		t.Fatalf("closes: %+v %v", all, err)
	}
	unsent, _ := db.UnsentDayCloses(ctx)
	if len(unsent) != 2 {
		t.Errorf("%d unsent closes", len(unsent))
	}
	if err := db.MarkDayCloseSent(ctx, all[1].ID); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, rawExec(db, "UPDATE day_close_rounds SET sync_state = 'queued' WHERE id = ?", all[1].ID), "unsending a close")
	if unsent, _ = db.UnsentDayCloses(ctx); len(unsent) != 1 {
		t.Errorf("%d unsent closes after one was sent", len(unsent))
	}
	// The audit trail has both acts, and still verifies.
	entries, err := db.AuditTrail(ctx, day.String(), 0)
	if err != nil {
		t.Fatal(err)
	}
	acts := map[string]int{}
	for _, e := range entries {
		acts[e.Action]++
	}
	if acts["day.close"] != 2 || acts["day.reopen"] != 1 {
		t.Errorf("audit: %v", acts)
	}
	// A day-close print job (the Z-report) was queued with each close.
	jobs, _ := db.PendingPrintJobs(ctx)
	z := 0
	for _, j := range jobs {
		if j.Kind == pishkhan.PrintDayClose {
			z++
		}
	}
	if z != 2 {
		t.Errorf("%d day-close print jobs", z)
	}
}
