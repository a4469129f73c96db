package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/pishkhan/pishkhan"
)

// pk runs the CLI in-process and returns exit code, stdout and stderr.
func pk(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func mustPK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := pk(t, "", args...)
	if code != 0 {
		t.Fatalf("pishkhan %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// snapshot digests every row of every table: if bad input changes nothing,
// the snapshot is the same before and after — not just the row counts.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "pishkhan.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		h := sha256.New()
		n := 0
		rs, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
			n++
		}
		rs.Close()
		fmt.Fprintf(&b, "%s:%d:%x ", tb, n, h.Sum(nil)[:6])
	}
	return b.String()
}

// setup makes an initialised desk with the demo catalog, a supervisor
// (modir), a clerk (ali) and a technician (tech), set up as a technician
// would: init and catalog before there are users, the first supervisor,
// then the supervisor, logged in with their PIN, adds the others.
func setup(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	mustPK(t, "--data", dir, "init", "--office", "۱۲۳۴۵", "--office-name", "دفتر آزمایشی", "--desk", "3")
	mustPK(t, "--data", dir, "catalog", "import", "--demo")
	mustPK(t, "--data", dir, "users", "add", "--username", "modir", "--name", "مدیر دفتر", "--role", "supervisor", "--pin", testPINs["modir"])
	as(t, "modir", "--data", dir, "users", "add", "--username", "ali", "--name", "علی کاظمی", "--role", "clerk", "--pin", testPINs["ali"])
	code, _, errs := pk(t, testPINs["modir"]+"\n"+testPINs["tech"]+"\n", "--data", dir, "--user", "modir",
		"users", "add", "--username", "tech", "--name", "کارشناس", "--role", "technician", "--pin-stdin")
	if code != 0 {
		t.Fatalf("users add --pin-stdin: %d %s", code, errs)
	}
	return dir
}

// testPINs are the PINs of setup's users.
var testPINs = map[string]string{"modir": "1357", "ali": "4826", "tech": "7391"}

// as runs a command as one of setup's users (--user, the PIN on standard
// input) and fails the test if it fails.
func as(t *testing.T, user string, args ...string) string {
	t.Helper()
	args = append([]string{"--user", user}, args...)
	code, out, errs := pk(t, testPINs[user]+"\n", args...)
	if code != 0 {
		t.Fatalf("pishkhan %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func TestHappyPath(t *testing.T) {
	dir := setup(t)
	var hits []map[string]any
	if err := json.Unmarshal([]byte(mustPK(t, "--data", dir, "--json", "catalog", "search", "گذرنامه")), &hits); err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0]["sub_service_id"] != "ss-0001" {
		t.Fatalf("search گذرنامه: first hit %v, want ss-0001", hits)
	}
	nc, _ := pishkhan.CompleteNationalCode("001234567")
	out := mustPK(t, "--data", dir, "--json", "intake", "--clerk", "ali", "--national-code", persianDigits(string(nc)),
		"--first-name", "زهرا", "--last-name", "احمدی", "--sub-service", "ss-0012", "--pay", "card", "--ref", "۱۲۳۴۵۶۷۸۹۰",
		"--field", "owner_national_code="+string(nc), "--field", "mobile=۰۹۱۲۱۲۳۴۵۶۷", "--field", "plate=۱۲ ب ۳۴۵ ایران ۶۷")
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("intake JSON: %v\n%s", err, out)
	}
	code, _ := res["tracking_code"].(string)
	if len(code) != 18 || !strings.HasPrefix(code, "1234503") {
		t.Fatalf("tracking code %q does not start with office 12345 desk 03", code)
	}
	var shown map[string]any
	if err := json.Unmarshal([]byte(mustPK(t, "--data", dir, "--json", "show", code)), &shown); err != nil {
		t.Fatal(err)
	}
	if shown["state"] != "queued" || shown["national_code"] != string(nc) || shown["sub_service_id"] != "ss-0012" ||
		shown["fields"].(map[string]any)["plate"] != "12ب345-67" {
		t.Fatalf("show: %v", shown)
	}
	if p := shown["payment"].(map[string]any); p["method"] != "card" || p["terminal_ref"] != "1234567890" {
		t.Fatalf("payment: %v", p)
	}
	// The human forms.
	if out := mustPK(t, "--data", dir, "list", "--today"); !strings.Contains(out, "1 requests") || !strings.Contains(out, "زهرا احمدی") {
		t.Fatalf("list --today:\n%s", out)
	}
	if out := mustPK(t, "--data", dir, "lookup", string(nc)); !strings.Contains(out, code[:5]) {
		t.Fatalf("lookup by national code:\n%s", out)
	}
	if out := mustPK(t, "--data", dir, "audit", "verify"); !strings.Contains(out, "audit trail OK: 6 entries") {
		t.Fatalf("audit verify: %s", out)
	}
}

func persianDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune('۰' + r - '0')
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Every command, given bad input on a fresh folder, fails with a clear
// English error and creates nothing.
func TestBadInputOnFreshFolderWritesNothing(t *testing.T) {
	cases := [][]string{
		{"init", "--office", "abc", "--office-name", "x", "--desk", "1"},
		{"init", "--office", "123456", "--office-name", "x", "--desk", "1"},
		{"init", "--office", "12345", "--office-name", "", "--desk", "1"},
		{"init", "--office", "12345", "--office-name", "x", "--desk", "100"},
		{"init", "--office", "12345", "--office-name", "x", "--desk", "1", "extra"},
		{"users", "add", "--username", "ali", "--name", "x", "--role", "clerk", "--pin", "1234"},
		{"users", "list"},
		{"catalog", "import", "--demo"},
		{"catalog", "search", "گذرنامه"},
		{"intake", "--clerk", "ali"},
		{"show", "123450305090700015"},
		{"lookup", "0012345679"},
		{"list", "--today"},
		{"audit", "verify"},
		{"purge", "--retention-days", "30"},
		{"nonsense"},
	}
	for _, c := range cases {
		dir := filepath.Join(t.TempDir(), "data")
		code, out, errs := pk(t, "", append([]string{"--data", dir}, c...)...)
		if code == 0 {
			t.Errorf("%v: exit 0, want an error (stdout %q)", c, out)
		}
		if !strings.Contains(errs, "pishkhan") || len(strings.TrimSpace(errs)) < 20 {
			t.Errorf("%v: unclear error %q", c, errs)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%v: created %s", c, dir)
		}
	}
}

// Every command, given bad input on a working desk, fails with a clear
// error, the right exit code, and leaves the database exactly as it was.
func TestBadInputOnDeskWritesNothing(t *testing.T) {
	dir := setup(t)
	nc, _ := pishkhan.CompleteNationalCode("001234567")
	good := []string{"intake", "--clerk", "ali", "--national-code", string(nc), "--first-name", "زهرا", "--last-name", "احمدی",
		"--sub-service", "ss-0012", "--field", "owner_national_code=" + string(nc), "--field", "mobile=09121234567", "--field", "plate=12ب345-67"}
	tracking := strings.TrimSpace(mustPK(t, append([]string{"--data", dir}, good...)...))
	with := func(flag, value string) []string {
		out := append([]string{}, good...)
		for i := range out {
			if out[i] == flag {
				out[i+1] = value
				return out
			}
		}
		return append(out, flag, value)
	}
	digits := strings.ReplaceAll(tracking, "-", "")
	typo := digits[:4] + string('0'+(digits[4]-'0'+1)%10) + digits[5:]
	cases := []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"init", "--office", "54321", "--office-name", "دیگر", "--desk", "1"}, exitConflict, "already initialised"},
		{[]string{"users", "add", "--username", "ali", "--name", "x", "--role", "clerk", "--pin", "1234"}, exitConflict, "already exists"},
		{[]string{"users", "add", "--username", "Bad Name", "--name", "x", "--role", "clerk", "--pin", "1234"}, exitInvalid, "username"},
		{[]string{"users", "add", "--username", "sara", "--name", "x", "--role", "boss", "--pin", "1234"}, exitInvalid, "role"},
		{[]string{"users", "add", "--username", "sara", "--name", "x", "--role", "clerk", "--pin", "12"}, exitInvalid, "PIN"},
		{[]string{"users", "add", "--username", "sara", "--name", "x", "--role", "clerk", "--pin", "1111"}, exitInvalid, "PIN"},
		{[]string{"catalog", "import"}, exitUsage, "--demo"},
		{[]string{"catalog", "import", "/nonexistent/catalog.json"}, exitInvalid, "read catalog file"},
		{[]string{"catalog", "search"}, exitUsage, "query"},
		{[]string{"catalog", "search", "--limit", "0", "x"}, exitInvalid, "limit"},
		{[]string{"catalog", "show", "ss-9999999"}, exitNotFound, "no sub-service"},
		{with("--national-code", "0012345678"), exitInvalid, "check digit"},
		{with("--national-code", "12345"), exitInvalid, "10 digits"},
		{with("--national-code", "1111111111"), exitInvalid, "all digits equal"},
		{with("--sub-service", "ss-nope"), exitNotFound, "no sub-service"},
		{with("--clerk", "nobody"), exitInvalid, "no user"},
		{with("--clerk", "tech"), exitUnauthorized, "may not file"},
		{with("--first-name", ""), exitInvalid, "name"},
		{with("--pay", "bitcoin"), exitInvalid, "payment method"},
		{with("--pay", "card"), exitInvalid, "terminal reference"},
		{with("--amount", "1"), exitInvalid, "differs"},
		{with("--birth-date", "1404/12/30"), exitInvalid, "birth date"},
		{with("--mobile", "0912"), exitInvalid, "mobile"},
		{append(append([]string{}, good...), "--field", "nonsense=1"), exitInvalid, "not a field"},
		{[]string{"intake", "--clerk", "ali", "--national-code", string(nc), "--first-name", "زهرا", "--last-name", "احمدی", "--sub-service", "ss-0012",
			"--field", "owner_national_code=" + string(nc), "--field", "mobile=09121234567"}, exitInvalid, "required"},
		{[]string{"show", typo}, exitInvalid, "check digit"},
		{[]string{"show", "123"}, exitInvalid, "18 digits"},
		{[]string{"lookup", "abc"}, exitInvalid, "tracking code or a 10-digit national code"},
		{[]string{"list"}, exitUsage, "--today"},
		{[]string{"list", "--day", "1405/13/01"}, exitInvalid, "day"},
		{[]string{"audit"}, exitUsage, "verify"},
		{[]string{"purge", "--retention-days", "0"}, exitInvalid, "retention"},
		{[]string{"purge", "--bogus"}, exitUsage, "bogus"},
	}
	before := snapshot(t, dir) // no case may change it, so one snapshot serves all
	for _, c := range cases {
		code, _, errs := pk(t, testPINs["modir"]+"\n", append([]string{"--data", dir, "--user", "modir"}, c.args...)...)
		if code != c.exit {
			t.Errorf("%v: exit %d, want %d (stderr %q)", c.args, code, c.exit, errs)
		}
		if !strings.Contains(errs, c.want) {
			t.Errorf("%v: stderr %q does not say %q", c.args, errs, c.want)
		}
		if after := snapshot(t, dir); after != before {
			t.Errorf("%v: database changed:\nbefore %s\nafter  %s", c.args, before, after)
		}
	}
}

// With --json an error is one JSON object on stderr with the code, the
// English and the Persian message and the field.
func TestJSONErrors(t *testing.T) {
	dir := setup(t)
	code, _, errs := pk(t, "", "--data", dir, "--json", "show", "1234")
	if code != exitInvalid {
		t.Fatalf("exit %d", code)
	}
	var raw map[string]map[string]string
	if err := json.Unmarshal([]byte(errs), &raw); err != nil {
		t.Fatalf("stderr is not JSON: %q", errs)
	}
	e := raw["error"]
	if e["code"] != pishkhan.EInvalid || e["field"] != "tracking_code" || !strings.Contains(e["message_fa"], "کد رهگیری") ||
		!strings.Contains(e["message"], "18 digits") {
		t.Fatalf("JSON error %v", raw)
	}
}

// The demo never touches a folder it did not make: not a stranger's files,
// and not a real desk, whose folder holds the very same database files.
func TestDemoRefusesForeignFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "thesis.docx"), []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := pk(t, "", "--data", dir, "demo", "--fresh")
	if code != exitConflict || !strings.Contains(errs, "refusing to use or wipe") {
		t.Fatalf("demo --fresh on a foreign folder: exit %d, %s", code, errs)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "thesis.docx")); err != nil || string(b) != "precious" {
		t.Fatal("demo touched a file it does not own")
	}

	real := setup(t) // a real desk with users and a catalog
	before := snapshot(t, real)
	for _, args := range [][]string{{"demo", "--fresh"}, {"demo"}} {
		code, _, errs = pk(t, "", append([]string{"--data", real}, args...)...)
		if code != exitConflict || !strings.Contains(errs, "not a demo folder") {
			t.Fatalf("%v on a real desk: exit %d, %s", args, code, errs)
		}
		if after := snapshot(t, real); after != before {
			t.Fatalf("%v changed a real desk:\nbefore %s\nafter  %s", args, before, after)
		}
	}
}

func TestDemoRunsTwiceFresh(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	for i := 0; i < 2; i++ {
		out := mustPK(t, "--data", dir, "demo", "--fresh")
		for _, want := range []string{"catalog v1: 108 agencies, 779 services (241 licence), 2094 sub-services, 1300 inquiry types",
			"6 requests", "رقم کنترل کد ملی درست نیست",
			"enrolled as key k-12345-1-", "sent 6, pending 0, catalog v1; requests: 6 accepted", "pending 0, catalog v2;", "audit trail OK: "} {
			if !strings.Contains(out, want) {
				t.Fatalf("run %d: demo output lacks %q:\n%s", i, want, out)
			}
		}
	}
}

// Without --data, PISHKHAN_DATA picks the data folder.
func TestDataFolderFromEnvironment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "from-env")
	t.Setenv("PISHKHAN_DATA", dir)
	mustPK(t, "init", "--office", "7", "--office-name", "دفتر", "--desk", "2")
	if _, err := os.Stat(filepath.Join(dir, "pishkhan.db")); err != nil {
		t.Fatalf("PISHKHAN_DATA ignored: %v", err)
	}
	// --data still wins over the environment.
	other := filepath.Join(t.TempDir(), "flag")
	mustPK(t, "--data", other, "init", "--office", "8", "--office-name", "دفتر", "--desk", "2")
	if _, err := os.Stat(filepath.Join(other, "pishkhan.db")); err != nil {
		t.Fatalf("--data ignored: %v", err)
	}
	out := mustPK(t, "--json", "users", "list")
	if strings.TrimSpace(out) != "[]" {
		t.Fatalf("users list in the PISHKHAN_DATA desk: %q", out)
	}
}

func TestRialsFormat(t *testing.T) {
	for in, want := range map[pishkhan.Rials]string{0: "0", 999: "999", 1000: "1,000", 3750000: "3,750,000", -1234567: "-1,234,567", 100000: "100,000"} {
		if got := rials(in); got != want {
			t.Errorf("rials(%d) = %q, want %q", in, got, want)
		}
	}
}

// intake --id makes a retry safe: the same id and content returns the
// request already filed; the same id with other content is refused; neither
// writes anything.
func TestIntakeRetryWithID(t *testing.T) {
	dir := setup(t)
	nc, _ := pishkhan.CompleteNationalCode("001234567")
	id := "019d2f6e-8a7b-7c3d-9e1f-2a3b4c5d6e7f"
	args := []string{"--data", dir, "--json", "intake", "--id", id, "--clerk", "ali", "--national-code", string(nc),
		"--first-name", "زهرا", "--last-name", "احمدی", "--sub-service", "ss-0012", "--field", "owner_national_code=" + string(nc),
		"--field", "mobile=09121234567", "--field", "plate=12ب345-67"}
	var first, again map[string]any
	empty := snapshot(t, dir)
	if err := json.Unmarshal([]byte(mustPK(t, args...)), &first); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	if before == empty {
		t.Fatal("snapshot did not notice an intake: it cannot catch a write")
	}
	// Nor may it miss a change that keeps every row count.
	if db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "pishkhan.db")); err != nil {
		t.Fatal(err)
	} else {
		if _, err := db.Exec("UPDATE users SET full_name = full_name || 'x' WHERE username = 'ali'"); err != nil {
			t.Fatal(err)
		}
		changed := snapshot(t, dir)
		if _, err := db.Exec("UPDATE users SET full_name = substr(full_name, 1, length(full_name) - 1) WHERE username = 'ali'"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if changed == before || snapshot(t, dir) != before {
			t.Fatal("snapshot misses an UPDATE that keeps row counts")
		}
	}
	if err := json.Unmarshal([]byte(mustPK(t, args...)), &again); err != nil {
		t.Fatal(err)
	}
	if first["id"] != id || again["tracking_code"] != first["tracking_code"] {
		t.Fatalf("retry gave %v, first %v", again, first)
	}
	if after := snapshot(t, dir); after != before {
		t.Fatalf("the retry wrote:\nbefore %s\nafter  %s", before, after)
	}
	code, _, errs := pk(t, "", append(args[:3:3], "intake", "--id", id, "--clerk", "ali", "--national-code", string(nc),
		"--first-name", "زهرا", "--last-name", "احمدی", "--sub-service", "ss-0012", "--field", "owner_national_code="+string(nc),
		"--field", "mobile=09351112233", "--field", "plate=12ب345-67")...)
	if code != exitConflict || !strings.Contains(errs, "already filed with different content") {
		t.Fatalf("same id, other content: exit %d, %s", code, errs)
	}
	if after := snapshot(t, dir); after != before {
		t.Fatalf("the refused retry wrote")
	}
	bad := append([]string{}, args...)
	bad[5] = "not-a-uuid"
	code, _, errs = pk(t, "", bad...)
	if code != exitInvalid || !strings.Contains(errs, "UUID") {
		t.Fatalf("bad --id: exit %d, %s", code, errs)
	}
}
