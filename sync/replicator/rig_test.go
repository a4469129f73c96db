package replicator_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// Office and desk of every rig.
const (
	rigOffice = 12345
	rigDesk   = 3
)

// template is a desk database with the demo catalog v1 and a clerk, made
// once and copied for each test (importing 2,094 sub-services under -race
// takes half a second).
var template = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "pishkhan-replicator-template-")
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	d, err := desk.Open(ctx, dir, nil)
	if err != nil {
		return "", err
	}
	defer d.Close()
	d.PINCost = pishkhan.Argon2idParams{Memory: 1024, Time: 1, Threads: 1}
	boss, err := d.FirstRun(ctx, desk.FirstRunInput{
		Desk:       desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر پیشخوان آزمایشی", DeskNumber: "3"},
		Supervisor: desk.AddUserInput{Username: "boss", FullName: "مدیر آزمایشی", PIN: "1357"},
		Catalog:    democatalog.Version1(),
	})
	if err != nil {
		return "", err
	}
	if _, err := d.AddUser(ctx, desk.AddUserInput{Username: "clerk1", FullName: "اپراتور آزمایشی", Role: "clerk", PIN: "2468"}, boss); err != nil {
		return "", err
	}
	return filepath.Join(dir, desk.DBFile), d.Close()
})

func TestMain(m *testing.M) {
	code := m.Run()
	if p, err := template(); err == nil {
		os.RemoveAll(filepath.Dir(p))
	}
	os.Exit(code)
}

// rig is a desk enrolled with a simulator served over loopback HTTP.
type rig struct {
	t   testing.TB
	d   *desk.Desk
	sim *exchangesim.Sim
	srv *httptest.Server
	dir string

	mu    sync.Mutex
	calls map[string]int // calls that reached the exchange, by path
}

// callsTo counts the calls to one path so far.
func (r *rig) callsTo(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[path]
}

// stats reads the simulator's counters.
func (r *rig) stats() exchangesim.Stats {
	r.t.Helper()
	st, err := r.sim.Stats(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return st
}

// setFaults changes the simulator's faults.
func (r *rig) setFaults(f exchangesim.Faults) {
	r.t.Helper()
	if err := r.sim.SetFaults(f); err != nil {
		r.t.Fatal(err)
	}
}

func testLog(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newRig(t testing.TB, cfg exchangesim.Config) *rig {
	t.Helper()
	ctx := context.Background()
	src, err := template()
	if err != nil {
		t.Fatalf("template desk: %v", err)
	}
	dir := t.TempDir()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	deskDir := filepath.Join(dir, "desk")
	if err := os.MkdirAll(deskDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(deskDir, desk.DBFile), data, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := desk.Open(ctx, deskDir, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if cfg.DBPath == "" {
		cfg.DBPath = filepath.Join(dir, "sim.db")
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.InquiryDelay == 0 {
		cfg.InquiryDelay = time.Hour // no status updates unless a test wants them
	}
	if cfg.Log == nil {
		cfg.Log = testLog(t)
	}
	faults := cfg.Faults // applied after the enrolment, which they would break
	cfg.Faults = exchangesim.Faults{}
	sim, err := exchangesim.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("simulator: %v", err)
	}
	t.Cleanup(func() { sim.Close() })
	r := &rig{t: t, d: d, sim: sim, dir: dir, calls: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		r.mu.Lock()
		r.calls[q.URL.Path]++
		r.mu.Unlock()
		sim.ServeHTTP(w, q)
	}))
	t.Cleanup(r.srv.Close)
	r.enrol()
	r.setFaults(faults)
	return r
}

// enrol enrols the rig's desk with a fresh one-time code.
func (r *rig) enrol() {
	r.t.Helper()
	ctx := context.Background()
	code, err := r.sim.IssueEnrolCode(ctx, rigOffice, rigDesk)
	if err != nil {
		r.t.Fatal(err)
	}
	boss, err := r.d.Login(ctx, "boss", "1357")
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.d.Enrol(ctx, desk.EnrolInput{ExchangeURL: r.srv.URL, OneTimeCode: code}, boss); err != nil {
		r.t.Fatalf("enrol: %v", err)
	}
}

// fastConfig retries quickly, so tests of faults stay short.
func fastConfig() replicator.Config {
	return replicator.Config{BatchSize: 50, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		ProbeInterval: 20 * time.Millisecond, PollInterval: time.Hour}
}

func (r *rig) replicator(cfg replicator.Config) *replicator.Replicator {
	r.t.Helper()
	rep, err := r.d.NewReplicator(context.Background(), cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	return rep
}

// citizens are made-up people with valid national codes.
var citizens = []string{"001234567", "052417893", "274615390", "384920176", "450918273", "612093847"}

// file takes n walk-ins of sub-service ss (ss-0012, a car's fines, when
// empty), each for another citizen, and returns them in filing order.
func (r *rig) file(n int, ss string) []*pishkhan.Request {
	r.t.Helper()
	ctx := context.Background()
	if ss == "" {
		ss = "ss-0012"
	}
	e, err := r.d.SubService(ctx, ss)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []*pishkhan.Request
	for i := range n {
		nc, err := pishkhan.CompleteNationalCode(citizens[i%len(citizens)])
		if err != nil {
			r.t.Fatal(err)
		}
		form, ok := democatalog.SampleForm(e.SubService, nc)
		if !ok {
			r.t.Fatalf("no sample form for %s", ss)
		}
		q, err := r.d.Intake(ctx, desk.IntakeInput{NationalCode: string(nc), FirstName: "زهرا", LastName: "احمدی",
			SubServiceID: ss, Fields: form, PayMethod: "cash", Clerk: "clerk1"})
		if err != nil {
			r.t.Fatalf("intake %d of %s: %v", i, ss, err)
		}
		out = append(out, q)
	}
	return out
}

// states returns the count of the desk's requests in each state.
func (r *rig) states() map[pishkhan.RequestState]int {
	r.t.Helper()
	rows, err := r.d.Store.SQL().Query("SELECT state, COUNT(*) FROM requests GROUP BY state")
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	out := map[pishkhan.RequestState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			r.t.Fatal(err)
		}
		out[pishkhan.RequestState(s)] = n
	}
	return out
}

// request reads one request back.
func (r *rig) request(id pishkhan.ID) pishkhan.Request {
	r.t.Helper()
	v, err := r.d.Store.RequestByID(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return v.Request
}

// drain runs Drain with a deadline and fails the test on error.
func (r *rig) drain(cfg replicator.Config) *replicator.Replicator {
	r.t.Helper()
	rep := r.replicator(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := rep.Drain(ctx); err != nil {
		r.t.Fatalf("Drain: %v (status %+v)", err, rep.Status())
	}
	return rep
}

// eventually polls cond every 10 ms until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
