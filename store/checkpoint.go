package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Checkpoints and page size: how a commit stays one WAL append and one
// fsync.
//
// In WAL mode SQLite copies the log back into the database file (a
// checkpoint) inside the commit that takes the log past wal_autocheckpoint
// pages — by default 1,000, which an intake's ~15 pages reached every ~66
// intakes: that clerk's commit also wrote and fsynced the database file.
// The desk instead checkpoints when it has been idle for idleCheckpoint
// after its last commit (between walk-ins, while the receipt prints), in
// the background, PASSIVE: it never waits for a writer nor makes one wait.
// A commit still checkpoints by itself when the log reaches walFallback
// pages, so a long burst of intakes with no pause keeps the log bounded
// (~8 MB).
//
// A new database is made with pages of newPageSize bytes rather than 4 KiB:
// an intake touches about as many pages either way (one leaf per table and
// index it writes), so smaller pages halve the bytes each commit appends
// and fsyncs, and what each checkpoint copies. An existing database keeps
// the page size it was made with.
const (
	idleCheckpoint = 250 * time.Millisecond
	walFallback    = 4000 // pages
	newPageSize    = 2048 // bytes
)

// driverName is go-sqlite3 with walFallback set on every connection (there
// is no DSN parameter for wal_autocheckpoint).
const driverName = "sqlite3-pishkhan"

var registerDriver = sync.OnceFunc(func() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			if _, err := c.Exec("PRAGMA wal_autocheckpoint = "+strconv.Itoa(walFallback), nil); err != nil {
				return fmt.Errorf("set wal_autocheckpoint: %w", err)
			}
			return nil
		},
	})
})

// createNew makes the database file at uriPath, if it does not exist yet or
// is empty, with newPageSize pages and in WAL mode. Two processes creating
// it at once are harmless: the one that comes second finds the page size
// set (it cannot change once the file has a page) and WAL on.
func createNew(ctx context.Context, path, uriPath string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 || err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil // an existing database (or one Open will report on)
	}
	db, err := sql.Open("sqlite3", "file:"+uriPath+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "PRAGMA page_size = "+strconv.Itoa(newPageSize)+"; PRAGMA journal_mode = WAL"); err != nil {
		return fmt.Errorf("create %s with %d-byte pages: %w", path, newPageSize, err)
	}
	return nil
}

// checkpointer runs PASSIVE checkpoints once the database has had no
// commit for idleCheckpoint. It stops when stop is closed.
type checkpointer struct {
	kick chan struct{} // a commit happened
	stop chan struct{}
	done chan struct{}

	stopOnce sync.Once
	idle     atomic.Int64 // how long without a commit before a checkpoint (ns); idleCheckpoint, tests change it

	// onCheckpoint, when set before a commit, is told of each background
	// checkpoint: the log's size in pages and how many were copied.
	onCheckpoint func(log, copied int)
}

func (s *DB) startCheckpointer() {
	c := &checkpointer{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	c.idle.Store(int64(idleCheckpoint))
	s.ckpt = c
	go s.checkpointLoop(c)
}

// committed tells the checkpointer that a transaction was committed (once
// it has stopped, the kick is simply dropped).
func (s *DB) committed() {
	if s.ckpt == nil {
		return
	}
	select {
	case s.ckpt.kick <- struct{}{}:
	default:
	}
}

func (s *DB) checkpointLoop(c *checkpointer) {
	defer close(c.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	pending := false
	for {
		select {
		case <-c.stop:
			timer.Stop()
			return
		case <-c.kick:
			timer.Reset(time.Duration(c.idle.Load()))
			pending = true
		case <-timer.C:
			if !pending {
				continue
			}
			pending = false
			s.checkpointNow()
		}
	}
}

// checkpointNow copies what the log holds into the database file, as far
// as readers allow, without blocking a writer.
func (s *DB) checkpointNow() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var busy, logPages, copied int
	err := s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &copied)
	if err != nil {
		// A checkpoint that could not run is retried after the next
		// commit; the fallback keeps the log bounded meanwhile.
		slog.Debug("background checkpoint", "path", s.path, "err", err)
		return
	}
	if f := s.ckpt.onCheckpoint; f != nil {
		f(logPages, copied)
	}
}

// stopCheckpointer ends the background checkpoints and waits for one that
// is running.
func (s *DB) stopCheckpointer() {
	if s.ckpt == nil {
		return
	}
	s.ckpt.stopOnce.Do(func() { close(s.ckpt.stop) })
	<-s.ckpt.done
}
