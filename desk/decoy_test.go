package desk

import (
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
)

// An unknown user name costs one argon2 verification, like a wrong PIN, so
// timing does not tell which user names exist: the decoy hash must be at the
// desk's own PIN cost, made once, and match no PIN.
func TestDecoyHashAtDeskCost(t *testing.T) {
	d := &Desk{PINCost: pishkhan.Argon2idParams{Memory: 2048, Time: 1, Threads: 1}}
	h := d.decoyHash()
	if !strings.HasPrefix(h, "$argon2id$v=19$m=2048,t=1,p=1$") {
		t.Fatalf("decoy hash %q is not at the desk's PIN cost", h)
	}
	if d.decoyHash() != h {
		t.Fatal("decoy hash made twice")
	}
	for _, pin := range []string{"1234", "0000", "2468"} {
		if ok, err := pishkhan.VerifyPIN(pin, h); err != nil || ok {
			t.Fatalf("decoy hash matches PIN %s (%v)", pin, err)
		}
	}
}
