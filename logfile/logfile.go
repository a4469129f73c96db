// Package logfile keeps Pishkhan's log in the data folder, and keeps
// personal data out of it.
//
// [Open] returns a [Writer] that appends to pishkhan.log and rotates it by
// size: when a write would take the file past [Options.MaxSize], the file
// becomes pishkhan.log.1, the older pishkhan.log.1 becomes pishkhan.log.2, and
// so on up to pishkhan.log.N ([Options.Keep]); the oldest beyond that is
// deleted. The numbers, not dates, name the old files, so the set of files
// on disk is bounded and the newest old file is always .1. One Write call
// goes whole into one file, so a log record (one line) is never split by a
// rotation. The folder is made owner-only (0700) and the files owner-only
// (0600): the office PC is shared.
//
// [NewHandler] writes log/slog records as text lines with the time in RFC
// 3339 UTC. [Redact] wraps any handler and hides personal data (national
// codes, mobile and postal codes, names, PINs) before a record reaches it;
// [RedactString] is the same masking for a single string.
//
// A typical set-up, logging to the terminal as well:
//
//	lw, err := logfile.Open(dataDir, logfile.Options{})
//	...
//	defer lw.Close()
//	h := slog.NewMultiHandler(
//		slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}),
//		logfile.NewHandler(lw, slog.LevelInfo))
//	log := slog.New(logfile.Redact(h))
//
// Redact goes outermost, so that a handler that keeps records in memory
// for the window (logring) gets them redacted too:
//
//	log := slog.New(logfile.Redact(ring.Handler(h)))
package logfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// FileName is the name of the current log file in the folder given to [Open].
const FileName = "pishkhan.log"

// Defaults for [Options].
const (
	DefaultMaxSize = 5 << 20 // 5 MiB
	DefaultKeep    = 5
)

// Options tune a [Writer]. The zero value gives the defaults.
type Options struct {
	// MaxSize is the size in bytes a file may reach: a write that would take
	// the current file past it goes to a fresh file instead. A single write
	// larger than MaxSize still goes whole into a file of its own.
	// 0 means DefaultMaxSize.
	MaxSize int64
	// Keep is how many old files are kept, pishkhan.log.1 (newest) to
	// pishkhan.log.Keep (oldest). 0 means DefaultKeep; a negative Keep keeps
	// none: the full file is deleted and started afresh.
	Keep int
}

// file is what the Writer needs of an open file; a seam for the tests.
type file interface {
	io.Writer
	io.ReaderAt
	io.Closer
	Stat() (os.FileInfo, error)
	Truncate(size int64) error
	Chmod(mode os.FileMode) error
	Sync() error
}

// Seams for the tests: opening the log file and renaming during rotation.
var (
	openFile = func(name string, flag int, perm os.FileMode) (file, error) { return os.OpenFile(name, flag, perm) }
	rename   = os.Rename
)

// Writer appends to the log file and rotates it. It is an [io.Writer] that
// is safe for concurrent use; each Write call is one record that lands
// whole in one file.
//
// A failing write (a full disk, a vanished folder) returns its error and
// leaves no partial record behind when the file can be truncated back; the
// file is closed and reopened on the next Write, so logging resumes by
// itself once the cause is gone. Write never panics and does not wait for
// anything but the file system.
//
// The file is closed before it is renamed, as Windows requires. If the
// rename fails (on Windows, another program may hold the file open), the
// Writer keeps appending to the current file and tries again after another
// eighth of MaxSize.
type Writer struct {
	mu      sync.Mutex
	dir     string
	path    string
	max     int64
	keep    int
	f       file  // nil after a failure, until reopened
	size    int64 // bytes in the current file, as far as we know
	retryAt int64 // after a failed rotation, no new try before size reaches this
	closed  bool
}

// Open opens (or creates) dir/pishkhan.log for appending, creating dir
// with mode 0700 and the file with mode 0600 if needed; an existing file
// that others may read is made 0600. (On Windows modes mean little: the
// folder's ACL decides who reads the log, so keep it in the user's
// profile.) An existing file is appended to, and
// its size counts toward MaxSize. If it ends in an unfinished line (the
// app was killed mid-write), a newline is added first so that the next
// record starts on a line of its own.
func Open(dir string, opts Options) (*Writer, error) {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.Keep == 0 {
		opts.Keep = DefaultKeep
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	w := &Writer{dir: dir, path: filepath.Join(dir, FileName), max: opts.MaxSize, keep: max(opts.Keep, 0)}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

// Path is the current log file, dir/pishkhan.log.
func (w *Writer) Path() string { return w.path }

// open opens w.path for appending and learns its size.
func (w *Writer) open() error {
	f, err := openFile(w.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	var size int64
	if fi.Mode().IsRegular() {
		if fi.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" { // Windows has ACLs, not modes
			_ = f.Chmod(0o600) // best effort
		}
		size = fi.Size()
		var last [1]byte
		if size > 0 {
			if _, err := f.ReadAt(last[:], size-1); err == nil && last[0] != '\n' {
				if n, err := f.Write([]byte{'\n'}); err == nil {
					size += int64(n)
				}
			}
		}
	}
	w.f, w.size, w.retryAt = f, size, 0
	return nil
}

// Write appends p, a whole record, to the log, rotating first if p would
// take the file past MaxSize. On error it reports 0 bytes written: a short
// write is cut back off the file.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, os.ErrClosed
	}
	if w.f == nil {
		if err := w.open(); err != nil {
			return 0, err
		}
	}
	if w.size > 0 && w.size+int64(len(p)) > w.max && w.size >= w.retryAt {
		if err := w.rotate(int64(len(p))); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	if err != nil {
		if n > 0 {
			// Best effort: no half record for the next one to be glued to.
			// If this fails too, the next open adds a newline.
			_ = w.f.Truncate(w.size)
		}
		_ = w.f.Close()
		w.f = nil
		return 0, err
	}
	w.size += int64(n)
	return n, nil
}

// rotate makes room for a write of n bytes: it closes the current file,
// shifts the old files up by one and opens a fresh file. If the current file cannot be renamed, it reopens it and
// postpones the next try. It returns an error only if no file is open
// afterwards.
func (w *Writer) rotate(n int64) error {
	// Another Pishkhan process (a CLI command next to the window) may have
	// rotated the file already: then just follow it to the new file.
	cur, err := os.Stat(w.path)
	if fi, ferr := w.f.Stat(); err != nil || ferr != nil || !os.SameFile(fi, cur) {
		_ = w.f.Close()
		w.f = nil
		if err := w.open(); err != nil {
			return err
		}
		if w.size == 0 || w.size+n <= w.max {
			return nil
		}
	}
	_ = w.f.Close() // Windows cannot rename an open file
	w.f = nil
	if w.keep > 0 {
		w.dropOld()
		for k := w.keep - 1; k >= 1; k-- {
			_ = rename(w.old(k), w.old(k+1)) // a missing file is fine
		}
		err = rename(w.path, w.old(1))
	} else {
		err = os.Remove(w.path)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		if oerr := w.open(); oerr != nil {
			return oerr
		}
		w.retryAt = w.size + w.max/8
		return nil
	}
	return w.open()
}

// old is the name of the k-th old file.
func (w *Writer) old(k int) string { return w.path + "." + strconv.Itoa(k) }

// dropOld deletes old files numbered Keep and above: the oldest, about to
// fall off, and any left by an earlier run with a larger Keep.
func (w *Writer) dropOld() {
	es, err := os.ReadDir(w.dir)
	if err != nil {
		return
	}
	for _, e := range es {
		suffix, ok := strings.CutPrefix(e.Name(), FileName+".")
		if !ok {
			continue
		}
		if k, err := strconv.Atoi(suffix); err == nil && k >= w.keep && strconv.Itoa(k) == suffix {
			_ = os.Remove(filepath.Join(w.dir, e.Name()))
		}
	}
}

// Close syncs and closes the file. Writes after Close fail with
// [os.ErrClosed]. Closing twice is harmless.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if w.f == nil {
		return nil
	}
	_ = w.f.Sync() // best effort: what matters is that the writes reached the OS
	err := w.f.Close()
	w.f = nil
	return err
}
