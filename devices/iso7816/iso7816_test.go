package iso7816

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCommandCases(t *testing.T) {
	cases := []struct {
		cmd  Command
		want string
		cas  int
	}{
		{Command{INS: 0xA4, P1: 4}, "00A40400", 1},
		{Command{INS: 0xB0, Ne: 16}, "00B0000010", 2},
		{Command{INS: 0xB0, Ne: 256}, "00B0000000", 2},
		{Command{INS: 0xA4, P1: 2, P2: 0x0C, Data: []byte{0x01, 0x01}}, "00A4020C020101", 3},
		{Command{INS: 0xA4, P1: 4, Data: []byte{0xA0, 0, 0, 0, 3}, Ne: 256}, "00A4040005A00000000300", 4},
		{Command{INS: 0xB0, Ne: 257}, "00B00000000101", 2},
		{Command{INS: 0xB0, Ne: 65536}, "00B00000000000", 2},
		{Command{INS: 0xD6, Data: make([]byte, 300)}, "00D60000" + "00012C" + strings.Repeat("00", 300), 3},
		{Command{INS: 0x2A, Data: []byte{1}, Ne: 256, Extended: true}, "002A0000" + "000001" + "01" + "0100", 4},
	}
	for _, c := range cases {
		got, err := c.cmd.Bytes()
		if err != nil {
			t.Fatalf("%v: %v", c.cmd, err)
		}
		if want := unhex(t, c.want); !bytes.Equal(got, want) {
			t.Errorf("%v: got % X want % X", c.cmd, got, want)
		}
		if c.cmd.Case() != c.cas {
			t.Errorf("%v: case %d want %d", c.cmd, c.cmd.Case(), c.cas)
		}
		back, err := ParseCommand(got)
		if err != nil {
			t.Fatalf("parse % X: %v", got, err)
		}
		if back.Ne != c.cmd.Ne || !bytes.Equal(back.Data, c.cmd.Data) || back.INS != c.cmd.INS || back.IsExtended() != c.cmd.IsExtended() {
			t.Errorf("round trip %v -> %v", c.cmd, back)
		}
	}
	for _, bad := range []string{"", "00A404", "00A4040002A0", "00A4040001A00000", "00A404000000", "00A40400000002A0", "00A4040000000000", "00A40400000001A001"} {
		if c, err := ParseCommand(unhex(t, bad)); err == nil {
			t.Errorf("ParseCommand(%s) accepted: %v", bad, c)
		}
	}
	if _, err := (Command{Ne: 70000}).Bytes(); !errors.Is(err, ErrAPDUTooLong) {
		t.Errorf("Ne 70000: %v", err)
	}
}

func TestStatusWords(t *testing.T) {
	for sw, en := range map[StatusWord]string{
		0x9000: "success", 0x6110: "16 more bytes", 0x6C08: "the card has 8 bytes", 0x63C2: "2 tries left",
		0x6983: "blocked", 0x6A82: "not found", 0x6982: "security", 0x6B00: "offset", 0x6700: "wrong length",
		0x6D00: "instruction not supported", 0x6E00: "class not supported", 0x6282: "end of file", 0x6A99: "checking error",
	} {
		if !strings.Contains(sw.English(), en) {
			t.Errorf("%04X: %q lacks %q", uint16(sw), sw.English(), en)
		}
		if sw.Persian() == "" || !strings.ContainsAny(sw.Persian(), "ابپتکرسی") {
			t.Errorf("%04X: Persian %q", uint16(sw), sw.Persian())
		}
	}
	if !strings.Contains(StatusWord(0x63C2).Persian(), "۲") {
		t.Errorf("tries left in Persian digits: %q", StatusWord(0x63C2).Persian())
	}
	if n, ok := StatusWord(0x6100).MoreData(); !ok || n != 256 {
		t.Error("6100 means 256")
	}
	if _, ok := StatusWord(0x6300).TriesLeft(); ok {
		t.Error("6300 is not 63Cx")
	}
}

func TestParseResponse(t *testing.T) {
	r, err := ParseResponse(unhex(t, "0102 9000"))
	if err != nil || !bytes.Equal(r.Data, []byte{1, 2}) || !r.SW.OK() {
		t.Fatalf("%v %v", r, err)
	}
	if !bytes.Equal(r.Bytes(), unhex(t, "01029000")) {
		t.Error("Bytes")
	}
	if _, err := ParseResponse([]byte{0x90}); !errors.Is(err, ErrResponseShort) {
		t.Error("one byte accepted")
	}
}

func TestParseATR(t *testing.T) {
	// T=0 only, 5 historical bytes.
	a, err := ParseATR(unhex(t, "3B 05 50 49 53 48 4B"))
	if err != nil || !a.T0() || string(a.Historical) != "PISHK" {
		t.Errorf("%v %v", a, err)
	}
	// TD1 = 80 (T=0, TD2 follows), TD2 = 01 (T=1): TCK needed.
	atr := unhex(t, "3B 82 80 01 41 42")
	atr = append(atr, LRC(atr[1:]))
	if a, err := ParseATR(atr); err != nil || !a.T0() || len(a.Protocols) != 2 || a.Protocols[1] != 1 {
		t.Errorf("%v %v", a, err)
	}
	atr[len(atr)-1] ^= 1
	if _, err := ParseATR(atr); !errors.Is(err, ErrBadATR) {
		t.Error("bad TCK accepted")
	}
	for _, bad := range []string{"3B", "3C00", "3B0541", "3B00FF"} {
		if _, err := ParseATR(unhex(t, bad)); !errors.Is(err, ErrBadATR) {
			t.Errorf("%s accepted", bad)
		}
	}
}

// script is a Transmitter answering from a list, checking what it is sent.
type script struct {
	t     *testing.T
	steps []step
}

type step struct{ want, answer string }

func (s *script) Transmit(_ context.Context, apdu []byte) ([]byte, error) {
	s.t.Helper()
	if len(s.steps) == 0 {
		s.t.Fatalf("unexpected APDU % X", apdu)
	}
	st := s.steps[0]
	s.steps = s.steps[1:]
	if want := unhex(s.t, st.want); !bytes.Equal(apdu, want) {
		s.t.Fatalf("sent % X, want % X", apdu, want)
	}
	if st.answer == "ERR" {
		return nil, errors.New("reader gone")
	}
	return unhex(s.t, st.answer), nil
}

func (s *script) done() {
	if len(s.steps) > 0 {
		s.t.Errorf("%d steps not run", len(s.steps))
	}
}

func TestT0GetResponseAnd6C(t *testing.T) {
	ctx := context.Background()
	// Case 4 over T=0: Le dropped, 61xx, two GET RESPONSEs.
	s := &script{t: t, steps: []step{
		{"00A4040005A000000003", "6104"},
		{"00C0000004", "6F02 8400 6102"},
		{"00C0000002", "AABB 9000"},
	}}
	c := &Card{T: s, T0: true}
	fci, err := c.SelectAID(ctx, unhex(t, "A000000003"))
	if err != nil || !bytes.Equal(fci, unhex(t, "6F028400AABB")) {
		t.Fatalf("%X %v", fci, err)
	}
	s.done()
	// 6Cxx: resend with the exact Le.
	s = &script{t: t, steps: []step{
		{"00B0000010", "6C05"},
		{"00B0000005", "0102030405 9000"},
	}}
	c = &Card{T: s}
	r, err := c.ReadBinary(ctx, 0, 16)
	if err != nil || len(r.Data) != 5 || !r.SW.OK() {
		t.Fatalf("%v %v", r, err)
	}
	s.done()
	// 6Cxx answered to GET RESPONSE.
	s = &script{t: t, steps: []step{
		{"00CA0000", "6100"},
		{"00C0000000", "6C03"},
		{"00C0000003", "010203 9000"},
	}}
	c = &Card{T: s}
	if r, err := c.Send(ctx, Command{INS: 0xCA}); err != nil || len(r.Data) != 3 {
		t.Fatalf("%v %v", r, err)
	}
	// A card answering 61xx forever is cut off.
	c = &Card{T: loop{}}
	if _, err := c.Send(ctx, Command{INS: 0xCA}); err == nil {
		t.Error("endless 61xx accepted")
	}
}

type loop struct{}

func (loop) Transmit(context.Context, []byte) ([]byte, error) { return []byte{0x61, 0x01}, nil }

func TestReadFileEnds(t *testing.T) {
	ctx := context.Background()
	chunk := func(n int) string { return strings.Repeat("AB", n) }
	for name, steps := range map[string][]step{
		"short last chunk": {{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(2) + "9000"}},
		"6282":             {{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(2) + "6282"}},
		"6B00":             {{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(2) + "9000"}},
		"6B00 exact":       {{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(2) + "6B00"}},
		"6Cxx":             {{"00B0000004", chunk(4) + "9000"}, {"00B0000404", "6C02"}, {"00B0000402", chunk(2) + "9000"}},
	} {
		t.Run(name, func(t *testing.T) {
			s := &script{t: t, steps: steps}
			got, err := (&Card{T: s}).ReadFile(ctx, 4, 100)
			want := 6
			if name == "6B00 exact" {
				want = 4
			}
			if err != nil || len(got) != want {
				t.Fatalf("%d bytes, %v", len(got), err)
			}
			s.done()
		})
	}
	s := &script{t: t, steps: []step{{"00B0000004", "6982"}}}
	_, err := (&Card{T: s}).ReadFile(ctx, 4, 100)
	var se *StatusError
	if !errors.As(err, &se) || se.SW != SWSecurityNotSatisfied || pishkhan.ErrorCode(err) != pishkhan.EUnauthorized || !strings.Contains(pishkhan.PersianMessage(err), "رمز") {
		t.Errorf("6982: %v / %q", err, pishkhan.PersianMessage(err))
	}
	s = &script{t: t, steps: []step{{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(4) + "9000"}}}
	if _, err := (&Card{T: s}).ReadFile(ctx, 4, 6); !errors.Is(err, ErrFileTooLarge) {
		t.Errorf("limit: %v", err)
	}
	s = &script{t: t, steps: []step{{"00B0000004", "ERR"}}}
	if _, err := (&Card{T: s}).ReadFile(ctx, 4, 6); err == nil || !strings.Contains(err.Error(), "reader gone") {
		t.Errorf("transport error: %v", err)
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	s := &script{t: t, steps: []step{
		{"0020008104 31323334", "63C2"},
		{"0020008104 31323334", "63C1"},
		{"0020008104 31323334", "63C0"},
		{"0020008104 31323334", "6983"},
		{"00200081", "6983"},
	}}
	c := &Card{T: s}
	for want := 2; want >= 1; want-- {
		err := c.Verify(ctx, 0x81, []byte("1234"))
		var wp *WrongPINError
		if !errors.As(err, &wp) || wp.TriesLeft != want || pishkhan.ErrorCode(err) != pishkhan.EUnauthorized {
			t.Fatalf("want %d tries left: %v", want, err)
		}
		if !strings.Contains(pishkhan.PersianMessage(err), "بار دیگر") {
			t.Errorf("Persian: %q", pishkhan.PersianMessage(err))
		}
	}
	for i := 0; i < 2; i++ {
		if err := c.Verify(ctx, 0x81, []byte("1234")); !errors.Is(err, ErrPINBlocked) || pishkhan.ErrorCode(err) != pishkhan.ELocked {
			t.Fatalf("blocked: %v", err)
		}
	}
	if _, _, err := c.PINStatus(ctx, 0x81); !errors.Is(err, ErrPINBlocked) {
		t.Errorf("status: %v", err)
	}
	s.done()
	s = &script{t: t, steps: []step{{"00200081", "63C3"}, {"0020008104 31323334", "9000"}, {"00200081", "9000"}}}
	c = &Card{T: s}
	if v, n, err := c.PINStatus(ctx, 0x81); v || n != 3 || err != nil {
		t.Errorf("status %v %d %v", v, n, err)
	}
	if err := c.Verify(ctx, 0x81, []byte("1234")); err != nil {
		t.Error(err)
	}
	if v, _, err := c.PINStatus(ctx, 0x81); !v || err != nil {
		t.Errorf("verified %v %v", v, err)
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"00A40400", "00B0000010", "00A4040005A00000000300", "00B00000000101", "00D60000000003010203", "00D600000000030102030000", "00A4040002A0"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCommand(b)
		if err != nil {
			return
		}
		re, err := c.Bytes()
		if err != nil {
			t.Fatalf("%v parsed from % X does not encode: %v", c, b, err)
		}
		if !bytes.Equal(re, b) {
			t.Fatalf("round trip: % X -> %v -> % X", b, c, re)
		}
		if c.Case() < 1 || c.Case() > 4 {
			t.Fatal(c.Case())
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{"9000", "6A82", "01029000", "63C2", "6110"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err != nil {
			if len(b) >= 2 {
				t.Fatalf("refused % X: %v", b, err)
			}
			return
		}
		if !bytes.Equal(r.Bytes(), b) {
			t.Fatalf("round trip % X -> % X", b, r.Bytes())
		}
		_ = r.SW.English() + r.SW.Persian() + fmt.Sprint(r.SW)
	})
}

func FuzzParseATR(f *testing.F) {
	f.Add([]byte{0x3B, 0x05, 1, 2, 3, 4, 5})
	f.Add([]byte{0x3B, 0x82, 0x80, 0x01, 0x41, 0x42, 0x40})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseATR(b)
		if err == nil && (len(a.Protocols) == 0 || len(a.Historical) > 15) {
			t.Fatalf("%+v", a)
		}
	})
}
