package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/pishkhan/pishkhan"
)

// genericConstraint is classify's Persian message for a constraint it does not know.
const genericConstraint = "این داده با داده‌های ثبت‌شده ناسازگار است و ذخیره نشد."

// TestClassifyTriggerMessages hits every RAISE(ABORT, …) trigger of the
// schema with raw SQL and checks that classify turns each into its own typed
// error, keeping the generic conflict for other constraints.
func TestClassifyTriggerMessages(t *testing.T) {
	db, c := readyDB(t)
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	id := r.ID.String()
	if err := rawExec(db, `INSERT INTO day_close_rounds (day, expected_cash, counted_cash, expected_card, counted_card, requests, closed_by, closed_at)
		VALUES ('1405/09/07', 1150000, 1150000, 0, 0, 1, 'boss', ?)`, fmtTime(c.now())); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, sql string
		args      []any
		code      string
		persian   string
	}{
		{"closed day", `INSERT INTO requests (id, tracking_code, day, seq, national_code, sub_service_id, sub_service_name, service_id,
			service_name, agency_id, agency_name, catalog_version, fields_json, gov_fee, counter_fee, state, clerk, created_at, updated_at)
			SELECT ?, substr(tracking_code, 1, 13) || '00020', day, 2, national_code, sub_service_id, sub_service_name, service_id,
			service_name, agency_id, agency_name, catalog_version, fields_json, gov_fee, counter_fee, state, clerk, created_at, updated_at
			FROM requests WHERE id = ?`, []any{newID(t, c).String(), id},
			pishkhan.ELocked, "روز کاری بسته شده است؛ چیزی به آن افزوده نمی‌شود."},
		{"state machine", "UPDATE requests SET state = 'done' WHERE id = ?", []any{id}, pishkhan.EState, "این تغییر وضعیت درخواست مجاز نیست."},
		{"audit update", "UPDATE audit SET detail = 'x' WHERE seq = 1", nil, pishkhan.EConflict, ""},
		{"audit delete", "DELETE FROM audit", nil, pishkhan.EConflict, ""},
		{"payment update", "UPDATE payments SET amount = 0 WHERE request_id = ?", []any{id}, pishkhan.EConflict, ""},
		{"payment delete", "DELETE FROM payments WHERE request_id = ?", []any{id}, pishkhan.EConflict, ""},
		{"request snapshot", "UPDATE requests SET gov_fee = 0 WHERE id = ?", []any{id}, pishkhan.EConflict, ""},
		{"day close update", "UPDATE day_close_rounds SET counted_cash = 0", nil, pishkhan.EConflict, ""},
		{"day close delete", "DELETE FROM day_close_rounds", nil, pishkhan.EConflict, ""},
		{"check constraint", "UPDATE requests SET state_note = 'x', mobile = 'x', national_code = '1' WHERE id = ?", []any{id},
			pishkhan.EConflict, genericConstraint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := rawExec(db, tc.sql, tc.args...)
			var se sqlite3.Error
			if !errors.As(raw, &se) || se.Code != sqlite3.ErrConstraint {
				t.Fatalf("raw error %v is not a constraint failure", raw)
			}
			err := classify(raw)
			wantCode(t, err, tc.code)
			p := pishkhan.PersianMessage(err)
			if tc.persian != "" && p != tc.persian {
				t.Errorf("Persian message %q, want %q", p, tc.persian)
			}
			if tc.code == pishkhan.EConflict && tc.persian == "" && (p == genericConstraint || !strings.Contains(p, "تغییر نمی‌کن")) {
				t.Errorf("Persian message %q does not say the record cannot be changed", p)
			}
			if !errors.As(err, &se) {
				t.Errorf("classified error %v lost its cause", err)
			}
		})
	}

	// The same through inTx, with the cause wrapped as store code wraps it.
	ctx := context.Background()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE requests SET state = 'accepted' WHERE id = ?", id)
		if err != nil {
			return errors.Join(errors.New("update request state"), err)
		}
		return nil
	})
	wantCode(t, err, pishkhan.EState)
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM audit WHERE seq = 1")
		return err
	})
	wantCode(t, err, pishkhan.EConflict)
	if n, _, err := db.VerifyAudit(ctx); err != nil || n != 3 {
		t.Errorf("VerifyAudit = %d, %v", n, err)
	}
}

func TestInitDeskRename(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	intake(t, db, passRequest(t, c, mustNC(t, "001234567"))) // remembers the desk config
	before := rowCounts(t, db)
	renamed := testCfg
	renamed.OfficeName = "دفتر پیشخوان شماره ۱۲ (شعبه مرکزی)"
	if err := db.InitDesk(ctx, renamed, "tech"); err != nil {
		t.Fatalf("rename: %v", err)
	}
	after := rowCounts(t, db)
	for _, tb := range allTables {
		if want := before[tb] + map[string]int{"audit": 1}[tb]; after[tb] != want {
			t.Errorf("table %s: %d rows after a rename, want %d", tb, after[tb], want)
		}
	}
	got, err := db.DeskConfig(ctx)
	if err != nil || got.OfficeName != renamed.OfficeName || got.OfficeCode != testCfg.OfficeCode || got.DeskNumber != testCfg.DeskNumber ||
		!got.CreatedAt.Equal(testStart) {
		t.Errorf("DeskConfig after rename = %+v, %v", got, err)
	}
	trail, _ := db.AuditTrail(ctx, "12345-03", 0)
	if len(trail) != 2 || trail[1].Action != "desk.rename" || trail[1].Actor != "tech" ||
		trail[1].Detail != testCfg.OfficeName+" -> "+renamed.OfficeName {
		t.Errorf("audit after rename: %+v", trail)
	}
	db.mu.Lock()
	cached := db.desk
	db.mu.Unlock()
	if cached != nil {
		t.Errorf("the remembered desk config %+v survived the rename", *cached)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		cfg, err := db.deskConfigTx(ctx, tx)
		if err == nil && cfg.OfficeName != renamed.OfficeName {
			t.Errorf("deskConfigTx after rename: %+v", cfg)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// The new name again is a no-op.
	before = rowCounts(t, db)
	if err := db.InitDesk(ctx, renamed, "tech"); err != nil {
		t.Errorf("same name again: %v", err)
	}
	sameCounts(t, before, rowCounts(t, db))
	// Intake still works and uses the same office and desk.
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	if !strings.HasPrefix(string(r.TrackingCode), "1234503") {
		t.Errorf("tracking code after rename %s", r.TrackingCode)
	}
}

// TestErrorsHaveContext checks that read failures come back as typed errors
// that say what was being read.
func TestErrorsHaveContext(t *testing.T) {
	db, _ := readyDB(t)
	ctx := context.Background()
	if err := rawExec(db, `INSERT INTO print_jobs (kind, state, created_at) VALUES ('day_close', 'pending', 'yesterday')`); err != nil {
		t.Fatal(err)
	}
	_, err := db.PendingPrintJobs(ctx)
	wantCode(t, err, pishkhan.EInternal)
	if !strings.Contains(err.Error(), "read print job 1") {
		t.Errorf("error %q does not say what was read", err)
	}

	db.Close()
	for name, call := range map[string]func() error{
		"schema version":   func() error { _, err := db.SchemaVersion(ctx); return err },
		"users":            func() error { _, err := db.Users(ctx); return err },
		"print jobs":       func() error { _, err := db.PendingPrintJobs(ctx); return err },
		"integrity report": func() error { _, err := db.IntegrityReport(ctx); return err },
		"audit trail":      func() error { _, err := db.AuditTrail(ctx, "", 0); return err },
	} {
		err := call()
		var pe *pishkhan.Error
		if !errors.As(err, &pe) || pe.Code != pishkhan.EInternal {
			t.Errorf("%s on a closed database: %v is not a typed error", name, err)
			continue
		}
		if want := strings.Fields(name)[0]; !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q does not say what was read", name, err)
		}
	}
}
