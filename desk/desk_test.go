package desk_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()
	_, err := desk.Open(ctx, "  ", nil)
	expectCode(t, err, pishkhan.EInvalid, "")

	dir := filepath.Join(t.TempDir(), "a", "b")
	d, err := desk.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.DataDir() != dir {
		t.Errorf("DataDir %q", d.DataDir())
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data folder: %v %v, want mode 0700", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(dir, desk.DBFile)); err != nil {
		t.Errorf("database file: %v", err)
	}
	_, err = d.Config(ctx)
	expectCode(t, err, pishkhan.ENotInit, "")
}

func TestInit(t *testing.T) {
	d, _ := openDesk(t)
	ctx := context.Background()

	// Bad values first: each refused with its field, nothing written.
	for _, tc := range []struct {
		in    desk.InitInput
		field string
	}{
		{desk.InitInput{OfficeCode: "abc", OfficeName: "دفتر", DeskNumber: "1"}, "office_code"},
		{desk.InitInput{OfficeCode: "", OfficeName: "دفتر", DeskNumber: "1"}, "office_code"},
		{desk.InitInput{OfficeCode: "1.5", OfficeName: "دفتر", DeskNumber: "1"}, "office_code"},
		{desk.InitInput{OfficeCode: "0", OfficeName: "دفتر", DeskNumber: "1"}, "office_code"},
		{desk.InitInput{OfficeCode: "-12", OfficeName: "دفتر", DeskNumber: "1"}, "office_code"},
		{desk.InitInput{OfficeCode: "۱۰۰۰۰۰", OfficeName: "دفتر", DeskNumber: "1"}, "office_code"},
		{desk.InitInput{OfficeCode: "1", OfficeName: "دفتر", DeskNumber: "x"}, "desk"},
		{desk.InitInput{OfficeCode: "1", OfficeName: "دفتر", DeskNumber: "۱۰۰"}, "desk"},
		{desk.InitInput{OfficeCode: "1", OfficeName: "دفتر", DeskNumber: "0"}, "desk"},
		{desk.InitInput{OfficeCode: "1", OfficeName: " \u200c ", DeskNumber: "1"}, "office_name"},
	} {
		before := counts(t, d)
		_, err := d.Init(ctx, tc.in, setupActor(t, d))
		expectCode(t, err, pishkhan.EInvalid, tc.field)
		unchanged(t, before, counts(t, d))
	}

	// Persian and Arabic-Indic digits, Arabic letters in the name.
	cfg, err := d.Init(ctx, desk.InitInput{OfficeCode: " ۱۲۳۴۵ ", OfficeName: "  دفتر  پيشخوان ٢ ", DeskNumber: "٠٣"}, setupActor(t, d))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OfficeCode != 12345 || cfg.DeskNumber != 3 || cfg.OfficeName != "دفتر پیشخوان ۲" {
		t.Errorf("config %+v", cfg)
	}
	if got, err := d.Config(ctx); err != nil || got != cfg {
		t.Errorf("Config = %+v, %v", got, err)
	}
	// The same again is fine; another office or desk is a conflict.
	if _, err := d.Init(ctx, desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر پیشخوان ۲", DeskNumber: "3"}, setupActor(t, d)); err != nil {
		t.Errorf("same init again: %v", err)
	}
	before := counts(t, d)
	_, err = d.Init(ctx, desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر", DeskNumber: "4"}, setupActor(t, d))
	expectCode(t, err, pishkhan.EConflict, "")
	unchanged(t, before, counts(t, d))
}

func TestUsersAndAuthenticate(t *testing.T) {
	d, _ := openDesk(t)
	ctx := context.Background()
	if _, err := d.AddUser(ctx, desk.AddUserInput{Username: "boss", FullName: "مدیر دفتر", Role: "supervisor", PIN: "1357"}, setupActor(t, d)); err != nil {
		t.Fatal(err)
	}
	boss := as(t, d, "boss")
	u, err := d.AddUser(ctx, desk.AddUserInput{Username: " clerk1 ", FullName: "زهرا  احمدي", Role: " Clerk ", PIN: "۲۴۶۸"}, boss)
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "clerk1" || u.FullName != "زهرا احمدی" || u.Role != pishkhan.RoleClerk || !u.Active || u.ID.IsZero() ||
		!strings.HasPrefix(u.PINHash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("user %+v", u)
	}
	for _, pin := range []string{"2468", "۲۴۶۸", "٢٤٦٨", " 2468 "} {
		got, err := d.Authenticate(ctx, " Clerk1", pin) // user names are case-insensitive at login
		if err != nil || got.Username != "clerk1" {
			t.Errorf("Authenticate with PIN %q: %v", pin, err)
		}
	}
	// Wrong PIN, unknown user and inactive user look the same.
	_, errPIN := d.Authenticate(ctx, "clerk1", "2469")
	_, errUser := d.Authenticate(ctx, "nobody", "2468")
	_, errEmpty := d.Authenticate(ctx, "clerk1", "")
	if _, err := sqlDB(d).Exec("UPDATE users SET active = 0 WHERE username = 'clerk1'"); err != nil {
		t.Fatal(err)
	}
	_, errInactive := d.Authenticate(ctx, "clerk1", "2468")
	for name, err := range map[string]error{"wrong PIN": errPIN, "unknown user": errUser, "empty PIN": errEmpty, "inactive user": errInactive} {
		expectCode(t, err, pishkhan.EUnauthorized, "")
		if err.Error() != errPIN.Error() || pishkhan.PersianMessage(err) != pishkhan.PersianMessage(errPIN) {
			t.Errorf("%s: %q / %q differs from the wrong-PIN error", name, err, pishkhan.PersianMessage(err))
		}
	}

	// Bad input: refused with its field, nothing written.
	for _, tc := range []struct {
		in    desk.AddUserInput
		code  string
		field string
	}{
		{desk.AddUserInput{Username: "Ali", FullName: "علی", Role: "clerk", PIN: "2468"}, pishkhan.EInvalid, "username"},
		{desk.AddUserInput{Username: "علی", FullName: "علی", Role: "clerk", PIN: "2468"}, pishkhan.EInvalid, "username"},
		{desk.AddUserInput{Username: "ali", FullName: "  ", Role: "clerk", PIN: "2468"}, pishkhan.EInvalid, "full_name"},
		{desk.AddUserInput{Username: "ali", FullName: "علی", Role: "admin", PIN: "2468"}, pishkhan.EInvalid, "role"},
		{desk.AddUserInput{Username: "ali", FullName: "علی", Role: "clerk", PIN: "246"}, pishkhan.EInvalid, "pin"},
		{desk.AddUserInput{Username: "ali", FullName: "علی", Role: "clerk", PIN: "1111"}, pishkhan.EInvalid, "pin"},
		{desk.AddUserInput{Username: "ali", FullName: "علی", Role: "clerk", PIN: "12ab"}, pishkhan.EInvalid, "pin"},
		{desk.AddUserInput{Username: "clerk1", FullName: "دیگری", Role: "clerk", PIN: "1357"}, pishkhan.EConflict, ""},
	} {
		before := counts(t, d)
		_, err := d.AddUser(ctx, tc.in, boss)
		expectCode(t, err, tc.code, tc.field)
		unchanged(t, before, counts(t, d))
	}
	trail, _ := d.Store.AuditTrail(ctx, "clerk1", 0)
	if len(trail) != 1 || trail[0].Action != "user.add" {
		t.Errorf("audit %+v", trail)
	}
}

func TestCatalogUseCases(t *testing.T) {
	d, _ := openDesk(t)
	ctx := context.Background()
	c, err := d.ImportCatalog(ctx, smallCatalog(2), setupActor(t, d))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 2 || c.SubServices != 2 || c.Agencies != 2 || c.InquiryTypes != 2 {
		t.Errorf("counts %+v", c)
	}
	_, err = d.ImportCatalog(ctx, smallCatalog(1), setupActor(t, d))
	expectCode(t, err, pishkhan.EConflict, "")
	bad := smallCatalog(3)
	bad.SubServices[0].ServiceID = "sv-404"
	_, err = d.ImportCatalog(ctx, bad, setupActor(t, d))
	expectCode(t, err, pishkhan.EInvalid, "")

	hits, err := d.SearchCatalog(ctx, "كارت ملي", 10)
	if err != nil || len(hits) != 1 || hits[0].SubServiceID != "ss-card" {
		t.Errorf("search: %+v %v", hits, err)
	}
	e, err := d.SubService(ctx, "ss-pass")
	if err != nil || len(e.SubService.Fields) != 6 || len(e.Inquiries) != 2 || e.Inquiries[0].ID != "iq-2" {
		t.Errorf("SubService: %+v %v", e, err)
	}
	_, err = d.SubService(ctx, "nope")
	expectCode(t, err, pishkhan.ENotFound, "")
}

func TestReadCatalogFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	b, _ := json.Marshal(smallCatalog(4))
	if err := os.WriteFile(good, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cat, err := desk.ReadCatalogFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if cat.Version != 4 || len(cat.SubServices) != 2 || cat.SubServices[0].Fields[3].Choices[1] != "زیارتی" {
		t.Errorf("read back %+v", cat)
	}
	notJSON := filepath.Join(dir, "bad.json")
	os.WriteFile(notJSON, []byte("{not json"), 0o600)
	_, err = desk.ReadCatalogFile(notJSON)
	expectCode(t, err, pishkhan.EInvalid, "")
	_, err = desk.ReadCatalogFile(filepath.Join(dir, "missing.json"))
	expectCode(t, err, pishkhan.EInvalid, "")
	invalid := smallCatalog(4)
	invalid.Version = 0
	b, _ = json.Marshal(invalid)
	bad := filepath.Join(dir, "invalid.json")
	os.WriteFile(bad, b, 0o600)
	_, err = desk.ReadCatalogFile(bad)
	expectCode(t, err, pishkhan.EInvalid, "")
	// A misspelt key must not silently make a service free.
	typo := strings.Replace(string(mustJSON(t, smallCatalog(4))), `"gov_fee"`, `"gov_fees"`, 1)
	typoFile := filepath.Join(dir, "typo.json")
	os.WriteFile(typoFile, []byte(typo), 0o600)
	_, err = desk.ReadCatalogFile(typoFile)
	expectCode(t, err, pishkhan.EInvalid, "")
	if err == nil || !strings.Contains(err.Error(), "gov_fees") {
		t.Errorf("unknown key error %v does not name the key", err)
	}
	// Two catalogs in one file are not one catalog.
	twice := filepath.Join(dir, "twice.json")
	os.WriteFile(twice, append(mustJSON(t, smallCatalog(4)), mustJSON(t, smallCatalog(5))...), 0o600)
	_, err = desk.ReadCatalogFile(twice)
	expectCode(t, err, pishkhan.EInvalid, "")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPurgeRetention(t *testing.T) {
	d, c := readyDesk(t)
	ctx := context.Background()
	for _, r := range []time.Duration{0, -time.Hour, time.Hour, 23*time.Hour + 59*time.Minute} {
		before := counts(t, d)
		_, err := d.PurgePersonalData(ctx, r, as(t, d, "boss"))
		expectCode(t, err, pishkhan.EInvalid, "retention")
		unchanged(t, before, counts(t, d))
	}
	nc := nationalCode(t, "001234567")
	r, err := d.Intake(ctx, passInput(nc))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []pishkhan.RequestState{pishkhan.StateSending, pishkhan.StateAccepted} {
		if err := d.Store.TransitionRequest(ctx, r.ID, s, "", "replicator"); err != nil {
			t.Fatal(err)
		}
	}
	// One day of retention: not yet.
	if n, err := d.PurgePersonalData(ctx, 24*time.Hour, as(t, d, "boss")); err != nil || n != 0 {
		t.Errorf("purge of a fresh request: %d, %v", n, err)
	}
	c.advance(25 * time.Hour)
	if n, err := d.PurgePersonalData(ctx, 24*time.Hour, as(t, d, "boss")); err != nil || n != 1 {
		t.Errorf("purge after a day: %d, %v", n, err)
	}
	vs, err := d.Lookup(ctx, string(nc))
	if err != nil || len(vs) != 0 {
		t.Errorf("national-code lookup after purge: %d, %v", len(vs), err)
	}
	v, err := d.Show(ctx, string(r.TrackingCode))
	if err != nil || v.Citizen.FirstName != "" || string(v.Citizen.NationalCode) != nc.Masked() {
		t.Errorf("Show after purge: %+v %v", v.Citizen, err)
	}
	if rep, err := d.VerifyAudit(ctx); err != nil || rep.Entries == 0 || rep.Last == nil || rep.Last.Action != "privacy.purge" {
		t.Errorf("VerifyAudit: %+v %v", rep, err)
	}
}
