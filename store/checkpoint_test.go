package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func pragmaInt(t *testing.T, db *sql.DB, pragma string) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA " + pragma).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", pragma, err)
	}
	return v
}

// TestCheckpointsWhenIdle: commits do not checkpoint by themselves before
// the log holds walFallback pages (SQLite's default would at 1,000); the
// desk checkpoints the whole log once it has been idle.
func TestCheckpointsWhenIdle(t *testing.T) {
	db, c := readyDB(t)
	if got := pragmaInt(t, db.db, "page_size"); got != newPageSize {
		t.Errorf("a new database has %d-byte pages, want %d", got, newPageSize)
	}
	if got := pragmaInt(t, db.db, "wal_autocheckpoint"); got != walFallback {
		t.Errorf("wal_autocheckpoint is %d, want %d", got, walFallback)
	}
	db.ckpt.idle.Store(int64(time.Hour)) // no background checkpoint during the burst
	nc := mustNC(t, "001234567")
	const n = 120
	for range n {
		c.advance(time.Second)
		intake(t, db, passRequest(t, c, nc))
	}
	wal, err := os.Stat(db.path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	frames := int(wal.Size() / (newPageSize + 24))
	t.Logf("%d intakes: the log holds %d frames", n, frames)
	if frames <= 1200 {
		t.Fatalf("the log holds %d frames after %d intakes; a commit checkpointed (or intakes write far fewer pages than expected)", frames, n)
	}
	if frames >= walFallback {
		t.Fatalf("the log reached %d frames, past the fallback of %d", frames, walFallback)
	}

	done := make(chan [2]int, 1)
	db.ckpt.onCheckpoint = func(log, copied int) {
		select {
		case done <- [2]int{log, copied}:
		default:
		}
	}
	db.ckpt.idle.Store(int64(20 * time.Millisecond))
	c.advance(time.Second)
	intake(t, db, passRequest(t, c, nc))
	select {
	case r := <-done:
		if r[0] < frames || r[1] != r[0] {
			t.Errorf("background checkpoint: log %d pages, %d copied; want all of at least %d", r[0], r[1], frames)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no background checkpoint 10 s after the last commit")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOldPageSizeKept: a database made with 4 KiB pages (before pages
// became 2 KiB) opens as it is.
func TestOldPageSizeKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE scratch(x)"); err != nil {
		t.Fatal(err)
	}
	old.Close()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if got := pragmaInt(t, db.db, "page_size"); got != 4096 {
		t.Errorf("page size %d after Open; want the file's 4096", got)
	}
	if err := db.InitDesk(context.Background(), testCfg, "tech"); err != nil {
		t.Fatalf("InitDesk: %v", err)
	}
}
