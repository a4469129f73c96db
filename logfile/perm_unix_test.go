//go:build unix

package logfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOwnerOnlyPermissions(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data", "logs")
	w, err := Open(dir, Options{MaxSize: 100, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		w.Write([]byte(record(i))) // rotates: pishkhan.log.1 exists
	}
	w.Close()
	check := func(path string, want os.FileMode) {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", path, got, want)
		}
	}
	check(dir, 0o700)
	check(filepath.Join(root, "data"), 0o700)
	check(filepath.Join(dir, FileName), 0o600)
	check(filepath.Join(dir, FileName+".1"), 0o600)

	// A file left readable by others (an older version, a copy) is made owner-only.
	if err := os.Chmod(filepath.Join(dir, FileName), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	check(filepath.Join(dir, FileName), 0o600)
}
