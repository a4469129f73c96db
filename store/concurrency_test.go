package store

import (
	"context"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
)

// TestConcurrentIntake files requests from several goroutines through two
// handles on the same file (as two processes would): every one succeeds and
// the day's sequence numbers are 1..n without gaps or repeats.
func TestConcurrentIntake(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pishkhan.db")
	now := func() time.Time { return testStart }
	var dbs []*DB
	for i := 0; i < 2; i++ {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.Now = now
		defer db.Close()
		dbs = append(dbs, db)
	}
	if err := dbs[0].InitDesk(ctx, testCfg, "tech"); err != nil {
		t.Fatal(err)
	}
	if err := dbs[0].ImportCatalog(ctx, testCatalog(1), "tech"); err != nil {
		t.Fatal(err)
	}
	nc := mustNC(t, "001234567")
	const workers, each = 4, 5
	var mu sync.Mutex
	var seqs []int
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(db *DB) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id, err := pishkhan.NewID(testStart, nil)
				if err != nil {
					errs <- err
					return
				}
				r, err := db.Intake(ctx, NewRequest{ID: id, Citizen: pishkhan.Citizen{NationalCode: nc, FirstName: "a", LastName: "b"},
					SubServiceID: "ss-renew", CatalogVersion: 1, Payment: pishkhan.Payment{Method: pishkhan.PayCash, Amount: 600_000}, Clerk: "c"})
				if err != nil {
					errs <- err
					return
				}
				_, p, err := pishkhan.ParseTrackingCode(string(r.TrackingCode), 1405)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				seqs = append(seqs, p.Seq)
				mu.Unlock()
			}
		}(dbs[w%2])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent intake: %v", err)
	}
	sort.Ints(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("sequence numbers %v, want 1..%d", seqs, workers*each)
		}
	}
	if n, _, err := dbs[1].VerifyAudit(ctx); err != nil || n != 2+workers*each {
		t.Errorf("VerifyAudit: %d, %v", n, err)
	}
}

// TestConcurrentFirstOpen opens a new database from several handles at once,
// as when the app and a CLI command start together on a fresh desk.
func TestConcurrentFirstOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pishkhan.db")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(ctx, path)
			if err != nil {
				errs <- err
				return
			}
			db.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent first open: %v", err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, _ := Migrations()
	if n := count(t, db.SQL(), "SELECT COUNT(*) FROM schema_migrations"); n != len(ms) {
		t.Errorf("%d schema_migrations rows, want %d", n, len(ms))
	}
}
