package pishkhan

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// AuditEntry is one line of the desk's audit trail. Each entry's hash covers
// its own fields and the previous entry's hash, so changing or removing any
// entry breaks every hash after it.
type AuditEntry struct {
	Seq      int64     // 1, 2, 3, … with no gaps
	At       time.Time // stored in UTC with nanoseconds
	Actor    string    // user name, or "system"
	Action   string    // e.g. "intake", "user.add", "catalog.import"
	Subject  string    // what it was done to: a tracking code, a user name…
	Detail   string    // free text or JSON
	PrevHash string    // hex SHA-256 of the previous entry; GenesisHash for the first
	Hash     string    // hex SHA-256 of this entry
}

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the hex SHA-256 over the entry's fields and PrevHash,
// each length-prefixed so no two different entries encode the same.
func (e AuditEntry) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(e.Actor)
	field(e.Action)
	field(e.Subject)
	field(e.Detail)
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal links the entry to prev (nil for the first entry) and sets Seq, PrevHash and Hash.
func (e *AuditEntry) Seal(prev *AuditEntry) {
	if prev == nil {
		e.Seq, e.PrevHash = 1, GenesisHash
	} else {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.At = e.At.UTC()
	e.Hash = e.ComputeHash()
}

// AuditVerifier checks a chain entry by entry, so a long trail can be
// verified while streaming it from the database.
type AuditVerifier struct {
	prev  *AuditEntry
	count int64
}

// Next checks e against the entry before it.
func (v *AuditVerifier) Next(e AuditEntry) error {
	wantSeq, wantPrev := int64(1), GenesisHash
	if v.prev != nil {
		wantSeq, wantPrev = v.prev.Seq+1, v.prev.Hash
	}
	if e.Seq != wantSeq {
		return Errorf(EConflict, "زنجیره رویدادها شکسته است: رویدادی حذف یا جابه‌جا شده است.",
			"audit chain broken: expected entry %d, found %d", wantSeq, e.Seq)
	}
	if e.PrevHash != wantPrev {
		return Errorf(EConflict, "زنجیره رویدادها شکسته است.", "audit chain broken at entry %d: previous hash does not match", e.Seq)
	}
	if got := e.ComputeHash(); got != e.Hash {
		return Errorf(EConflict, "یکی از رویدادها دستکاری شده است.", "audit entry %d was altered: hash %s, computed %s", e.Seq, e.Hash, got)
	}
	cp := e
	v.prev = &cp
	v.count++
	return nil
}

// Count is the number of entries verified so far.
func (v *AuditVerifier) Count() int64 { return v.count }

// Last is the last entry verified, or nil.
func (v *AuditVerifier) Last() *AuditEntry { return v.prev }

// VerifyAuditChain checks a whole chain held in memory.
func VerifyAuditChain(entries []AuditEntry) error {
	var v AuditVerifier
	for _, e := range entries {
		if err := v.Next(e); err != nil {
			return fmt.Errorf("verify audit chain: %w", err)
		}
	}
	return nil
}
