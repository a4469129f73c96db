package pishkhan

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var canonicalUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

const maxUUIDv7Millis = 1<<48 - 1

func TestNewIDProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ms := rapid.Int64Range(0, maxUUIDv7Millis).Draw(t, "ms")
		ns := rapid.Int64Range(0, 999_999).Draw(t, "ns")
		random := rapid.SliceOfN(rapid.Byte(), 10, 10).Draw(t, "random")
		now := time.UnixMilli(ms).Add(time.Duration(ns))
		id, err := NewID(now, bytes.NewReader(random))
		if err != nil {
			t.Fatal(err)
		}
		// Version 7 in the high nibble of byte 6, variant 10 in the top bits of byte 8 (RFC 9562).
		if id[6]>>4 != 7 || id.Version() != 7 {
			t.Fatalf("version nibble %x", id[6]>>4)
		}
		if id[8]>>6 != 0b10 {
			t.Fatalf("variant bits %02b", id[8]>>6)
		}
		// 48-bit big-endian millisecond timestamp.
		var got int64
		for i := 0; i < 6; i++ {
			got = got<<8 | int64(id[i])
		}
		if got != ms {
			t.Fatalf("timestamp bytes %d, want %d", got, ms)
		}
		if !id.Time().Equal(time.UnixMilli(ms)) {
			t.Fatalf("Time() = %v, want %v", id.Time(), time.UnixMilli(ms))
		}
		// The random bits land where the version and variant leave room.
		if id[6]&0x0f != random[0]&0x0f || id[7] != random[1] || id[8]&0x3f != random[2]&0x3f || !bytes.Equal(id[9:], random[3:]) {
			t.Fatalf("random bits not kept: %x from %x", id, random)
		}
		s := id.String()
		if !canonicalUUID.MatchString(s) {
			t.Fatalf("String() = %q", s)
		}
		back, err := ParseID(s)
		if err != nil || back != id {
			t.Fatalf("ParseID(%q) = %x, %v", s, back, err)
		}
		upper, err := ParseID(strings.ToUpper(s))
		if err != nil || upper != id {
			t.Fatalf("ParseID(upper %q) = %x, %v", s, upper, err)
		}
		if id.IsZero() {
			t.Fatal("IsZero on a real id")
		}
	})
}

func TestIDStringKnownValue(t *testing.T) {
	// RFC 9562 appendix A.6 example: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F,
	// Tuesday, February 22, 2022 2:22:22.00 PM GMT-05:00 = 1645557742000 ms.
	id, err := ParseID("017F22E2-79B0-7CC3-98C4-DC0C0C07398F")
	if err != nil {
		t.Fatal(err)
	}
	if id.String() != "017f22e2-79b0-7cc3-98c4-dc0c0c07398f" {
		t.Errorf("String = %s", id)
	}
	if id.Version() != 7 {
		t.Errorf("Version = %d", id.Version())
	}
	want := time.Date(2022, 2, 22, 14, 22, 22, 0, time.FixedZone("EST", -5*3600))
	if !id.Time().Equal(want) {
		t.Errorf("Time = %v, want %v", id.Time(), want)
	}
}

func TestIDsSortByTime(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 20).Draw(t, "n")
		ms := rapid.Int64Range(0, maxUUIDv7Millis-int64(n)*1000).Draw(t, "start") // the 48-bit clock wraps in the year 10889
		var ids []string
		for i := 0; i < n; i++ {
			ms += rapid.Int64Range(1, 1000).Draw(t, "step")
			ids = append(ids, MustNewID(time.UnixMilli(ms)).String())
		}
		if !sort.StringsAreSorted(ids) {
			t.Fatalf("ids made in increasing milliseconds are not sorted: %v", ids)
		}
	})
}

func TestNewIDUsesCryptoRandByDefault(t *testing.T) {
	now := time.Now()
	a, err := NewID(now, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := MustNewID(now)
	if a == b {
		t.Fatal("two ids in the same millisecond are equal")
	}
	if a.Time() != b.Time() || !a.Time().Equal(now.Truncate(time.Millisecond)) {
		t.Errorf("times %v %v, want %v", a.Time(), b.Time(), now.Truncate(time.Millisecond))
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("no entropy")
	}
	k := min(r.n, len(p))
	r.n -= k
	return k, nil
}

func TestNewIDReaderFails(t *testing.T) {
	for _, n := range []int{0, 5, 9} {
		id, err := NewID(time.Now(), &failingReader{n: n})
		if err == nil {
			t.Errorf("n=%d: no error", n)
		}
		if !id.IsZero() {
			t.Errorf("n=%d: non-zero id %s on error", n, id)
		}
	}
	if _, err := NewID(time.Now(), bytes.NewReader(make([]byte, 3))); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short reader: %v", err)
	}
}

func TestParseIDRejectsMalformed(t *testing.T) {
	good := "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"
	if _, err := ParseID(good); err != nil {
		t.Fatal(err)
	}
	bad := []string{
		"",
		good[:35],
		good + "0",
		"{" + good + "}",
		strings.ReplaceAll(good, "-", ""),
		"017f22e2079b0-7cc3-98c4-dc0c0c07398f",
		"017f22e2-79b0-7cc3-98c4-dc0c0c07398g",
		"017f22e2-79b0-7cc3-98c4_dc0c0c07398f",
		"017f22e-279b0-7cc3-98c4-dc0c0c07398f",
		"0x7f22e2-79b0-7cc3-98c4-dc0c0c07398f",
		"017f22e2-79b0-7cc3-98c4-dc0c0c07398 ",
		"017f22e2-79b0-7cc3-98c4-dc0c0c0739-f",
		"urn:uuid:017f22e2-79b0-7cc3-98c4-dc0c",
		"۰17f22e2-79b0-7cc3-98c4-dc0c0c0739",
	}
	for _, s := range bad {
		id, err := ParseID(s)
		if !id.IsZero() {
			t.Errorf("ParseID(%q) = %s with error", s, id)
		}
		wantCodeAndPersian(t, err, EInvalid)
	}
}

func TestIDZero(t *testing.T) {
	var z ID
	if !z.IsZero() {
		t.Error("zero id not IsZero")
	}
	if z.String() != "00000000-0000-0000-0000-000000000000" {
		t.Errorf("zero String = %s", z)
	}
}
