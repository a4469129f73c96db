// Package store keeps the desk's data in SQLite (mattn/go-sqlite3): the desk
// configuration, users, the catalog, requests with their inquiries, payments
// and print jobs, day closes, and the hash-chained audit trail. Requests in
// state queued or sending are the outbox that the replicator drains.
//
// The database runs in WAL mode with synchronous=FULL, so a committed
// transaction survives a crash or a power cut; foreign keys are on, and
// CHECK constraints and triggers refuse rows that break the domain's rules
// even if a bug in the code above tries to write them.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/pishkhan/pishkhan"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// timeLayout is fixed-width so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t, nil
}

// DB is an open desk database.
type DB struct {
	db   *sql.DB
	path string

	// Now is the clock used for every transaction's time; tests set it.
	Now func() time.Time

	// OnCommit, when set, is told how long each successful COMMIT took (the
	// WAL write and its fsync); the benchmark uses it, a log could too.
	OnCommit func(time.Duration)

	mu      sync.Mutex
	catalog *catalogCache        // the installed catalog in memory; see catalogcache.go
	desk    *pishkhan.DeskConfig // set once initialised; it never changes after
	stmts   map[string]*sql.Stmt // prepared statements of the hot paths

	ckpt *checkpointer // background checkpoints; see checkpoint.go
}

// Open opens (creating if needed) the database at path, applies pending
// migrations and checks that the file is usable.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, storageError(fmt.Errorf("create data folder %s: %w", dir, err))
		}
	}
	q := "?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate"
	// In a file: URI, SQLite reads '?' as the start of the query, '#' as the
	// end of the path and '%' as an escape; a data folder may hold any of them.
	uriPath := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	if err := createNew(ctx, path, uriPath); err != nil {
		return nil, storageError(err)
	}
	registerDriver()
	db, err := sql.Open(driverName, "file:"+uriPath+q)
	if err != nil {
		return nil, storageError(fmt.Errorf("open %s: %w", path, err))
	}
	s := &DB{db: db, path: path, Now: time.Now}
	if err := s.checkRetrying(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Citizens' data: the database and its journal files are the owner's
	// only. On Windows a mode is only the read-only flag (and setting it on
	// the mapped -shm file is refused there); the data folder in the user's
	// own %LocalAppData% keeps other users out.
	for _, f := range ownerOnlyFiles(path) {
		if err := os.Chmod(f, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.Close()
			return nil, storageError(fmt.Errorf("make %s owner-only: %w", f, err))
		}
	}
	s.startCheckpointer()
	return s, nil
}

// checkRetrying is check, retried while SQLite answers SQLITE_BUSY. When
// several processes open a brand-new file at once, each connection switches
// it to WAL, which upgrades a read lock to a write lock; SQLite refuses the
// loser at once instead of calling the busy handler (waiting there could
// deadlock), so the busy timeout does not cover it.
func (s *DB) checkRetrying(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		err := s.check(ctx)
		var se sqlite3.Error
		if err == nil || !errors.As(err, &se) || se.Code != sqlite3.ErrBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
	}
}

// check verifies that the pragmas took effect and the file is a database.
func (s *DB) check(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
			return pishkhan.WrapError(err, pishkhan.EInvalid, "پرونده داده پیشخوان پایگاه داده نیست یا خراب است؛ با کارشناس فنی تماس بگیرید.",
				"open %s: the file is not a database or is corrupt", s.path)
		}
		return storageError(fmt.Errorf("open %s: %w", s.path, err))
	}
	if mode != "wal" {
		return storageError(fmt.Errorf("open %s: journal mode is %q, want wal", s.path, mode))
	}
	var fk, syncMode int
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		return storageError(fmt.Errorf("open %s: foreign keys are not on (%v)", s.path, err))
	}
	if err := s.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&syncMode); err != nil || syncMode != 2 {
		return storageError(fmt.Errorf("open %s: synchronous is %d, want FULL (2) (%v)", s.path, syncMode, err))
	}
	return nil
}

// Close closes the database.
func (s *DB) Close() error {
	s.stopCheckpointer()
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.mu.Unlock()
	return s.db.Close()
}

// stmt returns the statement for query bound to tx, preparing it once per
// database and once per connection rather than on every call.
func (s *DB) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	st, ok := s.stmts[query]
	if !ok {
		var err error
		if st, err = s.db.PrepareContext(ctx, query); err != nil {
			s.mu.Unlock()
			return nil, fmt.Errorf("prepare statement: %w", err)
		}
		if s.stmts == nil {
			s.stmts = map[string]*sql.Stmt{}
		}
		s.stmts[query] = st
	}
	s.mu.Unlock()
	return tx.StmtContext(ctx, st), nil
}

// Path is the database file's path.
func (s *DB) Path() string { return s.path }

// SQL exposes the underlying handle for tests and tools in this module.
func (s *DB) SQL() *sql.DB { return s.db }

// Migration is one embedded schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations must be numbered 1, 2, 3…; %s is number %d", m.Name, i+1)
		}
	}
	return ms, nil
}

// migrate applies every migration newer than the database, each in its own
// transaction together with its schema_migrations row.
func (s *DB) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return storageError(fmt.Errorf("create schema_migrations: %w", err))
	}
	ms, err := Migrations()
	if err != nil {
		return err
	}
	var current int
	if err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return storageError(fmt.Errorf("read schema version: %w", err))
	}
	if current > len(ms) {
		return pishkhan.Errorf(pishkhan.EConflict, "پایگاه داده با نسخه جدیدتری از برنامه ساخته شده است؛ برنامه را به‌روز کنید.",
			"database schema version %d is newer than this program knows (%d); upgrade Pishkhan", current, len(ms))
	}
	for _, m := range ms[current:] {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			// Another process may have applied it since we read the version.
			var done int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&done); err != nil {
				return fmt.Errorf("read schema version: %w", err)
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("apply migration %s: %w", m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, fmtTime(s.Now())); err != nil {
				return fmt.Errorf("record migration %s: %w", m.Name, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion returns the number of the newest applied migration.
func (s *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, storageError(fmt.Errorf("read schema version: %w", err))
	}
	return v, nil
}

// inTx runs fn in one write transaction (BEGIN IMMEDIATE) and commits it; any
// error or panic rolls everything back, so nothing is ever half-written.
func (s *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return storageError(fmt.Errorf("begin transaction: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return classify(err)
	}
	start := time.Now()
	if err = tx.Commit(); err != nil {
		return storageError(fmt.Errorf("commit: %w", err))
	}
	if s.OnCommit != nil {
		s.OnCommit(time.Since(start))
	}
	s.committed()
	return nil
}

// triggerErrors map the messages of the schema's own RAISE(ABORT, …)
// triggers (migrations/0001_init.sql) to typed errors.
var triggerErrors = []struct {
	raise   string // the trigger's message, as sqlite3.Error reports it
	code    string
	persian string
	english string
}{
	{"the day is closed", pishkhan.ELocked, "روز کاری بسته شده است؛ چیزی به آن افزوده نمی‌شود.",
		"the day is closed; nothing more is filed under it"},
	{"the updates cursor never moves back", pishkhan.EConflict, "وضعیت‌های دریافتی از مرکز به عقب برنمی‌گردند.",
		"the updates cursor never moves back"},
	{"illegal request state transition", pishkhan.EState, "این تغییر وضعیت درخواست مجاز نیست.",
		"request state change refused"},
	{"the audit trail is append-only", pishkhan.EConflict, "رویدادهای ثبت‌شده تغییر نمی‌کنند و پاک نمی‌شوند.",
		"audit entries cannot be changed or deleted"},
	{"payments are immutable", pishkhan.EConflict, "پرداخت ثبت‌شده تغییر نمی‌کند و پاک نمی‌شود.",
		"a recorded payment cannot be changed or deleted"},
	{"request identity and fee snapshot are immutable", pishkhan.EConflict, "مشخصات و هزینه‌های ثبت‌شده درخواست تغییر نمی‌کنند.",
		"a filed request's identity and fees cannot be changed"},
	{"a closed day is locked", pishkhan.EConflict, "بستن روز ثبت شده است و تغییر نمی‌کند.",
		"a day close cannot be changed or deleted"},
}

// classify turns low-level SQLite failures into typed errors; typed errors pass through.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var pe *pishkhan.Error
	if errors.As(err, &pe) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		msg := se.Error()
		for _, t := range triggerErrors {
			if strings.Contains(msg, t.raise) {
				return pishkhan.WrapError(err, t.code, t.persian, "%s", t.english)
			}
		}
		return pishkhan.WrapError(err, pishkhan.EConflict, "این داده با داده‌های ثبت‌شده ناسازگار است و ذخیره نشد.", "constraint violated")
	}
	return storageError(err) // disk full and every other failure
}

// storageError wraps an environmental failure of the database: EDiskFull
// when the disk is full (see isDiskFull), EInternal otherwise.
func storageError(err error) error {
	if err == nil {
		return nil
	}
	var pe *pishkhan.Error
	if errors.As(err, &pe) {
		return err
	}
	if isDiskFull(err) {
		return pishkhan.WrapError(err, pishkhan.EDiskFull, "دیسک پر است؛ هیچ چیزی ذخیره نشد. فضای دیسک را آزاد کنید و دوباره تلاش کنید.",
			"disk full: nothing was saved; free disk space and try again")
	}
	return pishkhan.WrapError(err, pishkhan.EInternal, "خواندن یا نوشتن پایگاه داده ممکن نشد.", "database")
}

// ownerOnlyFiles are the files Open makes owner-only (none on Windows).
func ownerOnlyFiles(path string) []string {
	if runtime.GOOS == "windows" {
		return nil
	}
	return []string{path, path + "-wal", path + "-shm"}
}

// isDiskFull reports whether err says the disk holding the data (or the
// user's quota on it) is full. SQLite answers SQLITE_FULL when a write to
// the database or its WAL runs out of space (and when max_page_count is
// reached), but other writes that hit ENOSPC come back as SQLITE_IOERR or
// SQLITE_CANTOPEN with the errno alongside (growing the -shm index, for
// one); file errors outside SQLite carry the errno in their chain.
func isDiskFull(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		if se.Code == sqlite3.ErrFull || se.SystemErrno == syscall.ENOSPC || se.SystemErrno == syscall.EDQUOT {
			return true
		}
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	for _, e := range osDiskFull {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
