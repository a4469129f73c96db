package main

import (
	"database/sql"
	"encoding/json"
	"os"
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

// TestBackupRestoreCommands: a backup, more intake, a restore back to the
// backup; a file that is not a backup is refused.
func TestBackupRestoreCommands(t *testing.T) {
	dir := setup(t)
	bak := filepath.Join(t.TempDir(), "b.db")
	as(t, "tech", "--data", dir, "backup", "--out", bak)
	if code, _, errs := pk(t, "", "--data", dir, "intake", "--clerk", "ali", "--national-code", "0012345679", "--first-name", "زهرا",
		"--last-name", "احمدی", "--sub-service", "ss-0012", "--field", "owner_national_code=0012345679", "--field", "mobile=09121234567",
		"--field", "plate=12ب345-67", "--pay", "cash"); code != 0 {
		t.Fatal(errs)
	}
	if out := mustPK(t, "--data", dir, "list", "--today"); !strings.Contains(out, "زهرا") {
		t.Fatalf("list before restore:\n%s", out)
	}
	as(t, "tech", "--data", dir, "restore", bak)
	if out := mustPK(t, "--data", dir, "list", "--today"); strings.Contains(out, "زهرا") {
		t.Errorf("the request filed after the backup survived the restore:\n%s", out)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not a database at all, just text"), 0o600)
	if code, _, errs := pk(t, testPINs["tech"]+"\n", "--user", "tech", "--data", dir, "restore", junk); code != 3 || !strings.Contains(errs, "refused") {
		t.Errorf("restore of junk: %d %s", code, errs)
	}
}
