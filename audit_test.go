package pishkhan

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func drawEntry(t *rapid.T, label string) AuditEntry {
	return AuditEntry{
		At:      time.Unix(rapid.Int64Range(1.6e9, 2.2e9).Draw(t, label+".sec"), rapid.Int64Range(0, 999_999_999).Draw(t, label+".ns")),
		Actor:   rapid.SampledFrom([]string{"system", "ali", "sara", ""}).Draw(t, label+".actor"),
		Action:  rapid.SampledFrom([]string{"intake", "user.add", "catalog.import", "reprint"}).Draw(t, label+".action"),
		Subject: rapid.String().Draw(t, label+".subject"),
		Detail:  rapid.String().Draw(t, label+".detail"),
	}
}

func sealChain(entries []AuditEntry) []AuditEntry {
	for i := range entries {
		if i == 0 {
			entries[i].Seal(nil)
		} else {
			entries[i].Seal(&entries[i-1])
		}
	}
	return entries
}

func drawChain(t *rapid.T) []AuditEntry {
	n := rapid.IntRange(1, 12).Draw(t, "n")
	chain := make([]AuditEntry, n)
	for i := range chain {
		chain[i] = drawEntry(t, "entry")
	}
	return sealChain(chain)
}

func TestSealLinksEntries(t *testing.T) {
	tehran := time.FixedZone("IRST", 3*3600+1800)
	chain := sealChain([]AuditEntry{
		{At: time.Date(2026, 3, 21, 9, 0, 0, 5, tehran), Actor: "ali", Action: "intake", Subject: "123"},
		{At: time.Date(2026, 3, 21, 9, 1, 0, 0, tehran), Actor: "system", Action: "sync"},
		{At: time.Date(2026, 3, 21, 9, 2, 0, 0, time.UTC), Actor: "sara", Action: "reprint", Detail: `{"n":1}`},
	})
	for i, e := range chain {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d: Seq %d", i, e.Seq)
		}
		if e.At.Location() != time.UTC {
			t.Errorf("entry %d: At not in UTC", i)
		}
		want := GenesisHash
		if i > 0 {
			want = chain[i-1].Hash
		}
		if e.PrevHash != want {
			t.Errorf("entry %d: PrevHash %s, want %s", i, e.PrevHash, want)
		}
		if b, err := hex.DecodeString(e.Hash); err != nil || len(b) != sha256.Size {
			t.Errorf("entry %d: Hash %q is not hex SHA-256", i, e.Hash)
		}
	}
	if err := VerifyAuditChain(chain); err != nil {
		t.Fatal(err)
	}
	if err := VerifyAuditChain(nil); err != nil {
		t.Errorf("empty chain: %v", err)
	}
	if len(GenesisHash) != 64 || GenesisHash != hex.EncodeToString(make([]byte, 32)) {
		t.Errorf("GenesisHash %q", GenesisHash)
	}
}

// The hash is over the instant, not the zone it is written in; but a
// nanosecond's difference is a different entry.
func TestComputeHashInstantNotZone(t *testing.T) {
	e := AuditEntry{Seq: 1, At: time.Date(2026, 1, 1, 12, 0, 0, 123, time.UTC), Actor: "a", PrevHash: GenesisHash}
	z := e
	z.At = e.At.In(time.FixedZone("IRST", 3*3600+1800))
	if e.ComputeHash() != z.ComputeHash() {
		t.Error("same instant in another zone hashes differently")
	}
	n := e
	n.At = e.At.Add(time.Nanosecond)
	if e.ComputeHash() == n.ComputeHash() {
		t.Error("a nanosecond later hashes the same")
	}
}

// Fields are length-prefixed: moving characters from one field to the next changes the hash.
func TestComputeHashFieldBoundaries(t *testing.T) {
	base := AuditEntry{Seq: 3, At: time.Unix(0, 0), PrevHash: GenesisHash}
	variants := []AuditEntry{base, base, base, base, base, base}
	variants[0].Actor, variants[0].Action = "ab", "c"
	variants[1].Actor, variants[1].Action = "a", "bc"
	variants[2].Subject, variants[2].Detail = "x", ""
	variants[3].Subject, variants[3].Detail = "", "x"
	variants[4].Actor = "x"
	variants[5].Action = "x"
	seen := map[string]int{}
	for i, v := range variants {
		h := v.ComputeHash()
		if j, ok := seen[h]; ok {
			t.Errorf("variants %d and %d hash the same", j, i)
		}
		seen[h] = i
	}
}

func wantChainBroken(t *rapid.T, chain []AuditEntry, what string) {
	err := VerifyAuditChain(chain)
	if err == nil {
		t.Fatalf("%s not detected", what)
	}
	if ErrorCode(err) != EConflict {
		t.Fatalf("%s: code %q (%v)", what, ErrorCode(err), err)
	}
	var e *Error
	if !errors.As(err, &e) || !hasPersianLetter(PersianMessage(err)) {
		t.Fatalf("%s: no Persian message in %v", what, err)
	}
}

func clone(chain []AuditEntry) []AuditEntry { return append([]AuditEntry(nil), chain...) }

// alter changes one field of e to a different value.
func alter(t *rapid.T, e *AuditEntry) string {
	field := rapid.SampledFrom([]string{"Seq", "At", "Actor", "Action", "Subject", "Detail", "PrevHash", "Hash"}).Draw(t, "field")
	other := func(s string) string {
		v := rapid.String().Draw(t, "value")
		if v == s {
			v += "x"
		}
		return v
	}
	switch field {
	case "Seq":
		e.Seq += rapid.Int64Range(1, 5).Draw(t, "dseq") * int64(rapid.SampledFrom([]int{-1, 1}).Draw(t, "sign"))
	case "At":
		e.At = e.At.Add(time.Duration(rapid.Int64Range(1, 1e12).Draw(t, "dt")) * time.Duration(rapid.SampledFrom([]int{-1, 1}).Draw(t, "sign")))
	case "Actor":
		e.Actor = other(e.Actor)
	case "Action":
		e.Action = other(e.Action)
	case "Subject":
		e.Subject = other(e.Subject)
	case "Detail":
		e.Detail = other(e.Detail)
	case "PrevHash":
		e.PrevHash = other(e.PrevHash)
	case "Hash":
		e.Hash = other(e.Hash)
	}
	return field
}

func TestAuditChainTamperingProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		chain := drawChain(t)
		n := len(chain)
		if err := VerifyAuditChain(chain); err != nil {
			t.Fatalf("sealed chain: %v", err)
		}
		// The streaming verifier sees the same and remembers the tip.
		var v AuditVerifier
		for _, e := range chain {
			if err := v.Next(e); err != nil {
				t.Fatal(err)
			}
		}
		if v.Count() != int64(n) || v.Last() == nil || v.Last().Hash != chain[n-1].Hash {
			t.Fatalf("verifier count %d last %v", v.Count(), v.Last())
		}

		i := rapid.IntRange(0, n-1).Draw(t, "i")
		switch rapid.IntRange(0, 6).Draw(t, "tamper") {
		case 0: // change any field of any entry
			c := clone(chain)
			f := alter(t, &c[i])
			wantChainBroken(t, c, "altering "+f)

		case 1: // change a field and recompute that entry's own hash: caught by the next entry
			c := clone(chain)
			f := alter(t, &c[i])
			if f == "Hash" {
				return
			}
			c[i].Hash = c[i].ComputeHash()
			if i < n-1 || f == "Seq" || f == "PrevHash" {
				wantChainBroken(t, c, "altering and re-hashing "+f)
			} else if err := VerifyAuditChain(c); err != nil {
				// The chain has no anchor beyond its tip: a re-hashed last entry is
				// indistinguishable from an honest one. The store must keep the tip elsewhere.
				t.Fatalf("re-hashed last entry (%s) unexpectedly detected: %v", f, err)
			}

		case 2: // delete an entry
			c := append(clone(chain[:i]), chain[i+1:]...)
			if i < n-1 {
				wantChainBroken(t, c, "deleting an entry")
			} else if err := VerifyAuditChain(c); err != nil {
				// Dropping the tail leaves a valid, shorter chain: only an external
				// count or tip hash can catch that.
				t.Fatalf("truncated chain: %v", err)
			}

		case 3: // swap two entries
			if n < 2 {
				return
			}
			j := rapid.IntRange(0, n-1).Filter(func(j int) bool { return j != i }).Draw(t, "j")
			c := clone(chain)
			c[i], c[j] = c[j], c[i]
			wantChainBroken(t, c, "swapping entries")

		case 4: // insert a copy of an existing entry anywhere
			j := rapid.IntRange(0, n-1).Draw(t, "copy")
			at := rapid.IntRange(0, n).Draw(t, "at")
			c := append(clone(chain[:at]), chain[j])
			c = append(c, chain[at:]...)
			wantChainBroken(t, c, "inserting a duplicate")

		case 5: // insert a fresh entry sealed onto its predecessor, before an existing entry
			e := drawEntry(t, "forged")
			if i == 0 {
				e.Seal(nil)
			} else {
				e.Seal(&chain[i-1])
			}
			c := append(clone(chain[:i]), e)
			c = append(c, chain[i:]...)
			wantChainBroken(t, c, "inserting a sealed entry")

		case 6: // append: a properly sealed entry is legitimate, an unsealed one is not
			e := drawEntry(t, "next")
			bad := e
			bad.Seq, bad.PrevHash = chain[n-1].Seq+1, chain[n-1].Hash
			bad.Hash = GenesisHash
			wantChainBroken(t, append(clone(chain), bad), "appending an unsealed entry")
			e.Seal(&chain[n-1])
			if err := VerifyAuditChain(append(clone(chain), e)); err != nil {
				t.Fatalf("honest append: %v", err)
			}
		}
	})
}

func TestAuditVerifierStopsAtFirstBadEntry(t *testing.T) {
	chain := sealChain([]AuditEntry{
		{At: time.Unix(1, 0), Actor: "a"}, {At: time.Unix(2, 0), Actor: "b"}, {At: time.Unix(3, 0), Actor: "c"},
	})
	chain[1].Detail = "edited"
	var v AuditVerifier
	if err := v.Next(chain[0]); err != nil {
		t.Fatal(err)
	}
	err := v.Next(chain[1])
	if ErrorCode(err) != EConflict {
		t.Fatalf("edited entry: %v", err)
	}
	if v.Count() != 1 || v.Last().Seq != 1 {
		t.Errorf("verifier advanced past a bad entry: count %d", v.Count())
	}
	var fresh AuditVerifier
	if fresh.Last() != nil || fresh.Count() != 0 {
		t.Error("fresh verifier not empty")
	}
	if err := fresh.Next(chain[2]); err == nil {
		t.Error("chain starting at entry 3 accepted")
	}
}

// Sequence numbers have no gaps, even when every hash is right: an entry
// numbered 3 after entry 1, hashed and linked correctly, is refused.
func TestAuditChainRefusesSeqGap(t *testing.T) {
	first := AuditEntry{At: time.Unix(1, 0), Actor: "a"}
	first.Seal(nil)
	gap := AuditEntry{Seq: 3, At: time.Unix(2, 0), Actor: "b", PrevHash: first.Hash}
	gap.Hash = gap.ComputeHash()
	err := VerifyAuditChain([]AuditEntry{first, gap})
	if ErrorCode(err) != EConflict {
		t.Errorf("gap 1→3: %v", err)
	}
	zero := AuditEntry{Seq: 0, At: time.Unix(1, 0), PrevHash: GenesisHash}
	zero.Hash = zero.ComputeHash()
	if ErrorCode(VerifyAuditChain([]AuditEntry{zero})) != EConflict {
		t.Error("chain starting at Seq 0 accepted")
	}
}
