package pishkhan

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Role is what a user may do at the desk.
type Role string

// The roles.
const (
	RoleClerk      Role = "clerk"      // اپراتور پیشخوان: intake and lookup
	RoleSupervisor Role = "supervisor" // مدیر دفتر: approvals, reprints, day close, users
	RoleTechnician Role = "technician" // کارشناس فنی: enrolment and devices
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleClerk || r == RoleSupervisor || r == RoleTechnician
}

// Persian is the role's title.
func (r Role) Persian() string {
	switch r {
	case RoleClerk:
		return "اپراتور پیشخوان"
	case RoleSupervisor:
		return "مدیر دفتر"
	case RoleTechnician:
		return "کارشناس فنی"
	}
	return string(r)
}

// ParseRole accepts the English role names.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", FieldError("role", "نقش باید اپراتور، مدیر یا کارشناس فنی باشد.", "role must be clerk, supervisor or technician, got %q", s)
	}
	return r, nil
}

// User is a person who logs in at the desk with a user name and a PIN.
type User struct {
	ID        ID
	Username  string
	FullName  string
	Role      Role
	PINHash   string // argon2id in PHC string form
	Active    bool
	CreatedAt time.Time
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,31}$`)

// CheckUsername validates a user name: 3–32 characters, lower-case ASCII
// letters, digits, dot, dash and underscore, starting with a letter.
func CheckUsername(s string) error {
	if !usernameRE.MatchString(s) {
		return FieldError("username", "نام کاربری باید ۳ تا ۳۲ حرف لاتین کوچک، رقم، نقطه، خط تیره یا زیرخط باشد و با حرف شروع شود.",
			"username %q must be 3-32 lower-case ASCII letters, digits, '.', '-' or '_', starting with a letter", s)
	}
	return nil
}

// Argon2idParams are the cost parameters of PIN hashing. They are written
// into every hash, so they can be raised later without breaking old hashes.
type Argon2idParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultArgon2id follows OWASP's recommendation for argon2id (19 MiB, 2 passes, 1 lane).
var DefaultArgon2id = Argon2idParams{Memory: 19 * 1024, Time: 2, Threads: 1}

// check reports whether the parameters are within the range VerifyPIN accepts.
func (p Argon2idParams) check() error {
	if p.Memory < 1024 || p.Memory > 1<<18 || p.Time < 1 || p.Time > 16 || p.Threads < 1 {
		return fmt.Errorf("argon2id parameters m=%d,t=%d,p=%d out of range", p.Memory, p.Time, p.Threads)
	}
	return nil
}

// NormalizePIN turns a PIN typed in any digit script into ASCII digits and
// checks it: 4 to 12 digits, not all the same.
func NormalizePIN(pin string) (string, error) {
	d := cleanDigits(strings.TrimSpace(pin))
	if !allDigits(d) || len(d) < 4 || len(d) > 12 {
		return "", FieldError("pin", "رمز باید ۴ تا ۱۲ رقم باشد.", "PIN must be 4 to 12 digits")
	}
	if allSame(d) {
		return "", FieldError("pin", "رمز نباید همه یک رقم باشد.", "PIN must not be one repeated digit")
	}
	return d, nil
}

// HashPIN hashes a PIN with argon2id and a fresh 16-byte salt, in PHC form:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPIN(pin string, p Argon2idParams) (string, error) {
	d, err := NormalizePIN(pin)
	if err != nil {
		return "", err
	}
	if err := p.check(); err != nil {
		return "", err // a hash VerifyPIN would refuse locks the user out
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt for PIN hash: %w", err)
	}
	key := argon2.IDKey([]byte(d), salt, p.Time, p.Memory, p.Threads, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPIN reports whether pin matches the PHC-form argon2id hash. A
// malformed hash is an error, not a mismatch.
func VerifyPIN(pin, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, fmt.Errorf("PIN hash is not in argon2id PHC form")
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false, fmt.Errorf("PIN hash has unsupported argon2 version %q", parts[2])
	}
	var p Argon2idParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("PIN hash parameters %q: %w", parts[3], err)
	}
	if parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) {
		return false, fmt.Errorf("PIN hash parameters %q are not in canonical form", parts[3])
	}
	if p.check() != nil {
		return false, fmt.Errorf("PIN hash parameters %q out of range", parts[3])
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("PIN hash salt: %w", err)
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) < 16 {
		return false, fmt.Errorf("PIN hash value is malformed")
	}
	d := cleanDigits(strings.TrimSpace(pin))
	got := argon2.IDKey([]byte(d), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
