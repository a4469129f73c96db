package desk_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/store"
)

// privileged is every use case that needs a role, called as one actor.
type privileged struct {
	name   string
	action pishkhan.Action
	call   func(ctx context.Context, d *desk.Desk, a desk.Actor) error
}

func privilegedCalls(t *testing.T, dir, code string) []privileged {
	printer := store.DeviceSettings{Kind: store.DevicePrinter, Port: "/dev/ttyS0", Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1, Profile: "80mm-raster"}
	return []privileged{
		{"init", pishkhan.ActDeskSetup, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, err := d.Init(ctx, desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر دیگر", DeskNumber: "3"}, a)
			return err
		}},
		{"add user", pishkhan.ActUsers, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, err := d.AddUser(ctx, desk.AddUserInput{Username: "boss2", FullName: "مدیر دوم", Role: "supervisor", PIN: "8642"}, a)
			return err
		}},
		{"import catalog", pishkhan.ActDeskSetup, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, err := d.ImportCatalog(ctx, smallCatalog(2), a)
			return err
		}},
		{"configure printer", pishkhan.ActDevices, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			return d.ConfigureDevice(ctx, printer, a)
		}},
		{"test print", pishkhan.ActDevices, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, _, err := d.TestPrint(ctx, a)
			return err
		}},
		{"APDU console", pishkhan.ActCardTest, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, _, err := d.SendAPDUs(ctx, nil, []string{"00A40400"}, a)
			return err
		}},
		{"enrol", pishkhan.ActEnrol, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, err := d.Enrol(ctx, desk.EnrolInput{ExchangeURL: "http://127.0.0.1:1/", OneTimeCode: "123456"}, a)
			return err
		}},
		{"offline limits", pishkhan.ActSyncLimits, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			return d.SetOfflineLimits(ctx, pishkhan.OfflineLimits{WarnAfter: time.Hour, RefuseAfter: 2 * time.Hour}, a)
		}},
		{"backup", pishkhan.ActBackup, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			return d.Backup(ctx, filepath.Join(dir, "b-"+a.Name()+".db"), a)
		}},
		{"restore", pishkhan.ActRestore, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			return d.Restore(ctx, filepath.Join(dir, "missing.db"), a)
		}},
		{"purge", pishkhan.ActPurge, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, err := d.PurgePersonalData(ctx, 365*24*time.Hour, a)
			return err
		}},
		{"reprint", pishkhan.ActReprint, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, err := d.Reprint(ctx, code, a)
			return err
		}},
		{"reprint day", pishkhan.ActDayClose, func(ctx context.Context, d *desk.Desk, a desk.Actor) error {
			_, err := d.ReprintDay(ctx, d.Today(), a)
			return err
		}},
	}
}

// TestRolesEnforcedInDesk: each role tries every privileged use case; what
// its role may not do is refused in Persian before anything is written,
// and what it may do gets past the check (it may still fail for another
// reason: no printer here, a closed port).
func TestRolesEnforcedInDesk(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	req, err := d.Intake(ctx, passInput(nationalCode(t, "001234567")))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	calls := privilegedCalls(t, dir, string(req.TrackingCode))
	refused := map[pishkhan.Role]int{}
	for _, user := range []string{"clerk1", "boss", "tech"} {
		a := as(t, d, user)
		role := a.User().Role
		for _, c := range calls {
			before := counts(t, d)
			err := c.call(ctx, d, a)
			if role.Can(c.action) {
				if pishkhan.ErrorCode(err) == pishkhan.EUnauthorized {
					t.Errorf("%s (%s) may %s, but was refused: %v", user, role, c.name, err)
				}
				continue
			}
			refused[role]++
			expectCode(t, err, pishkhan.EUnauthorized, "")
			if msg := pishkhan.PersianMessage(err); !strings.Contains(msg, role.Persian()) {
				t.Errorf("%s %s: the refusal %q does not name the role", user, c.name, msg)
			}
			unchanged(t, before, counts(t, d))
		}
	}
	// The rules the issue names, and a few more, are what the table says.
	for _, tc := range []struct {
		role pishkhan.Role
		act  pishkhan.Action
		may  bool
	}{
		{pishkhan.RoleClerk, pishkhan.ActDayClose, false},
		{pishkhan.RoleClerk, pishkhan.ActDevices, false},
		{pishkhan.RoleClerk, pishkhan.ActEnrol, false},
		{pishkhan.RoleClerk, pishkhan.ActRestore, false},
		{pishkhan.RoleTechnician, pishkhan.ActIntake, false},
		{pishkhan.RoleTechnician, pishkhan.ActDayClose, false},
		{pishkhan.RoleTechnician, pishkhan.ActUsers, false},
		{pishkhan.RoleSupervisor, pishkhan.ActCardTest, false},
		{pishkhan.RoleClerk, pishkhan.ActIntake, true},
		{pishkhan.RoleSupervisor, pishkhan.ActDayClose, true},
		{pishkhan.RoleTechnician, pishkhan.ActEnrol, true},
	} {
		if tc.role.Can(tc.act) != tc.may {
			t.Errorf("%s may %s: %v, want %v", tc.role, tc.act, !tc.may, tc.may)
		}
	}
	if refused[pishkhan.RoleClerk] != 12 || refused[pishkhan.RoleTechnician] != 4 || refused[pishkhan.RoleSupervisor] != 1 {
		t.Errorf("refusals per role %v, want clerk 12, technician 4, supervisor 1", refused)
	}

	// A technician takes no intake.
	in := passInput(nationalCode(t, "001234568"))
	in.Clerk = "tech"
	before := counts(t, d)
	_, err = d.Intake(ctx, in)
	expectCode(t, err, pishkhan.EUnauthorized, "")
	unchanged(t, before, counts(t, d))
	// Nor does anyone without an Actor from the desk.
	_, err = d.Reprint(ctx, string(req.TrackingCode), desk.Actor{})
	expectCode(t, err, pishkhan.EUnauthorized, "")
}

// TestActorJudgedAsNow: a session's rights follow the user's record, so a
// user disabled or demoted after logging in loses them at once.
func TestActorJudgedAsNow(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	boss := as(t, d, "boss")
	if _, err := sqlDB(d).Exec(`UPDATE users SET role = 'clerk' WHERE username = 'boss'`); err != nil {
		t.Fatal(err)
	}
	_, err := d.ReprintDay(ctx, d.Today(), boss)
	expectCode(t, err, pishkhan.EUnauthorized, "")
	tech := as(t, d, "tech")
	if _, err := sqlDB(d).Exec(`UPDATE users SET active = 0 WHERE username = 'tech'`); err != nil {
		t.Fatal(err)
	}
	err = d.SetOfflineLimits(ctx, pishkhan.OfflineLimits{WarnAfter: time.Hour, RefuseAfter: 2 * time.Hour}, tech)
	expectCode(t, err, pishkhan.EUnauthorized, "")
}

// TestSetupActor: a desk with no users is set up without a login; its first
// user must be a supervisor; after that the set-up actor is refused, even
// one obtained before.
func TestSetupActor(t *testing.T) {
	d, _ := openDesk(t)
	ctx := context.Background()
	setup := setupActor(t, d)
	if _, err := d.Init(ctx, desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر", DeskNumber: "1"}, setup); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ImportCatalog(ctx, smallCatalog(1), setup); err != nil {
		t.Fatal(err)
	}
	// Not what a set-up needs.
	err := d.Backup(ctx, filepath.Join(t.TempDir(), "b.db"), setup)
	expectCode(t, err, pishkhan.EUnauthorized, "")
	before := counts(t, d)
	_, err = d.AddUser(ctx, desk.AddUserInput{Username: "clerk1", FullName: "اپراتور", Role: "clerk", PIN: "2468"}, setup)
	expectCode(t, err, pishkhan.EInvalid, "role")
	unchanged(t, before, counts(t, d))
	if _, err := d.AddUser(ctx, desk.AddUserInput{Username: "boss", FullName: "مدیر دفتر", Role: "supervisor", PIN: "1357"}, setup); err != nil {
		t.Fatal(err)
	}
	// The desk has a user now: the old set-up actor and a new one are refused.
	before = counts(t, d)
	_, err = d.AddUser(ctx, desk.AddUserInput{Username: "boss2", FullName: "مدیر دوم", Role: "supervisor", PIN: "8642"}, setup)
	expectCode(t, err, pishkhan.EUnauthorized, "")
	_, err = d.ImportCatalog(ctx, smallCatalog(2), setup)
	expectCode(t, err, pishkhan.EUnauthorized, "")
	unchanged(t, before, counts(t, d))
	_, err = d.SetupActor(ctx)
	expectCode(t, err, pishkhan.EUnauthorized, "")

	// The audit trail names who did what.
	trail, err := d.Store.AuditTrail(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	byAction := map[string]string{}
	for _, e := range trail {
		byAction[e.Action] = e.Actor
	}
	if byAction["desk.init"] != desk.SetupName || byAction["user.add"] != desk.SetupName || byAction["catalog.import"] != desk.SetupName {
		t.Errorf("audit actors %v", byAction)
	}
	if err := d.Backup(ctx, filepath.Join(t.TempDir(), "b.db"), as(t, d, "boss")); err != nil {
		t.Fatal(err)
	}
	if trail, _ = d.Store.AuditTrail(ctx, "", 0); trail[len(trail)-1].Action != "backup.write" || trail[len(trail)-1].Actor != "boss" {
		t.Errorf("backup not audited as boss: %+v", trail[len(trail)-1])
	}
}
