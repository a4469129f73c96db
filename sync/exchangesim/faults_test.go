package exchangesim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

func setFaults(t *testing.T, e *env, f Faults) {
	t.Helper()
	if err := e.sim.SetFaults(f); err != nil {
		t.Fatal(err)
	}
}

func faultCount(t *testing.T, e *env, kind string) int64 {
	t.Helper()
	st, err := e.sim.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Faults[kind]
}

func TestFaultLatency(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	c := e.client()
	setFaults(t, e, Faults{Latency: 150 * time.Millisecond, LatencyJitter: 50 * time.Millisecond})
	start := time.Now()
	if _, err := c.Health(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("health answered in %v with 150 ms latency", d)
	}
	// A client that gives up is not held: the simulator stops waiting too,
	// so closing the server does not wait out the latency.
	setFaults(t, e, Faults{Latency: time.Minute})
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Health(cctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("health with a minute of latency and a 50 ms deadline: %v", err)
	}
	start = time.Now()
	e.srv.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("closing the server took %v: the handler slept on", d)
	}
	if n := faultCount(t, e, FaultLatency); n != 2 {
		t.Errorf("%d latency faults counted, want 2", n)
	}
}

func TestFaultStatuses(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	d := e.enrol(1234, 1)

	setFaults(t, e, Faults{ErrorRate: 1})
	_, err := d.client.Updates(ctx, 0, 10)
	wantCode(t, err, http.StatusInternalServerError, exchange.CodeInternal)
	if he := httpErr(t, err); !he.Temporary() {
		t.Error("a 500 is not temporary")
	}

	setFaults(t, e, Faults{ThrottleRate: 1, RetryAfterSeconds: 7})
	_, _, err = d.client.SubmitBatch(ctx, items(ids(6), 1))
	wantCode(t, err, http.StatusTooManyRequests, exchange.CodeRateLimited)
	if he := httpErr(t, err); he.RetryAfter != 7*time.Second {
		t.Errorf("429 Retry-After parsed as %v, want 7s", he.RetryAfter)
	}

	setFaults(t, e, Faults{UnavailableRate: 1, RetryAfterSeconds: 3})
	_, err = d.client.Catalog(ctx, 1, nil)
	wantCode(t, err, http.StatusServiceUnavailable, exchange.CodeUnavailable)
	if he := httpErr(t, err); he.RetryAfter != 3*time.Second {
		t.Errorf("503 Retry-After parsed as %v, want 3s", he.RetryAfter)
	}

	setFaults(t, e, Faults{UnavailableRate: 1}) // no Retry-After set: one second
	_, err = d.client.Health(ctx)
	if he := httpErr(t, err); he.Status != http.StatusServiceUnavailable || he.RetryAfter != time.Second {
		t.Errorf("503 with the default Retry-After: %+v", he)
	}

	// Nothing was stored by the refused calls.
	setFaults(t, e, Faults{})
	st, err := e.sim.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests != 0 || st.Faults[FaultError] != 1 || st.Faults[FaultThrottle] != 1 || st.Faults[FaultUnavailable] != 2 {
		t.Errorf("stats %+v", st)
	}
	if _, err := d.client.Updates(ctx, 0, 10); err != nil {
		t.Errorf("after the faults are cleared: %v", err)
	}
}

func TestFaultOutage(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	d := e.enrol(1234, 1)
	setFaults(t, e, Faults{Outage: true})
	check := func(name string, err error) {
		t.Helper()
		var he *exchange.HTTPError
		if err == nil || errors.As(err, &he) {
			t.Errorf("%s during an outage: %v, want a transport error", name, err)
		}
	}
	_, err := d.client.Health(ctx)
	check("health", err)
	_, _, err = d.client.SubmitBatch(ctx, items(ids(7), 2))
	check("batch", err)
	_, err = d.client.Updates(ctx, 0, 10)
	check("updates", err)

	// The admin API still answers, and nothing was stored.
	resp, err := http.Get(e.srv.URL + "/sim/stats")
	if err != nil {
		t.Fatalf("admin API during an outage: %v", err)
	}
	var st Stats
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil || st.Requests != 0 || st.Faults[FaultOutage] < 3 {
		t.Errorf("stats during the outage: %+v, %v", st, err)
	}
	setFaults(t, e, Faults{})
	if _, err := d.client.Health(ctx); err != nil {
		t.Errorf("after the outage: %v", err)
	}
}

func TestFaultTooLarge(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	d := e.enrol(1234, 1)
	its := items(ids(8), 3)

	setFaults(t, e, Faults{MaxBatchItems: 2})
	_, _, err := d.client.SubmitBatch(ctx, its)
	wantCode(t, err, http.StatusRequestEntityTooLarge, exchange.CodeTooLarge)
	if !httpErr(t, err).TooLarge() {
		t.Error("TooLarge is false for a 413")
	}
	if br, _, err := d.client.SubmitBatch(ctx, its[:2]); err != nil || br.Results[0].Status != exchange.ItemAccepted {
		t.Fatalf("two items under a limit of two: %+v, %v", br, err)
	}

	body, err := json.Marshal(exchange.BatchRequest{Items: its[2:]})
	if err != nil {
		t.Fatal(err)
	}
	setFaults(t, e, Faults{MaxBodyBytes: int64(len(body)) - 1})
	_, size, err := d.client.SubmitBatch(ctx, its[2:])
	wantCode(t, err, http.StatusRequestEntityTooLarge, exchange.CodeTooLarge)
	if size != len(body) {
		t.Fatalf("the client sent %d bytes, the test expected %d", size, len(body))
	}
	st, _ := e.sim.Stats(ctx)
	if st.Requests != 2 || st.Faults[FaultTooLarge] != 2 {
		t.Errorf("stats after the 413s: %+v", st)
	}
	setFaults(t, e, Faults{MaxBodyBytes: int64(len(body))})
	if br, _, err := d.client.SubmitBatch(ctx, its[2:]); err != nil || br.Results[0].Status != exchange.ItemAccepted {
		t.Errorf("a body at the limit: %+v, %v", br, err)
	}
}

func TestFaultCommitThenDrop(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	d := e.enrol(1234, 1)
	its := items(ids(9), 4)
	setFaults(t, e, Faults{CommitDropRate: 1})
	_, _, err := d.client.SubmitBatch(ctx, its)
	var he *exchange.HTTPError
	if err == nil || errors.As(err, &he) {
		t.Fatalf("commit-then-drop: %v, want a transport error", err)
	}
	// The simulator holds the batch although the desk never heard.
	counts, err := e.sim.AcceptCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range its {
		if counts[it.ID] != 1 {
			t.Errorf("%s stored %d times after the dropped answer", it.ID, counts[it.ID])
		}
	}
	setFaults(t, e, Faults{})
	br, _, err := d.client.SubmitBatch(ctx, its)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range br.Results {
		if r.Status != exchange.ItemDuplicate || r.Original != exchange.ItemAccepted {
			t.Errorf("resend after the drop: %+v", r)
		}
	}
	counts, _ = e.sim.AcceptCounts(ctx)
	for _, it := range its {
		if counts[it.ID] != 1 {
			t.Errorf("%s stored %d times after the resend", it.ID, counts[it.ID])
		}
	}
	if n := faultCount(t, e, FaultCommitDrop); n != 1 {
		t.Errorf("%d commit drops counted", n)
	}
}

func TestFaultRejectAndDefer(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	d := e.enrol(1234, 1)
	next := ids(10)

	setFaults(t, e, Faults{DeferRate: 1})
	deferred := items(next, 3)
	br, _, err := d.client.SubmitBatch(ctx, deferred)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range br.Results {
		if r.Status != exchange.ItemDeferred || r.Outcome() != exchange.ItemDeferred {
			t.Errorf("deferred: %+v", r)
		}
	}
	setFaults(t, e, Faults{RejectRate: 1})
	rejected := items(next, 2)
	br, _, err = d.client.SubmitBatch(ctx, append(append([]exchange.Item(nil), deferred...), rejected...))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range br.Results {
		if r.Status != exchange.ItemRejected || !r.Permanent || r.ReasonFa == "" {
			t.Errorf("rejected: %+v", r)
		}
	}
	setFaults(t, e, Faults{})
	more := items(next, 2)
	br, _, err = d.client.SubmitBatch(ctx, append(append([]exchange.Item(nil), rejected...), more...))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range br.Results {
		want := exchange.ItemDuplicate
		if i >= len(rejected) {
			want = exchange.ItemAccepted
		}
		if r.Status != want || (want == exchange.ItemDuplicate && r.Original != exchange.ItemRejected) {
			t.Errorf("item %d after the faults: %+v", i, r)
		}
	}
	st, _ := e.sim.Stats(ctx)
	if st.Deferred != 3 || st.Rejected != 5 || st.Accepted != 2 || st.Faults[FaultDefer] != 3 || st.Faults[FaultReject] != 5 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaultsValidateAndJSON(t *testing.T) {
	for _, f := range []Faults{{ErrorRate: 1.5}, {DeferRate: -0.1}, {Latency: -time.Second}, {RetryAfterSeconds: -1},
		{MaxBatchItems: -1}, {MaxBodyBytes: -1}} {
		if f.Validate() == nil {
			t.Errorf("%+v is valid", f)
		}
	}
	f := Faults{Latency: 250 * time.Millisecond, LatencyJitter: time.Second, ErrorRate: 0.1, ThrottleRate: 0.2,
		UnavailableRate: 0.3, RetryAfterSeconds: 4, Outage: true, MaxBatchItems: 10, MaxBodyBytes: 5000,
		CommitDropRate: 0.4, RejectRate: 0.5, DeferRate: 0.6}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back Faults
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip %s: %+v, %v", b, back, err)
	}
	if err := json.Unmarshal([]byte(`{"latency":1000000}`), &back); err != nil || back.Latency != time.Millisecond {
		t.Errorf("latency in nanoseconds: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"latncy":"1s"}`), &back); err == nil {
		t.Error("a misspelt field was accepted")
	}
}
