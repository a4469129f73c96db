package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/pishkhan/pishkhan"
)

// TestBackupAndRestore: a backup taken while the database is in use is a
// full, owner-only copy; after more intakes, restoring it brings the
// database back to the copy's content (and audits the restore); a damaged
// file, a foreign SQLite file and a file with an edited audit trail are
// refused with nothing changed.
func TestBackupAndRestore(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	fileN(t, db, c, 3)
	dir := t.TempDir()
	bak := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, bak); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(bak); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi.Mode(), err)
	}
	fileN(t, db, c, 2)
	if n := count(t, db.SQL(), "SELECT COUNT(*) FROM requests"); n != 5 {
		t.Fatalf("%d requests before restore", n)
	}
	if err := db.Restore(ctx, bak, "tech"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db.SQL(), "SELECT COUNT(*) FROM requests"); n != 3 {
		t.Errorf("%d requests after restore, want the backup's 3", n)
	}
	if _, _, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("audit after restore: %v", err)
	}
	if _, err := db.Catalog(ctx); err != nil {
		t.Errorf("catalog after restore: %v", err)
	}
	// Intake goes on after a restore.
	fileN(t, db, c, 1)

	before := rowCounts(t, db)
	// A damaged file.
	bad := filepath.Join(dir, "damaged.db")
	data, _ := os.ReadFile(bak)
	for i := 4096; i < len(data) && i < 4096*4; i++ {
		data[i] ^= 0x5a
	}
	os.WriteFile(bad, data, 0o600)
	wantCode(t, db.Restore(ctx, bad, "tech"), pishkhan.EInvalid)
	// A SQLite file that is not a desk's.
	foreign := filepath.Join(dir, "foreign.db")
	f, _ := sql.Open("sqlite3", "file:"+foreign)
	f.Exec("CREATE TABLE x (y)")
	f.Close()
	wantCode(t, db.Restore(ctx, foreign, "tech"), pishkhan.EInvalid)
	// A backup whose audit trail was edited.
	edited := filepath.Join(dir, "edited.db")
	if err := db.Backup(ctx, edited); err != nil {
		t.Fatal(err)
	}
	e, _ := sql.Open("sqlite3", "file:"+edited)
	for _, q := range []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET actor = 'nobody' WHERE seq = 3"} {
		if _, err := e.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	wantCode(t, db.Restore(ctx, edited, "tech"), pishkhan.EInvalid)
	wantCode(t, db.Restore(ctx, filepath.Join(dir, "missing.db"), "tech"), pishkhan.ENotFound)
	sameCounts(t, before, rowCounts(t, db))
}

// TestDatabaseOwnerOnly: the database and its WAL are readable by their
// owner only, even under a permissive umask.
func TestDatabaseOwnerOnly(t *testing.T) {
	db, _ := readyDB(t)
	for _, f := range []string{db.path, db.path + "-wal"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v", filepath.Base(f), fi.Mode().Perm())
		}
	}
}
