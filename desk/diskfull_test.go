//go:build unix

// Like the crash test, whose checks it reuses (crashVerify), this test is
// built on unix systems only.

package desk_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/store/storetest"
)

// fullDisk is a way to run a desk's database out of space and to give it
// room again.
type fullDisk struct {
	how string // for the log
	// fill leaves the database little room to grow.
	fill func(t *testing.T, d *desk.Desk)
	// free gives it room again.
	free func(t *testing.T, d *desk.Desk)
	// persists is set when the disk stays full across closing and
	// reopening the desk (a real full filesystem, not a per-connection limit).
	persists bool
}

// tmpfsSize is the size of the tmpfs the desk lives on; a filler file
// takes what the desk and tmpfsHeadroom do not need.
const tmpfsSize = 64 << 20

// tmpfsHeadroom is the free space left on the tmpfs when the intakes start:
// more than a full WAL (1000 pages), so that auto-checkpoints grow the
// database file on the nearly full disk until one of them fails and then
// the WAL cannot grow either.
const tmpfsHeadroom = 6 << 20

// pageHeadroom is the number of pages the page-limited database may still
// grow by when the intakes start.
const pageHeadroom = 200

// tmpfsDisk mounts a tmpfs of tmpfsSize on dir, unmounted when the test
// ends, and returns the fullDisk that fills it with a filler file. It
// returns the mount's error where this machine does not allow it.
func tmpfsDisk(t *testing.T, dir string) (fullDisk, error) {
	t.Helper()
	if err := mountTmpfs(t, dir, tmpfsSize); err != nil {
		return fullDisk{}, err
	}
	filler := filepath.Join(dir, "filler")
	return fullDisk{
		how:      fmt.Sprintf("a %d MB tmpfs filled up by a filler file", tmpfsSize>>20),
		persists: true,
		fill: func(t *testing.T, d *desk.Desk) {
			t.Helper()
			free, err := statfsFree(dir)
			if err != nil {
				t.Fatal(err)
			}
			if free < tmpfsHeadroom {
				t.Fatalf("only %d bytes free on the tmpfs after the set-up", free)
			}
			f, err := os.OpenFile(filler, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.CopyN(f, zeros{}, free-tmpfsHeadroom); err != nil {
				f.Close()
				t.Fatalf("write the filler file: %v", err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			left, err := statfsFree(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("filler file of %d bytes written; %d bytes free", free-tmpfsHeadroom, left)
		},
		free: func(t *testing.T, d *desk.Desk) {
			t.Helper()
			if err := os.Remove(filler); err != nil {
				t.Fatalf("remove the filler file: %v", err)
			}
		},
	}, nil
}

// pageLimitDisk makes SQLite itself refuse to grow the database with
// PRAGMA max_page_count: writes past it fail with SQLITE_FULL, as on a full
// disk. It needs no privileges.
func pageLimitDisk() fullDisk {
	return fullDisk{
		how: fmt.Sprintf("PRAGMA max_page_count (%d pages of room)", pageHeadroom),
		fill: func(t *testing.T, d *desk.Desk) {
			t.Helper()
			var pages int64
			if err := sqlDB(d).QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
				t.Fatal(err)
			}
			storetest.LimitPages(t, sqlDB(d), pages+pageHeadroom)
		},
		free: func(t *testing.T, d *desk.Desk) {
			t.Helper()
			storetest.LimitPages(t, sqlDB(d), 1<<30)
		},
	}
}

// zeros reads zeros.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// statfsFree is the space free on dir's filesystem.
func statfsFree(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// fileSize is the size of the file at path, or -1 when there is none.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return fi.Size()
}

// TestIntakeOnFullDisk files intakes into a desk whose data folder is a
// small tmpfs until the disk is full, where this machine allows mounting one
// (root on Linux); elsewhere it fills the database with PRAGMA
// max_page_count instead, so SQLite still fails the write with SQLITE_FULL.
// It logs which. See runFullDisk for what it checks.
func TestIntakeOnFullDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	fd, err := tmpfsDisk(t, dir)
	if err != nil {
		t.Logf("no tmpfs (%v); using PRAGMA max_page_count instead", err)
		fd = pageLimitDisk()
	}
	runFullDisk(t, dir, fd)
}

// TestIntakeAtPageLimit is TestIntakeOnFullDisk with PRAGMA max_page_count
// always, so that path is covered where the tmpfs is used too.
func TestIntakeAtPageLimit(t *testing.T) {
	runFullDisk(t, t.TempDir(), pageLimitDisk())
}

// runFullDisk sets a desk up in dir with the demo catalog as the crash test
// does, fills the disk with fd and files intakes until one fails. The
// failure must be EDiskFull, saying so in English and in Persian with what
// to do, and must leave nothing behind; every intake before it must be
// complete (crashVerify: request, inquiries, payment, receipt print job and
// audit entry, sequences, audit chain, integrity_check), also after a WAL
// checkpoint fails on the full disk and, when the disk stays full across a
// restart, after closing and reopening the desk on it. Once fd frees space,
// the same intake files, once.
func runFullDisk(t *testing.T, dir string, fd fullDisk) {
	ctx := context.Background()
	t.Logf("filling the disk with %s", fd.how)
	start := time.Now()
	cat := democatalog.Version1()
	d := benchSetupDesk(t, dir, cat)
	t.Cleanup(func() { d.Close() }) // runs before the tmpfs is unmounted
	if err := d.SetOfflineLimits(ctx, pishkhan.OfflineLimits{WarnAfter: 10 * 365 * 24 * time.Hour,
		RefuseAfter: 20 * 365 * 24 * time.Hour}, as(t, d, "boss")); err != nil {
		t.Fatal(err)
	}
	const setupAudit = 5 // as in the crash test: desk.init, catalog.import, user.add ×2, sync.limits
	picks := benchPickSubServices(cat, 2)
	wantInquiries := map[string]int{}
	for _, p := range picks {
		wantInquiries[p.SubService.ID] = len(p.SubService.Inquiries)
	}
	// Start from an empty WAL, so that it too must grow on the small disk.
	var busy, logged, moved int
	if err := sqlDB(d).QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &moved); err != nil || busy != 0 {
		t.Fatalf("wal_checkpoint(TRUNCATE) = %d, %v", busy, err)
	}
	dbFile := filepath.Join(dir, desk.DBFile)
	fd.fill(t, d)
	dbBefore := fileSize(dbFile)
	t.Logf("set-up took %v; the database is %d bytes", time.Since(start), dbBefore)

	start = time.Now()
	var reports []crashReport
	reported := map[string]crashReport{}
	var failed desk.IntakeInput
	var err error
	for i := 0; ; i++ {
		if i == 5000 {
			t.Fatalf("%d intakes filed and none refused: the disk never filled", i)
		}
		in := benchIntakeInput(picks[i%len(picks)], i, i%2 == 1)
		id, idErr := pishkhan.NewID(d.Now(), nil)
		if idErr != nil {
			t.Fatal(idErr)
		}
		in.ID = id.String()
		var r *pishkhan.Request
		if r, err = d.Intake(ctx, in); err != nil {
			failed = in
			break
		}
		rep := crashReport{Code: string(r.TrackingCode), ID: r.ID.String(), SubService: r.SubServiceID}
		reports = append(reports, rep)
		reported[rep.Code] = rep
		if i%40 == 39 {
			// The pause between walk-ins, when the store checkpoints by
			// itself (store/checkpoint.go); this loop has no pauses, so
			// the test checkpoints the same way, and the database file
			// must grow on the nearly full disk too.
			var busy, logged, moved int
			if err := sqlDB(d).QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logged, &moved); err != nil {
				t.Logf("checkpoint after intake %d: %v", i+1, err)
			}
		}
	}
	dbAfter, walAfter := fileSize(dbFile), fileSize(dbFile+"-wal")
	t.Logf("%d intakes filed in %v before the disk was full; the database grew from %d to %d bytes, the WAL is %d bytes; the refusal: %v",
		len(reports), time.Since(start), dbBefore, dbAfter, walAfter, err)
	if len(reports) == 0 {
		t.Fatal("the first intake was refused: the test filled nothing")
	}
	if fd.persists && dbAfter <= dbBefore {
		t.Errorf("the database file did not grow (%d bytes): no WAL checkpoint ran on the nearly full disk", dbAfter)
	}
	checkDiskFullError(t, err)

	failedID, err := pishkhan.ParseID(failed.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkNothingOf := func(when string) {
		t.Helper()
		if _, err := d.Store.RequestByID(ctx, failedID); pishkhan.ErrorCode(err) != pishkhan.ENotFound {
			t.Fatalf("%s: the refused intake %s is in the database (%v)", when, failedID, err)
		}
		var n int
		if err := sqlDB(d).QueryRow("SELECT COUNT(*) FROM requests").Scan(&n); err != nil || n != len(reports) {
			t.Fatalf("%s: %d requests (%v), want the %d filed", when, n, err, len(reports))
		}
	}
	checkNothingOf("after the refusal")

	// A checkpoint now has nowhere to copy the WAL to (on the tmpfs);
	// whatever it answers, nothing may be lost.
	err = sqlDB(d).QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &moved)
	t.Logf("wal_checkpoint(TRUNCATE) on the full disk: %v (busy %d, log %d, checkpointed %d)", err, busy, logged, moved)
	crashVerify(t, ctx, dir, 0, reports, reported, wantInquiries, setupAudit)
	checkNothingOf("after the checkpoint")

	if fd.persists {
		// The clerk restarts the app with the disk still full: the close's
		// own checkpoint fails, the reopen recovers from the WAL, and the
		// intake is refused the same way.
		if err := d.Close(); err != nil {
			t.Fatalf("close on the full disk: %v", err)
		}
		crashVerify(t, ctx, dir, 1, reports, reported, wantInquiries, setupAudit)
		if d, err = desk.Open(ctx, dir, nil); err != nil {
			t.Fatalf("reopen on the full disk: %v", err)
		}
		_, err = d.Intake(ctx, failed)
		checkDiskFullError(t, err)
		checkNothingOf("after a restart on the full disk")
	}

	fd.free(t, d)
	r, err := d.Intake(ctx, failed)
	if err != nil {
		t.Fatalf("intake after freeing space: %v", err)
	}
	if r.ID != failedID {
		t.Fatalf("intake after freeing space filed %s, want %s", r.ID, failedID)
	}
	rep := crashReport{Code: string(r.TrackingCode), ID: r.ID.String(), SubService: r.SubServiceID}
	reports = append(reports, rep)
	reported[rep.Code] = rep
	if again, err := d.Intake(ctx, failed); err != nil || again.TrackingCode != r.TrackingCode {
		t.Fatalf("the same intake again = %v, %v; want %s filed once", again, err, r.TrackingCode)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	crashVerify(t, ctx, dir, 2, reports, reported, wantInquiries, setupAudit)
}

// checkDiskFullError fails unless err is the typed disk-full error: code
// EDiskFull, English saying "disk full", Persian saying that the disk is
// full and to free space, and "internal" nowhere.
func checkDiskFullError(t *testing.T, err error) {
	t.Helper()
	expectCode(t, err, pishkhan.EDiskFull, "")
	storetest.CheckDiskFullMessages(t, err)
	var errno syscall.Errno
	if errors.As(err, &errno) && errno != syscall.ENOSPC && errno != syscall.EDQUOT {
		t.Errorf("disk full error %v carries errno %v", err, errno)
	}
}
