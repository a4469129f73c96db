package logfile

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// record is one test log line: a sequence number, padded to a fixed width.
func record(seq int) string { return fmt.Sprintf("rec %06d %s\n", seq, strings.Repeat("x", 40)) }

var recordRE = regexp.MustCompile(`^rec (\d{6}) x{40}$`)

// readLines returns the lines of a file, failing the test if the file does
// not end in a newline.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Errorf("%s does not end in a whole line: %q", filepath.Base(path), b[max(0, len(b)-60):])
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// logFiles lists the files in dir, sorted.
func logFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// seqs returns the sequence numbers of the records in the files, oldest
// file first (pishkhan.log.keep … .1, then pishkhan.log), checking that
// every line is a whole record.
func seqs(t *testing.T, dir string, keep int) []int {
	t.Helper()
	var out []int
	for k := keep; k >= 0; k-- {
		p := filepath.Join(dir, FileName)
		if k > 0 {
			p += "." + strconv.Itoa(k)
		}
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		for _, l := range readLines(t, p) {
			m := recordRE.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("%s: not a whole record: %q", filepath.Base(p), l)
			}
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
	}
	return out
}

func TestRotationKeepsNFilesOfWholeRecords(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	const size = 1000
	rec := len(record(0)) // 52 bytes: 19 records fit in 1000
	w, err := Open(dir, Options{MaxSize: size, Keep: 3})
	if err != nil {
		t.Fatal(err)
	}
	const total = 500
	for i := range total {
		if n, err := w.Write([]byte(record(i))); err != nil || n != rec {
			t.Fatalf("write %d: %d, %v", i, n, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{FileName, FileName + ".1", FileName + ".2", FileName + ".3"}
	if got := logFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	perFile := size / rec
	for _, name := range want {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > size {
			t.Errorf("%s has %d bytes, more than MaxSize %d", name, fi.Size(), size)
		}
		if name != FileName && fi.Size() != int64(perFile*rec) {
			t.Errorf("%s has %d bytes, want it filled with %d whole records", name, fi.Size(), perFile)
		}
	}
	// The newest records survive, in order, none missing between the files.
	got := seqs(t, dir, 3)
	if len(got) == 0 || got[len(got)-1] != total-1 {
		t.Fatalf("last record %v, want %d", got[max(0, len(got)-1):], total-1)
	}
	for i := 1; i < len(got); i++ {
		if got[i] != got[i-1]+1 {
			t.Fatalf("records jump from %d to %d", got[i-1], got[i])
		}
	}
	if min := 3*perFile + 1; len(got) < min {
		t.Errorf("%d records kept, want at least %d", len(got), min)
	}
}

func TestRotationDefaultsAndFewerKept(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.max != DefaultMaxSize || w.keep != DefaultKeep || w.Path() != filepath.Join(dir, FileName) {
		t.Errorf("defaults: max %d keep %d path %s", w.max, w.keep, w.Path())
	}
	w.Close()
	// Old files beyond Keep, left by a run with a larger Keep, go at the next rotation.
	for k := 1; k <= 6; k++ {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s.%d", FileName, k)), []byte(record(k)), 0o600)
	}
	os.WriteFile(filepath.Join(dir, FileName+".old"), []byte("not ours\n"), 0o600)
	w, err = Open(dir, Options{MaxSize: 100, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		w.Write([]byte(record(100 + i)))
	}
	w.Close()
	want := []string{FileName, FileName + ".1", FileName + ".2", FileName + ".old"}
	if got := logFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	if got := seqs(t, dir, 2); !slices.Equal(got, []int{100, 101, 102}) {
		t.Errorf("records %v", got)
	}
}

func TestKeepNone(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{MaxSize: 200, Keep: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := w.Write([]byte(record(i))); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if got := logFiles(t, dir); !slices.Equal(got, []string{FileName}) {
		t.Errorf("files %v", got)
	}
	if got := seqs(t, dir, 0); !slices.Equal(got, []int{9}) {
		t.Errorf("records %v, want the last one alone (3 fit in 200 bytes: 9 opened a fresh file)", got)
	}
}

func TestRecordLargerThanMaxSizeStaysWhole(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{MaxSize: 100, Keep: 5})
	if err != nil {
		t.Fatal(err)
	}
	big := "big " + strings.Repeat("y", 300) + "\n"
	for _, s := range []string{"a\n", big, "b\n"} {
		if n, err := w.Write([]byte(s)); err != nil || n != len(s) {
			t.Fatalf("write: %d, %v", n, err)
		}
	}
	w.Close()
	for name, want := range map[string]string{FileName + ".2": "a\n", FileName + ".1": big, FileName: "b\n"} {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != want {
			t.Errorf("%s = %.20q, want %.20q", name, b, want)
		}
	}
}

func TestConcurrentWritersWriteWholeLines(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{MaxSize: 4096, Keep: 1000})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(NewHandler(w, slog.LevelInfo))
	const writers, each = 16, 150
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				if g%2 == 0 {
					log.Info("concurrent", "g", g, "i", i, "pad", strings.Repeat("p", g*7+1))
				} else if _, err := w.Write([]byte(record(g*each + i))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	w.Close()
	files := logFiles(t, dir)
	if len(files) < 10 {
		t.Fatalf("only %d files: the test did not rotate much", len(files))
	}
	lineRE := regexp.MustCompile(`^time=\S+ level=INFO msg=concurrent g=(\d+) i=(\d+) pad=p+$`)
	seen := map[string]bool{}
	for _, name := range files {
		for _, l := range readLines(t, filepath.Join(dir, name)) {
			if m := recordRE.FindStringSubmatch(l); m != nil {
				seen["w"+m[1]] = true
			} else if m := lineRE.FindStringSubmatch(l); m != nil {
				seen["s"+m[1]+"."+m[2]] = true
			} else {
				t.Fatalf("%s: broken line %q", name, l)
			}
		}
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct records, want %d", len(seen), writers*each)
	}
}

func TestReopenAppendsAndCountsTheSize(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{MaxSize: 300, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 { // 208 bytes
		w.Write([]byte(record(i)))
	}
	w.Close()
	if _, err := w.Write([]byte("after close\n")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("write after Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	w, err = Open(dir, Options{MaxSize: 300, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(record(4))) // 260: still fits
	if got := logFiles(t, dir); !slices.Equal(got, []string{FileName}) {
		t.Fatalf("files %v: reopening did not append", got)
	}
	w.Write([]byte(record(5))) // 312 would pass 300: a fresh file, because the old size counted
	w.Close()
	if got := seqs(t, dir, 0); !slices.Equal(got, []int{5}) {
		t.Errorf("current file %v, want [5]", got)
	}
	if got := seqs(t, dir, 2); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("all records %v", got)
	}
}

func TestReopenAfterCrashStartsANewLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	os.WriteFile(path, []byte(record(0)+"rec 000001 xxx"), 0o600) // killed mid-write
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(record(2)))
	w.Close()
	lines := readLines(t, path)
	if len(lines) != 3 || lines[1] != "rec 000001 xxx" || lines[2]+"\n" != record(2) {
		t.Errorf("lines %q", lines)
	}
}

// TestRotationFailureKeepsWriting makes the rename fail, as on Windows when
// another program holds the file open.
func TestRotationFailureKeepsWriting(t *testing.T) {
	var fail bool
	var tries int
	rename = func(from, to string) error {
		if fail && strings.HasSuffix(from, FileName) {
			tries++
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: errors.New("sharing violation")}
		}
		return os.Rename(from, to)
	}
	t.Cleanup(func() { rename = os.Rename })
	dir := t.TempDir()
	w, err := Open(dir, Options{MaxSize: 520, Keep: 2}) // 10 records a file
	if err != nil {
		t.Fatal(err)
	}
	fail = true
	for i := range 20 {
		if _, err := w.Write([]byte(record(i))); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	// Tried at record 10, then every 65 bytes (MaxSize/8): records 12, 14, ... 18.
	if tries < 2 || tries > 6 {
		t.Errorf("%d rotation tries for 10 records past the limit", tries)
	}
	fail = false
	w.Write([]byte(record(20)))
	w.Close()
	if got := seqs(t, dir, 0); !slices.Equal(got, []int{20}) {
		t.Errorf("after the rename works again, current file %v", got)
	}
	if got := seqs(t, dir, 2); len(got) != 21 {
		t.Errorf("records %v: some lost", got)
	}
}

func TestFollowsARotationByAnotherProcess(t *testing.T) {
	// Two processes (the window and a CLI command) log to the same folder.
	dir := t.TempDir()
	a, _ := Open(dir, Options{MaxSize: 300, Keep: 3})
	for i := range 5 { // 260 bytes
		a.Write([]byte(record(i)))
	}
	b, _ := Open(dir, Options{MaxSize: 300, Keep: 3})
	b.Write([]byte(record(5))) // b rotates: 0-4 become .1
	a.Write([]byte(record(6))) // a's file is .1 now: a must follow b into the new file, not rotate it away
	a.Close()
	b.Close()
	if got := logFiles(t, dir); !slices.Equal(got, []string{FileName, FileName + ".1"}) {
		t.Errorf("files %v", got)
	}
	if got := seqs(t, dir, 0); !slices.Equal(got, []int{5, 6}) {
		t.Errorf("current file %v, want [5 6]", got)
	}
	if got := seqs(t, dir, 3); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6}) {
		t.Errorf("records %v", got)
	}
}

func TestHandlerWritesUTCLines(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(&buf, slog.LevelInfo))
	log.Debug("hidden")
	log.Info("printer ready", "port", "COM3", slog.Group("job", "bytes", 1234567890))
	line := buf.String()
	m := regexp.MustCompile(`^time=(\S+) level=INFO msg="printer ready" port=COM3 job.bytes=1234567890\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("line %q", line)
	}
	if !strings.HasSuffix(m[1], "Z") || len(m[1]) != len("2026-03-21T06:30:00.125Z") {
		t.Errorf("time %q is not RFC 3339 UTC to the millisecond", m[1])
	}
}
