package exchangesim

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

func TestUpdatesFollowTheClock(t *testing.T) {
	const delay = time.Second
	e := newEnv(t, Config{InquiryDelay: delay, Seed: 11})
	ctx := context.Background()
	a, b := e.enrol(1234, 1), e.enrol(1234, 2)
	next := ids(4)
	itsA, itsB := items(next, 20), items(next, 5)
	for _, sub := range []struct {
		d   *desk
		its []exchange.Item
	}{{a, itsA}, {b, itsB}} {
		br, _, err := sub.d.client.SubmitBatch(ctx, sub.its)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range br.Results {
			if r.Status != exchange.ItemAccepted {
				t.Fatalf("not accepted: %+v", r)
			}
		}
	}
	own := func(its []exchange.Item) map[string]exchange.Item {
		m := map[string]exchange.Item{}
		for _, it := range its {
			m[it.ID] = it
		}
		return m
	}
	ownA, ownB := own(itsA), own(itsB)

	// Nothing is due at once.
	resp, err := a.client.Updates(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Updates) != 0 || resp.Next != 0 || resp.More {
		t.Fatalf("updates before anything is due: %+v", resp)
	}

	// Walk the clock; every update is due when it comes, none comes twice,
	// and each request's story is a valid path through the state machine.
	var cursor int64
	states := map[string]pishkhan.RequestState{}
	inquiries := map[string]map[string]string{}
	seen := map[int64]bool{}
	for step := 0; step < 40; step++ {
		e.clk.Advance(250 * time.Millisecond)
		ups, nc := allUpdates(t, a.client, cursor, 7)
		for _, u := range ups {
			if seen[u.Seq] {
				t.Fatalf("update %d came twice", u.Seq)
			}
			seen[u.Seq] = true
			if _, ok := ownA[u.RequestID]; !ok {
				t.Fatalf("desk A got an update of %s, not its request", u.RequestID)
			}
			if u.At.After(e.clk.Now()) {
				t.Errorf("update %d at %v came before its time %v", u.Seq, u.At, e.clk.Now())
			}
			st := exchange.UpdateStates[u.State]
			prev, ok := states[u.RequestID]
			if !ok {
				prev = pishkhan.StateAccepted
				if st != pishkhan.StateInProgress {
					t.Errorf("%s starts with %s", u.RequestID, st)
				}
				if len(u.Inquiries) != len(ownA[u.RequestID].Inquiries) {
					t.Errorf("%s: first update lists %d inquiries, want %d", u.RequestID, len(u.Inquiries), len(ownA[u.RequestID].Inquiries))
				}
			}
			if prev != st && !pishkhan.CanTransition(prev, st) {
				t.Errorf("%s: %s → %s", u.RequestID, prev, st)
			}
			states[u.RequestID] = st
			if st == pishkhan.StateNeedsAction && u.NoteFa == "" {
				t.Errorf("needs_action without a Persian note: %+v", u)
			}
			m := inquiries[u.RequestID]
			if m == nil {
				m = map[string]string{}
				inquiries[u.RequestID] = m
			}
			for _, q := range u.Inquiries {
				if m[q.TypeID] != "" && m[q.TypeID] != "pending" && q.State == "pending" {
					t.Errorf("%s: inquiry %s went back to pending", u.RequestID, q.TypeID)
				}
				m[q.TypeID] = q.State
				if q.State == "answered" && q.Answer == "" {
					t.Errorf("%s: inquiry %s answered without an answer", u.RequestID, q.TypeID)
				}
			}
		}
		if nc < cursor {
			t.Fatalf("cursor went back")
		}
		cursor = nc
	}
	for id, it := range ownA {
		if st := states[id]; st != pishkhan.StateDone && st != pishkhan.StateRefused {
			t.Errorf("%s ended in %q", id, st)
		}
		for _, q := range it.Inquiries {
			if s := inquiries[id][q]; s != "answered" && s != "failed" {
				t.Errorf("%s: inquiry %s ended %q", id, q, s)
			}
		}
	}
	// Nothing more, and the cursor stays.
	resp, err = a.client.Updates(ctx, cursor, 10)
	if err != nil || len(resp.Updates) != 0 || resp.Next != cursor || resp.More {
		t.Errorf("after the last update: %+v, %v", resp, err)
	}
	// A cursor beyond the log is kept, never moved back.
	resp, err = a.client.Updates(ctx, cursor+1000, 10)
	if err != nil || resp.Next != cursor+1000 {
		t.Errorf("cursor beyond the log: %+v, %v", resp, err)
	}

	// Desk B sees only its own requests, all of them.
	ups, _ := allUpdates(t, b.client, 0, 3)
	got := map[string]bool{}
	for _, u := range ups {
		if _, ok := ownB[u.RequestID]; !ok {
			t.Fatalf("desk B got an update of %s", u.RequestID)
		}
		got[u.RequestID] = true
	}
	if len(got) != len(ownB) {
		t.Errorf("desk B got updates of %d requests, want %d", len(got), len(ownB))
	}

	// Paging: a page holds at most limit updates and More says whether more are ready.
	resp, err = a.client.Updates(ctx, 0, 5)
	if err != nil || len(resp.Updates) != 5 || !resp.More || resp.Next != resp.Updates[4].Seq {
		t.Errorf("first page of 5: %d updates, next %d, more %v, %v", len(resp.Updates), resp.Next, resp.More, err)
	}
	resp, err = a.client.Updates(ctx, 0, 5000) // above the protocol's maximum: capped
	if err != nil || len(resp.Updates) != len(seen) {
		t.Errorf("one big page: %d of %d updates, %v", len(resp.Updates), len(seen), err)
	}

	for _, q := range []string{"after=-1&limit=5", "after=0&limit=0", "after=x&limit=5", "after=0&limit=y"} {
		call := sign(t, a.client.Signer, http.MethodGet, exchange.PathUpdates, q, nil)
		if status, det, _ := e.send(call); status != http.StatusBadRequest || det.Code != exchange.CodeBadRequest {
			t.Errorf("%s: %d %+v", q, status, det)
		}
	}
}

func TestOutcomeShares(t *testing.T) {
	s := &Sim{seed: 5, delay: 3 * time.Second}
	next := ids(5)
	const n = 4000
	count := map[string]int{}
	for range n {
		evs := s.plan(next(), []string{"iq-0001", "iq-0002"}, t0)
		count[evs[len(evs)-1].state]++
		for i := 1; i < len(evs); i++ {
			if !evs[i].due.After(evs[i-1].due) {
				t.Fatalf("events out of order: %v then %v", evs[i-1].due, evs[i].due)
			}
		}
		if first := evs[0].due.Sub(t0); first < 1200*time.Millisecond || first > 1800*time.Millisecond {
			t.Fatalf("in progress after %v, want about half of 3 s", first)
		}
		if evs[len(evs)-1].state == stateDone && len(evs) > 4 {
			// needs_action, then in_progress again, then done
			if evs[len(evs)-3].state != stateNeedsAction || evs[len(evs)-2].state != stateInProgress {
				t.Fatalf("a long story that does not go through needs_action: %+v", evs)
			}
			count["via_needs_action"]++
		}
	}
	share := func(k string) float64 { return float64(count[k]) / n }
	if math.Abs(share(stateDone)-0.92) > 0.03 || math.Abs(share("via_needs_action")-0.12) > 0.025 ||
		math.Abs(share(stateRefused)-0.08) > 0.025 {
		t.Errorf("outcome shares: done %.3f (of which via needs_action %.3f), refused %.3f", share(stateDone),
			share("via_needs_action"), share(stateRefused))
	}
	// The same request with the same seed has the same future; another seed another one.
	id := next()
	a, b := s.plan(id, []string{"iq-0001"}, t0), s.plan(id, []string{"iq-0001"}, t0)
	if mustJSON(t, eventsView(a)) != mustJSON(t, eventsView(b)) {
		t.Error("the same request planned twice differs")
	}
	differs := false
	for seed := uint64(6); seed < 10 && !differs; seed++ {
		c := (&Sim{seed: seed, delay: 3 * time.Second}).plan(id, []string{"iq-0001"}, t0)
		differs = mustJSON(t, eventsView(c)) != mustJSON(t, eventsView(a))
	}
	if !differs {
		t.Error("the seed does not change the plan")
	}
}

func eventsView(evs []event) []map[string]string {
	var out []map[string]string
	for _, e := range evs {
		out = append(out, map[string]string{"due": e.due.String(), "state": e.state, "note": e.noteFa, "inq": e.inquiries})
	}
	return out
}
