package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestDoctor: a healthy fresh desk passes (with warnings for what is not
// set up yet, each with what to do); an audit trail edited behind the
// app's back fails the check and the exit status.
func TestDoctor(t *testing.T) {
	dir := setup(t)
	code, out, errs := pk(t, "", "--data", dir, "--json", "doctor")
	if code != 0 {
		t.Fatalf("doctor on a healthy desk: %d %s %s", code, out, errs)
	}
	var rep struct {
		Checks []struct{ Name, Status, Detail, Fix string }
		Failed int
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, c := range rep.Checks {
		status[c.Name] = c.Status
		if c.Status != "ok" && c.Fix == "" && c.Name != "card reader" {
			t.Errorf("%s is %s without a fix", c.Name, c.Status)
		}
	}
	for name, want := range map[string]string{"disk": "ok", "database": "ok", "audit": "ok", "exchange": "warn", "printer": "warn"} {
		if status[name] != want {
			t.Errorf("%s: %s, want %s", name, status[name], want)
		}
	}
	// Someone edits the audit trail with sqlite3, around its triggers.
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "pishkhan.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET detail = 'nothing happened' WHERE seq = 2"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	code, out, _ = pk(t, "", "--data", dir, "doctor")
	if code == 0 || !strings.Contains(out, "FAIL  audit") {
		t.Errorf("doctor after tampering: exit %d\n%s", code, out)
	}
}
