package desk

import (
	"context"

	"github.com/pishkhan/pishkhan"
)

// SetupName is the audit trail's name for whoever set up a desk that had no
// users yet.
const SetupName = "setup"

// Actor is who does something at the desk that not every role may do. Only
// the desk makes one: Login, for a user who gave their PIN, and SetupActor,
// for setting up a desk that has no users yet. The zero Actor may do nothing.
// Every privileged use case takes an Actor and checks its role itself, so a
// window that shows a button by mistake, or a script, cannot get round it.
type Actor struct {
	user  pishkhan.User
	setup bool
}

// User is the logged-in user (the zero User for the set-up actor).
func (a Actor) User() pishkhan.User { return a.user }

// Name is the actor's name in the audit trail.
func (a Actor) Name() string {
	if a.setup {
		return SetupName
	}
	return a.user.Username
}

// Login checks a user name and PIN (as Authenticate) and returns the user as
// an Actor.
func (d *Desk) Login(ctx context.Context, username, pin string) (Actor, error) {
	u, err := d.Authenticate(ctx, username, pin)
	if err != nil {
		return Actor{}, err
	}
	return Actor{user: u}, nil
}

// SetupActor is the actor that sets up a desk before it has users: it may
// initialise the desk, add the first supervisor, install the catalog,
// configure devices and enrol. Once a user exists it is refused, here and at
// every use: from then on people log in.
func (d *Desk) SetupActor(ctx context.Context) (Actor, error) {
	has, err := d.Store.HasUsers(ctx)
	if err != nil {
		return Actor{}, err
	}
	if has {
		return Actor{}, setupOver()
	}
	return Actor{setup: true}, nil
}

func setupOver() error {
	return pishkhan.Errorf(pishkhan.EUnauthorized, "این میز کاربر دارد؛ با نام کاربری و رمز وارد شوید.",
		"the desk has users: log in with a user name and PIN (--user NAME, the PIN on standard input)")
}

// authorize refuses an actor that may not do act. A user is read again, so a
// user disabled or given another role since logging in is judged as they
// are now.
func (d *Desk) authorize(ctx context.Context, a Actor, act pishkhan.Action) error {
	if a.setup {
		if !pishkhan.SetupMay(act) {
			return pishkhan.Forbidden("", act)
		}
		has, err := d.Store.HasUsers(ctx)
		if err != nil {
			return err
		}
		if has {
			return setupOver()
		}
		return nil
	}
	if a.user.Username == "" {
		return pishkhan.Forbidden("", act)
	}
	u, err := d.Store.UserByName(ctx, a.user.Username)
	if err != nil {
		if pishkhan.ErrorCode(err) == pishkhan.ENotFound {
			return pishkhan.Forbidden("", act)
		}
		return err
	}
	if !u.Active || !u.Role.Can(act) {
		d.logger().Warn("action refused", "user", u.Username, "role", u.Role, "action", act, "active", u.Active)
		if !u.Active {
			return pishkhan.Forbidden("", act)
		}
		return pishkhan.Forbidden(u.Role, act)
	}
	return nil
}

// FirstRunInput sets a new desk up in one go, as the first-run screen does.
type FirstRunInput struct {
	Desk       InitInput
	Supervisor AddUserInput      // the desk's first user; the role is set to supervisor
	Catalog    *pishkhan.Catalog // optional: installed before the supervisor is added
}

// FirstRun initialises a desk that has no users, installs the catalog when
// one is given, adds the first supervisor and logs them in. A retry after a
// failure repeats the steps already done harmlessly (the same set-up and the
// same catalog again are accepted).
func (d *Desk) FirstRun(ctx context.Context, in FirstRunInput) (Actor, error) {
	setup, err := d.SetupActor(ctx)
	if err != nil {
		return Actor{}, err
	}
	if _, err := d.Init(ctx, in.Desk, setup); err != nil {
		return Actor{}, err
	}
	if in.Catalog != nil {
		if _, err := d.ImportCatalog(ctx, in.Catalog, setup); err != nil {
			return Actor{}, err
		}
	}
	in.Supervisor.Role = string(pishkhan.RoleSupervisor)
	if _, err := d.AddUser(ctx, in.Supervisor, setup); err != nil {
		return Actor{}, err
	}
	return d.Login(ctx, in.Supervisor.Username, in.Supervisor.PIN)
}
