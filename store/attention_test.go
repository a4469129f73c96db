package store

import (
	"context"
	"testing"

	"github.com/pishkhan/pishkhan"
)

// TestRequestsNeedingAction: refused, needs-action and failed-print
// requests are listed; accepted and queued ones with good receipts are not.
func TestRequestsNeedingAction(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	rs := fileN(t, db, c, 5)
	move := func(r *pishkhan.Request, states ...pishkhan.RequestState) {
		for _, s := range states {
			if err := db.TransitionRequest(ctx, r.ID, s, "", "replicator"); err != nil {
				t.Fatal(err)
			}
		}
	}
	move(rs[0], pishkhan.StateSending, pishkhan.StateRejected)
	move(rs[1], pishkhan.StateSending, pishkhan.StateAccepted, pishkhan.StateNeedsAction)
	move(rs[2], pishkhan.StateSending, pishkhan.StateAccepted)
	jobs, _ := printJobs(ctx, db.SQL(), "WHERE request_id = ?", rs[3].ID.String())
	if _, err := db.StartPrint(ctx, jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishPrint(ctx, jobs[0].ID, errPaper); err != nil {
		t.Fatal(err)
	}
	vs, err := db.RequestsNeedingAction(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[pishkhan.ID]bool{}
	for _, v := range vs {
		got[v.ID] = true
	}
	if len(vs) != 3 || !got[rs[0].ID] || !got[rs[1].ID] || !got[rs[3].ID] {
		t.Errorf("needing action: %v", got)
	}
	if _, err := db.RequestsNeedingAction(ctx, 0); err == nil {
		t.Error("a zero limit was accepted")
	}
}

type paperError struct{}

func (paperError) Error() string { return "printing stopped: paper out" }

var errPaper = paperError{}
