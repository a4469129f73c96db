package store

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
)

// busyDB is a desk after a day of mixed work: 4 + 12 + 6 audit entries.
func busyDB(t *testing.T) (*DB, *clock) {
	t.Helper()
	db, c := readyDB(t) // desk.init, catalog.import
	ctx := context.Background()
	if err := db.AddUser(ctx, pishkhan.User{Username: "clerk1", FullName: "اپراتور", Role: pishkhan.RoleClerk, PINHash: cheapHash(t, "2468")}, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := db.AppendAudit(ctx, "clerk1", "login", "clerk1", ""); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		c.advance(time.Duration(i) * time.Second)
		intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	}
	b, _ := db.OutboxBatch(ctx, 3)
	for _, v := range b {
		if err := db.TransitionRequest(ctx, v.ID, pishkhan.StateSending, "", "replicator"); err != nil {
			t.Fatal(err)
		}
		if err := db.TransitionRequest(ctx, v.ID, pishkhan.StateAccepted, "", "replicator"); err != nil {
			t.Fatal(err)
		}
	}
	return db, c
}

func TestVerifyAuditHealthy(t *testing.T) {
	db, _ := busyDB(t)
	ctx := context.Background()
	n, last, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 22 || last == nil || last.Seq != 22 {
		t.Fatalf("VerifyAudit = %d entries, last %+v; want 22", n, last)
	}
	var hash string
	if err := db.SQL().QueryRow("SELECT hash FROM audit WHERE seq = 22").Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if last.Hash != hash || last.Action != "request.state" {
		t.Errorf("last entry %+v", last)
	}
	all, err := db.AuditTrail(ctx, "", 0)
	if err != nil || len(all) != 22 {
		t.Fatalf("AuditTrail: %d, %v", len(all), err)
	}
	if err := pishkhan.VerifyAuditChain(all); err != nil {
		t.Errorf("chain read back does not verify: %v", err)
	}
	if some, _ := db.AuditTrail(ctx, "", 5); len(some) != 5 || some[4].Seq != 5 {
		t.Errorf("AuditTrail limit 5: %d", len(some))
	}
}

func TestVerifyAuditEmpty(t *testing.T) {
	db, _ := openTestDB(t)
	n, last, err := db.VerifyAudit(context.Background())
	if err != nil || n != 0 || last != nil {
		t.Errorf("empty trail: %d %v %v", n, last, err)
	}
}

func TestVerifyAuditDetectsTampering(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		tamper []string
		entry  string // the error must name this entry
	}{
		{"detail changed", []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET detail = 'nothing happened' WHERE seq = 7"}, "entry 7"},
		{"actor changed", []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET actor = 'someone' WHERE seq = 7"}, "entry 7"},
		{"time changed", []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET at = '2020-01-01T00:00:00.000000000Z' WHERE seq = 7"}, "entry 7"},
		{"time garbled", []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET at = 'yesterday' WHERE seq = 7"}, "entry 7"},
		{"hash replaced", []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET hash = '" + strings.Repeat("ab", 32) + "' WHERE seq = 7"}, "entry 7"},
		{"last entry changed", []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET detail = 'x' WHERE seq = 22"}, "entry 22"},
		{"middle entry deleted", []string{"DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE seq = 7"}, "entry 7"},
		{"first entry deleted", []string{"DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE seq = 1"}, "entry 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := busyDB(t)
			if _, _, err := db.VerifyAudit(ctx); err != nil {
				t.Fatalf("before tampering: %v", err)
			}
			for _, q := range tc.tamper {
				if err := rawExec(db, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			n, _, err := db.VerifyAudit(ctx)
			if err == nil {
				t.Fatal("tampering not detected")
			}
			wantCode(t, err, pishkhan.EConflict)
			if !regexp.MustCompile(`\b` + tc.entry + `\b`).MatchString(err.Error()) {
				t.Errorf("error does not name %s: %v", tc.entry, err)
			}
			if n >= 22 {
				t.Errorf("verified %d entries despite the tampering", n)
			}
		})
	}

	// Rewriting an entry and recomputing its own hash still breaks the link to the next one.
	t.Run("entry rewritten with a fresh hash", func(t *testing.T) {
		db, _ := busyDB(t)
		all, _ := db.AuditTrail(ctx, "", 0)
		e := all[6] // seq 7
		e.Detail = "rewritten"
		e.Hash = e.ComputeHash()
		if err := rawExec(db, "DROP TRIGGER audit_no_update"); err != nil {
			t.Fatal(err)
		}
		if err := rawExec(db, "UPDATE audit SET detail = ?, hash = ? WHERE seq = 7", e.Detail, e.Hash); err != nil {
			t.Fatal(err)
		}
		_, _, err := db.VerifyAudit(ctx)
		if err == nil {
			t.Fatal("rewritten entry not detected")
		}
		if !regexp.MustCompile(`\bentry 8\b`).MatchString(err.Error()) {
			t.Errorf("error does not name entry 8: %v", err)
		}
	})
}
