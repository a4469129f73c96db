package cardreader

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/cardprofile"
	"github.com/pishkhan/pishkhan/devices/cardsim"
	"github.com/pishkhan/pishkhan/devices/ccid"
	"github.com/pishkhan/pishkhan/devices/iso7816"
)

// testLog sends log lines to t.Log until the test ends.
type testLog struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func newLog(t *testing.T) *slog.Logger {
	l := &testLog{t: t}
	t.Cleanup(func() { l.mu.Lock(); l.done = true; l.mu.Unlock() })
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func demoCard(t *testing.T, pin string) *cardsim.Card {
	c, err := cardsim.DemoCard(cardsim.DemoCitizen(), pin)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rig starts a simulator and opens the driver on it. Polling is off
// unless opts asks for it, so faults hit the command under test.
func rig(t *testing.T, so cardsim.Options, opts Options) (*cardsim.Sim, *Reader) {
	t.Helper()
	log := newLog(t)
	so.Log = log.With("side", "sim")
	sim, err := cardsim.Start(t.Context(), so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = time.Second
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = -1
	}
	if opts.ReconnectMax == 0 {
		opts.ReconnectMax = 200 * time.Millisecond
	}
	opts.Log = log.With("side", "driver")
	r, err := Open(t.Context(), sim.PortName(), opts)
	if err != nil {
		t.Fatalf("open %s: %v", sim.PortName(), err)
	}
	t.Cleanup(func() { r.Close() })
	return sim, r
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 8*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestPowerOnATR(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{})
	if r.Firmware() != cardsim.DefaultFirmware || !r.CardPresent() {
		t.Errorf("firmware %q, present %v", r.Firmware(), r.CardPresent())
	}
	if st, err := r.SlotStatus(ctx(t)); err != nil || st != ccid.ICCInactive {
		t.Fatalf("before power on: %v %v", st, err)
	}
	atr, err := r.PowerOn(ctx(t))
	if err != nil || !bytes.Equal(atr, cardsim.DemoATR) {
		t.Fatalf("ATR % X, %v", atr, err)
	}
	if st, err := r.SlotStatus(ctx(t)); err != nil || st != ccid.ICCActive {
		t.Fatalf("after power on: %v %v", st, err)
	}
	if err := r.PowerOff(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Transmit(ctx(t), []byte{0, 0xA4, 4, 0}); !errors.Is(err, ErrNotPowered) {
		t.Errorf("transmit to a powered-off card: %v", err)
	}
	sim.Remove()
	if _, err := r.PowerOn(ctx(t)); !errors.Is(err, ErrNoCard) || !strings.Contains(pishkhan.PersianMessage(err), "کارتی") {
		t.Errorf("power on with no card: %v (%s)", err, pishkhan.PersianMessage(err))
	}
	if s := sim.Stats(); s.NAKsSent+s.NAKsReceived+s.BadFrames+s.Garbage != 0 {
		t.Errorf("a clean run had trouble on the line: %+v", s)
	}
}

func TestReadCitizen(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{})
	want := cardsim.DemoCitizen()
	for _, chunk := range []int{0, 7} {
		got, err := r.ReadCitizen(ctx(t), cardprofile.Demo{Chunk: chunk}, cardprofile.ReadOptions{})
		if err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		if got != want {
			t.Errorf("chunk %d: got %+v want %+v", chunk, got, want)
		}
	}
	// A PIN-protected card: no PIN, wrong PIN, then the right one.
	sim.Insert(demoCard(t, "4321"))
	_, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{})
	if !errors.Is(err, cardprofile.ErrPINRequired) || pishkhan.PersianMessage(err) == "" {
		t.Errorf("no PIN: %v", err)
	}
	_, err = r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{PIN: "1111"})
	var wp *iso7816.WrongPINError
	if !errors.As(err, &wp) || wp.TriesLeft != 2 {
		t.Errorf("wrong PIN: %v", err)
	}
	got, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{PIN: "۴۳۲۱"})
	if err != nil || got != want {
		t.Errorf("PIN in Persian digits: %+v %v", got, err)
	}
	// Not a demo card.
	other := demoCard(t, "")
	other.AID = []byte{0xA0, 0, 0, 0, 0x03, 0x10, 0x10}
	sim.Insert(other)
	if _, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{}); !errors.Is(err, cardprofile.ErrNotDemoCard) {
		t.Errorf("other card: %v", err)
	}
}

func TestVerifyCountsDownAndBlocks(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "2468")}, Options{})
	card, _, err := r.Connect(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := card.SelectAID(ctx(t), cardprofile.DemoAID); err != nil {
		t.Fatal(err)
	}
	if v, n, err := card.PINStatus(ctx(t), cardprofile.DemoPINRef); v || n != 3 || err != nil {
		t.Fatalf("status: %v %d %v", v, n, err)
	}
	for want := 2; want >= 1; want-- {
		err := card.Verify(ctx(t), cardprofile.DemoPINRef, []byte("0000"))
		var wp *iso7816.WrongPINError
		if !errors.As(err, &wp) || wp.TriesLeft != want {
			t.Fatalf("want %d tries left: %v", want, err)
		}
		if sim.PINTriesLeft() != want {
			t.Errorf("card counter %d", sim.PINTriesLeft())
		}
	}
	err = card.Verify(ctx(t), cardprofile.DemoPINRef, []byte("0000"))
	if !errors.Is(err, iso7816.ErrPINBlocked) || pishkhan.ErrorCode(err) != pishkhan.ELocked || !strings.Contains(pishkhan.PersianMessage(err), "مسدود") {
		t.Fatalf("third wrong PIN: %v", err)
	}
	if err := card.Verify(ctx(t), cardprofile.DemoPINRef, []byte("2468")); !errors.Is(err, iso7816.ErrPINBlocked) {
		t.Fatalf("right PIN on a blocked card: %v", err)
	}
	// The counter survives a power cycle.
	card, _, _ = r.Connect(ctx(t))
	card.SelectAID(ctx(t), cardprofile.DemoAID)
	if _, _, err := card.PINStatus(ctx(t), cardprofile.DemoPINRef); !errors.Is(err, iso7816.ErrPINBlocked) {
		t.Errorf("after power cycle: %v", err)
	}
}

func TestCardPulledDuringRead(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{})
	sim.Inject(cardsim.Faults{RemoveDuringRead: 3})
	_, err := r.ReadCitizen(ctx(t), cardprofile.Demo{Chunk: 8}, cardprofile.ReadOptions{})
	if !errors.Is(err, ErrCardRemoved) {
		t.Fatalf("got %v, want ErrCardRemoved", err)
	}
	if !strings.Contains(err.Error(), "removed") || !strings.Contains(pishkhan.PersianMessage(err), "بیرون کشیده") {
		t.Errorf("message: %v / %s", err, pishkhan.PersianMessage(err))
	}
	waitEvent(t, r, CardRemoved)
	// The next attempt says there is no card.
	if _, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{}); !errors.Is(err, ErrNoCard) {
		t.Errorf("after removal: %v", err)
	}
	sim.Insert(demoCard(t, ""))
	if _, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{}); err != nil {
		t.Errorf("reinserted: %v", err)
	}
}

func waitEvent(t *testing.T, r *Reader, want EventKind) Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev := <-r.Events():
			if ev.Kind == want {
				return ev
			}
			t.Logf("event %v while waiting for %v", ev.Kind, want)
		case <-timeout:
			t.Fatalf("no %v event", want)
		}
	}
}

func TestNAKAndResend(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{Retries: 2})
	before := sim.Stats()
	sim.Inject(cardsim.Faults{NAK: 1})
	if _, err := r.PowerOn(ctx(t)); err != nil {
		t.Fatalf("after one NAK: %v", err)
	}
	s := sim.Stats()
	if s.NAKsSent-before.NAKsSent != 1 || s.Commands-before.Commands != 2 {
		t.Errorf("stats %+v (before %+v)", s, before)
	}
	// More NAKs than retries: a clear error, and the line recovers.
	sim.Inject(cardsim.Faults{NAK: 3})
	if _, err := r.SlotStatus(ctx(t)); !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "NAK") {
		t.Errorf("three NAKs with two retries: %v", err)
	}
	if _, err := r.SlotStatus(ctx(t)); err != nil {
		t.Errorf("after the NAK storm: %v", err)
	}
}

func TestCorruptLRCFromReader(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{Retries: 2})
	// GetSlotStatus is harmless to run twice: a garbled answer gets a NAK.
	sim.Inject(cardsim.Faults{CorruptLRC: 1})
	if st, err := r.SlotStatus(ctx(t)); err != nil || st != ccid.ICCInactive {
		t.Fatalf("slot status after a corrupt answer: %v %v", st, err)
	}
	if s := sim.Stats(); s.NAKsReceived != 1 || s.Resends != 1 {
		t.Errorf("the driver should NAK once and get the answer again: %+v", s)
	}
	// A power-on is not: no NAK, an error the clerk can act on.
	before := sim.Stats()
	sim.Inject(cardsim.Faults{CorruptLRC: 1})
	_, err := r.PowerOn(ctx(t))
	if !errors.Is(err, ErrGarbledAnswer) || !errors.Is(err, ErrProtocol) || !errors.Is(err, ccid.ErrBadLRC) ||
		!strings.Contains(pishkhan.PersianMessage(err), "تکرار نشد") {
		t.Fatalf("garbled ATR: %v (%s)", err, pishkhan.PersianMessage(err))
	}
	if s := sim.Stats(); s.NAKsReceived != before.NAKsReceived || s.Commands != before.Commands+1 {
		t.Errorf("a garbled answer to a power-on was NAKed: %+v (before %+v)", s, before)
	}
	if atr, err := r.PowerOn(ctx(t)); err != nil || !bytes.Equal(atr, cardsim.DemoATR) {
		t.Fatalf("power on again: % X %v", atr, err)
	}
	sim.Inject(cardsim.Faults{CorruptLRC: 3})
	if _, err := r.SlotStatus(ctx(t)); !errors.Is(err, ErrProtocol) || !errors.Is(err, ccid.ErrBadLRC) {
		t.Errorf("persistent corruption: %v", err)
	}
	sim.ClearFaults()
	if _, err := r.SlotStatus(ctx(t)); err != nil {
		t.Errorf("recovered: %v", err)
	}
}

func TestTimeExtension(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{ReadTimeout: 300 * time.Millisecond})
	sim.Inject(cardsim.Faults{TimeExtensions: 3, TimeRequests: 2, TimeExtensionDelay: 200 * time.Millisecond})
	start := time.Now()
	if _, err := r.PowerOn(ctx(t)); err != nil {
		t.Fatalf("with time extensions: %v", err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("answered after %s; the extensions should have taken 1 s", d)
	}
	// The same wait without extensions is a timeout, and the stale answer
	// that arrives later does not confuse the next command.
	sim.Inject(cardsim.Faults{Delay: 600 * time.Millisecond})
	_, err := r.SlotStatus(ctx(t))
	if !errors.Is(err, ErrTimeout) || pishkhan.PersianMessage(err) == "" {
		t.Fatalf("no extension: %v", err)
	}
	time.Sleep(400 * time.Millisecond)
	if st, err := r.SlotStatus(ctx(t)); err != nil || st != ccid.ICCActive {
		t.Errorf("after the timeout: %v %v", st, err)
	}
	// A context that ends while waiting.
	sim.Inject(cardsim.Faults{Delay: 300 * time.Millisecond})
	c, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := r.SlotStatus(c); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := r.SlotStatus(ctx(t)); err != nil {
		t.Errorf("after a cancelled exchange: %v", err)
	}
}

func TestInsertRemoveNotifications(t *testing.T) {
	t.Run("polling", func(t *testing.T) {
		sim, r := rig(t, cardsim.Options{}, Options{PollInterval: 30 * time.Millisecond})
		if r.CardPresent() {
			t.Fatal("empty slot reported as a card")
		}
		sim.Insert(demoCard(t, ""))
		waitEvent(t, r, CardInserted)
		if !r.CardPresent() {
			t.Error("CardPresent after insert")
		}
		sim.Remove()
		waitEvent(t, r, CardRemoved)
		sim.Insert(demoCard(t, ""))
		waitEvent(t, r, CardInserted)
		if _, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{}); err != nil {
			t.Errorf("read while polling: %v", err)
		}
	})
	t.Run("with the next command", func(t *testing.T) {
		// No polling: in synchronous mode the reader tells with the next
		// command's answer, after the echo.
		sim, r := rig(t, cardsim.Options{}, Options{})
		sim.Insert(demoCard(t, ""))
		if _, err := r.SlotStatus(ctx(t)); err != nil {
			t.Fatal(err)
		}
		waitEvent(t, r, CardInserted)
	})
}

func TestGetResponseAnd6C(t *testing.T) {
	_, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{})
	card, atr, err := r.Connect(ctx(t))
	if err != nil || !atr.T0() || !card.T0 {
		t.Fatalf("connect: %v %v", atr, err)
	}
	rec := &recorder{t: r}
	card.T = rec
	fci, err := card.SelectAID(ctx(t), cardprofile.DemoAID)
	if err != nil || !bytes.Contains(fci, cardprofile.DemoAID) {
		t.Fatalf("FCI % X %v", fci, err)
	}
	if err := card.SelectFile(ctx(t), cardprofile.DemoIDFile); err != nil {
		t.Fatal(err)
	}
	data, err := card.ReadFile(ctx(t), 200, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cardprofile.ParseTLV(data); err != nil || !bytes.Contains(data, []byte(cardsim.DemoCitizen().NationalCode)) {
		t.Errorf("ID file % X %v", data, err)
	}
	if !rec.saw(0x61) || !rec.saw(0x6C) {
		t.Errorf("status words seen: %v; want 61xx and 6Cxx", rec.sws)
	}
}

type recorder struct {
	t   iso7816.Transmitter
	sws []string
}

func (r *recorder) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	out, err := r.t.Transmit(ctx, apdu)
	if len(out) >= 2 {
		r.sws = append(r.sws, fmt.Sprintf("%02X%02X", out[len(out)-2], out[len(out)-1]))
	}
	return out, err
}

func (r *recorder) saw(sw1 byte) bool {
	for _, s := range r.sws {
		if s[:2] == fmt.Sprintf("%02X", sw1) {
			return true
		}
	}
	return false
}

func TestDirectCardAnswers(t *testing.T) {
	c := demoCard(t, "")
	c.GetResponse, c.WrongLe = false, false
	_, r := rig(t, cardsim.Options{Card: c, NoEcho: true}, Options{})
	got, err := r.ReadCitizen(ctx(t), cardprofile.Demo{Chunk: 5}, cardprofile.ReadOptions{})
	if err != nil || got != cardsim.DemoCitizen() {
		t.Errorf("no echo, no T=0 habits: %+v %v", got, err)
	}
}

func TestGarbageOnTheLine(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{})
	sim.Inject(cardsim.Faults{Garbage: []byte{0x00, 0x11, 0x03, 0x41, 0x50, 0x09, 0x03, 0x15, 0x00, 0x7F, 0x03, 0x06, 0x99, 0x20}})
	if _, err := r.PowerOn(ctx(t)); err != nil {
		t.Fatalf("power on through garbage: %v", err)
	}
	got, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{})
	if err != nil || got != cardsim.DemoCitizen() {
		t.Errorf("read after garbage: %v", err)
	}
	// A frame header claiming 32 data bytes swallows the real answer and
	// then the line goes quiet: the driver drops the half frame after
	// stallTimeout, sends a NAK and gets the answer again.
	before := sim.Stats()
	sim.Inject(cardsim.Faults{Garbage: []byte{0x03, 0x06, 0x81, 0x20, 0x00, 0x00, 0x00}})
	start := time.Now()
	if _, err := r.SlotStatus(ctx(t)); err != nil {
		t.Errorf("after a stalled half frame: %v", err)
	}
	if d, s := time.Since(start), sim.Stats(); d < stallTimeout || s.NAKsReceived != before.NAKsReceived+1 {
		t.Errorf("stalled frame: answered in %s, stats %+v", d, s)
	}
}

func TestReconnectAfterUnplug(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{})
	if _, err := r.PowerOn(ctx(t)); err != nil {
		t.Fatal(err)
	}
	sim.Unplug()
	waitEvent(t, r, ReaderLost)
	if _, err := r.Transmit(ctx(t), []byte{0, 0xA4, 4, 0}); !errors.Is(err, ErrReaderGone) && !errors.Is(err, ErrCardRemoved) {
		t.Errorf("transmit while unplugged: %v", err)
	}
	if _, err := r.SlotStatus(ctx(t)); !errors.Is(err, ErrReaderGone) || !strings.Contains(pishkhan.PersianMessage(err), "کارت‌خوان") {
		t.Errorf("slot status while unplugged: %v", err)
	}
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, r, ReaderBack)
	got, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{})
	if err != nil || got != cardsim.DemoCitizen() {
		t.Errorf("after replug: %v", err)
	}
}

func TestOpenWithoutReader(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	start := time.Now()
	_, err = Open(t.Context(), slave.Name(), Options{StartTimeout: 300 * time.Millisecond, Log: newLog(t)})
	if err == nil || !errors.Is(err, ErrTimeout) || pishkhan.ErrorCode(err) != pishkhan.EUnavailable || !strings.Contains(pishkhan.PersianMessage(err), "پاسخ نداد") {
		t.Errorf("open with no reader: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
	if _, err := Open(t.Context(), "/nonexistent/ttyUSB9", Options{}); pishkhan.ErrorCode(err) != pishkhan.ENotFound {
		t.Errorf("missing port: %v", err)
	}
}

// TestNAKAfterEchoIgnored is the reviewer's case: a NAK that arrives after
// the echo of a wrong VERIFY. Sending the VERIFY again would make the card
// count two wrong PINs while the driver reports one.
func TestNAKAfterEchoIgnored(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "2468")}, Options{})
	card, _, err := r.Connect(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := card.SelectAID(ctx(t), cardprofile.DemoAID); err != nil {
		t.Fatal(err)
	}
	before := sim.Stats()
	sim.Inject(cardsim.Faults{Garbage: ccid.NAK}) // after the echo, before the answer
	err = card.Verify(ctx(t), cardprofile.DemoPINRef, []byte("0000"))
	var wp *iso7816.WrongPINError
	if !errors.As(err, &wp) || wp.TriesLeft != 2 {
		t.Fatalf("wrong PIN: %v", err)
	}
	// The simulator runs commands in order: once this one is answered, a
	// VERIFY sent again would have been run too.
	if _, err := r.SlotStatus(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if n := sim.PINTriesLeft(); n != 2 {
		t.Errorf("the driver says 2 tries left, the card has %d", n)
	}
	if s := sim.Stats(); s.Commands != before.Commands+2 {
		t.Errorf("VERIFY sent %d times", s.Commands-before.Commands-1)
	}
	// The same NAK before the echo (the reader got the command garbled)
	// still makes the driver send it again.
	sim.Inject(cardsim.Faults{NAK: 1})
	err = card.Verify(ctx(t), cardprofile.DemoPINRef, []byte("0000"))
	if _, serr := r.SlotStatus(ctx(t)); serr != nil {
		t.Fatal(serr)
	}
	if !errors.As(err, &wp) || wp.TriesLeft != 1 || sim.PINTriesLeft() != 1 {
		t.Errorf("after a NAK before the echo: %v, card %d", err, sim.PINTriesLeft())
	}
}

// TestNoiseIsNotCardRemoved: noise before an answer must not be read as
// a card movement; a card taken for pulled would fail the next Transmit.
func TestNoiseIsNotCardRemoved(t *testing.T) {
	for name, garbage := range map[string]string{
		"frame-like header": "03 06 80 00000000 00 01 000000 A0 50 02 90 00",
		"bad header":        "03 06 99 50 02 81",
		"50 00":             "50 00",
		"50 01":             "50 01",
	} {
		t.Run(name, func(t *testing.T) {
			sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{})
			if _, err := r.PowerOn(ctx(t)); err != nil {
				t.Fatal(err)
			}
			sim.Inject(cardsim.Faults{Garbage: unhex(t, garbage)})
			if st, err := r.SlotStatus(ctx(t)); err != nil || st != ccid.ICCActive {
				t.Fatalf("slot status through noise: %v %v", st, err)
			}
			if !r.CardPresent() {
				t.Error("noise made the card absent")
			}
			if _, err := r.Transmit(ctx(t), []byte{0x00, 0xA4, 0x04, 0x00}); err != nil {
				t.Errorf("transmit after noise: %v", err)
			}
			select {
			case ev := <-r.Events():
				t.Errorf("noise gave an event: %v", ev.Kind)
			default:
			}
		})
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPowerOnVoltage: a GemPC Twin cannot choose the voltage, so the
// driver asks for 5 V, then 1.8 V, then 3 V, as libccid's CmdPowerOn does.
func TestPowerOnVoltage(t *testing.T) {
	for _, c := range []struct {
		works []ccid.Voltage
		want  ccid.Voltage
		tries int
	}{{nil, ccid.Voltage5V, 1}, {[]ccid.Voltage{ccid.Voltage1V8}, ccid.Voltage1V8, 2}, {[]ccid.Voltage{ccid.Voltage3V}, ccid.Voltage3V, 3}} {
		card := demoCard(t, "")
		card.Voltages = c.works
		sim, r := rig(t, cardsim.Options{Card: card}, Options{})
		before := sim.Stats()
		atr, err := r.PowerOn(ctx(t))
		if err != nil || !bytes.Equal(atr, cardsim.DemoATR) {
			t.Fatalf("card working at %v: % X %v", c.works, atr, err)
		}
		if sim.Voltage() != c.want || sim.Stats().Commands-before.Commands != c.tries {
			t.Errorf("card working at %v: powered at %d after %d tries", c.works, sim.Voltage(), sim.Stats().Commands-before.Commands)
		}
	}
	// A card mute at every voltage is ErrCardMute, after three tries.
	card := demoCard(t, "")
	card.Voltages = []ccid.Voltage{4}
	sim, r := rig(t, cardsim.Options{Card: card}, Options{})
	before := sim.Stats()
	if _, err := r.PowerOn(ctx(t)); !errors.Is(err, ErrCardMute) || sim.Stats().Commands-before.Commands != 3 {
		t.Errorf("mute card: %v after %d tries", err, sim.Stats().Commands-before.Commands)
	}
}

// TestT1CardRefused: the driver speaks T=0 only; a T=1 card gets a clear
// error instead of raw APDUs it would not understand.
func TestT1CardRefused(t *testing.T) {
	card := demoCard(t, "")
	atr := []byte{0x3B, 0x85, 0x01, 'P', 'I', 'S', 'H', 'K'} // TD1 = 01: T=1, 5 historical bytes
	card.ATR = append(atr, iso7816.LRC(atr[1:]))
	sim, r := rig(t, cardsim.Options{Card: card}, Options{})
	c, a, err := r.Connect(ctx(t))
	var pe *UnsupportedProtocolError
	if c != nil || !errors.As(err, &pe) || pe.Protocol != 1 || !errors.Is(err, ErrUnsupportedProtocol) ||
		!strings.Contains(err.Error(), "T=1") || !strings.Contains(pishkhan.PersianMessage(err), "T=0") || a.T0() {
		t.Fatalf("T=1 card: %v %v (%s)", c, err, pishkhan.PersianMessage(err))
	}
	if st, err := r.SlotStatus(ctx(t)); err != nil || st != ccid.ICCInactive {
		t.Errorf("the refused card was left powered: %v %v", st, err)
	}
	if _, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{}); !errors.Is(err, ErrUnsupportedProtocol) {
		t.Errorf("read T=1 card: %v", err)
	}
	_ = sim
}

// TestSilentReader: a reader that stops answering while the port stays
// open is reported lost after three polls and found again.
func TestSilentReader(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")},
		Options{PollInterval: 20 * time.Millisecond, ReadTimeout: 100 * time.Millisecond, StartTimeout: 200 * time.Millisecond})
	sim.SetSilent(true)
	ev := waitEvent(t, r, ReaderLost)
	if !errors.Is(ev.Err, ErrTimeout) {
		t.Errorf("lost because %v", ev.Err)
	}
	if _, err := r.SlotStatus(ctx(t)); !errors.Is(err, ErrReaderGone) && !errors.Is(err, ErrTimeout) {
		t.Errorf("slot status while silent: %v", err)
	}
	sim.SetSilent(false)
	waitEvent(t, r, ReaderBack)
	got, err := r.ReadCitizen(ctx(t), cardprofile.Demo{}, cardprofile.ReadOptions{})
	if err != nil || got != cardsim.DemoCitizen() {
		t.Errorf("after the silence: %v", err)
	}
}

// TestPINNotInErrorsOrLogs: neither the error of a failed VERIFY nor the
// driver's debug log carries the PIN, even when the echo differs from the
// command.
func TestPINNotInErrorsOrLogs(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "port" { // digits that may spell the PIN by chance
				return slog.Attr{}
			}
			return a
		}}))
	sim, err := cardsim.Start(t.Context(), cardsim.Options{Card: demoCard(t, "2468")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	r, err := Open(t.Context(), sim.PortName(), Options{PollInterval: -1, ReadTimeout: time.Second, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	card, _, err := r.Connect(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := card.SelectAID(ctx(t), cardprofile.DemoAID); err != nil {
		t.Fatal(err)
	}
	pin := []byte("9753")
	// Altered echoes, and noise holding the PIN's bytes as a garbled echo
	// would: none of it may reach the log.
	sim.Inject(cardsim.Faults{BadEcho: 2, Garbage: append([]byte{0x11}, pin...)})
	wrong := card.Verify(ctx(t), cardprofile.DemoPINRef, pin)
	var wp *iso7816.WrongPINError
	if !errors.As(wrong, &wp) {
		t.Fatalf("wrong PIN: %v", wrong)
	}
	badRef := card.Verify(ctx(t), 0x82, pin) // 6A88: a StatusError
	var se *iso7816.StatusError
	if !errors.As(badRef, &se) || se.Command.Data != nil {
		t.Fatalf("VERIFY with an unknown reference: %#v", badRef)
	}
	leaks := []string{"9753", "39 37 35", "393735", "0x39, 0x37, 0x35"}
	for _, e := range []error{wrong, badRef} {
		for _, form := range []string{"%v", "%+v", "%#v"} {
			out := fmt.Sprintf(form, e)
			for _, l := range leaks {
				if strings.Contains(out, l) {
					t.Errorf("error %s = %s holds the PIN (%q)", form, out, l)
				}
			}
		}
	}
	logged := buf.String()
	if !strings.Contains(logged, "echo differs") {
		t.Fatalf("the altered echo was not logged:\n%s", logged)
	}
	for _, l := range leaks {
		if strings.Contains(logged, l) {
			t.Errorf("debug log holds the PIN (%q):\n%s", l, logged)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCardRemovedAsync: with asynchronous notifications (escape 01 01 00)
// the reader sends 50 03 / 50 02 on its own, and the driver reports them
// with no command sent and no polling.
func TestCardRemovedAsync(t *testing.T) {
	sim, r := rig(t, cardsim.Options{}, Options{})
	if _, err := r.Escape(ctx(t), []byte{0x01, 0x01, 0x00}); err != nil {
		t.Fatal(err)
	}
	sim.Insert(demoCard(t, ""))
	waitEvent(t, r, CardInserted)
	if !r.CardPresent() {
		t.Error("CardPresent after the notification")
	}
	sim.Remove()
	waitEvent(t, r, CardRemoved)
	if r.CardPresent() {
		t.Error("CardPresent after the removal")
	}
}

// TestTimeExtensionFactor: a time extension's bError multiplies the wait.
func TestTimeExtensionFactor(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{ReadTimeout: 200 * time.Millisecond})
	// bError 3: 600 ms, and the answer comes after 450 ms.
	sim.Inject(cardsim.Faults{TimeExtensions: 1, TimeExtensionFactor: 3, TimeExtensionDelay: 450 * time.Millisecond})
	if st, err := r.SlotStatus(ctx(t)); err != nil || st != ccid.ICCInactive {
		t.Fatalf("with a x3 extension: %v %v", st, err)
	}
	// bError 2 and an answer after 700 ms: a timeout that says 400 ms.
	sim.Inject(cardsim.Faults{TimeExtensions: 1, TimeExtensionFactor: 2, TimeExtensionDelay: 700 * time.Millisecond})
	_, err := r.SlotStatus(ctx(t))
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "400ms") {
		t.Errorf("x2 extension, late answer: %v", err)
	}
}

// TestStaleAnswerAfterTimeout: the answer to a command that timed out
// arrives while the next command of the same type waits for its own.
func TestStaleAnswerAfterTimeout(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{ReadTimeout: 400 * time.Millisecond})
	sim.Inject(cardsim.Faults{Delay: 600 * time.Millisecond})
	if _, err := r.Escape(ctx(t), []byte{0x02}); !errors.Is(err, ErrTimeout) {
		t.Fatalf("delayed firmware escape: %v", err)
	}
	// Sent at once: the firmware answer comes during this exchange.
	data, err := r.Escape(ctx(t), []byte{0x01, 0x01, 0x01})
	if err != nil || len(data) != 0 {
		t.Errorf("escape 01 01 01 answered %q, %v", data, err)
	}
}

// TestAnswerChecks: an answer of the right sequence number but the wrong
// type is not taken, and bStatus C0..C3 is a failure, as in libccid.
func TestAnswerChecks(t *testing.T) {
	sim, r := rig(t, cardsim.Options{Card: demoCard(t, "")}, Options{})
	wrongType, _ := ccid.Frame(ccid.EscapeAnswer(0, r.seq, ccid.MakeStatus(ccid.CommandOK, ccid.ICCAbsent), 0, nil))
	sim.Inject(cardsim.Faults{Garbage: wrongType})
	if st, err := r.SlotStatus(ctx(t)); err != nil || st != ccid.ICCInactive {
		t.Errorf("escape answer to a slot status taken: %v %v", st, err)
	}
	reserved, _ := ccid.Frame(ccid.SlotStatus(0, r.seq, 0xC1, ccid.ErrCodeHardware, 0))
	sim.Inject(cardsim.Faults{Garbage: reserved})
	var re *ReaderError
	if _, err := r.SlotStatus(ctx(t)); !errors.As(err, &re) || re.Code != ccid.ErrCodeHardware {
		t.Errorf("bStatus C1: %v", err)
	}
}

func TestOpenRefused(t *testing.T) {
	sim, err := cardsim.Start(t.Context(), cardsim.Options{Log: newLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	sim.Inject(cardsim.Faults{Refuse: 1})
	_, err = Open(t.Context(), sim.PortName(), Options{PollInterval: -1, Log: newLog(t)})
	var re *ReaderError
	if !errors.As(err, &re) || !strings.Contains(pishkhan.PersianMessage(err), "نپذیرفت") || strings.Contains(pishkhan.PersianMessage(err), "پاسخ نداد") {
		t.Errorf("refused start-up: %v (%s)", err, pishkhan.PersianMessage(err))
	}
}

// TestNoiseThenQuietTrustsNotifications: after noise the driver ignores
// 50 xx until a good frame or a quiet line; a quiet line is enough for a
// real notification to count again.
func TestNoiseThenQuietTrustsNotifications(t *testing.T) {
	sim, r := rig(t, cardsim.Options{}, Options{})
	if _, err := r.Escape(ctx(t), []byte{0x01, 0x01, 0x00}); err != nil { // asynchronous notifications
		t.Fatal(err)
	}
	sim.Noise([]byte{0x03, 0x06, 0x99, 0x11})
	time.Sleep(2 * stallTimeout)
	sim.Insert(demoCard(t, ""))
	waitEvent(t, r, CardInserted)
}
