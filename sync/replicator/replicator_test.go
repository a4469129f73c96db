package replicator_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/sync/exchange"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// held returns how many times the simulator stored each of reqs as new;
// every one must be exactly once for the test to pass.
func (r *rig) heldOnce(reqs []*pishkhan.Request) {
	r.t.Helper()
	counts, err := r.sim.AcceptCounts(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	for _, q := range reqs {
		if n := counts[q.ID.String()]; n != 1 {
			r.t.Errorf("the exchange stored %s %d times, want exactly once", q.TrackingCode, n)
		}
	}
	if len(counts) != len(reqs) {
		r.t.Errorf("the exchange holds %d requests, the desk filed %d", len(counts), len(reqs))
	}
}

func TestDrainSendsEverythingOnce(t *testing.T) {
	r := newRig(t, exchangesim.Config{})
	reqs := r.file(120, "")
	cfg := fastConfig()
	var seen []replicator.Status
	cfg.OnStatus = func(s replicator.Status) { seen = append(seen, s) }
	rep := r.drain(cfg)
	if got := r.states(); got[pishkhan.StateAccepted] != 120 || len(got) != 1 {
		t.Fatalf("states %v, want 120 accepted", got)
	}
	r.heldOnce(reqs)
	st := rep.Status()
	if !st.Online || st.Pending != 0 || st.Sent != 120 || st.LastSuccess.IsZero() || st.CatalogVersion != 1 {
		t.Errorf("status %+v", st)
	}
	// Progress was reported while sending, in batches of 50.
	var progress []int64
	for _, s := range seen {
		if s.Phase == replicator.PhaseSending && (len(progress) == 0 || progress[len(progress)-1] != s.Done) {
			progress = append(progress, s.Done)
		}
	}
	if !slices.Equal(progress, []int64{0, 50, 100, 120}) {
		t.Errorf("sending progress %v, want 0 50 100 120", progress)
	}
	ss, err := r.d.Store.SyncState(context.Background())
	if err != nil || ss.LastSuccess.IsZero() {
		t.Errorf("last success not recorded: %+v %v", ss, err)
	}
}

func TestStatusUpdatesComeBack(t *testing.T) {
	r := newRig(t, exchangesim.Config{InquiryDelay: 20 * time.Millisecond})
	reqs := r.file(100, "ss-0001") // ss-0001 has inquiries; 8% are refused, so P(none of 100) is 0.02%
	r.drain(fastConfig())
	eventually(t, 10*time.Second, "every request reached a final state", func() bool {
		r.drain(fastConfig())
		st := r.states()
		return st[pishkhan.StateDone]+st[pishkhan.StateRefused] == len(reqs)
	})
	st := r.states()
	if st[pishkhan.StateDone] == 0 || st[pishkhan.StateRefused] == 0 {
		t.Errorf("states %v: want some done and some refused among 100", st)
	}
	answered := 0
	for _, q := range reqs {
		for _, iq := range r.request(q.ID).Inquiries {
			if iq.State == pishkhan.InquiryAnswered && iq.Answer != "" {
				answered++
			}
		}
	}
	if answered == 0 {
		t.Error("no inquiry answer came back")
	}
	ss, _ := r.d.Store.SyncState(context.Background())
	if ss.UpdatesCursor == 0 {
		t.Error("updates cursor did not move")
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	r := newRig(t, exchangesim.Config{Faults: exchangesim.Faults{ThrottleRate: 1, RetryAfterSeconds: 1}})
	r.file(3, "")
	rep := r.replicator(fastConfig()) // backoff alone would retry every few ms
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- rep.Run(ctx) }()
	time.Sleep(1500 * time.Millisecond)
	calls := r.stats().Faults["throttle"]
	// 1.5 s at Retry-After: 1 is at most 2 refusals (plus one probe-free retry); the bare backoff would make hundreds.
	if calls < 1 || calls > 3 {
		t.Errorf("%d throttled calls in 1.5 s with Retry-After: 1, want 1 to 3", calls)
	}
	if st := rep.Status(); st.Phase != replicator.PhaseBackoff || !st.Online || st.Pending != 3 {
		t.Errorf("while throttled: %+v", st)
	}
	r.setFaults(exchangesim.Faults{})
	eventually(t, 5*time.Second, "drained after the throttling stopped", func() bool { return r.states()[pishkhan.StateAccepted] == 3 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run ended with %v", err)
	}
}

func TestServerErrorsAndUnavailableAreRetried(t *testing.T) {
	for _, f := range []exchangesim.Faults{{ErrorRate: 1}, {UnavailableRate: 1, RetryAfterSeconds: 0}, {ErrorRate: 0.5, UnavailableRate: 0.3}} {
		r := newRig(t, exchangesim.Config{Faults: f})
		reqs := r.file(30, "")
		rep := r.replicator(fastConfig())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- rep.Run(ctx) }()
		time.Sleep(200 * time.Millisecond)
		if f.ErrorRate == 1 || f.UnavailableRate == 1 {
			if st := r.states(); st[pishkhan.StateQueued]+st[pishkhan.StateSending] != 30 {
				t.Errorf("%+v: states %v while every call fails, want all 30 waiting to be sent", f, st)
			}
			r.setFaults(exchangesim.Faults{})
		}
		eventually(t, 10*time.Second, "drained", func() bool { return r.states()[pishkhan.StateAccepted] == 30 })
		cancel()
		<-done
		r.heldOnce(reqs)
	}
}

func TestTooLargeSplitsTheBatch(t *testing.T) {
	r := newRig(t, exchangesim.Config{Faults: exchangesim.Faults{MaxBatchItems: 7}})
	reqs := r.file(40, "")
	cfg := fastConfig()
	cfg.BatchSize = 40
	r.drain(cfg)
	if got := r.states(); got[pishkhan.StateAccepted] != 40 {
		t.Fatalf("states %v", got)
	}
	r.heldOnce(reqs)
	if n := r.stats().Faults["too_large"]; n == 0 {
		t.Error("the simulator never answered 413; the test proved nothing")
	}
}

func TestSingleRequestTooLargeIsRejectedAlone(t *testing.T) {
	r := newRig(t, exchangesim.Config{})
	small := r.file(2, "")
	big := r.file(1, "ss-0031") // a licence with many inquiries: a bigger body
	b1, _ := json.Marshal(exchange.BatchRequest{Items: []exchange.Item{replicator.ItemOf(small[0])}})
	b2, _ := json.Marshal(exchange.BatchRequest{Items: []exchange.Item{replicator.ItemOf(big[0])}})
	if len(b2) <= len(b1) {
		t.Fatalf("the licence request (%d bytes) is not bigger than the small one (%d)", len(b2), len(b1))
	}
	r.setFaults(exchangesim.Faults{MaxBodyBytes: int64(len(b1)+len(b2)) / 2})
	cfg := fastConfig()
	cfg.BatchSize = 3
	r.drain(cfg)
	if got := r.request(big[0].ID); got.State != pishkhan.StateRejected || got.StateNote == "" {
		t.Errorf("too-large request: %s %q, want rejected with a note", got.State, got.StateNote)
	}
	for _, q := range small {
		if got := r.request(q.ID).State; got != pishkhan.StateAccepted {
			t.Errorf("small request %s: %s", q.TrackingCode, got)
		}
	}
}

func TestAuthRefusalStopsAndAlerts(t *testing.T) {
	r := newRig(t, exchangesim.Config{})
	r.file(5, "")
	// Someone enrols the same office and desk with another key: ours is revoked.
	code, err := r.sim.IssueEnrolCode(context.Background(), rigOffice, rigDesk)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := exchange.GenerateKey(nil)
	if _, err := (&exchange.Client{BaseURL: r.srv.URL}).Enrol(context.Background(), rigOffice, rigDesk, code, key); err != nil {
		t.Fatal(err)
	}
	rep := r.replicator(fastConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = rep.Drain(ctx)
	if !errors.Is(err, replicator.ErrAuth) {
		t.Fatalf("Drain with a revoked key: %v, want ErrAuth", err)
	}
	st := rep.Status()
	if st.Phase != replicator.PhaseStopped || st.Alert == "" {
		t.Errorf("status %+v, want stopped with an alert", st)
	}
	if got := r.states(); got[pishkhan.StateQueued] != 5 {
		t.Errorf("states %v: the 5 requests must wait in the queue", got)
	}
	ss, _ := r.d.Store.SyncState(ctx)
	if ss.Alert == "" {
		t.Error("the alert was not recorded")
	}
	// A new replicator (the window started again) stops before calling the
	// exchange, and says why.
	rep = r.replicator(fastConfig())
	if err := rep.Cycle(ctx); !errors.Is(err, replicator.ErrAuth) {
		t.Fatalf("Cycle with the alert raised: %v, want ErrAuth", err)
	}
	if reason := rep.Status().Reason; !strings.Contains(reason, "هویت این میز") {
		t.Errorf("reason on the bar %q, want the refused identity", reason)
	}
	// Run stops too instead of hammering the exchange, until SyncNow after a re-enrolment.
	batchCalls := r.callsTo(exchange.PathBatch)
	rep = r.replicator(fastConfig())
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rep.Run(runCtx) }()
	time.Sleep(200 * time.Millisecond)
	if n := r.callsTo(exchange.PathBatch); n > batchCalls+1 {
		t.Errorf("Run made %d calls while stopped", n-batchCalls)
	}
	r.enrol()
	rep.SyncNow()
	eventually(t, 5*time.Second, "drained after re-enrolment", func() bool { return r.states()[pishkhan.StateAccepted] == 5 })
	stop()
	<-done
}

func TestPermanentItemErrorsAreNotRetried(t *testing.T) {
	r := newRig(t, exchangesim.Config{Faults: exchangesim.Faults{RejectRate: 1}})
	r.file(10, "")
	r.drain(fastConfig())
	if got := r.states(); got[pishkhan.StateRejected] != 10 {
		t.Fatalf("states %v, want 10 rejected", got)
	}
	batches := r.stats().Batches
	r.drain(fastConfig())
	if again := r.stats().Batches; again != batches {
		t.Errorf("rejected requests were sent again (%d batches, then %d)", batches, again)
	}
}

func TestDeferredItemsStayQueued(t *testing.T) {
	r := newRig(t, exchangesim.Config{Faults: exchangesim.Faults{DeferRate: 1}})
	reqs := r.file(6, "")
	rep := r.replicator(fastConfig())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rep.Run(ctx) }()
	time.Sleep(150 * time.Millisecond)
	if got := r.states(); got[pishkhan.StateQueued]+got[pishkhan.StateSending] != 6 {
		t.Errorf("deferred: states %v, want all 6 still waiting to be sent", got)
	}
	r.setFaults(exchangesim.Faults{})
	eventually(t, 5*time.Second, "deferred requests accepted later", func() bool { return r.states()[pishkhan.StateAccepted] == 6 })
	cancel()
	<-done
	r.heldOnce(reqs)
}

func TestCommitThenDropIsNotSentTwice(t *testing.T) {
	r := newRig(t, exchangesim.Config{Faults: exchangesim.Faults{CommitDropRate: 1}})
	reqs := r.file(25, "")
	rep := r.replicator(fastConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	err := rep.Drain(ctx)
	cancel()
	if err == nil {
		t.Fatal("Drain succeeded although every answer was dropped")
	}
	if st := rep.Status(); st.LastError == "" || st.Sent != 0 {
		t.Errorf("dropped answers: status %+v, want an error and nothing counted as sent", st)
	}
	counts, _ := r.sim.AcceptCounts(context.Background())
	if len(counts) == 0 {
		t.Fatal("the simulator stored nothing before dropping; the test proved nothing")
	}
	r.setFaults(exchangesim.Faults{})
	r.drain(fastConfig())
	if got := r.states(); got[pishkhan.StateAccepted] != 25 {
		t.Fatalf("states %v", got)
	}
	r.heldOnce(reqs)
	if r.stats().Duplicates == 0 {
		t.Error("no resend was answered as a duplicate")
	}
}

func TestSendingGoesBackToQueuedAtStart(t *testing.T) {
	r := newRig(t, exchangesim.Config{})
	reqs := r.file(4, "")
	// A run that died after claiming: its requests are left in sending.
	if _, err := r.d.Store.ClaimOutbox(context.Background(), 4); err != nil {
		t.Fatal(err)
	}
	if got := r.states(); got[pishkhan.StateSending] != 4 {
		t.Fatalf("states %v", got)
	}
	r.drain(fastConfig())
	if got := r.states(); got[pishkhan.StateAccepted] != 4 {
		t.Fatalf("states %v", got)
	}
	r.heldOnce(reqs)
}

func TestWakesWhenTheConnectionReturns(t *testing.T) {
	r := newRig(t, exchangesim.Config{Faults: exchangesim.Faults{Outage: true}})
	r.file(3, "")
	cfg := fastConfig()
	cfg.InitialBackoff, cfg.MaxBackoff = time.Minute, time.Minute // only the probe can wake it
	rep := r.replicator(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- rep.Run(ctx) }()
	eventually(t, 5*time.Second, "offline status", func() bool {
		st := rep.Status()
		return st.Phase == replicator.PhaseBackoff && !st.Online && st.Pending == 3 && !st.Oldest.IsZero()
	})
	r.setFaults(exchangesim.Faults{})
	start := time.Now()
	eventually(t, 5*time.Second, "drained soon after the outage", func() bool { return r.states()[pishkhan.StateAccepted] == 3 })
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s to resume; the backoff was a minute, the probe 20 ms", d)
	}
	if !rep.Status().Online {
		t.Error("status still offline")
	}
	cancel()
	<-done
}

func TestSyncNowWakesAnIdleLoop(t *testing.T) {
	r := newRig(t, exchangesim.Config{})
	rep := r.replicator(fastConfig()) // polls once an hour
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- rep.Run(ctx) }()
	eventually(t, 5*time.Second, "idle", func() bool { return rep.Status().Phase == replicator.PhaseIdle && !rep.Status().LastSuccess.IsZero() })
	r.file(2, "")
	time.Sleep(100 * time.Millisecond)
	if n := r.states()[pishkhan.StateQueued]; n != 2 {
		t.Fatalf("sent without being woken (%d queued); the test proves nothing", n)
	}
	rep.SyncNow()
	eventually(t, 2*time.Second, "sent after SyncNow", func() bool { return r.states()[pishkhan.StateAccepted] == 2 })
	// The desk's intake hook wakes it too.
	r.d.AfterIntake = func(*pishkhan.Request) { rep.SyncNow() }
	r.file(1, "")
	eventually(t, 2*time.Second, "sent after intake", func() bool { return r.states()[pishkhan.StateAccepted] == 3 })
	cancel()
	<-done
}

func TestLatencyIsTolerated(t *testing.T) {
	r := newRig(t, exchangesim.Config{Faults: exchangesim.Faults{Latency: 80 * time.Millisecond}})
	r.file(5, "")
	start := time.Now()
	r.drain(fastConfig())
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("drained in %s despite 80 ms latency; the fault was not applied", d)
	}
	if got := r.states(); got[pishkhan.StateAccepted] != 5 {
		t.Fatalf("states %v", got)
	}
}

func TestCatalogUpgradeWhileOffline(t *testing.T) {
	r := newRig(t, exchangesim.Config{})
	ctx := context.Background()
	ch := democatalog.Changes(2)
	if len(ch.Raised) == 0 || len(ch.Retired) == 0 {
		t.Fatalf("version 2 changes nothing: %+v", ch)
	}
	// Offline, the clerk files under v1 a sub-service v2 retires and one whose fee v2 raises.
	r.setFaults(exchangesim.Faults{Outage: true})
	retired := r.file(1, ch.Retired[0])[0]
	raised := r.file(1, ch.Raised[0])[0]
	if err := r.sim.PublishCatalog(ctx, 2); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	err := r.replicator(fastConfig()).Drain(cctx)
	cancel()
	if err == nil {
		t.Fatal("drained during an outage")
	}
	r.setFaults(exchangesim.Faults{})
	r.drain(fastConfig())

	// Both were accepted under the version they were made under, with its fees.
	for _, q := range []*pishkhan.Request{retired, raised} {
		got := r.request(q.ID)
		if got.State != pishkhan.StateAccepted || got.CatalogVersion != 1 || got.GovFee != q.GovFee {
			t.Errorf("%s: %s v%d fee %d, want accepted under v1 with fee %d", q.SubServiceID, got.State, got.CatalogVersion, got.GovFee, q.GovFee)
		}
	}
	// The desk now has v2: the retired sub-service is gone, the raised fee applies to new intakes.
	if v, _ := r.d.Store.CatalogVersion(ctx); v != 2 {
		t.Fatalf("desk catalog v%d, want 2", v)
	}
	if _, err := r.d.SubService(ctx, ch.Retired[0]); pishkhan.ErrorCode(err) != pishkhan.ENotFound {
		t.Errorf("retired sub-service still offered: %v", err)
	}
	after := r.file(1, ch.Raised[0])[0]
	if after.GovFee != democatalog.RaiseGovFee(raised.GovFee) || after.CatalogVersion != 2 {
		t.Errorf("new intake: fee %d v%d, want %d under v2", after.GovFee, after.CatalogVersion, democatalog.RaiseGovFee(raised.GovFee))
	}
	// The desk's catalog is exactly the exchange's v2.
	got, err := r.d.Store.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(democatalog.Generate(2))
	if string(gj) != string(wj) {
		t.Error("the desk's catalog after the delta differs from the exchange's version 2")
	}
	r.drain(fastConfig())
	if got := r.request(after.ID); got.State != pishkhan.StateAccepted {
		t.Errorf("request under v2: %s %q", got.State, got.StateNote)
	}
}

func TestNotEnrolled(t *testing.T) {
	// A desk with no key file cannot make a replicator at all.
	d2, err := desk.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if _, err := d2.NewReplicator(context.Background(), fastConfig()); pishkhan.ErrorCode(err) != pishkhan.ENotInit {
		t.Errorf("NewReplicator on a desk never enrolled: %v", err)
	}
}

// hostile is an exchange that answers every call with what bad returns.
func hostile(t *testing.T, bad func(path string) (int, string)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		code, body := bad(q.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestMalformedAnswersCorruptNothing(t *testing.T) {
	r := newRig(t, exchangesim.Config{})
	reqs := r.file(3, "")
	ctx := context.Background()
	answers := []string{
		`{"results":[]}`, // too few
		`{"results":[{"id":"x","status":"accepted"},{"id":"y","status":"accepted"},{"id":"z","status":"accepted"}]}`, // wrong ids
		`{"results":[` + strings.Repeat(`{"id":"`+reqs[0].ID.String()+`","status":"maybe"},`, 2) + `{"id":"x","status":"maybe"}]}`,
		`not json`, `{"results":null}{}`, `<html>502</html>`,
	}
	var i atomic.Int64
	srv := hostile(t, func(path string) (int, string) {
		if path == exchange.PathHealth {
			return 200, `{"status":"ok","api_version":1,"catalog_version":1,"server_time":"2026-11-28T10:00:00Z"}`
		}
		return 200, answers[int(i.Add(1)-1)%len(answers)]
	})
	ss, _ := r.d.Store.SyncState(ctx)
	if err := r.d.Store.SetEnrolment(ctx, srv.URL, ss.KeyID, "tech"); err != nil {
		t.Fatal(err)
	}
	rep := r.replicator(fastConfig())
	for range answers {
		if err := rep.Cycle(ctx); err == nil {
			t.Fatal("a malformed answer was taken as success")
		}
	}
	if got := r.states(); got[pishkhan.StateQueued] != 3 {
		t.Errorf("states %v: a hostile answer must leave the requests queued", got)
	}
	if ss, _ := r.d.Store.SyncState(ctx); ss.LastError == "" {
		t.Error("no error recorded")
	}
	// The real exchange then takes them, once each.
	if err := r.d.Store.SetEnrolment(ctx, r.srv.URL, ss.KeyID, "tech"); err != nil {
		t.Fatal(err)
	}
	r.drain(fastConfig())
	r.heldOnce(reqs)
}

func TestUpdatesDecodedHostileAreRefused(t *testing.T) {
	r := newRig(t, exchangesim.Config{})
	ctx := context.Background()
	reqs := r.file(1, "")
	r.drain(fastConfig())
	id := reqs[0].ID.String()
	srv := hostile(t, func(path string) (int, string) {
		switch path {
		case exchange.PathUpdates: // out of order, a state the desk does not know
			return 200, `{"updates":[{"seq":5,"request_id":"` + id + `","state":"done"},{"seq":3,"request_id":"` + id + `","state":"erased"}],"next":5}`
		}
		return 200, `{"base":1,"version":1}`
	})
	ss, _ := r.d.Store.SyncState(ctx)
	if err := r.d.Store.SetEnrolment(ctx, srv.URL, ss.KeyID, "tech"); err != nil {
		t.Fatal(err)
	}
	if err := r.replicator(fastConfig()).Cycle(ctx); err == nil {
		t.Fatal("hostile updates taken as success")
	}
	if got := r.request(reqs[0].ID).State; got != pishkhan.StateAccepted {
		t.Errorf("state %s after a refused page, want accepted", got)
	}
	if ss, _ := r.d.Store.SyncState(ctx); ss.UpdatesCursor != 0 {
		t.Errorf("cursor moved to %d on a refused page", ss.UpdatesCursor)
	}
}

// A counter PC whose clock is 20 minutes slow (the exchange refuses
// signatures more than 5 minutes off) still enrols and syncs: the first
// call of each client is refused, the exchange's Date header teaches the
// offset, and the call is signed again.
func TestWrongDeskClockIsCorrected(t *testing.T) {
	r := newRig(t, exchangesim.Config{Now: func() time.Time { return time.Now().Add(20 * time.Minute) }})
	reqs := r.file(7, "")
	rep := r.drain(fastConfig())
	if got := r.states(); got[pishkhan.StateAccepted] != 7 {
		t.Fatalf("states %v (status %+v)", got, rep.Status())
	}
	r.heldOnce(reqs)
	c, err := r.d.ExchangeClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Updates(context.Background(), 0, 10); err != nil {
		t.Fatalf("a fresh client with a slow clock: %v", err)
	}
	if off := c.ClockOffset(); off < 19*time.Minute || off > 21*time.Minute {
		t.Errorf("learnt offset %s, want about 20m", off)
	}
}
