package pishkhan

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"time"
)

// ID is a UUIDv7 (RFC 9562) made by the desk. A request's ID is its
// idempotency key at the central exchange: a resend with the same ID is
// recognised there, never filed twice.
type ID [16]byte

// NewID makes a UUIDv7 from now and 74 random bits read from r (crypto/rand when r is nil).
func NewID(now time.Time, r io.Reader) (ID, error) {
	if r == nil {
		r = rand.Reader
	}
	var id ID
	if _, err := io.ReadFull(r, id[6:]); err != nil {
		return ID{}, fmt.Errorf("read random bits for UUIDv7: %w", err)
	}
	ms := uint64(now.UnixMilli())
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], ms)
	copy(id[:6], ts[2:])
	id[6] = 0x70 | (id[6] & 0x0f) // version 7
	id[8] = 0x80 | (id[8] & 0x3f) // variant 10
	return id, nil
}

// MustNewID is NewID with crypto/rand, panicking only if the system's random source fails.
func MustNewID(now time.Time) ID {
	id, err := NewID(now, nil)
	if err != nil {
		panic(err)
	}
	return id
}

// ParseID parses the canonical 36-character form.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, FieldError("id", "شناسه درخواست درست نیست.", "id %q is not a canonical UUID", s)
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(id[:], []byte(h)); err != nil {
		return ID{}, FieldError("id", "شناسه درخواست درست نیست.", "id %q is not a canonical UUID", s)
	}
	return id, nil
}

// IsZero reports whether the ID is all zero.
func (id ID) IsZero() bool { return id == ID{} }

// Time returns the millisecond timestamp in a UUIDv7.
func (id ID) Time() time.Time {
	var ts [8]byte
	copy(ts[2:], id[:6])
	return time.UnixMilli(int64(binary.BigEndian.Uint64(ts[:])))
}

// Version returns the UUID version nibble.
func (id ID) Version() int { return int(id[6] >> 4) }

// String returns the canonical lower-case 8-4-4-4-12 form.
func (id ID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
	return string(b[:])
}
