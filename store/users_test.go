package store

import (
	"context"
	"errors"
	"testing"

	"github.com/pishkhan/pishkhan"
)

// asError returns the first *pishkhan.Error in err's chain.
func asError(err error) *pishkhan.Error {
	var pe *pishkhan.Error
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// cheapHash hashes a PIN with the cheapest parameters VerifyPIN accepts.
func cheapHash(t *testing.T, pin string) string {
	t.Helper()
	h, err := pishkhan.HashPIN(pin, pishkhan.Argon2idParams{Memory: 1024, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestAddUser(t *testing.T) {
	db, c := openTestDB(t)
	ctx := context.Background()
	u := pishkhan.User{Username: "clerk1", FullName: "زهرا احمدی", Role: pishkhan.RoleClerk, PINHash: cheapHash(t, "2468")}
	if err := db.AddUser(ctx, u, "admin"); err != nil {
		t.Fatal(err)
	}
	got, err := db.UserByName(ctx, "clerk1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Username != u.Username || got.FullName != u.FullName || got.Role != u.Role || got.PINHash != u.PINHash || !got.Active {
		t.Errorf("UserByName = %+v", got)
	}
	if got.ID.IsZero() || got.ID.Version() != 7 {
		t.Errorf("user id %s is not a UUIDv7", got.ID)
	}
	if !got.CreatedAt.Equal(c.now()) {
		t.Errorf("CreatedAt %v, want %v", got.CreatedAt, c.now())
	}
	if ok, err := pishkhan.VerifyPIN("2468", got.PINHash); err != nil || !ok {
		t.Errorf("stored PIN hash does not verify: %v %v", ok, err)
	}
	trail, _ := db.AuditTrail(ctx, "clerk1", 0)
	if len(trail) != 1 || trail[0].Action != "user.add" || trail[0].Actor != "admin" || trail[0].Detail != "clerk" {
		t.Errorf("audit of user.add: %+v", trail)
	}

	// Duplicate user name: conflict, nothing written.
	before := rowCounts(t, db)
	dup := pishkhan.User{Username: "clerk1", FullName: "دیگری", Role: pishkhan.RoleSupervisor, PINHash: cheapHash(t, "1357")}
	wantCode(t, db.AddUser(ctx, dup, "admin"), pishkhan.EConflict)
	sameCounts(t, before, rowCounts(t, db))

	// Bad user names and roles: invalid, nothing written.
	for _, name := range []string{"", "ab", "Clerk2", "۱clerk", "علی", "clerk 2", "2clerk", "a234567890123456789012345678901234"} {
		err := db.AddUser(ctx, pishkhan.User{Username: name, FullName: "x", Role: pishkhan.RoleClerk, PINHash: cheapHash(t, "2468")}, "admin")
		wantCode(t, err, pishkhan.EInvalid)
		if pe := asError(err); pe.Field != "username" {
			t.Errorf("user name %q: field %q, want username", name, pe.Field)
		}
	}
	err = db.AddUser(ctx, pishkhan.User{Username: "boss", FullName: "x", Role: "admin", PINHash: cheapHash(t, "2468")}, "admin")
	wantCode(t, err, pishkhan.EInvalid)
	sameCounts(t, before, rowCounts(t, db))

	// A second, different user is fine; Users lists both by name.
	if err := db.AddUser(ctx, pishkhan.User{Username: "boss", FullName: "مدیر", Role: pishkhan.RoleSupervisor, PINHash: cheapHash(t, "1357")}, "admin"); err != nil {
		t.Fatal(err)
	}
	users, err := db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].Username != "boss" || users[1].Username != "clerk1" {
		t.Errorf("Users = %+v", users)
	}

	_, err = db.UserByName(ctx, "nobody")
	wantCode(t, err, pishkhan.ENotFound)
}

func TestAddUserWithoutPINHashRefused(t *testing.T) {
	db, _ := openTestDB(t)
	before := rowCounts(t, db)
	err := db.AddUser(context.Background(), pishkhan.User{Username: "clerk1", FullName: "x", Role: pishkhan.RoleClerk}, "admin")
	wantCode(t, err, pishkhan.EInvalid)
	sameCounts(t, before, rowCounts(t, db))
}
