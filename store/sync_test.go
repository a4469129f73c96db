package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
)

func stateOf(t *testing.T, db *DB, id pishkhan.ID) (pishkhan.RequestState, string) {
	t.Helper()
	v, err := db.RequestByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v.State, v.StateNote
}

func fileN(t *testing.T, db *DB, c *clock, n int) []*pishkhan.Request {
	t.Helper()
	var out []*pishkhan.Request
	for i := range n {
		c.advance(time.Second)
		out = append(out, intake(t, db, passRequest(t, c, mustNC(t, "00000000"+string(rune('1'+i%9))))))
	}
	return out
}

func TestClaimOutboxOldestFirstWithDetails(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	reqs := fileN(t, db, c, 5)
	got, err := db.ClaimOutbox(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("claimed %d, want 3", len(got))
	}
	for i, r := range got {
		if r.ID != reqs[i].ID {
			t.Errorf("claim %d is %s, want %s (oldest first)", i, r.ID, reqs[i].ID)
		}
		if r.State != pishkhan.StateSending || r.Payment == nil || r.Payment.Amount != 1_150_000 || len(r.Inquiries) != 3 || r.Day != "1405/09/07" {
			t.Errorf("claim %d: state %s payment %+v inquiries %d day %q", i, r.State, r.Payment, len(r.Inquiries), r.Day)
		}
		// Inquiries keep the catalog's order (iq-3, iq-1, iq-2 in testCatalog).
		if r.Inquiries[0].TypeID != reqs[i].Inquiries[0].TypeID {
			t.Errorf("inquiry order %v, want %v", r.Inquiries, reqs[i].Inquiries)
		}
		if s, _ := stateOf(t, db, r.ID); s != pishkhan.StateSending {
			t.Errorf("stored state %s, want sending", s)
		}
	}
	// The rest are claimed next; claimed ones are not claimed twice.
	more, err := db.ClaimOutbox(ctx, 10)
	if err != nil || len(more) != 2 || more[0].ID != reqs[3].ID {
		t.Fatalf("second claim: %d requests, %v", len(more), err)
	}
	if none, err := db.ClaimOutbox(ctx, 10); err != nil || len(none) != 0 {
		t.Fatalf("third claim: %d, %v", len(none), err)
	}
	if _, err := db.ClaimOutbox(ctx, 0); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
		t.Errorf("limit 0: %v", err)
	}
}

func TestResetAndReleaseSending(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	reqs := fileN(t, db, c, 4)
	claimed, err := db.ClaimOutbox(ctx, 4)
	if err != nil || len(claimed) != 4 {
		t.Fatal(claimed, err)
	}
	if err := db.ReleaseSending(ctx, []pishkhan.ID{reqs[0].ID}); err != nil {
		t.Fatal(err)
	}
	if s, _ := stateOf(t, db, reqs[0].ID); s != pishkhan.StateQueued {
		t.Errorf("released: %s", s)
	}
	// An answered request is not released.
	if err := db.ApplySendOutcomes(ctx, []pishkhan.SendOutcome{{ID: reqs[1].ID, State: pishkhan.StateAccepted}}, "sync"); err != nil {
		t.Fatal(err)
	}
	if err := db.ReleaseSending(ctx, []pishkhan.ID{reqs[1].ID}); err != nil {
		t.Fatal(err)
	}
	if s, _ := stateOf(t, db, reqs[1].ID); s != pishkhan.StateAccepted {
		t.Errorf("release touched an accepted request: %s", s)
	}
	n, err := db.ResetSending(ctx, "sync")
	if err != nil || n != 2 {
		t.Fatalf("ResetSending = %d, %v; want the 2 left in sending", n, err)
	}
	st, err := db.OutboxStats(ctx)
	if err != nil || st.Pending != 3 || !st.Oldest.Equal(reqs[0].CreatedAt) {
		t.Errorf("outbox %+v, %v; want 3 pending, oldest %v", st, err, reqs[0].CreatedAt)
	}
	if n, err := db.ResetSending(ctx, "sync"); err != nil || n != 0 {
		t.Errorf("second reset = %d, %v", n, err)
	}
}

func TestApplySendOutcomes(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	reqs := fileN(t, db, c, 4)
	if _, err := db.ClaimOutbox(ctx, 4); err != nil {
		t.Fatal(err)
	}
	before := count(t, db.SQL(), "SELECT COUNT(*) FROM audit")
	err := db.ApplySendOutcomes(ctx, []pishkhan.SendOutcome{
		{ID: reqs[0].ID, State: pishkhan.StateAccepted},
		{ID: reqs[1].ID, State: pishkhan.StateRejected, Note: "کد ملی در ثبت احوال پیدا نشد."},
		{ID: reqs[2].ID, State: pishkhan.StateConflict, Note: "این شناسه با محتوای دیگری ثبت شده است."},
		{ID: reqs[3].ID, State: pishkhan.StateQueued},
	}, "sync")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []pishkhan.RequestState{pishkhan.StateAccepted, pishkhan.StateRejected, pishkhan.StateConflict, pishkhan.StateQueued} {
		if s, _ := stateOf(t, db, reqs[i].ID); s != want {
			t.Errorf("request %d: %s, want %s", i, s, want)
		}
	}
	if _, note := stateOf(t, db, reqs[1].ID); note != "کد ملی در ثبت احوال پیدا نشد." {
		t.Errorf("rejection note %q", note)
	}
	// One entry for the batch, one each for the rejection and the conflict.
	if got := count(t, db.SQL(), "SELECT COUNT(*) FROM audit") - before; got != 3 {
		t.Errorf("%d audit entries, want 3", got)
	}
	// A second answer for the same request (a resend) changes nothing.
	if err := db.ApplySendOutcomes(ctx, []pishkhan.SendOutcome{{ID: reqs[1].ID, State: pishkhan.StateAccepted}}, "sync"); err != nil {
		t.Fatal(err)
	}
	if s, _ := stateOf(t, db, reqs[1].ID); s != pishkhan.StateRejected {
		t.Errorf("late answer changed a rejected request to %s", s)
	}
	// Nonsense is refused and nothing is written.
	before = count(t, db.SQL(), "SELECT COUNT(*) FROM audit")
	err = db.ApplySendOutcomes(ctx, []pishkhan.SendOutcome{{ID: reqs[3].ID, State: pishkhan.StateDone}}, "sync")
	wantCode(t, err, pishkhan.EInvalid)
	missing := newID(t, c)
	wantCode(t, db.ApplySendOutcomes(ctx, []pishkhan.SendOutcome{{ID: missing, State: pishkhan.StateAccepted}}, "sync"), pishkhan.ENotFound)
	if got := count(t, db.SQL(), "SELECT COUNT(*) FROM audit"); got != before {
		t.Errorf("a refused outcome wrote %d audit entries", got-before)
	}
}

func TestApplyStatusUpdates(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	reqs := fileN(t, db, c, 3)
	if _, err := db.ClaimOutbox(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplySendOutcomes(ctx, []pishkhan.SendOutcome{{ID: reqs[0].ID, State: pishkhan.StateAccepted}}, "sync"); err != nil {
		t.Fatal(err)
	}
	// reqs[0] accepted, reqs[1] sending (its answer was lost), reqs[2] queued.
	iq := reqs[0].Inquiries[0].TypeID
	ups := []pishkhan.StatusUpdate{
		{Seq: 1, RequestID: reqs[0].ID, State: pishkhan.StateInProgress, Inquiries: []pishkhan.InquiryUpdate{{TypeID: iq, State: pishkhan.InquiryAnswered, Answer: "تأیید شد"}}},
		{Seq: 2, RequestID: reqs[0].ID, State: pishkhan.StateNeedsAction, Note: "مدارک تکمیلی لازم است"},
		{Seq: 3, RequestID: reqs[1].ID, State: pishkhan.StateDone},
		{Seq: 4, RequestID: newID(t, c), State: pishkhan.StateDone},                           // not ours
		{Seq: 5, RequestID: reqs[0].ID, State: pishkhan.StateAccepted},                        // stale: already past accepted
		{Seq: 6, RequestID: reqs[2].ID, State: pishkhan.StateRefused, Note: "مدارک ناقص است"}, // queued here, the exchange holds it
	}
	res, err := db.ApplyStatusUpdates(ctx, ups, 6, "sync")
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 4 || res.Unknown != 1 || res.Stale != 1 {
		t.Errorf("result %+v, want 4 applied, 1 unknown, 1 stale", res)
	}
	if s, note := stateOf(t, db, reqs[0].ID); s != pishkhan.StateNeedsAction || note != "مدارک تکمیلی لازم است" {
		t.Errorf("reqs[0]: %s %q", s, note)
	}
	for i, want := range map[int]pishkhan.RequestState{1: pishkhan.StateDone, 2: pishkhan.StateRefused} {
		if s, _ := stateOf(t, db, reqs[i].ID); s != want {
			t.Errorf("reqs[%d]: %s, want %s", i, s, want)
		}
	}
	v, err := db.RequestByID(ctx, reqs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Inquiries[0].State != pishkhan.InquiryAnswered || v.Inquiries[0].Answer != "تأیید شد" {
		t.Errorf("inquiry %+v", v.Inquiries[0])
	}
	st, err := db.SyncState(ctx)
	if err != nil || st.UpdatesCursor != 6 {
		t.Fatalf("cursor %d, %v", st.UpdatesCursor, err)
	}
	// The same page again (a lost answer) changes nothing, and the cursor never goes back.
	res, err = db.ApplyStatusUpdates(ctx, ups, 6, "sync")
	if err != nil || res.Applied != 0 || res.Stale != len(ups) {
		t.Errorf("replay: %+v, %v", res, err)
	}
	if _, err := db.ApplyStatusUpdates(ctx, nil, 2, "sync"); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.SyncState(ctx); st.UpdatesCursor != 6 {
		t.Errorf("cursor went back to %d", st.UpdatesCursor)
	}
	if err := rawExec(db, "UPDATE sync_state SET updates_cursor = 1"); err == nil {
		t.Error("the database let the cursor go back")
	}
	// An invalid state is refused and nothing moves.
	_, err = db.ApplyStatusUpdates(ctx, []pishkhan.StatusUpdate{{Seq: 7, RequestID: reqs[1].ID, State: "lost"}}, 9, "sync")
	wantCode(t, err, pishkhan.EInvalid)
	if st, _ := db.SyncState(ctx); st.UpdatesCursor != 6 {
		t.Errorf("a refused page moved the cursor to %d", st.UpdatesCursor)
	}
}

func TestStatusUpdateKeepsPurgedDataOut(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	r := fileN(t, db, c, 1)[0]
	if _, err := db.ClaimOutbox(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplySendOutcomes(ctx, []pishkhan.SendOutcome{{ID: r.ID, State: pishkhan.StateAccepted}}, "sync"); err != nil {
		t.Fatal(err)
	}
	c.advance(400 * 24 * time.Hour)
	if n, err := db.PurgePersonalData(ctx, c.now().Add(-365*24*time.Hour), "tech"); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	ups := []pishkhan.StatusUpdate{{Seq: 1, RequestID: r.ID, State: pishkhan.StateDone,
		Inquiries: []pishkhan.InquiryUpdate{{TypeID: r.Inquiries[0].TypeID, State: pishkhan.InquiryAnswered, Answer: "نشانی: تهران، خیابان ..."}}}}
	if _, err := db.ApplyStatusUpdates(ctx, ups, 1, "sync"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db.SQL(), "SELECT COUNT(*) FROM inquiries WHERE answer <> ''"); n != 0 {
		t.Errorf("a purged request got %d inquiry answers back", n)
	}
	if s, _ := stateOf(t, db, r.ID); s != pishkhan.StateDone {
		t.Errorf("state %s", s)
	}
}

func TestSyncStateAndLimits(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	st, err := db.SyncState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Enrolled() || st.Limits != pishkhan.DefaultOfflineLimits {
		t.Errorf("fresh state %+v", st)
	}
	if err := db.SetEnrolment(ctx, "http://127.0.0.1:1", "k-1", "tech"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSyncAlert(ctx, "revoked", "sync"); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Minute)
	if err := db.RecordSyncError(ctx, "boom", c.now()); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordSyncSuccess(ctx, c.now()); err != nil {
		t.Fatal(err)
	}
	st, _ = db.SyncState(ctx)
	if !st.Enrolled() || st.Alert != "revoked" || st.LastError != "boom" || !st.LastSuccess.Equal(c.now()) || !st.LastErrorAt.Equal(c.now()) {
		t.Errorf("state %+v", st)
	}
	// Enrolling again clears the alert.
	if err := db.SetEnrolment(ctx, "http://127.0.0.1:1", "k-2", "tech"); err != nil {
		t.Fatal(err)
	}
	if st, _ = db.SyncState(ctx); st.Alert != "" || st.KeyID != "k-2" {
		t.Errorf("after re-enrolment %+v", st)
	}
	l := pishkhan.OfflineLimits{WarnAfter: 2 * time.Hour, RefuseAfter: 5 * time.Hour}
	if err := db.SetOfflineLimits(ctx, l, "tech"); err != nil {
		t.Fatal(err)
	}
	if st, _ = db.SyncState(ctx); st.Limits != l {
		t.Errorf("limits %+v", st.Limits)
	}
	for _, bad := range []pishkhan.OfflineLimits{{WarnAfter: 5 * time.Hour, RefuseAfter: 2 * time.Hour}, {WarnAfter: time.Second, RefuseAfter: time.Hour}} {
		wantCode(t, db.SetOfflineLimits(ctx, bad, "tech"), pishkhan.EInvalid)
	}
	if st, _ = db.SyncState(ctx); st.Limits != l {
		t.Errorf("a refused change moved the limits to %+v", st.Limits)
	}
}

func TestUpgradeCatalogOneTransaction(t *testing.T) {
	db, _ := readyDB(t)
	ctx := context.Background()
	v, err := db.UpgradeCatalog(ctx, "sync", func(cur *pishkhan.Catalog) (*pishkhan.Catalog, error) {
		if cur == nil || cur.Version != 1 || len(cur.SubServices) != len(testCatalog(1).SubServices) {
			t.Errorf("base catalog %+v", cur)
		}
		next := *cur
		next.Version = 2
		next.SubServices = append([]pishkhan.SubService(nil), cur.SubServices...)
		next.SubServices[0].GovFee += 10_000
		return &next, nil
	})
	if err != nil || v != 2 {
		t.Fatalf("upgrade: %d, %v", v, err)
	}
	// The whole catalog reads back as it was built, in id order.
	cat, err := db.Catalog(ctx)
	if err != nil || cat.Version != 2 {
		t.Fatalf("Catalog: %v", err)
	}
	// A failing build or an invalid result leaves the catalog as it was.
	before := rowCounts(t, db)
	if _, err := db.UpgradeCatalog(ctx, "sync", func(*pishkhan.Catalog) (*pishkhan.Catalog, error) {
		return nil, errors.New("delta does not apply")
	}); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
		t.Errorf("failing build: %v", err)
	}
	if _, err := db.UpgradeCatalog(ctx, "sync", func(cur *pishkhan.Catalog) (*pishkhan.Catalog, error) {
		bad := *cur
		bad.Version = 3
		bad.SubServices = append([]pishkhan.SubService{{ID: "ss-x", ServiceID: "sv-missing", Name: "x"}}, cur.SubServices...)
		return &bad, nil
	}); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
		t.Errorf("invalid result: %v", err)
	}
	sameCounts(t, before, rowCounts(t, db))
	if ver, _ := db.CatalogVersion(ctx); ver != 2 {
		t.Errorf("version %d after refused upgrades", ver)
	}
}
