package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
)

func TestPurgePersonalData(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	nc := mustNC(t, "001234567")
	other := mustNC(t, "987654321")
	move := func(r *pishkhan.Request, states ...pishkhan.RequestState) {
		t.Helper()
		for _, s := range states {
			if err := db.TransitionRequest(ctx, r.ID, s, "", "replicator"); err != nil {
				t.Fatal(err)
			}
		}
	}
	S, A := pishkhan.StateSending, pishkhan.StateAccepted
	// Old requests, filed 40 days ago, in every kind of state.
	old := map[pishkhan.RequestState]*pishkhan.Request{}
	for _, st := range []pishkhan.RequestState{pishkhan.StateQueued, pishkhan.StateSending, pishkhan.StateRejected, pishkhan.StateConflict,
		pishkhan.StateAccepted, pishkhan.StateInProgress, pishkhan.StateNeedsAction, pishkhan.StateDone, pishkhan.StateRefused} {
		old[st] = intake(t, db, passRequest(t, c, nc))
		c.advance(time.Second)
	}
	move(old[pishkhan.StateSending], S)
	move(old[pishkhan.StateRejected], S, pishkhan.StateRejected)
	move(old[pishkhan.StateConflict], S, pishkhan.StateConflict)
	move(old[pishkhan.StateAccepted], S, A)
	move(old[pishkhan.StateInProgress], S, A, pishkhan.StateInProgress)
	move(old[pishkhan.StateNeedsAction], S, A, pishkhan.StateNeedsAction)
	move(old[pishkhan.StateDone], S, A, pishkhan.StateDone)
	move(old[pishkhan.StateRefused], S, A, pishkhan.StateRefused)
	// A recent accepted request of another citizen.
	c.advance(40 * 24 * time.Hour)
	recent := intake(t, db, passRequest(t, c, other))
	move(recent, S, A)
	c.advance(time.Hour)

	// Inquiry answers may hold personal data too.
	for _, r := range old {
		if err := rawExec(db, "UPDATE inquiries SET state = 'answered', answer = 'نشانی: تهران، خیابان آزادی' WHERE request_id = ?", r.ID.String()); err != nil {
			t.Fatal(err)
		}
	}
	auditBefore := count(t, db.SQL(), "SELECT COUNT(*) FROM audit")
	n, err := db.PurgePersonalData(ctx, c.now().Add(-30*24*time.Hour), "boss")
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("purged %d requests, want 5 (accepted, in_progress, needs_action, done, refused)", n)
	}
	if got := count(t, db.SQL(), "SELECT COUNT(*) FROM audit"); got != auditBefore+1 {
		t.Errorf("%d audit entries added, want 1", got-auditBefore)
	}
	trail, _ := db.AuditTrail(ctx, "requests", 0)
	if len(trail) != 1 || trail[0].Action != "privacy.purge" || trail[0].Actor != "boss" || !strings.HasPrefix(trail[0].Detail, "5 ") {
		t.Errorf("purge audit %+v", trail)
	}

	purged := map[pishkhan.RequestState]bool{A: true, pishkhan.StateInProgress: true, pishkhan.StateNeedsAction: true,
		pishkhan.StateDone: true, pishkhan.StateRefused: true}
	for st, r := range old {
		v, err := db.RequestByTracking(ctx, r.TrackingCode)
		if err != nil {
			t.Fatalf("tracking-code lookup of a %s request after purge: %v", st, err)
		}
		c := v.Citizen
		if purged[st] {
			if c.FirstName != "" || c.LastName != "" || c.FatherName != "" || c.BirthDate != "" || c.Mobile != "" || len(v.Fields) != 0 {
				t.Errorf("%s request still holds personal data: %+v %v", st, c, v.Fields)
			}
			for _, q := range v.Inquiries {
				if q.Answer != "" {
					t.Errorf("%s request inquiry %s answer %q survived the purge", st, q.TypeID, q.Answer)
				}
			}
			if string(c.NationalCode) != nc.Masked() {
				t.Errorf("%s request national code %q, want masked %q", st, c.NationalCode, nc.Masked())
			}
			// The books stay.
			if v.GovFee != r.GovFee || v.CounterFee != r.CounterFee || v.State != st || v.SubServiceID != "ss-pass" ||
				v.Payment == nil || v.Payment.Amount != 1_150_000 || len(v.Inquiries) != 3 {
				t.Errorf("%s request lost its books: %+v", st, v)
			}
		} else if c.FirstName != "علی" || c.NationalCode != nc || v.Inquiries[0].Answer == "" {
			t.Errorf("%s request was purged: %+v %+v", st, c, v.Inquiries)
		}
	}
	v, _ := db.RequestByTracking(ctx, recent.TrackingCode)
	if v.Citizen.FirstName != "علی" || v.Citizen.NationalCode != other {
		t.Errorf("recent request was purged: %+v", v.Citizen)
	}

	// Lookup by national code finds only the unpurged ones.
	byNC, err := db.RequestsByNationalCode(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	if len(byNC) != 4 {
		t.Errorf("national-code lookup finds %d requests, want the 4 unpurged (queued, sending, rejected, conflict)", len(byNC))
	}
	for _, v := range byNC {
		if purged[v.State] {
			t.Errorf("national-code lookup still finds a purged %s request", v.State)
		}
	}
	// Newest first.
	for i := 1; i < len(byNC); i++ {
		if byNC[i].CreatedAt.After(byNC[i-1].CreatedAt) {
			t.Errorf("national-code lookup not newest first")
		}
	}

	// A second purge finds nothing and writes nothing.
	before := rowCounts(t, db)
	n, err = db.PurgePersonalData(ctx, c.now().Add(-30*24*time.Hour), "boss")
	if err != nil || n != 0 {
		t.Errorf("second purge: %d, %v", n, err)
	}
	sameCounts(t, before, rowCounts(t, db))
	if _, _, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit after purge: %v", err)
	}
	if probs, err := db.IntegrityReport(ctx); err != nil || len(probs) != 0 {
		t.Errorf("IntegrityReport after purge: %v, %v", probs, err)
	}
}

func TestIntegrityReport(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	if probs, err := db.IntegrityReport(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("empty desk: %v, %v", probs, err)
	}
	var rs []*pishkhan.Request
	for i := 0; i < 3; i++ {
		rs = append(rs, intake(t, db, passRequest(t, c, mustNC(t, "001234567"))))
	}
	// A newer catalog does not make old requests look broken.
	newer := testCatalog(2)
	newer.SubServices[0].Inquiries = []string{"iq-1"}
	if err := db.ImportCatalog(ctx, newer, "tech"); err != nil {
		t.Fatal(err)
	}
	if probs, err := db.IntegrityReport(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("healthy desk: %v, %v", probs, err)
	}
	// Payments cannot be deleted; simulate a damaged database by removing the guard first.
	if err := rawExec(db, "DROP TRIGGER payments_no_delete"); err != nil {
		t.Fatal(err)
	}
	if err := rawExec(db, "DELETE FROM payments WHERE request_id = ?", rs[1].ID.String()); err != nil {
		t.Fatal(err)
	}
	probs, err := db.IntegrityReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) != 1 || !strings.HasPrefix(probs[0], string(rs[1].TrackingCode)) || !strings.Contains(probs[0], "0 payments") {
		t.Errorf("after deleting a payment: %v", probs)
	}
	if err := rawExec(db, "DELETE FROM print_jobs WHERE request_id = ?", rs[2].ID.String()); err != nil {
		t.Fatal(err)
	}
	probs, _ = db.IntegrityReport(ctx)
	if len(probs) != 2 || !strings.HasPrefix(probs[1], string(rs[2].TrackingCode)) || !strings.Contains(probs[1], "no print job") {
		t.Errorf("after deleting a print job: %v", probs)
	}
}

func TestIntegrityReportMissingInquiry(t *testing.T) {
	db, c := readyDB(t)
	ctx := context.Background()
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	if err := rawExec(db, "DELETE FROM inquiries WHERE request_id = ? AND type_id = 'iq-1'", r.ID.String()); err != nil {
		t.Fatal(err)
	}
	probs, err := db.IntegrityReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) != 1 || !strings.Contains(probs[0], "2 inquiries, catalog needs 3") {
		t.Errorf("after deleting an inquiry: %v", probs)
	}
	// Even with the catalog version row gone the report still runs.
	if err := rawExec(db, "DELETE FROM catalog_meta"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.IntegrityReport(ctx); err != nil {
		t.Errorf("IntegrityReport without catalog_meta: %v", err)
	}
}
