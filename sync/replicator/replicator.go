// Package replicator drains the desk's outbox to the central exchange and
// brings back status updates and catalog changes. It never loses a request
// and never sends one twice as new: every request goes queued → sending
// (committed) → the exchange's answer (committed); a run that dies in
// between leaves it in sending, which goes back to queued at the next start,
// and the exchange deduplicates the resend by id.
package replicator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// Outbox is what the replicator needs of the desk's database (*store.DB).
type Outbox interface {
	ResetSending(ctx context.Context, actor string) (int, error)
	ClaimOutbox(ctx context.Context, limit int) ([]pishkhan.Request, error)
	ReleaseSending(ctx context.Context, ids []pishkhan.ID) error
	ApplySendOutcomes(ctx context.Context, outcomes []pishkhan.SendOutcome, actor string) error
	OutboxStats(ctx context.Context) (pishkhan.OutboxStats, error)
	SyncState(ctx context.Context) (pishkhan.SyncState, error)
	ApplyStatusUpdates(ctx context.Context, updates []pishkhan.StatusUpdate, next int64, actor string) (pishkhan.UpdateCounts, error)
	CatalogVersion(ctx context.Context) (pishkhan.CatalogVersion, error)
	UpgradeCatalog(ctx context.Context, actor string, build func(cur *pishkhan.Catalog) (*pishkhan.Catalog, error)) (pishkhan.CatalogVersion, error)
	RecordSyncSuccess(ctx context.Context, t time.Time) error
	RecordSyncError(ctx context.Context, msg string, t time.Time) error
	SetSyncAlert(ctx context.Context, alert, actor string) error
}

// Config tunes the replicator. Zero fields take the defaults in brackets.
type Config struct {
	BatchSize      int           // requests per batch [200]
	InitialBackoff time.Duration // first retry delay [500ms]
	MaxBackoff     time.Duration // cap of the retry delay [1m]
	ProbeInterval  time.Duration // while offline, how often the exchange's health is probed [3s]
	PollInterval   time.Duration // when idle, how often updates and the catalog are pulled [20s]
	UpdatesPage    int           // updates asked for at once [500]
	Actor          string        // the audit trail's actor ["sync"]
	Now            func() time.Time
	Log            *slog.Logger
	// OnStatus is told of every change of Status, one call at a time and in
	// order. It may call Status and SyncNow, nothing else of the replicator,
	// and should return quickly (a window hands the value to its UI thread).
	OnStatus func(Status)
}

func (c *Config) defaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 200
	}
	c.BatchSize = min(c.BatchSize, exchange.MaxBatchItems)
	if c.InitialBackoff <= 0 {
		c.InitialBackoff = 500 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Minute
	}
	if c.ProbeInterval <= 0 {
		c.ProbeInterval = 3 * time.Second
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 20 * time.Second
	}
	if c.UpdatesPage <= 0 {
		c.UpdatesPage = 500
	}
	c.UpdatesPage = min(c.UpdatesPage, exchange.MaxUpdates)
	if c.Actor == "" {
		c.Actor = "sync"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Phases of the replicator, in Status.Phase.
const (
	PhaseIdle     = "idle"    // nothing to do; waiting for work or the next poll
	PhaseSending  = "sending" // draining the outbox
	PhaseUpdates  = "updates" // pulling status updates
	PhaseCatalog  = "catalog" // downloading a catalog change
	PhaseBackoff  = "backoff" // waiting to retry after a failure
	PhaseStopped  = "stopped" // the exchange refused the desk's identity; needs re-enrolment
	PhaseNotReady = "not_enrolled"
)

// Status is the replicator's state, for the window's sync bar and the CLI.
type Status struct {
	Online         bool // the last call reached the exchange
	Enrolled       bool
	Phase          string
	Pending        int       // requests not yet sent
	Oldest         time.Time // intake time of the oldest unsent request
	Level          pishkhan.OfflineLevel
	LastSuccess    time.Time
	LastError      string // English
	LastErrorAt    time.Time
	Reason         string    // Persian: why the last attempt failed, for the clerk; "" after a success
	Alert          string    // set when the desk's identity was refused
	RetryAt        time.Time // when the next attempt is due, in PhaseBackoff
	Done, Total    int64     // progress of the current drain (requests) or catalog download (bytes)
	CatalogVersion pishkhan.CatalogVersion
	Sent           int64 // requests sent since start (accepted, rejected or conflict)
}

// Connector makes a signed client for the exchange the desk is enrolled
// with, from the desk's current enrolment and key file.
type Connector func(ctx context.Context) (*exchange.Client, error)

// Replicator is the sync loop. Run it once; the other methods are safe to
// call from any goroutine.
type Replicator struct {
	out     Outbox
	connect Connector
	cfg     Config
	wake    chan struct{}

	clientMu sync.Mutex
	client   *exchange.Client
	identity string // the enrolment the client was made for: key id and address

	notifyMu sync.Mutex // held while OnStatus runs
	mu       sync.Mutex
	st       Status
	maxBatch int // learnt from 413 answers
}

// New makes a replicator for out. It asks connect for a client at its
// first cycle and again whenever the desk's enrolment changes (a new key
// after a re-enrolment, another exchange address).
func New(out Outbox, connect Connector, cfg Config) *Replicator {
	cfg.defaults()
	return &Replicator{out: out, connect: connect, cfg: cfg, wake: make(chan struct{}, 1), maxBatch: cfg.BatchSize,
		st: Status{Phase: PhaseIdle}}
}

// clientFor returns the client for the enrolment in ss, making a new one
// when the enrolment changed.
func (r *Replicator) clientFor(ctx context.Context, ss pishkhan.SyncState) (*exchange.Client, error) {
	r.clientMu.Lock()
	defer r.clientMu.Unlock()
	id := ss.KeyID + " " + ss.ExchangeURL
	if r.client != nil && r.identity == id {
		return r.client, nil
	}
	c, err := r.connect(ctx)
	if err != nil {
		return nil, err
	}
	r.client, r.identity = c, id
	return c, nil
}

// currentClient is the last client made, or nil.
func (r *Replicator) currentClient() *exchange.Client {
	r.clientMu.Lock()
	defer r.clientMu.Unlock()
	return r.client
}

// SyncNow wakes the loop at once ("sync now", or new work in the outbox).
// A stopped replicator tries again too (after a re-enrolment).
func (r *Replicator) SyncNow() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Status returns the current state.
func (r *Replicator) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

// update changes the status and tells OnStatus. Updates come from more
// than one goroutine (two batches are in flight at a time); notifyMu makes
// OnStatus see them one at a time and in the order they were made.
func (r *Replicator) update(fn func(*Status)) {
	r.notifyMu.Lock()
	defer r.notifyMu.Unlock()
	r.mu.Lock()
	fn(&r.st)
	st := r.st
	r.mu.Unlock()
	if r.cfg.OnStatus != nil {
		r.cfg.OnStatus(st)
	}
}

// refresh reads the outbox and sync state into Status.
func (r *Replicator) refresh(ctx context.Context) (pishkhan.SyncState, error) {
	ss, err := r.out.SyncState(ctx)
	if err != nil {
		return ss, err
	}
	ob, err := r.out.OutboxStats(ctx)
	if err != nil {
		return ss, err
	}
	ver, err := r.out.CatalogVersion(ctx)
	if err != nil {
		return ss, err
	}
	now := r.cfg.Now()
	r.update(func(s *Status) {
		s.Enrolled, s.Alert = ss.Enrolled(), ss.Alert
		s.Pending, s.Oldest, s.Level = ob.Pending, ob.Oldest, ss.Limits.Level(ob, now)
		s.LastSuccess, s.LastError, s.LastErrorAt = ss.LastSuccess, ss.LastError, ss.LastErrorAt
		s.CatalogVersion = ver
	})
	return ss, nil
}

// ErrAuth wraps a refusal of the desk's identity (401/403): syncing stops
// until the desk is enrolled again.
var ErrAuth = errors.New("the exchange refused the desk's identity")

// ErrNotEnrolled is returned when the desk has no key registered.
var ErrNotEnrolled = errors.New("the desk is not enrolled with an exchange")

// Run returns sending requests to queued, then syncs until ctx ends:
// drain the outbox, pull status updates and catalog changes, wait for work
// (SyncNow) or the next poll; after a failure it backs off (exponential,
// jittered, capped, at least Retry-After), probing the exchange's health
// meanwhile so that it resumes at once when the connection returns.
func (r *Replicator) Run(ctx context.Context) error {
	return r.loop(ctx, false)
}

// Drain is Run that returns once the outbox is empty and the updates and
// catalog are pulled (nil), or when syncing cannot go on: the desk is not
// enrolled or its identity was refused (ErrNotEnrolled, ErrAuth), or ctx
// ended. Transient failures are retried with the same backoff as Run.
func (r *Replicator) Drain(ctx context.Context) error {
	return r.loop(ctx, true)
}

func (r *Replicator) loop(ctx context.Context, untilDrained bool) error {
	if n, err := r.out.ResetSending(ctx, r.cfg.Actor); err != nil {
		return fmt.Errorf("replicator start: %w", err)
	} else if n > 0 {
		r.cfg.Log.Info("requests left in sending went back to queued", "count", n)
	}
	bo := r.newBackoff()
	for {
		err := r.Cycle(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil:
			bo.Reset()
			r.update(func(s *Status) { s.Phase, s.RetryAt = PhaseIdle, time.Time{} })
			if untilDrained && r.Status().Pending == 0 {
				return nil
			}
			wait := r.cfg.PollInterval
			if untilDrained {
				wait = 0 // new intakes arrived meanwhile: go again at once
			}
			if wait > 0 && !r.wait(ctx, wait, false) {
				return ctx.Err()
			}
		case errors.Is(err, ErrAuth), errors.Is(err, ErrNotEnrolled):
			phase := PhaseStopped
			if errors.Is(err, ErrNotEnrolled) {
				phase = PhaseNotReady
			}
			r.update(func(s *Status) { s.Phase = phase })
			if untilDrained {
				return err
			}
			if !r.wait(ctx, 0, false) { // only SyncNow (after a re-enrolment) starts it again
				return ctx.Err()
			}
		default:
			delay := bo.NextBackOff()
			var he *exchange.HTTPError
			if errors.As(err, &he) && he.RetryAfter > delay {
				delay = he.RetryAfter
			}
			r.cfg.Log.Warn("sync failed; retrying later", "err", err, "retry_in", delay.Round(time.Millisecond))
			retry := r.cfg.Now().Add(delay)
			r.update(func(s *Status) { s.Phase, s.RetryAt = PhaseBackoff, retry })
			if !r.wait(ctx, delay, !r.Status().Online) {
				return ctx.Err()
			}
		}
	}
}

func (r *Replicator) newBackoff() *backoff.ExponentialBackOff {
	return backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(r.cfg.InitialBackoff),
		backoff.WithMaxInterval(r.cfg.MaxBackoff),
		backoff.WithMultiplier(2),
		backoff.WithRandomizationFactor(0.5),
		backoff.WithMaxElapsedTime(0), // never give up: the outbox must drain some day
	)
}

// wait sleeps for d (forever when d is 0) or until SyncNow or ctx. When
// probe is set it also probes the exchange's health every ProbeInterval and
// returns as soon as it answers. It reports false when ctx ended.
func (r *Replicator) wait(ctx context.Context, d time.Duration, probe bool) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	var tick <-chan time.Time
	if probe {
		tk := time.NewTicker(r.cfg.ProbeInterval)
		defer tk.Stop()
		tick = tk.C
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-r.wake:
			return true
		case <-timeout:
			return true
		case <-tick:
			c := r.currentClient()
			if c == nil {
				continue
			}
			pctx, cancel := context.WithTimeout(ctx, r.cfg.ProbeInterval)
			_, err := c.Health(pctx)
			cancel()
			if err == nil {
				r.cfg.Log.Info("the exchange is reachable again")
				r.update(func(s *Status) { s.Online = true })
				return true
			}
		}
	}
}

// Cycle runs one full sync: drain the outbox, pull status updates, pull
// catalog changes. It stops at the first failure and returns it.
func (r *Replicator) Cycle(ctx context.Context) error {
	ss, err := r.refresh(ctx)
	if err != nil {
		return fmt.Errorf("read sync state: %w", err)
	}
	// stopped is a cycle that cannot start, and says why on the sync bar
	// too (no reason from an earlier cycle stays there).
	stopped := func(err error) error {
		reason := persianReason(err, false)
		r.update(func(s *Status) { s.Reason = reason })
		return err
	}
	if !ss.Enrolled() {
		return stopped(ErrNotEnrolled)
	}
	if ss.Alert != "" {
		return stopped(fmt.Errorf("%w: %s", ErrAuth, ss.Alert))
	}
	client, err := r.clientFor(ctx, ss)
	if err != nil {
		return stopped(fmt.Errorf("%w: %w", ErrNotEnrolled, err))
	}
	err = r.cycle(ctx, client, ss)
	now := r.cfg.Now()
	if err == nil {
		if rerr := r.out.RecordSyncSuccess(ctx, now); rerr != nil {
			return fmt.Errorf("record sync success: %w", rerr)
		}
		r.update(func(s *Status) { s.Online, s.Reason = true, "" })
		_, rerr := r.refresh(ctx)
		return rerr
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	online := reached(err)
	reason := persianReason(err, online)
	r.update(func(s *Status) { s.Online, s.Reason = online, reason })
	var he *exchange.HTTPError
	if errors.As(err, &he) && he.Auth() {
		err = fmt.Errorf("%w: %w", ErrAuth, err)
		if aerr := r.out.SetSyncAlert(ctx, he.Error(), r.cfg.Actor); aerr != nil {
			r.cfg.Log.Error("could not record the sync alert", "err", aerr)
		}
		r.cfg.Log.Error("the exchange refused the desk's identity; syncing stops until the desk is enrolled again", "err", he)
	}
	if rerr := r.out.RecordSyncError(context.WithoutCancel(ctx), err.Error(), now); rerr != nil {
		r.cfg.Log.Error("could not record the sync error", "err", rerr)
	}
	r.refresh(context.WithoutCancel(ctx))
	return err
}

// persianReason says in Persian, for the clerk's sync bar, why a sync
// attempt failed: the desk's own words when err carries them (an untrusted
// certificate, a wrong address), else what kind of failure it was. Every
// reason ends by saying what happens next.
func persianReason(err error, reached bool) string {
	var pe *pishkhan.Error
	if errors.As(err, &pe) && pe.Persian != "" {
		return pe.Persian
	}
	var he *exchange.HTTPError
	switch {
	case errors.Is(err, ErrAuth), errors.As(err, &he) && he.Auth():
		return "مرکز تبادل هویت این میز را نپذیرفت؛ کارشناس فنی باید میز را دوباره بپیوندد. درخواست‌ها محفوظ‌اند."
	case errors.Is(err, ErrNotEnrolled):
		return "این میز هنوز به مرکز تبادل نپیوسته است؛ درخواست‌ها تا پیوستن در صف می‌مانند."
	case errors.As(err, &he) && he.Temporary():
		return "مرکز تبادل موقتاً پاسخ نمی‌دهد؛ ارسال خودکار دوباره تلاش می‌شود."
	case errors.As(err, &he):
		return fmt.Sprintf("مرکز تبادل پاسخ خطا داد (کد %s)؛ ارسال خودکار دوباره تلاش می‌شود.", persian.FormatInt(int64(he.Status)))
	case !reached:
		return "مرکز تبادل در دسترس نیست؛ اتصال شبکه را بررسی کنید. درخواست‌ها محفوظ‌اند و با برگشت اتصال ارسال می‌شوند."
	}
	return "پاسخ مرکز تبادل خوانده نشد؛ ارسال خودکار دوباره تلاش می‌شود."
}

// reached tells whether err came from the exchange itself (it answered)
// rather than from the network path (refused, reset, timed out, dropped).
func reached(err error) bool {
	var he *exchange.HTTPError
	if errors.As(err, &he) {
		return true
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return false
	}
	return !errorsContains(err, "EOF", "connection reset", "broken pipe", "connection refused")
}

func (r *Replicator) cycle(ctx context.Context, c *exchange.Client, ss pishkhan.SyncState) error {
	if err := r.drain(ctx, c); err != nil {
		return err
	}
	if err := r.pushDayCloses(ctx, c); err != nil {
		return err
	}
	if err := r.pullUpdates(ctx, c, ss.UpdatesCursor); err != nil {
		return err
	}
	return r.pullCatalog(ctx, c)
}
