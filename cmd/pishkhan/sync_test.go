package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
)

// exchange serves a simulator on loopback for the CLI to talk to.
func exchange(t *testing.T) (*exchangesim.Sim, string) {
	t.Helper()
	sim, err := exchangesim.Open(context.Background(), exchangesim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func intakeOne(t *testing.T, dir string) string {
	t.Helper()
	nc, _ := pishkhan.CompleteNationalCode("001234567")
	out := mustPK(t, "--data", dir, "--json", "intake", "--clerk", "ali", "--national-code", string(nc),
		"--first-name", "زهرا", "--last-name", "احمدی", "--sub-service", "ss-0012", "--pay", "cash",
		"--field", "owner_national_code="+string(nc), "--field", "mobile=09121234567", "--field", "plate=12ب345-67")
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	return res["tracking_code"].(string)
}

func TestEnrolSyncStatus(t *testing.T) {
	dir := setup(t)
	sim, url := exchange(t)
	ctx := context.Background()

	// Not enrolled: sync says so (exit 6) and status shows it.
	code := intakeOne(t, dir)
	if c, _, errs := pk(t, "", "--data", dir, "sync"); c != exitNotInit || !strings.Contains(errs, "not enrolled") {
		t.Fatalf("sync before enrolment: exit %d, %s", c, errs)
	}
	if out := mustPK(t, "--data", dir, "sync", "status", "--probe=false"); !strings.Contains(out, "not enrolled") || !strings.Contains(out, "1 requests unsent") {
		t.Fatalf("status before enrolment:\n%s", out)
	}

	// A wrong one-time code is refused (exit 7) and writes nothing; no key file is left.
	before := snapshot(t, dir)
	if c, _, errs := pk(t, testPINs["tech"]+"\n", "--user", "tech", "--data", dir, "enrol", "--exchange", url, "--code", "00000000"); c != exitUnauthorized || !strings.Contains(errs, "enrolment refused") {
		t.Fatalf("enrol with a wrong code: exit %d, %s", c, errs)
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("a refused enrolment changed the database:\n%s\n%s", before, after)
	}
	if _, err := os.Stat(filepath.Join(dir, "desk.key")); !os.IsNotExist(err) {
		t.Errorf("a refused enrolment left a key file: %v", err)
	}
	// A bad address is a usage-level input error (exit 3).
	if c, _, _ := pk(t, testPINs["tech"]+"\n", "--user", "tech", "--data", dir, "enrol", "--exchange", "ftp://x", "--code", "1"); c != exitInvalid {
		t.Errorf("enrol with an ftp address: exit %d", c)
	}

	otp, err := sim.IssueEnrolCode(ctx, 12345, 3)
	if err != nil {
		t.Fatal(err)
	}
	out := as(t, "tech", "--data", dir, "enrol", "--exchange", url, "--code", persianDigits(otp))
	if !strings.Contains(out, "enrolled with "+url) {
		t.Fatalf("enrol: %s", out)
	}
	fi, err := os.Stat(filepath.Join(dir, "desk.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v, want mode 0600", fi, err)
	}

	out = mustPK(t, "--data", dir, "sync")
	if !strings.Contains(out, "sync done: 1 requests sent") || !strings.Contains(out, "0 pending") {
		t.Fatalf("sync: %s", out)
	}
	var shown map[string]any
	if err := json.Unmarshal([]byte(mustPK(t, "--data", dir, "--json", "show", code)), &shown); err != nil || shown["state"] != "accepted" {
		t.Fatalf("after sync: %v %v", shown["state"], err)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(mustPK(t, "--data", dir, "--json", "sync", "status")), &st); err != nil {
		t.Fatal(err)
	}
	if st["enrolled"] != true || st["reachable"] != true || st["pending"] != float64(0) || st["offline_level"] != "ok" || st["last_success"] == nil {
		t.Errorf("sync status: %v", st)
	}
	ids, err := sim.RequestIDs(ctx)
	if err != nil || len(ids) != 1 {
		t.Errorf("the exchange holds %v (%v)", ids, err)
	}
}

func TestSyncLimits(t *testing.T) {
	dir := setup(t)
	out := as(t, "modir", "--data", dir, "sync", "limits", "--warn", "2h", "--refuse", "6h")
	if !strings.Contains(out, "warn after 2h0m0s, refuse intake after 6h0m0s") {
		t.Fatalf("limits: %s", out)
	}
	before := snapshot(t, dir)
	for _, args := range [][]string{{"--warn", "6h", "--refuse", "2h"}, {"--warn", "1s", "--refuse", "2h"}, {"--warn", "2h"}} {
		c, _, errs := pk(t, testPINs["modir"]+"\n", append([]string{"--user", "modir", "--data", dir, "--json", "sync", "limits"}, args...)...)
		if c != exitInvalid || !strings.Contains(errs, "message_fa") {
			t.Errorf("limits %v: exit %d, %s", args, c, errs)
		}
	}
	if after := snapshot(t, dir); after != before {
		t.Error("refused limits changed the database")
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(mustPK(t, "--data", dir, "--json", "sync", "status", "--probe=false")), &st); err != nil {
		t.Fatal(err)
	}
	if st["warn_after"] != "2h0m0s" || st["refuse_after"] != "6h0m0s" {
		t.Errorf("status limits %v %v", st["warn_after"], st["refuse_after"])
	}
}
