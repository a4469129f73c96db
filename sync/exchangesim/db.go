package exchangesim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// schema is the simulator's whole state. Times are Unix nanoseconds of the
// simulator's clock.
const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS enrol_codes (
	code      TEXT PRIMARY KEY,
	office    INTEGER NOT NULL,
	desk      INTEGER NOT NULL,
	issued_ns INTEGER NOT NULL,
	used_ns   INTEGER
);
CREATE TABLE IF NOT EXISTS keys (
	key_id      TEXT PRIMARY KEY,
	office      INTEGER NOT NULL,
	desk        INTEGER NOT NULL,
	public_key  BLOB NOT NULL,
	enrolled_ns INTEGER NOT NULL,
	revoked_ns  INTEGER
);
CREATE INDEX IF NOT EXISTS keys_desk ON keys(office, desk);
CREATE TABLE IF NOT EXISTS nonces (
	key_id  TEXT NOT NULL,
	nonce   TEXT NOT NULL,
	seen_ns INTEGER NOT NULL,
	PRIMARY KEY (key_id, nonce)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces(seen_ns);
CREATE TABLE IF NOT EXISTS requests (
	id        TEXT PRIMARY KEY,
	office    INTEGER NOT NULL,
	desk      INTEGER NOT NULL,
	key_id    TEXT NOT NULL,
	status    TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
	reason    TEXT NOT NULL DEFAULT '',
	reason_fa TEXT NOT NULL DEFAULT '',
	body_hash BLOB NOT NULL,
	body      TEXT NOT NULL,
	stored_ns INTEGER NOT NULL
); -- a rowid table: its rows (the whole request) are too big for WITHOUT ROWID
CREATE TABLE IF NOT EXISTS accept_log (
	seq        INTEGER PRIMARY KEY, -- never deleted, so no AUTOINCREMENT needed
	request_id TEXT NOT NULL,
	status     TEXT NOT NULL,
	office     INTEGER NOT NULL,
	desk       INTEGER NOT NULL,
	at_ns      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS accept_log_request ON accept_log(request_id);
CREATE TRIGGER IF NOT EXISTS accept_log_no_update BEFORE UPDATE ON accept_log
BEGIN SELECT RAISE(ABORT, 'accept_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS accept_log_no_delete BEFORE DELETE ON accept_log
BEGIN SELECT RAISE(ABORT, 'accept_log is append-only'); END;
CREATE TABLE IF NOT EXISTS events (
	id         INTEGER PRIMARY KEY, -- only orders events due at the same time
	request_id TEXT NOT NULL,
	office     INTEGER NOT NULL,
	desk       INTEGER NOT NULL,
	due_ns     INTEGER NOT NULL,
	state      TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	note_fa    TEXT NOT NULL DEFAULT '',
	inquiries  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_due ON events(due_ns, id);
CREATE TABLE IF NOT EXISTS updates (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	request_id TEXT NOT NULL,
	office     INTEGER NOT NULL,
	desk       INTEGER NOT NULL,
	state      TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	note_fa    TEXT NOT NULL DEFAULT '',
	inquiries  TEXT NOT NULL DEFAULT '',
	at_ns      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_desk ON updates(office, desk, seq);
CREATE TABLE IF NOT EXISTS day_closes (
	office    INTEGER NOT NULL,
	desk      INTEGER NOT NULL,
	day       TEXT NOT NULL,
	body_hash BLOB NOT NULL,
	body      TEXT NOT NULL,
	stored_ns INTEGER NOT NULL,
	PRIMARY KEY (office, desk, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counters (
	name TEXT PRIMARY KEY,
	n    INTEGER NOT NULL
) WITHOUT ROWID;
`

// openDB opens the SQLite file in WAL mode with full synchronous commits
// (a commit is on disk before the simulator answers) and creates the schema.
func openDB(ctx context.Context, path string) (*sql.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("exchange simulator: create folder %s: %w", dir, err)
		}
	}
	uriPath := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	db, err := sql.Open("sqlite3", "file:"+uriPath+
		"?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=10000&_txlock=immediate&_foreign_keys=on")
	if err != nil {
		return nil, fmt.Errorf("exchange simulator: open %s: %w", path, err)
	}
	// One connection: every write is serialised in the process, and a
	// transaction sees its own writes only.
	db.SetMaxOpenConns(1)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err = db.ExecContext(ctx, schema)
		var se sqlite3.Error
		if err == nil || !errors.As(err, &se) || se.Code != sqlite3.ErrBusy || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("exchange simulator: create schema in %s: %w", path, err)
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("exchange simulator: %s is not in WAL mode (%q, %v)", path, mode, err)
	}
	return db, nil
}

// inTx runs fn in one transaction and commits it, or rolls it back on error.
func (s *Sim) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback() //nolint:errcheck // the error that matters is fn's
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// execer is a *sql.DB or a *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// bump adds n to a counter.
func bump(ctx context.Context, db execer, name string, n int64) error {
	if n == 0 {
		return nil
	}
	_, err := db.ExecContext(ctx, `INSERT INTO counters(name, n) VALUES(?, ?)
		ON CONFLICT(name) DO UPDATE SET n = n + excluded.n`, name, n)
	if err != nil {
		return fmt.Errorf("count %s: %w", name, err)
	}
	return nil
}
