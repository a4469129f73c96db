//go:build linux

package logfile

import (
	"errors"
	"log/slog"
	"os"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
)

// devFull opens /dev/full, where every write fails with ENOSPC, as on a
// full disk.
func devFull(t *testing.T) *os.File {
	t.Helper()
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// fillingFile is the real log file, until the disk fills: then a write puts
// its first half in the file and fails on the second half with the
// kernel's ENOSPC from /dev/full — a short write, as a real full disk gives.
type fillingFile struct {
	*os.File
	full   *os.File
	isFull *atomic.Bool
}

func (f fillingFile) Write(p []byte) (int, error) {
	if !f.isFull.Load() {
		return f.File.Write(p)
	}
	n, err := f.File.Write(p[:len(p)/2])
	if err != nil {
		return n, err
	}
	_, err = f.full.Write(p[len(p)/2:])
	return n, err
}

func TestDiskFullReturnsTheErrorAndRecovers(t *testing.T) {
	full := devFull(t)
	var isFull atomic.Bool
	var opens atomic.Int32
	realOpen := openFile
	t.Cleanup(func() { openFile = realOpen })
	openFile = func(name string, flag int, perm os.FileMode) (file, error) {
		opens.Add(1)
		f, err := os.OpenFile(name, flag, perm)
		if err != nil {
			return nil, err
		}
		return fillingFile{File: f, full: full, isFull: &isFull}, nil
	}

	dir := t.TempDir()
	w, err := Open(dir, Options{MaxSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	log := slog.New(NewHandler(w, slog.LevelInfo))
	w.Write([]byte(record(0)))

	isFull.Store(true)
	for i := 1; i <= 3; i++ {
		n, err := w.Write([]byte(record(i)))
		if !errors.Is(err, syscall.ENOSPC) || n != 0 {
			t.Fatalf("write on a full disk: %d, %v; want 0, ENOSPC", n, err)
		}
	}
	log.Info("lost while the disk is full") // must neither panic nor block
	if err := NewHandler(w, slog.LevelInfo).Handle(t.Context(), slog.NewRecord(testTime, slog.LevelInfo, "x", 0)); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("the handler's error: %v", err)
	}
	if got := seqs(t, dir, 0); !slices.Equal(got, []int{0}) {
		t.Fatalf("after the failures the file holds %v: a half record was left", got)
	}

	isFull.Store(false) // space is back
	before := opens.Load()
	for i := 4; i <= 5; i++ {
		if _, err := w.Write([]byte(record(i))); err != nil {
			t.Fatalf("write after space came back: %v", err)
		}
	}
	if opens.Load() != before+1 {
		t.Errorf("%d opens after recovery, want 1", opens.Load()-before)
	}
	if got := seqs(t, dir, 0); !slices.Equal(got, []int{0, 4, 5}) {
		t.Errorf("records %v, want [0 4 5]", got)
	}
}

// TestDevFull writes to /dev/full itself: the error is the kernel's, and
// the Writer goes back to the real file once it can.
func TestDevFull(t *testing.T) {
	devFull(t)
	useDevFull := true
	realOpen := openFile
	t.Cleanup(func() { openFile = realOpen })
	openFile = func(name string, flag int, perm os.FileMode) (file, error) {
		if useDevFull {
			return os.OpenFile("/dev/full", os.O_RDWR|os.O_APPEND, 0) // and never chmod it
		}
		return realOpen(name, flag, perm)
	}
	fi, err := os.Stat("/dev/full")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Write([]byte(record(0))); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write to /dev/full: %v", err)
	}
	if _, err := w.Write([]byte(record(1))); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("second write to /dev/full: %v", err)
	}
	useDevFull = false
	if _, err := w.Write([]byte(record(2))); err != nil {
		t.Fatalf("write once the disk has room: %v", err)
	}
	if got := seqs(t, dir, 0); !slices.Equal(got, []int{2}) {
		t.Errorf("records %v", got)
	}
	if after, _ := os.Stat("/dev/full"); after.Mode() != fi.Mode() {
		t.Errorf("/dev/full's mode changed: %v → %v", fi.Mode(), after.Mode())
	}
}
