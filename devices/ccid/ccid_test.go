package ccid

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGoldenFrames checks frames byte for byte against values derived by
// hand from libccid's WriteSerial (ccid_serial.c): low_level_buffer[0] = 0x03
// (SYNC), [1] = 0x06 (ACK), then the CCID command exactly as commands.c
// builds it (bMessageType, dwLength little-endian, bSlot, bSeq and three
// type-specific bytes, then the data), then lrc = XOR of every byte before it.
//
//	GetSlotStatus seq 0: 65 00000000 00 00 000000
//	  LRC = 03^06^65 = 05^65 = 60
//	Escape "get firmware" (libccid sends the single byte 02), seq 0:
//	  6B 01000000 00 00 000000 02
//	  LRC = 03^06^6B^01^02 = 05^6B = 6E, ^01 = 6F, ^02 = 6D
//	Escape "card movement notification synchronous" 01 01 01, seq 1:
//	  6B 03000000 00 01 000000 010101
//	  LRC = 05^6B = 6E, ^03 = 6D, ^01 (seq) = 6C, ^01^01^01 = 6D
//	IccPowerOn seq 2, bPowerSelect 01 (5 V): a GemPC Twin's dwFeatures
//	(00010230) has neither AUTO_VOLTAGE nor AUTO_ACTIVATION, so libccid's
//	CmdPowerOn sends a voltage, 5 V first, never 00 (automatic):
//	  62 00000000 00 02 010000
//	  LRC = 05^62 = 67, ^02 = 65, ^01 = 64
//	XfrBlock seq 3, SELECT by AID A0000000 03: 00 A4 04 00 05 A0 00 00 00 03
//	  6F 0A000000 00 03 000000 00A4040005A000000003
//	  LRC = 05^6F = 6A, ^0A = 60, ^03 = 63, ^A4^04^05 = 63^A5 = C6,
//	  ^A0 = 66, ^03 = 65
//	PowerOff seq 4: 63 00000000 00 04 000000; LRC = 05^63^04 = 62
//	NAK: 03 15 and LRC 03^15 = 16, libccid's "SYNC ^ CTRL_NAK".
func TestGoldenFrames(t *testing.T) {
	cases := []struct {
		name string
		msg  Message
		want string
	}{
		{"GetSlotStatus", GetSlotStatus(0, 0), "03 06 65 00000000 00 00 000000 60"},
		{"Escape firmware", Escape(0, 0, []byte{0x02}), "03 06 6B 01000000 00 00 000000 02 6D"},
		{"Escape notification mode", Escape(0, 1, []byte{1, 1, 1}), "03 06 6B 03000000 00 01 000000 010101 6D"},
		{"IccPowerOn", PowerOn(0, 2, Voltage5V), "03 06 62 00000000 00 02 010000 64"},
		{"XfrBlock SELECT", XfrBlock(0, 3, 0, 0, unhex(t, "00A4040005A000000003")), "03 06 6F 0A000000 00 03 000000 00A4040005A000000003 65"},
		{"IccPowerOff", PowerOff(0, 4), "03 06 63 00000000 00 04 000000 62"},
	}
	for _, c := range cases {
		got, err := Frame(c.msg)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := unhex(t, c.want); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got % X\nwant % X", c.name, got, want)
		}
	}
	if !bytes.Equal(NAK, []byte{0x03, 0x15, 0x16}) {
		t.Errorf("NAK % X", NAK)
	}
}

func TestMessageRoundTrip(t *testing.T) {
	msgs := []Message{
		DataBlock(0, 7, MakeStatus(CommandOK, ICCActive), 0, 0, []byte{0x3B, 0x00}),
		SlotStatus(0, 8, MakeStatus(CommandFailed, ICCAbsent), ErrCodeICCMute, 0),
		EscapeAnswer(0, 9, 0, 0, []byte("fw")),
		XfrBlock(0, 255, 4, 0x1234, []byte{1, 2, 3}),
	}
	for _, m := range msgs {
		b, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseMessage(b)
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		if got.String() != m.String() || !bytes.Equal(got.Data, m.Data) || got.Param != m.Param {
			t.Errorf("round trip: %v != %v", got, m)
		}
	}
	st := MakeStatus(CommandTimeExtension, ICCActive)
	if st != 0x80 || st.Command() != CommandTimeExtension || st.ICC() != ICCActive {
		t.Errorf("time extension status %02X", byte(st))
	}
	if st := MakeStatus(CommandFailed, ICCAbsent); st != 0x42 {
		t.Errorf("failed/absent status %02X, want 42", byte(st))
	}
	for _, bad := range []string{"", "6F 00000000 00 00 00", "6F 01000000 00 00 000000", "6F 00000000 00 00 000000 00", "99 00000000 00 00 000000"} {
		if _, err := ParseMessage(unhex(t, bad)); err == nil {
			t.Errorf("ParseMessage(%s) accepted", bad)
		}
	}
	if _, err := EncodeFrame(make([]byte, MaxMessageSize+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("too long: %v", err)
	}
	if _, err := EncodeFrame(unhex(t, "6F 05000000 00 00 000000")); !errors.Is(err, ErrLengthField) {
		t.Errorf("bad length: %v", err)
	}
	if !strings.Contains(SlotStatus(0, 1, 0x42, 0xFE, 0).String(), "card absent or mute") {
		t.Error("String does not explain bError")
	}
}

// decodeAll feeds b one byte at a time (the worst case for an incremental
// decoder) and collects what comes out.
func decodeAll(d *Decoder, b []byte) (evs []Event, errs []error) {
	for i := range b {
		d.Write(b[i : i+1])
		for {
			ev, err := d.Next()
			if errors.Is(err, ErrIncomplete) {
				break
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			evs = append(evs, ev)
		}
	}
	return evs, errs
}

func TestDecoderStream(t *testing.T) {
	ans, _ := Frame(DataBlock(0, 3, 0, 0, 0, []byte{0x90, 0x00}))
	echo, _ := Frame(XfrBlock(0, 3, 0, 0, []byte{0x00, 0xB0, 0x00, 0x00, 0x10}))
	bad := append([]byte(nil), ans...)
	bad[len(bad)-1] ^= 0xFF
	var stream []byte
	stream = append(stream, 0x11, 0x22)       // garbage
	stream = append(stream, echo...)          // the reader's echo
	stream = append(stream, 0x50, 0x02)       // card removed
	stream = append(stream, 0x80)             // time request
	stream = append(stream, bad...)           // corrupt answer
	stream = append(stream, NAK...)           // a NAK
	stream = append(stream, 0x03, 0x41)       // SYNC and a bad control byte
	stream = append(stream, 0x03, 0x15, 0x00) // a bad NAK: 03 dropped, then 15 garbage, 00 garbage
	stream = append(stream, ans...)           // good answer
	stream = append(stream, 0x50, 0x03)       // card inserted

	d := NewDecoder(0)
	evs, errs := decodeAll(d, stream)
	kinds := []EventKind{}
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	want := []EventKind{EventFrame, EventSlotChange, EventTimeRequest, EventNAK, EventFrame, EventSlotChange}
	if len(kinds) != len(want) {
		t.Fatalf("events %v, want %v (errors %v)", kinds, want, errs)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("events %v, want %v", kinds, want)
		}
	}
	if evs[0].Message.Type != PCtoRDRXfrBlock || evs[4].Message.Type != RDRtoPCDataBlock || evs[4].Message.Seq != 3 {
		t.Errorf("frames %v / %v", evs[0].Message, evs[4].Message)
	}
	if evs[1].Present() || !evs[5].Present() {
		t.Error("slot change states")
	}
	var lrc, garbage, ctrl, nak int
	total := 0
	for _, e := range evs {
		total += len(e.Raw)
	}
	for _, err := range errs {
		var fe *FrameError
		if !errors.As(err, &fe) {
			t.Fatalf("%v is not a *FrameError", err)
		}
		total += len(fe.Raw)
		switch {
		case errors.Is(err, ErrBadLRC):
			lrc++
			if fe.Message == nil || fe.Message.Seq != 3 || !bytes.Equal(fe.Raw, bad) {
				t.Errorf("bad LRC error: %v", fe)
			}
		case errors.Is(err, ErrGarbage), errors.Is(err, ErrUnsynced):
			garbage++
		case errors.Is(err, ErrBadControl):
			ctrl++
		case errors.Is(err, ErrBadNAK):
			nak++
		}
	}
	if lrc != 1 || ctrl != 1 || nak != 1 || garbage < 2 {
		t.Errorf("errors: lrc %d ctrl %d nak %d garbage %d: %v", lrc, ctrl, nak, garbage, errs)
	}
	if total != len(stream) || d.Buffered() != 0 {
		t.Errorf("accounted for %d of %d bytes, %d buffered", total, len(stream), d.Buffered())
	}
}

func TestDecoderLimits(t *testing.T) {
	// dwLength beyond the limit: only the SYNC is dropped, then the rest is
	// read as garbage and the good frame after it is found.
	long := unhex(t, "03 06 81 06010000 00 00 000000") // 0x106 = 262 data bytes, one too many
	good, _ := Frame(SlotStatus(0, 1, 0, 0, 0))
	d := NewDecoder(0)
	evs, errs := decodeAll(d, append(long, good...))
	if fr := frames(evs); len(fr) != 1 || fr[0].Seq != 1 || len(errs) == 0 || !errors.Is(errs[0], ErrTooLong) {
		t.Errorf("events %v errors %v", evs, errs)
	}
	// A smaller limit refuses a message the default accepts.
	big, _ := Frame(DataBlock(0, 1, 0, 0, 0, make([]byte, 100)))
	d = NewDecoder(HeaderSize + 50)
	if evs, errs := decodeAll(d, big); len(frames(evs)) != 0 || !errors.Is(errs[0], ErrTooLong) {
		t.Errorf("limit 60: events %v errors %v", evs, errs)
	}
	// Unknown message type after 03 06.
	d = NewDecoder(0)
	if _, errs := decodeAll(d, unhex(t, "03 06 99")); len(errs) == 0 || !errors.Is(errs[0], ErrUnknownType) {
		t.Errorf("unknown type: %v", errs)
	}
	// Half a frame stays buffered until Reset.
	d = NewDecoder(0)
	d.Write(good[:5])
	if _, err := d.Next(); !errors.Is(err, ErrIncomplete) || d.Buffered() != 5 {
		t.Errorf("half frame: %v, %d buffered", err, d.Buffered())
	}
	if got := d.Reset(); len(got) != 5 || d.Buffered() != 0 {
		t.Error("Reset")
	}
	// Slot change with a state byte libccid does not know (only 02 and
	// 03 exist): both bytes are discarded, none is read as an item.
	for _, st := range []byte{0x00, 0x01, 0x07, 0x80, 0x50} {
		evs, errs := decodeAll(NewDecoder(0), []byte{0x50, st})
		var fe *FrameError
		if len(evs) != 0 || len(errs) != 1 || !errors.As(errs[0], &fe) || !errors.Is(fe, ErrBadSlotState) || len(fe.Raw) != 2 {
			t.Errorf("50 %02X: events %v errors %v", st, evs, errs)
		}
	}
}

// TestDecoderResync is the reviewer's case: noise that looks like a frame
// header swallows 13 bytes, and what follows it (50 02 90 00) must not be
// read as "card removed" and a time request; only a good frame, or a
// quiet line, makes the decoder trust 50 xx and 80..FF again.
func TestDecoderResync(t *testing.T) {
	ans, _ := Frame(SlotStatus(0, 1, 0, 0, 0))
	stream := append(unhex(t, "03 06 80 00000000 00 01 000000 A0 50 02 90 00"), ans...)
	stream = append(stream, 0x50, 0x03, 0x81) // in step again: a card and a time request
	d := NewDecoder(0)
	evs, errs := decodeAll(d, stream)
	var kinds []EventKind
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) != 3 || kinds[0] != EventFrame || kinds[1] != EventSlotChange || kinds[2] != EventTimeRequest || !evs[1].Present() {
		t.Fatalf("events %v, errors %v", kinds, errs)
	}
	if len(errs) == 0 || !errors.Is(errs[0], ErrBadLRC) || !errors.Is(errs[len(errs)-1], ErrUnsynced) {
		t.Errorf("errors %v", errs)
	}
	if !d.InSync() {
		t.Error("a good frame did not bring the decoder back in step")
	}

	// A bad header, then the line goes quiet: Quiet restores trust
	// without a frame.
	d = NewDecoder(0)
	evs, errs = decodeAll(d, unhex(t, "03 06 99 50 00 50 02 80"))
	if len(evs) != 0 || d.InSync() {
		t.Fatalf("out of step: events %v errors %v", evs, errs)
	}
	d.Quiet()
	evs, errs = decodeAll(d, []byte{0x50, 0x02, 0x80})
	if len(evs) != 2 || evs[0].Kind != EventSlotChange || evs[0].Present() || evs[1].Kind != EventTimeRequest || len(errs) != 0 {
		t.Errorf("after Quiet: events %v errors %v", evs, errs)
	}
	// A NAK is still recognised out of step (it carries its own check).
	d = NewDecoder(0)
	if evs, _ := decodeAll(d, append([]byte{0x11, 0x50, 0x03}, NAK...)); len(evs) != 1 || evs[0].Kind != EventNAK {
		t.Errorf("NAK out of step: %v", evs)
	}
}

func TestStatusBits(t *testing.T) {
	for _, c := range []struct {
		st           Status
		failed, text bool
	}{
		{0x00, false, false}, {0x01, false, false}, {0x40, true, false}, {0x42, true, false},
		{0x80, false, true}, {0x81, false, true}, {0xC0, true, false}, {0xC1, true, false},
	} {
		if c.st.Failed() != c.failed || c.st.TimeExtension() != c.text {
			t.Errorf("bStatus %02X: failed %v time extension %v", byte(c.st), c.st.Failed(), c.st.TimeExtension())
		}
	}
	if s := SlotStatus(0, 1, 0xC1, 0xFB, 0).String(); !strings.Contains(s, "failed: hardware error") {
		t.Errorf("C1 described as %q", s)
	}
}

func frames(evs []Event) []Message {
	var ms []Message
	for _, e := range evs {
		if e.Kind == EventFrame {
			ms = append(ms, e.Message)
		}
	}
	return ms
}

// checkDecoder is the property both the fuzz target and its seeds hold:
// no panic, every byte accounted for once, and every accepted item
// re-encodes to exactly the bytes it was read from.
func checkDecoder(t *testing.T, data []byte, chunk int) {
	d := NewDecoder(0)
	var consumed []byte
	for i := 0; i < len(data); i += chunk {
		d.Write(data[i:min(i+chunk, len(data))])
		for {
			ev, err := d.Next()
			if errors.Is(err, ErrIncomplete) {
				break
			}
			if err != nil {
				var fe *FrameError
				if !errors.As(err, &fe) || len(fe.Raw) == 0 {
					t.Fatalf("error without discarded bytes: %v", err)
				}
				consumed = append(consumed, fe.Raw...)
				continue
			}
			consumed = append(consumed, ev.Raw...)
			var re []byte
			switch ev.Kind {
			case EventFrame:
				var err error
				if re, err = Frame(ev.Message); err != nil {
					t.Fatalf("accepted frame does not re-encode: %v", err)
				}
			case EventNAK:
				re = NAK
			case EventSlotChange:
				re = []byte{SlotChange, ev.State}
			case EventTimeRequest:
				re = []byte{ev.State}
			default:
				t.Fatalf("event kind %v", ev.Kind)
			}
			if !bytes.Equal(re, ev.Raw) {
				t.Fatalf("round trip: read % X, re-encoded % X", ev.Raw, re)
			}
		}
	}
	consumed = append(consumed, d.Reset()...)
	if !bytes.Equal(consumed, data) {
		t.Fatalf("the decoder lost or invented bytes:\n in % X\nout % X", data, consumed)
	}
}

func FuzzFrameDecoder(f *testing.F) {
	for _, m := range []Message{GetSlotStatus(0, 0), Escape(0, 0, []byte{2}), DataBlock(0, 1, 0, 0, 0, []byte{0x3B, 0x8F, 0x80}), XfrBlock(0, 2, 0, 0, []byte{0, 0xA4, 4, 0})} {
		fr, _ := Frame(m)
		f.Add(fr, 1)
		f.Add(append(append([]byte{0x50, 0x03, 0x80, 0x11}, fr...), NAK...), 3)
	}
	f.Add([]byte{0x03, 0x06, 0x80, 0xFF, 0xFF, 0xFF, 0xFF}, 2)
	f.Add([]byte{0x03, 0x15, 0x16, 0x03, 0x15, 0x17, 0x50, 0x09}, 1)
	f.Fuzz(func(t *testing.T, data []byte, chunk int) {
		if chunk <= 0 || chunk > 64 {
			chunk = 1 + (chunk&0x3F+0x40)%64
		}
		checkDecoder(t, data, chunk)
	})
}
