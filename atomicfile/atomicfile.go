// Package atomicfile writes a file so that a crash, a power cut or a full
// disk leaves either the old file or the new one, never part of one.
package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
)

// Write writes data to path, readable and writable by its owner only,
// through a temporary file named after pattern (as os.CreateTemp takes it)
// in the same folder: the data is synced, the temporary file renamed over
// path, and the folder synced so that the rename survives a crash too. On
// an error path is untouched and the temporary file is gone. On Windows a
// file's mode is only its read-only flag; the folder (the user's own) keeps
// other users out.
func Write(path, pattern string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil { // make the rename durable
		dir.Sync()
		dir.Close()
	}
	return nil
}
