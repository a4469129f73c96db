// Command exchange-sim runs the central-exchange simulator (package
// sync/exchangesim) as a standalone HTTP server: the peer that counter desks
// talk to in the demo and in the chaos test.
//
// It keeps all of its state in one SQLite file (--db), so it can be stopped,
// or killed with SIGKILL, and started again on the same file without losing
// a request, a key or a cursor. It stops gracefully on SIGINT and SIGTERM.
//
// On start it prints to stdout, in this order:
//
//	listening on http://127.0.0.1:8700
//	enrol code OFFICE DESK CODE          (one line per --issue-code)
//
// With --addr 127.0.0.1:0 the first line has the port actually bound. Both
// lines are written before the first connection is served. Logs go to
// stderr.
//
// The simulator's admin API under /sim/ has no authentication, so the
// default address is loopback; bind another address only on a trusted network.
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
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pishkhan/pishkhan/sync/exchangesim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// deskRef is an OFFICE:DESK pair of --issue-code.
type deskRef struct{ office, desk int }

// deskRefs is the repeatable --issue-code flag.
type deskRefs []deskRef

func (d *deskRefs) String() string {
	parts := make([]string, len(*d))
	for i, r := range *d {
		parts[i] = fmt.Sprintf("%d:%d", r.office, r.desk)
	}
	return strings.Join(parts, ",")
}

func (d *deskRefs) Set(v string) error {
	o, k, ok := strings.Cut(v, ":")
	office, err1 := strconv.Atoi(o)
	desk, err2 := strconv.Atoi(k)
	if !ok || err1 != nil || err2 != nil || office < 1 || office > 99999 || desk < 1 || desk > 99 {
		return fmt.Errorf("want OFFICE:DESK with office 1..99999 and desk 1..99, got %q", v)
	}
	*d = append(*d, deskRef{office, desk})
	return nil
}

// run is the whole command; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exchange-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8700", "`address` to listen on; port 0 picks a free port. The admin API is unauthenticated: keep it on loopback")
	dbPath := fs.String("db", "exchange-sim.db", "SQLite `file` holding all of the simulator's state (created if missing; relative to the working directory)")
	seed := fs.Uint64("seed", 1, "seed of every random decision: the same seed and calls give the same answers")
	catalogVersion := fs.Int64("catalog-version", 1, "catalog `version` published at start (a higher version already in the database wins)")
	inquiryDelay := fs.Duration("inquiry-delay", exchangesim.DefaultInquiryDelay, "time scale of the asynchronous status updates and inquiry answers")
	logLevel := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	var f exchangesim.Faults
	fs.DurationVar(&f.Latency, "latency", 0, "fault: delay every /v1 call by this much")
	fs.DurationVar(&f.LatencyJitter, "latency-jitter", 0, "fault: add a random delay up to this much")
	fs.Float64Var(&f.ErrorRate, "error-rate", 0, "fault: share (0..1) of /v1 calls answered 500")
	fs.Float64Var(&f.ThrottleRate, "throttle-rate", 0, "fault: share (0..1) of /v1 calls answered 429 with Retry-After")
	fs.Float64Var(&f.UnavailableRate, "unavailable-rate", 0, "fault: share (0..1) of /v1 calls answered 503 with Retry-After")
	fs.IntVar(&f.RetryAfterSeconds, "retry-after", 0, "fault: Retry-After `seconds` of 429 and 503 answers (0 means 1)")
	fs.BoolVar(&f.Outage, "outage", false, "fault: close every /v1 connection without an answer")
	fs.IntVar(&f.MaxBatchItems, "max-batch-items", 0, "fault: answer 413 to a batch of more items (0: the protocol's limit)")
	fs.Int64Var(&f.MaxBodyBytes, "max-body-bytes", 0, "fault: answer 413 to a batch body of more bytes (0: the protocol's limit)")
	fs.Float64Var(&f.CommitDropRate, "commit-drop-rate", 0, "fault: share (0..1) of batches committed and then left unanswered (connection closed)")
	fs.Float64Var(&f.RejectRate, "reject-rate", 0, "fault: share (0..1) of new items rejected for good")
	fs.Float64Var(&f.DeferRate, "defer-rate", 0, "fault: share (0..1) of new items deferred (not stored; to be sent again)")
	var codes deskRefs
	fs.Var(&codes, "issue-code", "issue a one-time enrolment code for `OFFICE:DESK` at start and print it (repeatable)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: exchange-sim [flags]

Runs the central-exchange simulator: the /v1 protocol of sync/exchange and an
unauthenticated admin API under /sim/ (faults, catalog publishing, enrolment
codes, stored requests, stats). All state is kept in the --db file, which
survives a restart or a kill -9. Stops on SIGINT or SIGTERM.

Prints "listening on http://ADDR", then "enrol code OFFICE DESK CODE" for each
--issue-code, to stdout. Logs go to stderr.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "exchange-sim: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "exchange-sim: --log-level: %v\n", err)
		return exitUsage
	}
	if err := f.Validate(); err != nil {
		fmt.Fprintf(stderr, "exchange-sim: %v\n", err)
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := serve(ctx, log, stdout, *addr, codes, exchangesim.Config{
		DBPath: *dbPath, Seed: *seed, CatalogVersion: *catalogVersion, InquiryDelay: *inquiryDelay, Faults: f, Log: log,
	}); err != nil {
		log.Error("exchange simulator failed", "err", err)
		return exitError
	}
	return exitOK
}

// serve opens the simulator, listens, prints the start-up lines and serves
// until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, log *slog.Logger, stdout io.Writer, addr string, codes deskRefs, cfg exchangesim.Config) error {
	sim, err := exchangesim.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := sim.Close(); err != nil {
			log.Error("close the simulator", "err", err)
		}
	}()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			log.Warn("the admin API under /sim/ has no authentication and is reachable beyond this machine", "addr", ln.Addr().String())
		}
	}
	issued := make([]string, len(codes))
	for i, c := range codes {
		code, err := sim.IssueEnrolCode(ctx, c.office, c.desk)
		if err != nil {
			ln.Close()
			return err
		}
		issued[i] = code
	}
	if _, err := fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr()); err != nil {
		ln.Close()
		return fmt.Errorf("write to stdout: %w", err)
	}
	for i, c := range codes {
		fmt.Fprintf(stdout, "enrol code %d %d %s\n", c.office, c.desk, issued[i])
	}

	// Requests end when the server stops: a call sleeping on injected
	// latency is dropped rather than waited for.
	base, stopRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRequests()
	srv := &http.Server{
		Handler:           sim,
		BaseContext:       func(net.Listener) context.Context { return base },
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("exchange simulator serving", "addr", ln.Addr().String(), "db", cfg.DBPath)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopRequests()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("graceful shutdown timed out; closing connections", "err", err)
		srv.Close()
	}
	return nil
}
