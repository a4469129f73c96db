// Command pishkhan-syncbench measures how fast a desk drains a backlog to
// the exchange simulator over loopback HTTP, in batches and, as the
// baseline measured in the same run, one request per call. It prints a
// Markdown report for docs/benchmarks.md: requests per second and bytes on
// the wire per request (both directions, counted at the TCP connection, so
// headers, signatures and the pulls of updates and catalog are included).
//
// Usage:
//
//	go run ./cmd/pishkhan-syncbench [--n 10000] [--batch 200] [--dir DIR] [--check]
//
// The backlog is filed once through desk.Intake and copied for each mode,
// so both drain the same rows. With --check the exit status is 1 when the
// batched drain is less than 10 times the baseline's rate.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// minSpeedup is the target: batched drain at least 10× the one-per-call rate.
const minSpeedup = 10.0

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	n, batch   int
	dir        string
	check      bool
	cpuProfile string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pishkhan-syncbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.n, "n", 10000, "requests in the backlog")
	fs.IntVar(&o.batch, "batch", 200, "requests per batch in the batched drain")
	fs.StringVar(&o.dir, "dir", os.TempDir(), "where to work (a temporary folder is made and removed inside it)")
	fs.BoolVar(&o.check, "check", false, "exit 1 when the batched drain is under 10× the baseline")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the batched drain to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.n < 1 || o.batch < 1 {
		fmt.Fprintln(stderr, "pishkhan-syncbench: --n and --batch must be positive")
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	rep, err := measure(ctx, o, log)
	if err != nil {
		fmt.Fprintf(stderr, "pishkhan-syncbench: %v\n", err)
		return 2
	}
	writeReport(stdout, o, rep)
	if o.check && rep.speedup() < minSpeedup {
		return 1
	}
	return 0
}

// result is one drain.
type result struct {
	Mode     string
	Batch    int
	Requests int
	Elapsed  time.Duration
	Bytes    int64 // both directions
	Conns    int64
}

func (r result) rate() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

type report struct {
	Batched, Single result
	Backlog         time.Duration
	CPU             string
	Cores           int
	Date            time.Time
}

func (r report) speedup() float64 { return r.Batched.rate() / r.Single.rate() }

func measure(ctx context.Context, o options, log *slog.Logger) (report, error) {
	rep := report{CPU: cpuModel(), Cores: runtime.NumCPU(), Date: time.Now().UTC()}
	work, err := os.MkdirTemp(o.dir, "pishkhan-syncbench-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(work)
	start := time.Now()
	backlog, err := fileBacklog(ctx, filepath.Join(work, "backlog"), o.n, log)
	if err != nil {
		return rep, fmt.Errorf("file the backlog: %w", err)
	}
	rep.Backlog = time.Since(start)
	// The baseline first, then the batched drain: neither profits from a warmer cache.
	if rep.Single, err = drain(ctx, backlog, filepath.Join(work, "single"), 1, o.n, log, ""); err != nil {
		return rep, fmt.Errorf("one-per-call drain: %w", err)
	}
	rep.Single.Mode = "one request per call (baseline)"
	if rep.Batched, err = drain(ctx, backlog, filepath.Join(work, "batched"), o.batch, o.n, log, o.cpuProfile); err != nil {
		return rep, fmt.Errorf("batched drain: %w", err)
	}
	rep.Batched.Mode = fmt.Sprintf("batches of %d", o.batch)
	return rep, nil
}

// fileBacklog makes a desk in dir with n queued requests and returns its
// database file.
func fileBacklog(ctx context.Context, dir string, n int, log *slog.Logger) (string, error) {
	d, err := desk.Open(ctx, dir, nil)
	if err != nil {
		return "", err
	}
	defer d.Close()
	d.PINCost = pishkhan.Argon2idParams{Memory: 1024, Time: 1, Threads: 1}
	boss, err := d.FirstRun(ctx, desk.FirstRunInput{
		Desk:       desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر سنجش", DeskNumber: "1"},
		Supervisor: desk.AddUserInput{Username: "modir", FullName: "مدیر سنجش", PIN: "1357"},
		Catalog:    democatalog.Version1(),
	})
	if err != nil {
		return "", err
	}
	if _, err := d.AddUser(ctx, desk.AddUserInput{Username: "clerk1", FullName: "اپراتور سنجش", Role: "clerk", PIN: "2468"}, boss); err != nil {
		return "", err
	}
	// The outbox must not refuse intake while the backlog grows.
	if err := d.SetOfflineLimits(ctx, pishkhan.OfflineLimits{WarnAfter: 24 * time.Hour, RefuseAfter: 10 * 365 * 24 * time.Hour}, boss); err != nil {
		return "", err
	}
	// A mix of real sub-services: few, some and many inquiries.
	subs := []string{"ss-0012", "ss-0001", "ss-0005", "ss-0014", "ss-0021", "ss-0031"}
	forms := map[string]map[string]string{}
	nc, _ := pishkhan.CompleteNationalCode("001234567")
	for _, id := range subs {
		e, err := d.SubService(ctx, id)
		if err != nil {
			return "", err
		}
		f, ok := democatalog.SampleForm(e.SubService, nc)
		if !ok {
			return "", fmt.Errorf("no sample form for %s", id)
		}
		forms[id] = f
	}
	// Spread over days, since a desk files at most 9,999 a day.
	base := time.Now()
	last := time.Now()
	for i := range n {
		day := time.Duration(i/9000) * 24 * time.Hour
		d.Store.Now = func() time.Time { return base.Add(day) }
		ss := subs[i%len(subs)]
		if _, err := d.Intake(ctx, desk.IntakeInput{NationalCode: string(nc), FirstName: "زهرا", LastName: "احمدی",
			SubServiceID: ss, Fields: forms[ss], PayMethod: "cash", Clerk: "clerk1"}); err != nil {
			return "", fmt.Errorf("intake %d: %w", i, err)
		}
		if time.Since(last) > 5*time.Second {
			log.Info("filing the backlog", "done", i+1, "of", n)
			last = time.Now()
		}
	}
	return filepath.Join(dir, desk.DBFile), d.Close()
}

// countingListener counts the bytes of every connection it accepts.
type countingListener struct {
	net.Listener
	bytes, conns atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.conns.Add(1)
	return &countingConn{Conn: c, n: &l.bytes}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// drain copies the backlog into dir, enrols it with a fresh simulator and
// times one Drain with the given batch size.
func drain(ctx context.Context, backlog, dir string, batch, n int, log *slog.Logger, profile string) (result, error) {
	res := result{Batch: batch, Requests: n}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	data, err := os.ReadFile(backlog)
	if err != nil {
		return res, err
	}
	if err := os.WriteFile(filepath.Join(dir, desk.DBFile), data, 0o600); err != nil {
		return res, err
	}
	sim, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: filepath.Join(dir, "sim.db"), Seed: 1, InquiryDelay: time.Hour,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return res, err
	}
	defer sim.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	cl := &countingListener{Listener: ln}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(cl)
	defer srv.Close()
	d, err := desk.Open(ctx, dir, nil)
	if err != nil {
		return res, err
	}
	defer d.Close()
	code, err := sim.IssueEnrolCode(ctx, 12345, 1)
	if err != nil {
		return res, err
	}
	boss, err := d.Login(ctx, "modir", "1357")
	if err != nil {
		return res, err
	}
	if _, err := d.Enrol(ctx, desk.EnrolInput{ExchangeURL: "http://" + ln.Addr().String(), OneTimeCode: code}, boss); err != nil {
		return res, err
	}
	rep, err := d.NewReplicator(ctx, replicator.Config{BatchSize: batch, Log: log})
	if err != nil {
		return res, err
	}
	cl.bytes.Store(0)
	cl.conns.Store(0)
	log.Info("draining", "requests", n, "batch", batch)
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return res, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return res, err
		}
	}
	start := time.Now()
	err = rep.Drain(ctx)
	res.Elapsed = time.Since(start)
	if profile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return res, err
	}
	res.Bytes, res.Conns = cl.bytes.Load(), cl.conns.Load()
	counts, err := sim.AcceptCounts(ctx)
	if err != nil {
		return res, err
	}
	if len(counts) != n {
		return res, fmt.Errorf("the simulator holds %d requests, want %d", len(counts), n)
	}
	for id, c := range counts {
		if c != 1 {
			return res, fmt.Errorf("request %s stored %d times", id, c)
		}
	}
	st, err := d.SyncStatus(ctx, false)
	if err != nil {
		return res, err
	}
	if st.Outbox.Pending != 0 {
		return res, errors.New("requests left unsent after the drain")
	}
	return res, nil
}

func writeReport(w io.Writer, o options, r report) {
	var b strings.Builder
	fmt.Fprintf(&b, "### Draining a backlog to the exchange simulator (loopback HTTP)\n\n")
	fmt.Fprintf(&b, "Run of %s on %s, %d logical cores, %s. %d requests filed through desk.Intake (%s), then drained by the replicator to the in-process simulator (its own SQLite, synchronous=FULL) over loopback HTTP with signed requests; bytes counted at the TCP connections, both directions.\n\n",
		r.Date.Format("2006-01-02 15:04 MST"), r.CPU, r.Cores, runtime.Version(), o.n, r.Backlog.Round(time.Second))
	fmt.Fprintf(&b, "| Mode | requests | seconds | requests/s | bytes on the wire per request | connections |\n|---|---:|---:|---:|---:|---:|\n")
	for _, x := range []result{r.Single, r.Batched} {
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.0f | %.0f | %d |\n", x.Mode, x.Requests, x.Elapsed.Seconds(), x.rate(), float64(x.Bytes)/float64(x.Requests), x.Conns)
	}
	verdict := "met"
	if r.speedup() < minSpeedup {
		verdict = "NOT met"
	}
	fmt.Fprintf(&b, "\nSpeed-up of the batched drain over the baseline: **%.1f×** (target ≥ %.0f×: %s); bytes per request %.2f× the baseline's.\n",
		r.speedup(), minSpeedup, verdict, (float64(r.Batched.Bytes)/float64(r.Batched.Requests))/(float64(r.Single.Bytes)/float64(r.Single.Requests)))
	fmt.Fprintf(&b, "\nReproduce with `go run ./cmd/pishkhan-syncbench --n %d --batch %d` (part of `make bench`).\n", o.n, o.batch)
	io.WriteString(w, b.String())
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
