package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	for _, data := range []string{"first", "second, longer"} {
		if err := Write(path, ".f-*", []byte(data)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != data {
			t.Fatalf("read back %q, %v; want %q", got, err, data)
		}
	}
	if fi, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want owner-only", fi.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".f-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// A folder that does not exist: an error, nothing written.
	if err := Write(filepath.Join(dir, "no", "f"), ".f-*", []byte("x")); err == nil {
		t.Error("no error writing into a missing folder")
	}
	// A target that cannot be replaced (a non-empty folder): the old stays,
	// no temporary file is left.
	busy := filepath.Join(dir, "busy")
	if err := os.MkdirAll(filepath.Join(busy, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Write(busy, ".f-*", []byte("x")); err == nil {
		t.Error("no error replacing a non-empty folder")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".f-*")); len(left) != 0 {
		t.Errorf("temporary files left after a failed rename: %v", left)
	}
}
