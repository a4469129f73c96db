package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestDayCommands: the day's summary, a close refused to a clerk and to a
// count without its reason (writing nothing), the supervisor's close, the
// closed day refusing intake, and the reopening.
func TestDayCommands(t *testing.T) {
	dir := setup(t)
	intake := []string{"--data", dir, "intake", "--clerk", "ali", "--national-code", "0012345679", "--first-name", "زهرا", "--last-name", "احمدی",
		"--sub-service", "ss-0012", "--field", "owner_national_code=0012345679", "--field", "mobile=09121234567", "--field", "plate=12ب345-67",
		"--pay", "cash"}
	if code, _, errs := pk(t, "", intake...); code != 0 {
		t.Fatalf("intake: %s", errs)
	}
	out := mustPK(t, "--data", dir, "--json", "day", "summary")
	var sum struct {
		Requests     int
		ExpectedCash int64
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Requests != 1 || sum.ExpectedCash <= 0 {
		t.Fatalf("summary: %s (%v)", out, err)
	}
	cash := jsonInt(sum.ExpectedCash)
	before := snapshot(t, dir)
	if code, _, errs := pk(t, "4826\n", "--data", dir, "day", "close", "--supervisor", "ali", "--cash", cash, "--card", "0"); code != 7 || !strings.Contains(errs, "only a supervisor") {
		t.Errorf("a clerk closing: %d %s", code, errs)
	}
	if code, _, errs := pk(t, testPINs["modir"]+"\n", "--data", dir, "day", "close", "--supervisor", "modir", "--cash", "0", "--card", "0"); code != 3 || !strings.Contains(errs, "reason") {
		t.Errorf("a difference without a reason: %d %s", code, errs)
	}
	if snapshot(t, dir) != before {
		t.Error("a refused close wrote something")
	}
	if code, out, errs := pk(t, testPINs["modir"]+"\n", "--data", dir, "day", "close", "--supervisor", "modir", "--cash", cash, "--card", "0"); code != 0 || !strings.Contains(out, "closed by modir") {
		t.Fatalf("close: %d %s %s", code, out, errs)
	}
	if code, _, errs := pk(t, "", intake...); code == 0 || !strings.Contains(errs, "closed") {
		t.Errorf("intake on a closed day: %d %s", code, errs)
	}
	if code, out, errs := pk(t, testPINs["modir"]+"\n", "--data", dir, "day", "reopen", "--supervisor", "modir", "--reason", "رسید جا مانده"); code != 0 || !strings.Contains(out, "reopened") {
		t.Fatalf("reopen: %d %s %s", code, out, errs)
	}
	if code, _, errs := pk(t, "", intake...); code != 0 {
		t.Errorf("intake after reopening: %s", errs)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestReportCommand: the day's report as a PDF whose text (pdftotext)
// has the office and the service.
func TestReportCommand(t *testing.T) {
	dir := setup(t)
	if code, _, errs := pk(t, "", "--data", dir, "intake", "--clerk", "ali", "--national-code", "0012345679", "--first-name", "زهرا",
		"--last-name", "احمدی", "--sub-service", "ss-0012", "--field", "owner_national_code=0012345679", "--field", "mobile=09121234567",
		"--field", "plate=12ب345-67", "--pay", "cash"); code != 0 {
		t.Fatal(errs)
	}
	out := filepath.Join(t.TempDir(), "day.pdf")
	mustPK(t, "--data", dir, "report", "day", "--out", out)
	text, err := exec.Command("pdftotext", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	plain := norm.NFKC.String(string(text))
	for _, want := range []string{"دفتر آزمایشی", "جمع", "صفحه"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the PDF's text has no %q", want)
		}
	}
	if code, _, _ := pk(t, "", "--data", dir, "report", "range", "--from", "1405/09/08", "--to", "1405/09/01", "--out", out); code != 3 {
		t.Errorf("a backwards range: exit %d", code)
	}
	if code, _, _ := pk(t, "", "--data", dir, "report", "day"); code != 2 {
		t.Errorf("no --out: exit %d", code)
	}
}
