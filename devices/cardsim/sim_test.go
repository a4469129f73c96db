package cardsim

import (
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan/devices/serialport"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBytesOnTheLine talks to the simulator with raw bytes, as libccid
// would, and checks what comes back byte for byte.
func TestBytesOnTheLine(t *testing.T) {
	card, err := DemoCard(DemoCitizen(), "")
	if err != nil {
		t.Fatal(err)
	}
	sim, err := Start(t.Context(), Options{Card: card})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	p, err := serialport.Open(sim.PortName(), serialport.Settings{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 2, ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	read := func(n int, wait time.Duration) []byte {
		t.Helper()
		var got []byte
		deadline := time.Now().Add(wait)
		buf := make([]byte, 64)
		for len(got) < n && time.Now().Before(deadline) {
			k, err := p.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, buf[:k]...)
		}
		return got
	}
	exchange := func(send, want string) {
		t.Helper()
		if _, err := p.Write(unhex(t, send)); err != nil {
			t.Fatal(err)
		}
		w := unhex(t, want)
		if got := read(len(w), 3*time.Second); !bytes.Equal(got, w) {
			t.Fatalf("sent %s\n got % X\nwant % X", send, got, w)
		}
	}
	// GetSlotStatus seq 0: the echo, then RDR_to_PC_SlotStatus with
	// bStatus 01 (card present, not powered).
	// LRC of the answer: 03^06^81^01 = 85.
	exchange("03 06 65 00000000 00 00 000000 60",
		"03 06 65 00000000 00 00 000000 60"+"03 06 81 00000000 00 00 010000 85")
	// A frame with a bad LRC gets the NAK 03 15 16, nothing else.
	exchange("03 06 65 00000000 00 01 000000 00", "03 15 16")
	// The host's NAK gets the last answer again.
	exchange("03 15 16", "03 06 81 00000000 00 00 010000 85")
	// Asynchronous notifications until the host asks for synchronous ones.
	sim.Remove()
	if got := read(2, 3*time.Second); !bytes.Equal(got, []byte{0x50, 0x02}) {
		t.Fatalf("removal: % X", got)
	}
	// Escape 01 01 01 seq 1 (LRC 6D); answer RDR_to_PC_Escape with bStatus
	// 02 (no card): 03^06^83^01^02 = 05^83 = 86, ^01 = 87, ^02 = 85.
	exchange("03 06 6B 03000000 00 01 000000 010101 6D",
		"03 06 6B 03000000 00 01 000000 010101 6D"+"03 06 83 00000000 00 01 020000 85")
	sim.Insert(card)
	if got := read(1, 200*time.Millisecond); len(got) != 0 {
		t.Fatalf("synchronous mode sent % X at once", got)
	}
	// The insertion comes after the next echo, before the answer:
	// GetSlotStatus seq 2; answer 81 … seq 2, bStatus 01: 03^06^81^02^01 = 87.
	exchange("03 06 65 00000000 00 02 000000 62",
		"03 06 65 00000000 00 02 000000 62"+"50 03"+"03 06 81 00000000 00 02 010000 87")
	if s := sim.Stats(); s.Commands != 3 || s.BadFrames != 1 || s.NAKsSent != 1 || s.NAKsReceived != 1 || s.Resends != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestUnplugReplugKeepsTheLink(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	sim, err := Start(ctx, Options{Link: t.TempDir() + "/ttyCARD"})
	if err != nil {
		t.Fatal(err)
	}
	first := sim.TTYName()
	sim.Unplug()
	if _, err := os.Stat(sim.PortName()); err == nil {
		t.Error("the link outlived the unplug")
	}
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(sim.PortName()); err != nil || target != sim.TTYName() {
		t.Errorf("link %s -> %s (%v), tty %s (was %s)", sim.PortName(), target, err, sim.TTYName(), first)
	}
	cancel() // the context ends the simulator
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Lstat(sim.PortName()); err != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("the simulator did not stop with its context")
}

func TestVirtualCard(t *testing.T) {
	c, err := DemoCard(DemoCitizen(), "1234")
	if err != nil {
		t.Fatal(err)
	}
	c.GetResponse, c.WrongLe = false, false
	run := func(apdu, want string) {
		t.Helper()
		if got := c.process(unhex(t, apdu)); !bytes.Equal(got, unhex(t, want)) {
			t.Errorf("%s: got % X want %s", apdu, got, want)
		}
	}
	run("00B0000010", "6986")                           // no file selected
	run("00A4020C020101", "6A82")                       // no application selected
	run("00A404000DF0504953484B48414E44454D4F", "6111") // case 3: the 17-byte FCI waits for GET RESPONSE
	run("00C0000020", "6F0F840DF0504953484B48414E44454D4F9000")
	run("80A4040000", "6E00")
	run("00CA0000", "6D00")
	run("00A4020C020102", "9000")
	run("00B0000004", "6982") // PIN first
	run("00200081", "63C3")
	run("002000810431323334", "9000")
	run("00B0000004", hex.EncodeToString(c.Files[0x0102].Data[:4])+"9000")
	run("00B07F0004", "6B00")
	run("00B0810004", "6A81") // short EF id addressing: not supported
	run("00C0000002", "6985") // nothing pending
}

// TestPowerSelect: like a GemPC Twin the simulator refuses bPowerSelect 00
// (automatic voltage) unless told otherwise, and powers at 01.
func TestPowerSelect(t *testing.T) {
	card, err := DemoCard(DemoCitizen(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, auto := range []bool{false, true} {
		sim, err := Start(t.Context(), Options{Card: card, NoEcho: true, AutoVoltage: auto})
		if err != nil {
			t.Fatal(err)
		}
		defer sim.Close()
		p, err := serialport.Open(sim.PortName(), serialport.Settings{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 2, ReadTimeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		read := func(n int) []byte {
			var got []byte
			buf := make([]byte, 64)
			for deadline := time.Now().Add(3 * time.Second); len(got) < n && time.Now().Before(deadline); {
				k, _ := p.Read(buf)
				got = append(got, buf[:k]...)
			}
			return got
		}
		// IccPowerOn seq 0, bPowerSelect 00: LRC 03^06^62 = 67.
		p.Write(unhex(t, "03 06 62 00000000 00 00 000000 67"))
		if !auto {
			// RDR_to_PC_DataBlock seq 0, bStatus 41 (failed, card not
			// powered), bError 07 (byte 7: bPowerSelect):
			// LRC = 03^06^80^41^07 = 85^41 = C4, ^07 = C3.
			if got, want := read(13), unhex(t, "03 06 80 00000000 00 00 410700 C3"); !bytes.Equal(got, want) {
				t.Fatalf("power select 00:\n got % X\nwant % X", got, want)
			}
			// seq 1, bPowerSelect 01: LRC = 05^62^01^01 = 67.
			p.Write(unhex(t, "03 06 62 00000000 00 01 010000 67"))
		}
		if got := read(13 + len(DemoATR)); len(got) != 13+len(DemoATR) || got[9] != 0 || !bytes.Equal(got[12:12+len(DemoATR)], DemoATR) {
			t.Errorf("auto %v: power on answered % X", auto, got)
		}
		if v := sim.Voltage(); (auto && v != 0) || (!auto && v != 1) {
			t.Errorf("auto %v: powered at %d", auto, v)
		}
	}
}
