package pishkhan

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// testArgon2 is the cheapest setting VerifyPIN accepts, to keep tests fast.
var testArgon2 = Argon2idParams{Memory: 1024, Time: 1, Threads: 1}

func mustHash(t testing.TB, pin string, p Argon2idParams) string {
	t.Helper()
	h, err := HashPIN(pin, p)
	if err != nil {
		t.Fatalf("HashPIN(%q): %v", pin, err)
	}
	return h
}

func TestNormalizePIN(t *testing.T) {
	accept := map[string]string{
		"1234":                         "1234",
		"123456789012":                 "123456789012",
		"000000000001":                 "000000000001",
		"0123":                         "0123",
		"1112":                         "1112",
		toScript("1357", persianZero):  "1357",
		toScript("24680", arabicZero):  "24680",
		" 12 34 ":                      "1234",
		"12-34":                        "1234",
		toScript("12-34", persianZero): "1234",
	}
	for in, want := range accept {
		got, err := NormalizePIN(in)
		if err != nil || got != want {
			t.Errorf("NormalizePIN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	refuse := []string{"", "123", "1234567890123", "12a4", "abcd", "0000", "1111", "999999999999",
		toScript("5555", persianZero), "12.3", "+1234", "۱۲۳"}
	for _, in := range refuse {
		got, err := NormalizePIN(in)
		if got != "" {
			t.Errorf("NormalizePIN(%q) = %q", in, got)
		}
		wantCodeAndPersian(t, err, EInvalid)
	}
}

func TestHashPINRoundTrip(t *testing.T) {
	h := mustHash(t, "4826", testArgon2)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q not in PHC form", h)
	}
	parts := strings.Split(h, "$")
	if len(parts) != 6 {
		t.Fatalf("hash %q has %d parts", h, len(parts))
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) != 16 {
		t.Errorf("salt %q: %d bytes, %v", parts[4], len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) != 32 {
		t.Errorf("key %q: %d bytes, %v", parts[5], len(key), err)
	}
	for _, pin := range []string{"4826", toScript("4826", persianZero), toScript("4826", arabicZero), " 48-26 "} {
		ok, err := VerifyPIN(pin, h)
		if err != nil || !ok {
			t.Errorf("VerifyPIN(%q) = %v, %v; want true", pin, ok, err)
		}
	}
	for _, pin := range []string{"4827", "48260", "482", "", "6284", toScript("4827", persianZero), "abcd"} {
		ok, err := VerifyPIN(pin, h)
		if err != nil || ok {
			t.Errorf("VerifyPIN(%q) = %v, %v; want false, nil", pin, ok, err)
		}
	}
}

func TestHashPINPersianInput(t *testing.T) {
	h := mustHash(t, toScript("907531", persianZero), testArgon2)
	ok, err := VerifyPIN("907531", h)
	if err != nil || !ok {
		t.Errorf("Latin PIN against Persian-entered hash: %v %v", ok, err)
	}
}

func TestHashPINFreshSalt(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 5; i++ {
		h := mustHash(t, "2580", testArgon2)
		salt := strings.Split(h, "$")[4]
		if seen[salt] {
			t.Fatalf("salt %s reused", salt)
		}
		seen[salt] = true
		if ok, err := VerifyPIN("2580", h); !ok || err != nil {
			t.Fatalf("hash %d does not verify: %v", i, err)
		}
	}
}

func TestHashPINRefusesBadPIN(t *testing.T) {
	for _, pin := range []string{"", "12", "1111", "12ab"} {
		h, err := HashPIN(pin, testArgon2)
		if h != "" {
			t.Errorf("HashPIN(%q) = %q", pin, h)
		}
		wantCodeAndPersian(t, err, EInvalid)
	}
}

// HashPIN refuses cost parameters that VerifyPIN would refuse later, so it never
// writes a hash that can not be verified (or panics on a zero thread count).
func TestHashPINParamsMatchVerify(t *testing.T) {
	bad := []Argon2idParams{
		{},
		{Memory: 512, Time: 1, Threads: 1},
		{Memory: 1024, Time: 0, Threads: 1},
		{Memory: 1024, Time: 17, Threads: 1},
		{Memory: 1024, Time: 1, Threads: 0},
		{Memory: 1<<21 + 1, Time: 1, Threads: 1},
	}
	for _, p := range bad {
		h, err := HashPIN("2468", p)
		if err == nil {
			t.Errorf("HashPIN with %+v = %q, want error", p, h)
		}
	}
	for _, p := range []Argon2idParams{testArgon2, {Memory: 2048, Time: 2, Threads: 2}} {
		h := mustHash(t, "2468", p)
		if want := fmt.Sprintf("$m=%d,t=%d,p=%d$", p.Memory, p.Time, p.Threads); !strings.Contains(h, want) {
			t.Errorf("hash %q does not record %s", h, want)
		}
		if ok, err := VerifyPIN("2468", h); !ok || err != nil {
			t.Errorf("%+v: VerifyPIN = %v, %v", p, ok, err)
		}
	}
}

func TestHashPINDefaultParams(t *testing.T) {
	h := mustHash(t, "731902", DefaultArgon2id)
	if !strings.Contains(h, "$m=19456,t=2,p=1$") {
		t.Errorf("default hash %q", h)
	}
	if ok, err := VerifyPIN("731902", h); !ok || err != nil {
		t.Errorf("VerifyPIN = %v, %v", ok, err)
	}
	if ok, err := VerifyPIN("731903", h); ok || err != nil {
		t.Errorf("wrong PIN: VerifyPIN = %v, %v", ok, err)
	}
}

func TestVerifyPINMalformedHash(t *testing.T) {
	good := mustHash(t, "1357", testArgon2)
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	malformed := map[string]string{
		"empty":              "",
		"garbage":            "not a hash",
		"bcrypt":             "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":            with(1, "argon2i"),
		"too few parts":      strings.Join(parts[:5], "$"),
		"too many parts":     good + "$x",
		"version 16":         with(2, "v=16"),
		"version text":       with(2, "v=xx"),
		"no version":         with(2, ""),
		"params text":        with(3, "m=a,t=1,p=1"),
		"params missing":     with(3, ""),
		"memory too low":     with(3, "m=8,t=1,p=1"),
		"memory too high":    with(3, "m=4194304,t=1,p=1"),
		"time zero":          with(3, "m=1024,t=0,p=1"),
		"time too high":      with(3, "m=1024,t=17,p=1"),
		"threads zero":       with(3, "m=1024,t=1,p=0"),
		"threads overflow":   with(3, "m=1024,t=1,p=256"),
		"negative memory":    with(3, "m=-1,t=1,p=1"),
		"salt not base64":    with(4, "!!!!"),
		"salt padded":        with(4, parts[4]+"=="),
		"hash not base64":    with(5, "@@@@"),
		"hash too short":     with(5, base64.RawStdEncoding.EncodeToString(make([]byte, 15))),
		"hash empty":         with(5, ""),
		"leading garbage":    "x" + good,
		"dollar only":        "$$$$$",
		"params wrong order": with(3, "t=1,m=1024,p=1"),
		"params trailing":    with(3, "m=1024,t=1,p=1x"),
		"params plus sign":   with(3, "m=+1024,t=1,p=1"),
		"params zero-padded": with(3, "m=01024,t=1,p=1"),
		"params spaced":      with(3, "m=1024, t=1, p=1"),
		"version trailing":   with(2, "v=19x"),
		"version padded":     with(2, "v=019"),
	}
	for name, h := range malformed {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic %v", name, r)
				}
			}()
			ok, err := VerifyPIN("1357", h)
			if err == nil || ok {
				t.Errorf("%s: VerifyPIN(%q) = %v, %v; want false and an error", name, h, ok, err)
			}
		}()
	}
}

func TestVerifyPINTamperedHashIsMismatch(t *testing.T) {
	good := mustHash(t, "1357", testArgon2)
	parts := strings.Split(good, "$")
	key, _ := base64.RawStdEncoding.DecodeString(parts[5])
	for _, i := range []int{0, len(key) / 2, len(key) - 1} {
		k := append([]byte(nil), key...)
		k[i] ^= 1
		parts[5] = base64.RawStdEncoding.EncodeToString(k)
		ok, err := VerifyPIN("1357", strings.Join(parts, "$"))
		if ok || err != nil {
			t.Errorf("key byte %d flipped: %v, %v; want false, nil", i, ok, err)
		}
	}
	salt, _ := base64.RawStdEncoding.DecodeString(strings.Split(good, "$")[4])
	salt[0] ^= 1
	parts = strings.Split(good, "$")
	parts[4] = base64.RawStdEncoding.EncodeToString(salt)
	ok, err := VerifyPIN("1357", strings.Join(parts, "$"))
	if ok || err != nil {
		t.Errorf("tampered salt: %v, %v; want false, nil", ok, err)
	}
}

func TestRoles(t *testing.T) {
	for _, r := range []Role{RoleClerk, RoleSupervisor, RoleTechnician} {
		if !r.Valid() {
			t.Errorf("%s not valid", r)
		}
		if !hasPersianLetter(r.Persian()) {
			t.Errorf("%s Persian = %q", r, r.Persian())
		}
		for _, in := range []string{string(r), strings.ToUpper(string(r)), " " + string(r) + " "} {
			got, err := ParseRole(in)
			if err != nil || got != r {
				t.Errorf("ParseRole(%q) = %q, %v", in, got, err)
			}
		}
	}
	for _, in := range []string{"", "admin", "clerks", "مدیر", "root"} {
		got, err := ParseRole(in)
		if got != "" || Role(in).Valid() {
			t.Errorf("ParseRole(%q) = %q", in, got)
		}
		wantCodeAndPersian(t, err, EInvalid)
	}
	if Role("admin").Persian() != "admin" {
		t.Error("unknown role's Persian name should be the raw value")
	}
}

func TestCheckUsername(t *testing.T) {
	for _, ok := range []string{"ali", "a.rezaei", "clerk_01", "m-h", "abc" + strings.Repeat("x", 29)} {
		if err := CheckUsername(ok); err != nil {
			t.Errorf("CheckUsername(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "ab", "1ali", "Ali", "ali rezaei", "علی", "_ali", "abc" + strings.Repeat("x", 30), "ali@desk"} {
		wantCodeAndPersian(t, CheckUsername(bad), EInvalid)
	}
}
