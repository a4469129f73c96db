package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/pishkhan/pishkhan"
)

// These tests write raw SQL through db.SQL(), as a buggy caller would, and
// check that the schema itself refuses what breaks the domain's rules.

// copyRequest inserts a copy of request id under a new id, tracking code and
// sequence, with one column overridden by SQL expression expr.
func copyRequest(db *DB, id pishkhan.ID, newID pishkhan.ID, seq int, col, expr string) error {
	cols := []string{"tracking_code", "day", "seq", "national_code", "first_name", "last_name", "father_name", "birth_date", "mobile",
		"sub_service_id", "sub_service_name", "service_id", "service_name", "agency_id", "agency_name", "catalog_version",
		"fields_json", "gov_fee", "counter_fee", "state", "clerk", "created_at", "updated_at"}
	sel := ""
	list := ""
	for _, c := range cols {
		v := c
		switch c {
		case "tracking_code":
			v = fmt.Sprintf("substr(tracking_code, 1, 13) || '%04d' || '0'", seq)
		case "seq":
			v = fmt.Sprint(seq)
		}
		if c == col {
			v = expr
		}
		list += ", " + c
		sel += ", " + v
	}
	return rawExec(db, "INSERT INTO requests (id"+list+") SELECT ?"+sel+" FROM requests WHERE id = ?", newID.String(), id.String())
}

func TestTransitionsTableMatchesDomain(t *testing.T) {
	db, _ := openTestDB(t)
	rows, err := db.SQL().Query("SELECT from_state, to_state FROM request_transitions")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	inSQL := map[[2]pishkhan.RequestState]bool{}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			t.Fatal(err)
		}
		inSQL[[2]pishkhan.RequestState{pishkhan.RequestState(from), pishkhan.RequestState(to)}] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, from := range pishkhan.AllStates {
		for _, to := range pishkhan.AllStates {
			k := [2]pishkhan.RequestState{from, to}
			if pishkhan.CanTransition(from, to) != inSQL[k] {
				t.Errorf("%s → %s: domain says %v, request_transitions says %v", from, to, pishkhan.CanTransition(from, to), inSQL[k])
			}
			if inSQL[k] {
				n++
			}
		}
	}
	if n != len(inSQL) {
		t.Errorf("request_transitions has %d rows with states the domain does not know", len(inSQL)-n)
	}
}

func TestStateTriggerAndCheck(t *testing.T) {
	db, c := readyDB(t)
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	id := r.ID.String()

	// Every domain state is allowed by the state CHECK (insert a copy in each).
	for i, s := range pishkhan.AllStates {
		if err := copyRequest(db, r.ID, newID(t, c), 100+i, "state", "'"+string(s)+"'"); err != nil {
			t.Errorf("state %s refused by the schema: %v", s, err)
		}
	}
	wantRefused(t, copyRequest(db, r.ID, newID(t, c), 200, "state", "'lost'"), "a request in an unknown state")

	// Raw UPDATEs follow the state machine, whatever the caller.
	setState := func(s string) error { return rawExec(db, "UPDATE requests SET state = ? WHERE id = ?", s, id) }
	wantRefused(t, setState("accepted"), "queued → accepted")
	wantRefused(t, setState("done"), "queued → done")
	wantRefused(t, setState("bogus"), "queued → bogus")
	for _, s := range []string{"sending", "queued", "sending", "accepted", "in_progress", "needs_action", "done"} {
		if err := setState(s); err != nil {
			t.Fatalf("legal raw transition to %s refused: %v", s, err)
		}
	}
	for _, s := range pishkhan.AllStates {
		if s != pishkhan.StateDone {
			wantRefused(t, setState(string(s)), "done → "+string(s))
		}
	}
	// Unchanged state (another column updated) is fine.
	if err := rawExec(db, "UPDATE requests SET state = state, state_note = 'x' WHERE id = ?", id); err != nil {
		t.Errorf("update of the note only: %v", err)
	}
}

func TestRequestSnapshotImmutable(t *testing.T) {
	db, c := readyDB(t)
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	id := r.ID.String()
	for _, set := range []string{
		"id = '00000000-0000-7000-8000-000000000000'",
		"tracking_code = '123450305090700099'",
		"day = '1405/09/08'",
		"seq = 77",
		"created_at = '2020-01-01T00:00:00.000000000Z'",
		"gov_fee = 0",
		"counter_fee = counter_fee + 1",
		"catalog_version = 2",
		"sub_service_id = 'ss-renew'",
		"sub_service_name = 'x'",
		"service_id = 'sv-2'",
		"service_name = 'x'",
		"agency_id = 'ag-1'",
		"agency_name = 'x'",
		"clerk = 'someone'",
	} {
		wantRefused(t, rawExec(db, "UPDATE requests SET "+set+" WHERE id = ?", id), "UPDATE requests SET "+set)
	}
	v, err := db.RequestByID(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.TrackingCode != r.TrackingCode || v.GovFee != r.GovFee || v.CounterFee != r.CounterFee || v.SubServiceID != "ss-pass" || v.ClerkID != "clerk1" {
		t.Errorf("snapshot changed: %+v", v)
	}
}

func TestMoneyChecks(t *testing.T) {
	db, c := readyDB(t)
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	id := r.ID.String()
	wantRefused(t, copyRequest(db, r.ID, newID(t, c), 300, "gov_fee", "-1"), "a request with a negative government fee")
	wantRefused(t, copyRequest(db, r.ID, newID(t, c), 301, "counter_fee", "-5"), "a request with a negative counter fee")
	// Payments are immutable once written…
	wantRefused(t, rawExec(db, "UPDATE payments SET amount = amount WHERE request_id = ?", id), "editing a payment")
	wantRefused(t, rawExec(db, "DELETE FROM payments WHERE request_id = ?", id), "deleting a payment")
	// …and, below that trigger, CHECK constraints guard each value.
	if err := rawExec(db, "DROP TRIGGER payments_immutable"); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, rawExec(db, "UPDATE payments SET amount = -1 WHERE request_id = ?", id), "a negative payment")
	wantRefused(t, rawExec(db, "UPDATE sub_services SET gov_fee = -1 WHERE id = 'ss-pass'"), "a negative catalog fee")
	wantRefused(t, rawExec(db, "UPDATE payments SET method = 'bitcoin' WHERE request_id = ?", id), "an unknown payment method")
	wantRefused(t, rawExec(db, "UPDATE payments SET method = 'card' WHERE request_id = ?", id), "a card payment without terminal reference")
	wantRefused(t, rawExec(db, "UPDATE payments SET terminal_ref = '123456' WHERE request_id = ?", id), "a cash payment with a terminal reference")
	if err := rawExec(db, "UPDATE payments SET method = 'card', terminal_ref = '123456' WHERE request_id = ?", id); err != nil {
		t.Errorf("a valid card payment refused: %v", err)
	}
	// Foreign keys are on: a payment for no request is refused.
	wantRefused(t, rawExec(db, `INSERT INTO payments (request_id, method, amount, paid_at) VALUES (?, 'cash', 10, ?)`,
		newID(t, c).String(), fmtTime(c.now())), "a payment for a request that does not exist")
}

func TestClosedDayRefusesInsert(t *testing.T) {
	db, c := readyDB(t)
	r := intake(t, db, passRequest(t, c, mustNC(t, "001234567")))
	if err := rawExec(db, `INSERT INTO day_close_rounds (day, expected_cash, counted_cash, expected_card, counted_card, requests, closed_by, closed_at)
		VALUES ('1405/09/07', 1150000, 1150000, 0, 0, 1, 'boss', ?)`, fmtTime(c.now())); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, copyRequest(db, r.ID, newID(t, c), 2, "state", "'queued'"), "a request filed on a closed day")
	// A closed day stays closed.
	wantRefused(t, rawExec(db, "UPDATE day_close_rounds SET counted_cash = 0"), "editing a day close")
	wantRefused(t, rawExec(db, "DELETE FROM day_close_rounds"), "reopening a closed day")
	// Another day is open.
	if err := copyRequest(db, r.ID, newID(t, c), 1, "day", "'1405/09/08'"); err != nil {
		t.Errorf("a request on an open day refused: %v", err)
	}
}

func TestAuditAppendOnly(t *testing.T) {
	db, _ := readyDB(t)
	wantRefused(t, rawExec(db, "UPDATE audit SET detail = 'changed' WHERE seq = 1"), "UPDATE audit")
	wantRefused(t, rawExec(db, "UPDATE audit SET hash = hash WHERE seq = 2"), "UPDATE audit (no change)")
	wantRefused(t, rawExec(db, "DELETE FROM audit WHERE seq = 1"), "DELETE FROM audit")
	wantRefused(t, rawExec(db, "DELETE FROM audit"), "DELETE all audit")
	if n, _, err := db.VerifyAudit(context.Background()); err != nil || n != 2 {
		t.Errorf("VerifyAudit = %d, %v", n, err)
	}
}
