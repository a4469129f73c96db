package store

import (
	"context"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
)

func TestTransitionRequestLegalPath(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	path := []pishkhan.RequestState{pishkhan.StateSending, pishkhan.StateQueued, pishkhan.StateSending, pishkhan.StateAccepted,
		pishkhan.StateInProgress, pishkhan.StateNeedsAction, pishkhan.StateInProgress, pishkhan.StateDone}
	from := pishkhan.StateQueued
	for i, to := range path {
		c.advance(time.Minute)
		note := "گام " + string(to)
		if err := db.TransitionRequest(ctx, r.ID, to, note, "replicator"); err != nil {
			t.Fatalf("step %d %s → %s: %v", i, from, to, err)
		}
		v, err := db.RequestByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.State != to || v.StateNote != note || !v.UpdatedAt.Equal(c.now()) || !v.CreatedAt.Equal(testStart) {
			t.Errorf("after %s: state %s note %q updated %v created %v", to, v.State, v.StateNote, v.UpdatedAt, v.CreatedAt)
		}
		from = to
	}
	trail, err := db.AuditTrail(ctx, string(r.TrackingCode), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 1+len(path) {
		t.Fatalf("%d audit entries for the request, want %d", len(trail), 1+len(path))
	}
	from = pishkhan.StateQueued
	for i, to := range path {
		e := trail[i+1]
		if e.Action != "request.state" || e.Actor != "replicator" || e.Detail != string(from)+" -> "+string(to) {
			t.Errorf("audit entry %d: %+v", i+1, e)
		}
		from = to
	}
}

func TestTransitionRequestIllegal(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	check := func(to pishkhan.RequestState, code string) {
		t.Helper()
		before := rowCounts(t, db)
		wantCode(t, db.TransitionRequest(ctx, r.ID, to, "", "replicator"), code)
		sameCounts(t, before, rowCounts(t, db))
	}
	check(pishkhan.StateAccepted, pishkhan.EState)
	check(pishkhan.StateDone, pishkhan.EState)
	check(pishkhan.StateQueued, pishkhan.EState) // to itself
	check("bogus", pishkhan.EState)
	check("", pishkhan.EState)
	before := rowCounts(t, db)
	wantCode(t, db.TransitionRequest(ctx, newID(t, c), pishkhan.StateSending, "", "replicator"), pishkhan.ENotFound)
	sameCounts(t, before, rowCounts(t, db))

	// Every terminal state is final.
	for _, final := range []pishkhan.RequestState{pishkhan.StateRejected, pishkhan.StateConflict, pishkhan.StateDone, pishkhan.StateRefused} {
		x := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
		steps := []pishkhan.RequestState{pishkhan.StateSending, final}
		if final == pishkhan.StateDone || final == pishkhan.StateRefused {
			steps = []pishkhan.RequestState{pishkhan.StateSending, pishkhan.StateAccepted, final}
		}
		for _, s := range steps {
			if err := db.TransitionRequest(ctx, x.ID, s, "", "replicator"); err != nil {
				t.Fatal(err)
			}
		}
		for _, to := range pishkhan.AllStates {
			before := rowCounts(t, db)
			wantCode(t, db.TransitionRequest(ctx, x.ID, to, "", "replicator"), pishkhan.EState)
			sameCounts(t, before, rowCounts(t, db))
		}
	}
	v, _ := db.RequestByID(ctx, r.ID)
	if v.State != pishkhan.StateQueued {
		t.Errorf("state %s after refused transitions", v.State)
	}
}

func TestOutbox(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	st, err := db.OutboxStats(ctx)
	if err != nil || st.Pending != 0 || !st.Oldest.IsZero() {
		t.Errorf("empty outbox stats %+v, %v", st, err)
	}
	if b, err := db.OutboxBatch(ctx, 10); err != nil || len(b) != 0 {
		t.Errorf("empty outbox batch %d, %v", len(b), err)
	}
	var rs []*pishkhan.Request
	for i := 0; i < 6; i++ {
		rs = append(rs, intake(t, db, passRequest(t, c, mustNC(t, "001234567"))))
		c.advance(time.Minute)
	}
	// r0 accepted, r2 sending, r4 rejected; the rest queued.
	move := func(r *pishkhan.Request, states ...pishkhan.RequestState) {
		for _, s := range states {
			if err := db.TransitionRequest(ctx, r.ID, s, "", "replicator"); err != nil {
				t.Fatal(err)
			}
		}
	}
	move(rs[0], pishkhan.StateSending, pishkhan.StateAccepted)
	move(rs[2], pishkhan.StateSending)
	move(rs[4], pishkhan.StateSending, pishkhan.StateRejected)

	ids := func(vs []RequestView) []pishkhan.ID {
		out := make([]pishkhan.ID, len(vs))
		for i, v := range vs {
			out[i] = v.ID
		}
		return out
	}
	all, err := db.OutboxBatch(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []pishkhan.ID{rs[1].ID, rs[2].ID, rs[3].ID, rs[5].ID}
	if got := ids(all); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("outbox %v, want %v (oldest first, only queued and sending)", got, want)
	}
	two, err := db.OutboxBatch(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(two); len(got) != 2 || got[0] != rs[1].ID || got[1] != rs[2].ID {
		t.Errorf("batch of 2: %v", got)
	}
	for _, lim := range []int{0, -1} {
		_, err := db.OutboxBatch(ctx, lim)
		wantCode(t, err, pishkhan.EInvalid)
	}
	st, err = db.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 4 || !st.Oldest.Equal(testStart.Add(time.Minute)) {
		t.Errorf("OutboxStats = %+v, want 4 pending, oldest %v", st, testStart.Add(time.Minute))
	}
}
