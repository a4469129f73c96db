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
	// 6C00 means Le = 256, sent as 00.
	s = &script{t: t, steps: []step{
		{"00B0000010", "6C00"},
		{"00B0000000", strings.Repeat("AB", 256) + "9000"},
	}}
	c = &Card{T: s}
	if r, err := c.ReadBinary(ctx, 0, 16); err != nil || len(r.Data) != 256 || !r.SW.OK() {
		t.Fatalf("6C00: %d bytes %v", len(r.Data), err)
	}
	s.done()
	if n, ok := StatusWord(0x6C00).ExactLength(); !ok || n != 256 {
		t.Errorf("6C00: %d %v", n, ok)
	}
	// A card answering 61xx forever is cut off.
	c = &Card{T: loop{}}
	if _, err := c.Send(ctx, Command{INS: 0xCA}); err == nil || !persianOwn(err) {
		t.Errorf("endless 61xx: %v", err)
	}
}

// counter answers every READ BINARY with Le bytes and 9000.
type counter struct{ n int }

func (c *counter) Transmit(_ context.Context, apdu []byte) ([]byte, error) {
	c.n++
	cmd, err := ParseCommand(apdu)
	if err != nil || cmd.INS != INSReadBinary {
		return []byte{0x6D, 0x00}, nil
	}
	return append(make([]byte, cmd.Ne), 0x90, 0x00), nil
}

// persianOwn reports an error with a Persian message of its own, not the
// generic "internal error" of pishkhan.PersianMessage.
func persianOwn(err error) bool {
	return err != nil && pishkhan.PersianMessage(err) != pishkhan.PersianMessage(errors.New("x"))
}

type loop struct{}

func (loop) Transmit(context.Context, []byte) ([]byte, error) { return []byte{0x61, 0x01}, nil }

func TestReadFileEnds(t *testing.T) {
	ctx := context.Background()
	chunk := func(n int) string { return strings.Repeat("AB", n) }
	for name, c := range map[string]struct {
		steps []step
		want  int
	}{
		"short last chunk": {[]step{{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(2) + "9000"}}, 6},
		"6282":             {[]step{{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(2) + "6282"}}, 6},
		"6282 empty":       {[]step{{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(4) + "9000"}, {"00B0000804", "6282"}}, 8},
		// The file is a multiple of the chunk: the only way to find its
		// end is the 6B00 a READ BINARY beyond it gets.
		"6B00 at a chunk boundary": {[]step{{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(4) + "9000"}, {"00B0000804", "6B00"}}, 8},
		"6Cxx":                     {[]step{{"00B0000004", chunk(4) + "9000"}, {"00B0000404", "6C02"}, {"00B0000402", chunk(2) + "9000"}}, 6},
	} {
		t.Run(name, func(t *testing.T) {
			s := &script{t: t, steps: c.steps}
			got, err := (&Card{T: s}).ReadFile(ctx, 4, 100)
			if err != nil || len(got) != c.want {
				t.Fatalf("%d bytes (want %d), %v", len(got), c.want, err)
			}
			s.done()
		})
	}
	// 6B00 at a chunk boundary with the real Le=256 chunks: 512 bytes.
	s512 := &script{t: t, steps: []step{{"00B0000000", chunk(256) + "9000"}, {"00B0010000", chunk(256) + "9000"}, {"00B0020000", "6B00"}}}
	if got, err := (&Card{T: s512}).ReadFile(ctx, 0, 0); err != nil || len(got) != 512 {
		t.Errorf("512-byte file: %d bytes, %v", len(got), err)
	}
	s512.done()
	s := &script{t: t, steps: []step{{"00B0000004", "6982"}}}
	_, err := (&Card{T: s}).ReadFile(ctx, 4, 100)
	var se *StatusError
	if !errors.As(err, &se) || se.SW != SWSecurityNotSatisfied || pishkhan.ErrorCode(err) != pishkhan.EUnauthorized || !strings.Contains(pishkhan.PersianMessage(err), "رمز") {
		t.Errorf("6982: %v / %q", err, pishkhan.PersianMessage(err))
	}
	s = &script{t: t, steps: []step{{"00B0000004", chunk(4) + "9000"}, {"00B0000404", chunk(4) + "9000"}}}
	if _, err := (&Card{T: s}).ReadFile(ctx, 4, 6); !errors.Is(err, ErrFileTooLarge) || !persianOwn(err) {
		t.Errorf("limit: %v (%s)", err, pishkhan.PersianMessage(err))
	}
	// A card that never ends its file: READ BINARY cannot address beyond
	// 32767, so after 32 KiB the read stops with its own error.
	full := &counter{}
	_, err = (&Card{T: full}).ReadFile(ctx, 0, 0)
	if !errors.Is(err, ErrFileTooLarge) || !strings.Contains(err.Error(), "15-bit") || full.n != 128 ||
		!strings.Contains(pishkhan.PersianMessage(err), "۳۲ کیلوبایت") {
		t.Errorf("endless file: %v after %d reads (%s)", err, full.n, pishkhan.PersianMessage(err))
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
	// A failed VERIFY's error never holds the PIN.
	s = &script{t: t, steps: []step{{"0020008204 39373533", "6A88"}, {"0020008104 39373533", "6700"}}}
	c = &Card{T: s}
	for _, ref := range []byte{0x82, 0x81} {
		err := c.Verify(ctx, ref, []byte("9753"))
		var se *StatusError
		if !errors.As(err, &se) || se.Command.Data != nil || se.Command.P2 != ref {
			t.Fatalf("VERIFY %02X: %#v", ref, err)
		}
		for _, form := range []string{"%v", "%+v", "%#v"} {
			out := fmt.Sprintf(form, err) + fmt.Sprintf(form, se)
			if strings.Contains(out, "9753") || strings.Contains(out, "0x39, 0x37") || strings.Contains(out, "39 37") || strings.Contains(out, "3937") {
				t.Errorf("VERIFY error %s holds the PIN: %s", form, out)
			}
		}
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

// TestPersianMessages: errors a clerk may see carry their own Persian
// message, and the wording is the reviewed one.
func TestPersianMessages(t *testing.T) {
	ctx := context.Background()
	c := &Card{T: loop{}}
	errs := map[string]error{}
	_, errs["short AID"] = c.SelectAID(ctx, []byte{1, 2})
	_, errs["offset"] = c.ReadBinary(ctx, 0x8000, 1)
	_, errs["length"] = c.ReadBinary(ctx, 0, 257)
	errs["PIN length"] = c.Verify(ctx, 0x81, nil)
	_, errs["extended over T=0"] = (&Card{T: loop{}, T0: true}).Send(ctx, Command{INS: 0xB0, Ne: 1000})
	errs["too large"] = ErrFileTooLarge
	for name, err := range errs {
		if !persianOwn(err) {
			t.Errorf("%s: %v has no Persian message (%s)", name, err, pishkhan.PersianMessage(err))
		}
	}
	if !errors.Is(errs["extended over T=0"], ErrAPDUTooLong) {
		t.Errorf("extended over T=0: %v", errs["extended over T=0"])
	}
	for sw, want := range map[StatusWord]string{
		0x6881: "از کانال منطقی پشتیبانی نمی‌کند",
		0x6882: "از پیام‌رسانی امن پشتیبانی نمی‌کند",
		0x6A81: "از این کار پشتیبانی نمی‌کند",
		0x6282: "فایل کارت پیش از خواندن همهٔ بایت‌ها به پایان رسید",
	} {
		if !strings.Contains(sw.Persian(), want) {
			t.Errorf("%04X: %q, want %q", uint16(sw), sw.Persian(), want)
		}
	}
}
