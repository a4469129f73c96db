package exchangesim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

// Defaults and bounds of the configuration.
const (
	// DefaultInquiryDelay is Config.InquiryDelay when it is zero.
	DefaultInquiryDelay = 3 * time.Second
	// MaxCatalogVersion bounds the versions the simulator publishes: the demo
	// catalog of version v is built in v steps.
	MaxCatalogVersion = 10000
	// EnrolCodeTTL is how long a one-time enrolment code stays valid.
	EnrolCodeTTL = 24 * time.Hour
)

// Config configures a simulator.
type Config struct {
	// DBPath is the SQLite file that holds all of the simulator's state.
	DBPath string
	// Seed seeds every random decision.
	Seed uint64
	// CatalogVersion is the catalog version published at start (default 1).
	// The highest version ever published is kept in the database, and the
	// simulator publishes the higher of the two: a version never goes down.
	CatalogVersion int64
	// InquiryDelay scales the times of the asynchronous status updates
	// (default 3 s): a request goes in progress after about half of it, its
	// inquiries are answered over the next one to two delays.
	InquiryDelay time.Duration
	// Now is the simulator's clock (default time.Now): signature freshness,
	// code expiry and the due times of status updates follow it.
	Now func() time.Time
	// Faults are the faults injected from the start (see SetFaults). They
	// are configuration, not state: they are not kept in the database.
	Faults Faults
	// Log receives the simulator's logs (default: discarded).
	Log *slog.Logger
}

// Sim is a running simulator of the central exchange. It is an http.Handler
// serving the /v1 protocol and the /sim admin API; it is safe for
// concurrent use.
type Sim struct {
	db    *sql.DB
	log   *slog.Logger
	now   func() time.Time
	seed  uint64
	delay time.Duration
	cat   *catalogCache

	rngMu sync.Mutex
	rng   *rand.Rand

	mu        sync.RWMutex
	faults    Faults
	published int64

	// pubMu serialises PublishCatalog calls.
	pubMu sync.Mutex
}

// Open opens (creating if needed) the simulator's database and returns a
// simulator ready to serve.
func Open(ctx context.Context, cfg Config) (*Sim, error) {
	if cfg.DBPath == "" {
		return nil, errors.New("exchange simulator: a database path is required")
	}
	if cfg.CatalogVersion == 0 {
		cfg.CatalogVersion = 1
	}
	if cfg.CatalogVersion < 1 || cfg.CatalogVersion > MaxCatalogVersion {
		return nil, fmt.Errorf("exchange simulator: catalog version %d out of range 1..%d", cfg.CatalogVersion, MaxCatalogVersion)
	}
	if cfg.InquiryDelay == 0 {
		cfg.InquiryDelay = DefaultInquiryDelay
	}
	if cfg.InquiryDelay < 0 {
		return nil, fmt.Errorf("exchange simulator: negative inquiry delay %v", cfg.InquiryDelay)
	}
	if err := cfg.Faults.Validate(); err != nil {
		return nil, fmt.Errorf("exchange simulator: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	db, err := openDB(ctx, cfg.DBPath)
	if err != nil {
		return nil, err
	}
	s := &Sim{
		db: db, log: cfg.Log, now: cfg.Now, seed: cfg.Seed, delay: cfg.InquiryDelay,
		cat:    newCatalogCache(),
		rng:    rand.New(rand.NewPCG(cfg.Seed, 0x6578636873696d)), // "exchsim"
		faults: cfg.Faults,
	}
	pub, err := s.raiseCatalogVersion(ctx, cfg.CatalogVersion)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.published = pub
	s.log.Info("exchange simulator open", "db", cfg.DBPath, "seed", cfg.Seed, "catalog_version", pub,
		"inquiry_delay", cfg.InquiryDelay.String())
	return s, nil
}

// Close closes the database. Stop serving before closing.
func (s *Sim) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close exchange simulator database: %w", err)
	}
	return nil
}

// CatalogVersion returns the published catalog version.
func (s *Sim) CatalogVersion() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.published
}

// PublishCatalog publishes catalog version v. A version lower than the
// published one is refused; the same version again changes nothing.
func (s *Sim) PublishCatalog(ctx context.Context, v int64) error {
	if v < 1 || v > MaxCatalogVersion {
		return fmt.Errorf("publish catalog: version %d out of range 1..%d", v, MaxCatalogVersion)
	}
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	cur := s.CatalogVersion()
	if v < cur {
		return fmt.Errorf("publish catalog: version %d is below the published version %d", v, cur)
	}
	pub, err := s.raiseCatalogVersion(ctx, v)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.published = pub
	s.mu.Unlock()
	if pub != cur {
		s.log.Info("catalog published", "version", pub, "previous", cur)
	}
	return nil
}

// raiseCatalogVersion stores max(stored, v) and returns it.
func (s *Sim) raiseCatalogVersion(ctx context.Context, v int64) (int64, error) {
	var pub int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('catalog_version', ?)
			ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)`, v); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'catalog_version'").Scan(&pub)
	})
	if err != nil {
		return 0, fmt.Errorf("store the published catalog version: %w", err)
	}
	return pub, nil
}

// ServeHTTP serves the /v1 protocol and the /sim admin API.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Answers carry the simulator's own clock, which tests may set: a desk
	// learns from the Date header how far off its clock is.
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	switch {
	case strings.HasPrefix(r.URL.Path, "/v1/"):
		s.serveV1(w, r)
	case strings.HasPrefix(r.URL.Path, "/sim/"):
		s.serveAdmin(w, r)
	default:
		writeError(w, errNotFound(r))
	}
}

func (s *Sim) serveV1(w http.ResponseWriter, r *http.Request) {
	type route struct {
		method string
		h      func(http.ResponseWriter, *http.Request) *apiError
	}
	routes := map[string]route{
		exchange.PathHealth:    {http.MethodGet, s.handleHealth},
		exchange.PathEnrol:     {http.MethodPost, s.handleEnrol},
		exchange.PathBatch:     {http.MethodPost, s.handleBatch},
		exchange.PathUpdates:   {http.MethodGet, s.handleUpdates},
		exchange.PathCatalog:   {http.MethodGet, s.handleCatalog},
		exchange.PathDayCloses: {http.MethodPost, s.handleDayClose},
	}
	rt, ok := routes[r.URL.Path]
	if !ok {
		writeError(w, errNotFound(r))
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, code: exchange.CodeBadRequest,
			msg: fmt.Sprintf("%s takes %s, not %s", r.URL.Path, rt.method, r.Method), msgFa: "روش درخواست نادرست است."})
		return
	}
	if !s.injectCallFaults(w, r) {
		return
	}
	if e := rt.h(w, r); e != nil {
		if e.status >= 500 {
			s.log.Error("exchange simulator: call failed", "path", r.URL.Path, "err", e.msg)
		} else {
			s.log.Debug("exchange simulator: call refused", "path", r.URL.Path, "status", e.status, "code", e.code, "err", e.msg)
		}
		writeError(w, e)
	}
}

func (s *Sim) handleHealth(w http.ResponseWriter, r *http.Request) *apiError {
	writeJSON(w, http.StatusOK, exchange.Health{Status: "ok", APIVersion: exchange.APIVersion,
		ServerTime: s.now().UTC(), CatalogVersion: s.CatalogVersion()})
	return nil
}

// apiError is a refusal, written as an exchange.ErrorBody.
type apiError struct {
	status     int
	code       string
	msg        string
	msgFa      string
	retryAfter int // seconds; 0 for none
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

// Persian messages of the error codes.
var persianOf = map[string]string{
	exchange.CodeBadRequest:   "درخواست نادرست است.",
	exchange.CodeBadSignature: "امضای درخواست معتبر نیست.",
	exchange.CodeReplayed:     "این درخواست پیش‌تر دریافت شده است (امضای تکراری).",
	exchange.CodeUnknownKey:   "کلید این میز در مرکز تبادل شناخته نیست؛ میز را دوباره ثبت کنید.",
	exchange.CodeRevoked:      "کلید این میز باطل شده است؛ میز را دوباره ثبت کنید.",
	exchange.CodeBadEnrolCode: "کد یک‌بارمصرف نادرست، مصرف‌شده یا منقضی است.",
	exchange.CodeTooLarge:     "حجم درخواست بیش از حد مجاز است.",
	exchange.CodeRateLimited:  "درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.",
	exchange.CodeUnavailable:  "مرکز تبادل موقتاً در دسترس نیست.",
	exchange.CodeInternal:     "خطای داخلی در مرکز تبادل.",
	exchange.CodeStaleCatalog: "نسخه فهرست خدمات میز از نسخه منتشرشده مرکز جلوتر است.",
}

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...), msgFa: persianOf[code]}
}

func badRequest(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, exchange.CodeBadRequest, format, args...)
}

func internal(err error) *apiError {
	return newError(http.StatusInternalServerError, exchange.CodeInternal, "%v", err)
}

func errNotFound(r *http.Request) *apiError {
	return &apiError{status: http.StatusNotFound, code: exchange.CodeBadRequest,
		msg: "no such endpoint: " + r.URL.Path, msgFa: "چنین نشانی‌ای در مرکز تبادل نیست."}
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	msg := e.msg
	if len(msg) > exchange.MaxReasonLen {
		msg = msg[:exchange.MaxReasonLen]
	}
	writeJSON(w, e.status, exchange.ErrorBody{Error: exchange.ErrorDetail{Code: e.code, Message: msg, MessageFa: e.msgFa}})
}

// writeJSON writes v with its length, so that a client can show progress.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"error":{"code":"internal","message":"encode the answer"}}`)
	}
	writeBytes(w, status, data)
}

func writeBytes(w http.ResponseWriter, status int, data []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data) //nolint:errcheck // the client may be gone; nothing to do
}

// readBody reads the whole body, at most limit bytes; a larger body is a 413.
func readBody(r *http.Request, limit int64) ([]byte, *apiError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, badRequest("read the body: %v", err)
	}
	if int64(len(data)) > limit {
		return nil, newError(http.StatusRequestEntityTooLarge, exchange.CodeTooLarge, "body larger than %d bytes", limit)
	}
	return data, nil
}

// dropConnection closes the client's connection without an answer, like a
// network path that died.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // HTTP/2 or a wrapped writer: abort the stream instead
}

// chance reports true with probability p, drawing from the seeded source.
func (s *Sim) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	if p >= 1 {
		return true
	}
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Float64() < p
}

// randN returns a number in [0, n) from the seeded source.
func (s *Sim) randN(n int64) int64 {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Int64N(n)
}
