package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIRoles: once a desk has users, a command that needs a role needs
// --user and that user's PIN; a clerk is refused what clerks may not do, a
// technician what technicians may not do, and nothing is written.
func TestCLIRoles(t *testing.T) {
	dir := setup(t)
	bak := filepath.Join(t.TempDir(), "b.db")
	cases := []struct {
		user, pin string
		args      []string
		want      string
	}{
		{"", "", []string{"backup", "--out", bak}, "log in"},
		{"", "", []string{"users", "add", "--username", "sara", "--name", "سارا", "--role", "supervisor", "--pin", "8642"}, "log in"},
		{"ali", "0000", []string{"backup", "--out", bak}, "wrong user name or PIN"},
		{"ali", testPINs["ali"], []string{"backup", "--out", bak}, "a clerk may not do backup"},
		{"ali", testPINs["ali"], []string{"restore", bak}, "a clerk may not do restore"},
		{"ali", testPINs["ali"], []string{"users", "add", "--username", "sara", "--name", "سارا", "--role", "supervisor", "--pin", "8642"}, "a clerk may not do users"},
		{"ali", testPINs["ali"], []string{"devices", "configure", "printer", "--port", "/dev/ttyS0"}, "a clerk may not do devices"},
		{"ali", testPINs["ali"], []string{"enrol", "--exchange", "http://127.0.0.1:1", "--code", "1234"}, "a clerk may not do enrol"},
		{"ali", testPINs["ali"], []string{"sync", "limits", "--warn", "2h", "--refuse", "6h"}, "a clerk may not do sync_limits"},
		{"ali", testPINs["ali"], []string{"purge", "--retention-days", "30"}, "a clerk may not do purge"},
		{"ali", testPINs["ali"], []string{"init", "--office", "12345", "--office-name", "دفتر", "--desk", "3"}, "a clerk may not do desk_setup"},
		{"tech", testPINs["tech"], []string{"users", "add", "--username", "sara", "--name", "سارا", "--role", "supervisor", "--pin", "8642"}, "a technician may not do users"},
		{"tech", testPINs["tech"], []string{"purge", "--retention-days", "30"}, "a technician may not do purge"},
	}
	before := snapshot(t, dir)
	for _, c := range cases {
		args := append([]string{"--data", dir}, c.args...)
		if c.user != "" {
			args = append([]string{"--user", c.user}, args...)
		}
		code, _, errs := pk(t, c.pin+"\n", args...)
		if code != exitUnauthorized || !strings.Contains(errs, c.want) {
			t.Errorf("%s %v: exit %d, %q; want exit %d saying %q", c.user, c.args, code, errs, exitUnauthorized, c.want)
		}
	}
	// A wrong PIN counts towards the lockout, which is a write; nothing else may be.
	if got := snapshot(t, dir); withoutTable(got, "pin_failures") != withoutTable(before, "pin_failures") {
		t.Errorf("refused commands changed the database:\n%s\n%s", before, got)
	}
	// The technician may back up; the supervisor may add a user.
	as(t, "tech", "--data", dir, "backup", "--out", bak)
	as(t, "modir", "--data", dir, "users", "add", "--username", "sara", "--name", "سارا", "--role", "clerk", "--pin", "8642")
	// The technician takes no walk-in.
	code, _, errs := pk(t, "", "--data", dir, "intake", "--clerk", "tech", "--national-code", "0012345679", "--first-name", "زهرا",
		"--last-name", "احمدی", "--sub-service", "ss-0012", "--field", "owner_national_code=0012345679", "--field", "mobile=09121234567",
		"--field", "plate=12ب345-67", "--pay", "cash")
	if code != exitUnauthorized || !strings.Contains(errs, "may not file") {
		t.Errorf("a technician's intake: exit %d, %s", code, errs)
	}
}

// withoutTable drops one table's digest from a snapshot.
func withoutTable(snap, table string) string {
	var keep []string
	for _, f := range strings.Fields(snap) {
		if !strings.HasPrefix(f, table+":") {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// TestLogFile: commands log into the data folder's rotating, owner-only
// log file; an intake is there by its tracking code, and the citizen's
// national code, name and mobile number are not.
func TestLogFile(t *testing.T) {
	dir := setup(t)
	out := mustPK(t, "--data", dir, "--json", "intake", "--clerk", "ali", "--national-code", "0012345679", "--first-name", "زهرا",
		"--last-name", "احمدی", "--sub-service", "ss-0012", "--field", "owner_national_code=0012345679", "--field", "mobile=09121234567",
		"--field", "plate=12ب345-67", "--pay", "cash")
	var res struct {
		TrackingCode string `json:"tracking_code"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.TrackingCode == "" {
		t.Fatalf("intake: %s (%v)", out, err)
	}
	path := filepath.Join(dir, LogDir, "pishkhan.log")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	if !strings.Contains(log, "msg=intake") || !strings.Contains(log, strings.ReplaceAll(res.TrackingCode, "-", "")) &&
		!strings.Contains(log, res.TrackingCode) {
		t.Errorf("the log has no intake of %s:\n%s", res.TrackingCode, log)
	}
	for _, personal := range []string{"0012345679", "09121234567", "زهرا", "احمدی"} {
		if strings.Contains(log, personal) {
			t.Errorf("the log holds %q:\n%s", personal, log)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode: %v %v", fi, err)
	}
}
