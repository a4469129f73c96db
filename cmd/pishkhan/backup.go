package main

import (
	"fmt"
	"io"
	"time"
)

// cmdBackup writes a consistent copy of the database (while the app may run).
func cmdBackup(e *env, args []string) error {
	fs := newFlags(e, "backup")
	out := fs.String("out", "", "the backup file (default: backups/pishkhan-YYYYMMDD-HHMMSS.db in the data folder)")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	d, by, err := e.openDeskAs()
	if err != nil {
		return err
	}
	defer d.Close()
	path := *out
	if path == "" {
		path = d.DefaultBackupPath(time.Now())
	}
	if err := d.Backup(e.ctx, path, by); err != nil {
		return err
	}
	return e.emit(map[string]any{"file": path}, func(w io.Writer) { fmt.Fprintf(w, "backup written to %s\n", path) })
}

// cmdRestore replaces the database's content with a checked backup.
func cmdRestore(e *env, args []string) error {
	fs := newFlags(e, "restore")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("restore FILE: give the backup file")
	}
	d, by, err := e.openDeskAs()
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Restore(e.ctx, pos[0], by); err != nil {
		return err
	}
	return e.emit(map[string]any{"restored": pos[0]}, func(w io.Writer) { fmt.Fprintf(w, "restored from %s\n", pos[0]) })
}
