package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/store/storetest"
)

// TestClassifyDiskFull checks that every way SQLite and the OS say "the disk
// is full" becomes EDiskFull with a message that says so and what to do,
// and that other I/O failures stay EInternal.
func TestClassifyDiskFull(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		full bool
	}{
		{"SQLITE_FULL", sqlite3.Error{Code: sqlite3.ErrFull, ExtendedCode: sqlite3.ErrNoExtended(sqlite3.ErrFull)}, true},
		{"SQLITE_FULL at commit", fmt.Errorf("commit: %w", sqlite3.Error{Code: sqlite3.ErrFull}), true},
		{"SQLITE_IOERR_WRITE with ENOSPC", sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrWrite, SystemErrno: syscall.ENOSPC}, true},
		{"SQLITE_IOERR_SHMSIZE with ENOSPC", errors.Join(errors.New("insert request"),
			sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrSHMSize, SystemErrno: syscall.ENOSPC}), true},
		{"SQLITE_IOERR_TRUNCATE with EDQUOT", sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrTruncate, SystemErrno: syscall.EDQUOT}, true},
		{"SQLITE_CANTOPEN with ENOSPC", sqlite3.Error{Code: sqlite3.ErrCantOpen, SystemErrno: syscall.ENOSPC}, true},
		{"file write with ENOSPC", fmt.Errorf("open backup file x: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}), true},
		{"SQLITE_IOERR_WRITE with EIO", sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrWrite, SystemErrno: syscall.EIO}, false},
		{"SQLITE_IOERR_FSYNC without errno", sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrFsync}, false},
		{"file write with EIO", &os.PathError{Op: "write", Path: "x", Err: syscall.EIO}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for how, err := range map[string]error{"storageError": storageError(tc.err), "classify": classify(tc.err)} {
				if !tc.full {
					wantCode(t, err, pishkhan.EInternal)
					if strings.Contains(err.Error(), "disk full") {
						t.Errorf("%s: %v says disk full", how, err)
					}
					continue
				}
				checkDiskFull(t, err)
				if !errors.Is(err, tc.err) {
					t.Errorf("%s: %v lost its cause", how, err)
				}
			}
		})
	}
}

// checkDiskFull fails unless err is EDiskFull, says so in English and in
// Persian, tells the clerk to free space, and nowhere says "internal".
func checkDiskFull(t *testing.T, err error) {
	t.Helper()
	wantCode(t, err, pishkhan.EDiskFull)
	storetest.CheckDiskFullMessages(t, err)
}

// TestIntakeAtPageLimit files requests until SQLite refuses to grow the
// database (max_page_count makes it answer SQLITE_FULL as a full disk
// does). The refused intake is EDiskFull and wrote nothing; the requests
// before it are intact; once there is room the same request files.
func TestIntakeAtPageLimit(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	var pages int64
	if err := db.SQL().QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	storetest.LimitPages(t, db.SQL(), pages+8)

	var filed []*pishkhan.Request
	var failed NewRequest
	var err error
	for i := 0; ; i++ {
		if i == 2000 {
			t.Fatalf("%d intakes within %d pages and none refused", i, pages+8)
		}
		in := passRequest(t, c, mustNC(t, fmt.Sprintf("%09d", 100000000+i*7919)))
		before := rowCounts(t, db)
		var r *pishkhan.Request
		if r, err = db.Intake(ctx, in); err != nil {
			failed = in
			sameCounts(t, before, rowCounts(t, db))
			break
		}
		filed = append(filed, r)
		c.advance(1e9)
	}
	t.Logf("%d intakes filed before the database reached %d pages", len(filed), pages+8)
	checkDiskFull(t, err)
	if len(filed) == 0 {
		t.Fatal("the first intake was refused; the test filled nothing")
	}
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrFull {
		t.Errorf("cause %v is not SQLITE_FULL", err)
	}
	if _, err := db.RequestByID(ctx, failed.ID); pishkhan.ErrorCode(err) != pishkhan.ENotFound {
		t.Errorf("the refused request is there: %v", err)
	}
	checkIntact := func(want int) {
		t.Helper()
		var check string
		if err := db.SQL().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Fatalf("integrity_check = %q, %v", check, err)
		}
		if problems, err := db.IntegrityReport(ctx); err != nil || len(problems) > 0 {
			t.Fatalf("integrity report: %v %v", problems, err)
		}
		if n, _, err := db.VerifyAudit(ctx); err != nil || n != int64(2+want) { // desk.init, catalog.import
			t.Fatalf("VerifyAudit = %d, %v; want %d entries", n, err, 2+want)
		}
		if n := count(t, db.SQL(), "SELECT COUNT(*) FROM requests"); n != want {
			t.Fatalf("%d requests, want %d", n, want)
		}
		for _, r := range filed {
			v, err := db.RequestByID(ctx, r.ID)
			if err != nil || v.TrackingCode != r.TrackingCode || v.Payment == nil || len(v.Inquiries) != 3 || len(v.PrintJobs) != 1 {
				t.Fatalf("request %s after the full disk: %+v, %v", r.TrackingCode, v, err)
			}
		}
	}
	checkIntact(len(filed))

	storetest.LimitPages(t, db.SQL(), 1<<30)
	r := intake(t, db, failed)
	filed = append(filed, r)
	checkIntact(len(filed))
}
