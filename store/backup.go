package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/pishkhan/pishkhan"
)

// Backups use SQLite's online backup API, so they are taken (and restored)
// while the app runs: a consistent copy of the database as of one moment,
// page by page, with other connections working on between steps.

// copyDB copies the main database of src into dst with the backup API.
func copyDB(ctx context.Context, dst, src *sql.DB) error {
	dc, err := dst.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup destination: %w", err)
	}
	defer dc.Close()
	sc, err := src.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup source: %w", err)
	}
	defer sc.Close()
	return dc.Raw(func(d any) error {
		return sc.Raw(func(s any) error {
			dconn, ok1 := d.(*sqlite3.SQLiteConn)
			sconn, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return fmt.Errorf("backup: not SQLite connections")
			}
			b, err := dconn.Backup("main", sconn, "main")
			if err != nil {
				return fmt.Errorf("start backup: %w", err)
			}
			for {
				if err := ctx.Err(); err != nil {
					b.Finish()
					return err
				}
				done, err := b.Step(256)
				if err != nil {
					b.Finish()
					return fmt.Errorf("backup step: %w", err)
				}
				if done {
					break
				}
			}
			return b.Finish()
		})
	})
}

// Backup writes a consistent copy of the database to path (owner-only),
// checks the copy's integrity, and only then puts it in place; a failure
// leaves no file at path.
func (s *DB) Backup(ctx context.Context, path string) error {
	tmp := path + ".partial"
	os.Remove(tmp)
	dst, err := sql.Open("sqlite3", "file:"+strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(tmp))
	if err != nil {
		return storageError(fmt.Errorf("open backup file %s: %w", tmp, err))
	}
	err = copyDB(ctx, dst, s.db)
	if err == nil {
		err = integrity(ctx, dst)
	}
	dst.Close()
	if err == nil {
		err = os.Chmod(tmp, 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return storageError(fmt.Errorf("backup to %s: %w", path, err))
	}
	return nil
}

// integrity runs SQLite's integrity check and the project's: a database
// with the desk's schema.
func integrity(ctx context.Context, db *sql.DB) error {
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("not a Pishkhan database (no migrations: %v)", err)
	}
	return nil
}

// Restore replaces the database's content with the backup at path, while
// the app runs. The backup is checked first — SQLite's integrity check,
// the desk's schema, a schema no newer than this program's, and an intact
// audit trail — and refused, with nothing changed, if any check fails.
func (s *DB) Restore(ctx context.Context, path, actor string) error {
	if _, err := os.Stat(path); err != nil {
		return pishkhan.WrapError(err, pishkhan.ENotFound, "پرونده پشتیبان پیدا نشد.", "backup %s", path)
	}
	src, err := sql.Open("sqlite3", "file:"+strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)+"?mode=ro")
	if err != nil {
		return storageError(fmt.Errorf("open backup %s: %w", path, err))
	}
	defer src.Close()
	refuse := func(err error) error {
		return pishkhan.WrapError(err, pishkhan.EInvalid, "این پرونده پشتیبانِ سالمی از پیشخوان نیست و بازگردانده نشد.", "backup %s refused", filepath.Base(path))
	}
	if err := integrity(ctx, src); err != nil {
		return refuse(err)
	}
	var version int
	if err := src.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&version); err != nil {
		return refuse(err)
	}
	mine, err := Migrations()
	if err != nil {
		return err
	}
	if version > len(mine) {
		return refuse(fmt.Errorf("schema version %d is newer than this program's %d", version, len(mine)))
	}
	check := &DB{db: src, Now: s.Now}
	if _, _, err := check.VerifyAudit(ctx); err != nil {
		return refuse(fmt.Errorf("audit trail: %w", err))
	}
	if err := copyDB(ctx, s.db, src); err != nil {
		return storageError(fmt.Errorf("restore from %s: %w", path, err))
	}
	// The restored file may predate migrations; bring it up to date, and
	// forget what was cached from the old content.
	s.mu.Lock()
	s.catalog, s.desk = nil, nil
	s.mu.Unlock()
	if err := s.migrate(ctx); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: s.Now(), Actor: actor, Action: "backup.restore", Subject: filepath.Base(path),
			Detail: fmt.Sprintf("schema version %d", version)})
	})
}
