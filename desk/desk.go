// Package desk holds the use cases of a counter desk: initialise the desk,
// manage users, install and search the catalog, take a walk-in's request,
// look requests up, list the day, verify the audit trail and purge old
// personal data. The CLI and the window both call only this package; it
// validates input with the domain's rules before anything reaches the store.
package desk

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
)

// DBFile is the database's file name inside the data folder.
const DBFile = "pishkhan.db"

// Desk is one counter desk's application service.
type Desk struct {
	Store *store.DB
	Log   *slog.Logger
	// PINCost is the argon2id cost used for new PINs.
	PINCost pishkhan.Argon2idParams
	// AfterIntake, when set, is called after every filed intake (the app
	// wakes the replicator with it, so a request goes out at once when online).
	AfterIntake func(*pishkhan.Request)
	// HTTP is the client for the exchange; nil means one with a 30 s timeout.
	HTTP    *http.Client
	dataDir string

	printing *Printing // nil until SetPrinter

	decoyOnce sync.Once
	decoy     string

	exchangeOnce sync.Once
	exchange     *exchangeTransport // the HTTP transport to the exchange (desk/tls.go)
}

// decoyHash is a PIN hash at the desk's cost that matches no PIN anyone types.
func (d *Desk) decoyHash() string {
	d.decoyOnce.Do(func() {
		h, err := pishkhan.HashPIN("0123456789", d.PINCost)
		if err != nil {
			h, _ = pishkhan.HashPIN("0123456789", pishkhan.DefaultArgon2id)
		}
		d.decoy = h
	})
	return d.decoy
}

// DefaultDataDir is where the desk keeps its data when neither --data nor
// PISHKHAN_DATA says otherwise: $XDG_DATA_HOME/pishkhan (~/.local/share/pishkhan)
// on Linux, %LocalAppData%\Pishkhan on Windows, ~/Library/Application Support/Pishkhan on macOS.
func DefaultDataDir() (string, error) {
	if d := os.Getenv("PISHKHAN_DATA"); d != "" {
		return d, nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "Pishkhan"), nil
		}
	case "darwin":
		home, err := os.UserHomeDir()
		if err == nil {
			return filepath.Join(home, "Library", "Application Support", "Pishkhan"), nil
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "pishkhan"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the user's home folder for the data folder: %w", err)
	}
	return filepath.Join(home, ".local", "share", "pishkhan"), nil
}

// Open opens the desk whose data lives in dataDir, creating the folder (mode
// 0700) and the database if needed.
func Open(ctx context.Context, dataDir string, log *slog.Logger) (*Desk, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(dataDir) == "" {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "پوشه داده مشخص نشده است.", "data folder is empty")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, pishkhan.WrapError(err, pishkhan.EInternal, "پوشه داده ساخته نشد.", "create data folder %s", dataDir)
	}
	st, err := store.Open(ctx, filepath.Join(dataDir, DBFile))
	if err != nil {
		return nil, err
	}
	return &Desk{Store: st, Log: log, PINCost: pishkhan.DefaultArgon2id, dataDir: dataDir}, nil
}

// Close closes the database.
func (d *Desk) Close() error { return d.Store.Close() }

// DataDir is the desk's data folder.
func (d *Desk) DataDir() string { return d.dataDir }

// Now is the desk's clock (the store's, so tests can set one clock).
func (d *Desk) Now() time.Time { return d.Store.Now() }

// Today is today's Jalali date in Iran.
func (d *Desk) Today() persian.Date { return d.Store.Today() }

// ParseInitInput checks a technician's set-up input without touching the
// database, so a caller can refuse bad input before creating anything.
func ParseInitInput(in InitInput) (pishkhan.DeskConfig, error) {
	office, err := persian.ParseInt(in.OfficeCode)
	if err != nil {
		return pishkhan.DeskConfig{}, pishkhan.FieldError("office_code", "کد دفتر باید عدد باشد.", "office code %q is not a number", in.OfficeCode)
	}
	deskNo, err := persian.ParseInt(in.DeskNumber)
	if err != nil {
		return pishkhan.DeskConfig{}, pishkhan.FieldError("desk", "شماره میز باید عدد باشد.", "desk number %q is not a number", in.DeskNumber)
	}
	cfg := pishkhan.DeskConfig{OfficeCode: int(office), DeskNumber: int(deskNo), OfficeName: persian.NormalizeText(in.OfficeName)}
	if office > 99999 {
		cfg.OfficeCode = -1 // out of range whatever int's size; Check says so
	}
	if deskNo > 99 {
		cfg.DeskNumber = -1
	}
	return cfg, cfg.Check()
}

// InitInput is what a technician enters to set the desk up.
type InitInput struct {
	OfficeCode string // digits in any script
	OfficeName string
	DeskNumber string
}

// Init sets the desk's office code, office name and desk number once.
func (d *Desk) Init(ctx context.Context, in InitInput, by Actor) (pishkhan.DeskConfig, error) {
	cfg, err := ParseInitInput(in)
	if err != nil {
		return pishkhan.DeskConfig{}, err
	}
	if err := d.authorize(ctx, by, pishkhan.ActDeskSetup); err != nil {
		return pishkhan.DeskConfig{}, err
	}
	if err := d.Store.InitDesk(ctx, cfg, by.Name()); err != nil {
		return pishkhan.DeskConfig{}, err
	}
	d.Log.Info("desk initialised", "office", cfg.OfficeCode, "desk", cfg.DeskNumber)
	return d.Store.DeskConfig(ctx)
}

// Config returns the desk's configuration, or ENotInit.
func (d *Desk) Config(ctx context.Context) (pishkhan.DeskConfig, error) {
	return d.Store.DeskConfig(ctx)
}

// AddUserInput is a new user.
type AddUserInput struct {
	Username string
	FullName string
	Role     string
	PIN      string
}

// AddUser validates and saves a user with an argon2id-hashed PIN.
// The set-up actor may add only the first user, who must be a supervisor, so
// a desk never has users and no one to run it.
func (d *Desk) AddUser(ctx context.Context, in AddUserInput, by Actor) (pishkhan.User, error) {
	u := pishkhan.User{Username: strings.TrimSpace(in.Username), FullName: persian.NormalizeText(in.FullName)}
	if err := pishkhan.CheckUsername(u.Username); err != nil {
		return u, err
	}
	if u.FullName == "" {
		return u, pishkhan.FieldError("full_name", "نام و نام خانوادگی کاربر را وارد کنید.", "full name is required")
	}
	role, err := pishkhan.ParseRole(in.Role)
	if err != nil {
		return u, err
	}
	u.Role = role
	if err := d.authorize(ctx, by, pishkhan.ActUsers); err != nil {
		return u, err
	}
	if by.setup && role != pishkhan.RoleSupervisor {
		return u, pishkhan.FieldError("role", "نخستین کاربر میز باید مدیر دفتر باشد.", "the desk's first user must be a supervisor")
	}
	if u.PINHash, err = pishkhan.HashPIN(in.PIN, d.PINCost); err != nil {
		return u, err
	}
	if err := d.Store.AddUser(ctx, u, by.Name()); err != nil {
		return u, err
	}
	d.Log.Info("user added", "user", u.Username, "role", u.Role)
	return d.Store.UserByName(ctx, u.Username)
}

// Users lists the desk's users by user name.
func (d *Desk) Users(ctx context.Context) ([]pishkhan.User, error) { return d.Store.Users(ctx) }

// User returns one user by name (case-insensitive), or ENotFound.
func (d *Desk) User(ctx context.Context, username string) (pishkhan.User, error) {
	return d.Store.UserByName(ctx, strings.ToLower(strings.TrimSpace(username)))
}

// Authenticate checks a user name and PIN. A wrong name and a wrong PIN give
// the same error, so the screen does not tell which user names exist.
func (d *Desk) Authenticate(ctx context.Context, username, pin string) (pishkhan.User, error) {
	bad := pishkhan.Errorf(pishkhan.EUnauthorized, "نام کاربری یا رمز درست نیست.", "wrong user name or PIN")
	u, err := d.Store.UserByName(ctx, strings.ToLower(strings.TrimSpace(username)))
	if err != nil {
		if pishkhan.ErrorCode(err) == pishkhan.ENotFound {
			// Spend the same time as a wrong PIN, so timing does not tell
			// which user names exist.
			pishkhan.VerifyPIN(pin, d.decoyHash())
			return pishkhan.User{}, bad
		}
		return pishkhan.User{}, err
	}
	if until, err := d.Store.PINLockedUntil(ctx, u.Username); err != nil {
		return pishkhan.User{}, err
	} else if !until.IsZero() {
		pishkhan.VerifyPIN(pin, d.decoyHash()) // the same time as any answer
		return pishkhan.User{}, lockedError(u.Username, until)
	}
	ok, err := pishkhan.VerifyPIN(pin, u.PINHash)
	if err != nil {
		return pishkhan.User{}, fmt.Errorf("verify PIN of %s: %w", u.Username, err)
	}
	if !ok {
		until, err := d.Store.RecordPINFailure(ctx, u.Username, MaxPINFailures, PINLockout)
		if err != nil {
			return pishkhan.User{}, err
		}
		if !until.IsZero() {
			d.logger().Warn("user locked after wrong PINs", "user", u.Username, "until", until)
			return pishkhan.User{}, lockedError(u.Username, until)
		}
		return pishkhan.User{}, bad
	}
	if !u.Active {
		return pishkhan.User{}, bad
	}
	if err := d.Store.ResetPINFailures(ctx, u.Username); err != nil {
		return pishkhan.User{}, err
	}
	return u, nil
}

// After MaxPINFailures wrong PINs in a row a user is locked for PINLockout.
const (
	MaxPINFailures = 5
	PINLockout     = 15 * time.Minute
)

// lockedError says a user is locked, and until when.
func lockedError(username string, until time.Time) error {
	return pishkhan.Errorf(pishkhan.EUnauthorized,
		fmt.Sprintf("به‌خاطر چند رمز نادرست پیاپی، ورود این کاربر تا ساعت %s بسته است.", persian.FormatTime(until)),
		"user %s is locked after wrong PINs until %s", username, until.UTC().Format(time.RFC3339))
}
