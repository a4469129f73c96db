package desk

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/pishkhan/pishkhan"
)

// DefaultBackupPath is where a backup taken at now goes when no file is
// named: backups/pishkhan-YYYYMMDD-HHMMSS.db (UTC) in the data folder.
func (d *Desk) DefaultBackupPath(now time.Time) string {
	return filepath.Join(d.DataDir(), "backups", "pishkhan-"+now.UTC().Format("20060102-150405")+".db")
}

// Backup writes a consistent, owner-only copy of the database to path
// while the desk works on (SQLite's online backup), and audits it.
func (d *Desk) Backup(ctx context.Context, path string, by Actor) error {
	if err := d.authorize(ctx, by, pishkhan.ActBackup); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return pishkhan.WrapError(err, pishkhan.EUnavailable, "پوشه پشتیبان ساخته نشد.", "backup folder for %s", path)
	}
	if err := d.Store.Backup(ctx, path); err != nil {
		return err
	}
	if err := d.Store.AppendAudit(ctx, by.Name(), "backup.write", filepath.Base(path), ""); err != nil {
		return err
	}
	d.logger().Info("backup written", "file", path, "by", by.Name())
	return nil
}

// Restore replaces the database's content with a backup after checking it
// (integrity, schema, audit trail); a bad file is refused with nothing
// changed. The restore is audited.
func (d *Desk) Restore(ctx context.Context, path string, by Actor) error {
	if err := d.authorize(ctx, by, pishkhan.ActRestore); err != nil {
		return err
	}
	if err := d.Store.Restore(ctx, path, by.Name()); err != nil {
		return err
	}
	d.logger().Warn("database restored from a backup", "file", filepath.Base(path), "by", by.Name())
	return nil
}
