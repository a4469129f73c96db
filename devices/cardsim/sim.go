// Package cardsim simulates a GemPC Twin serial smart-card reader on a
// pseudo-terminal, byte for byte as libccid's ccid_serial.c expects it:
// frames 03 06 <CCID message> LRC, the NAK 03 15 16, the echo of every
// command, card-movement notifications 50 02 / 50 03, time requests, and
// the Gemalto escape commands a host sends at start-up (02: firmware;
// 01 01 01: card movements notified synchronously, i.e. after the echo of
// the next command and before its answer).
//
// Like a GemPC Twin (dwFeatures 00010230: no automatic voltage selection)
// it refuses IccPowerOn with bPowerSelect 00 (bError 07, "bad value in
// byte 7") unless Options.AutoVoltage; a Card may work at some voltages
// only (Card.Voltages) and is mute at the others.
//
// A virtual Card answers ISO 7816-4 commands in the demo profile of
// package cardprofile, T=0 style if asked (61xx, 6Cxx), with a PIN try
// counter that blocks at zero. Faults can be injected to test a driver:
// corrupt LRCs, NAKs, time extensions, garbage, altered echoes, refused
// commands, a card pulled mid-read, a reader that goes silent
// (SetSilent) and the reader unplugged.
//
// The port is reached through a symbolic link that stays the same across
// Unplug and Replug, like a udev name for a USB serial adapter.
package cardsim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pishkhan/pishkhan/devices/ccid"
	"github.com/pishkhan/pishkhan/devices/pseudoterm"
)

// DefaultFirmware is the simulator's answer to the "get firmware" escape.
const DefaultFirmware = "GemPC Twin compatible, Pishkhan cardsim V1.00"

// Options configure a simulator.
type Options struct {
	// Card is inserted at start; nil leaves the slot empty.
	Card *Card
	// NoEcho stops the echo of commands (a GemPC Twin echoes; a GemCore
	// POS Pro does not).
	NoEcho bool
	// Firmware answers the escape command 02; "" means DefaultFirmware.
	Firmware string
	// Link is the path of the symbolic link to the pseudo-terminal that
	// PortName returns; "" makes one in a fresh temporary directory.
	Link string
	// AnswerDelay is how long each command takes.
	AnswerDelay time.Duration
	// AutoVoltage accepts IccPowerOn with bPowerSelect 00 (automatic
	// voltage), as readers with AUTO_VOLTAGE do. By default the simulator
	// is a GemPC Twin and refuses it with bError 07.
	AutoVoltage bool
	// Log receives the simulator's debug lines; nil discards them.
	Log *slog.Logger
}

// Faults are misbehaviours for the next commands. Counts add up with
// what is still pending; Sim.Inject replaces nothing else.
type Faults struct {
	// CorruptLRC sends the next n answer frames with a wrong LRC; an
	// answer sent again after a NAK counts as a frame too.
	CorruptLRC int
	// NAK answers the next n commands with a NAK instead of an answer, as
	// if they had arrived garbled (no echo either).
	NAK int
	// TimeExtensions sends, before the next answer, n answers of the same
	// sequence number with bmCommandStatus = 2 (time extension) and
	// bError = TimeExtensionFactor, each followed by TimeExtensionDelay.
	TimeExtensions int
	// TimeExtensionFactor is the bError of those answers, the multiplier
	// of the host's wait; 0 means 1.
	TimeExtensionFactor byte
	// TimeRequests sends, before the next answer, n single time-request
	// bytes (80), each followed by TimeExtensionDelay.
	TimeRequests       int
	TimeExtensionDelay time.Duration
	// RemoveDuringRead pulls the card out when the n-th READ BINARY from
	// now arrives: that command fails with "card absent" (bStatus 42,
	// bError FE) and a removal notification is sent. 0: off.
	RemoveDuringRead int
	// Garbage is written once, before the next answer.
	Garbage []byte
	// Delay holds the next answer back (after the echo), once.
	Delay time.Duration
	// BadEcho alters the echo of the next n commands: the last byte of the
	// message is changed and the LRC made right again, so the host gets a
	// good frame that differs from what it sent.
	BadEcho int
	// Refuse answers the next n commands (after their echo) with
	// bmCommandStatus = 1 and bError = RefuseCode (0: "command not
	// supported") without running them.
	Refuse     int
	RefuseCode byte
}

// Stats count what happened on the line.
type Stats struct {
	Commands     int // command frames received with a good LRC
	NAKsSent     int // NAKs sent (garbled frames and injected NAKs)
	NAKsReceived int // NAKs the host sent
	Resends      int // answers sent again after a NAK
	BadFrames    int // frames from the host with a bad LRC
	Garbage      int // bytes from the host outside any frame
}

// Sim is a running simulator.
type Sim struct {
	opts    Options
	log     *slog.Logger
	link    string
	tempDir string

	mu      sync.Mutex // guards everything below
	card    *Card
	powered bool
	sync    bool   // card movements notified synchronously
	notify  []byte // pending notifications in synchronous mode
	faults  Faults
	stats   Stats
	last    []byte // the last answer frame, for a NAK
	silent  bool   // reads and ignores everything
	voltage ccid.Voltage
	done    chan struct{}
	once    sync.Once

	pmu    sync.Mutex // guards the terminal; never held while writing
	master *os.File
	slave  *os.File

	wmu sync.Mutex // serialises writes to the terminal
}

// Start creates the pseudo-terminal and serves it until Close (or ctx ends).
func Start(ctx context.Context, opts Options) (*Sim, error) {
	s := &Sim{opts: opts, log: opts.Log, card: opts.Card, link: opts.Link, done: make(chan struct{})}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.link == "" {
		dir, err := os.MkdirTemp("", "pishkhan-cardsim-")
		if err != nil {
			return nil, fmt.Errorf("card simulator: %w", err)
		}
		s.tempDir, s.link = dir, filepath.Join(dir, "ttyCARD")
	}
	if err := s.plug(); err != nil {
		s.cleanup()
		return nil, err
	}
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// plug opens a new pseudo-terminal, points the link at it and serves it.
func (s *Sim) plug() error {
	master, slave, err := pseudoterm.Open()
	if err != nil {
		return fmt.Errorf("card simulator: %w", err)
	}
	tmp := s.link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(slave.Name(), tmp); err == nil {
		err = os.Rename(tmp, s.link)
	}
	if err != nil {
		master.Close()
		slave.Close()
		return fmt.Errorf("card simulator: link %s: %w", s.link, err)
	}
	s.mu.Lock()
	s.powered, s.sync, s.notify, s.last = false, false, nil, nil
	s.mu.Unlock()
	s.pmu.Lock()
	s.master, s.slave = master, slave
	s.pmu.Unlock()
	go s.serve(master)
	s.log.Debug("card simulator plugged", "link", s.link, "pty", slave.Name())
	return nil
}

// PortName returns the path to open: a symbolic link to the pseudo-terminal.
func (s *Sim) PortName() string { return s.link }

// TTYName returns the pseudo-terminal the link points to now.
func (s *Sim) TTYName() string {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	if s.slave == nil {
		return ""
	}
	return s.slave.Name()
}

// Insert puts a card in the slot (taking out any other) and notifies the host.
func (s *Sim) Insert(c *Card) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.card != nil {
		s.removeLocked()
	}
	s.card, s.powered = c, false
	s.notifyLocked(ccid.CardPresent)
}

// Remove takes the card out and notifies the host.
func (s *Sim) Remove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeLocked()
}

func (s *Sim) removeLocked() {
	if s.card == nil {
		return
	}
	s.card.reset()
	s.card, s.powered = nil, false
	s.notifyLocked(ccid.CardAbsent)
}

// notifyLocked sends 50 xx now or, in synchronous mode, with the next answer.
func (s *Sim) notifyLocked(state byte) {
	if s.silent {
		return
	}
	if s.sync {
		s.notify = append(s.notify, ccid.SlotChange, state)
		return
	}
	s.pmu.Lock()
	m := s.master
	s.pmu.Unlock()
	s.write(m, []byte{ccid.SlotChange, state})
}

// Inject adds faults for the next commands.
func (s *Sim) Inject(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.CorruptLRC += f.CorruptLRC
	s.faults.NAK += f.NAK
	s.faults.TimeExtensions += f.TimeExtensions
	s.faults.TimeRequests += f.TimeRequests
	if f.TimeExtensionDelay > 0 {
		s.faults.TimeExtensionDelay = f.TimeExtensionDelay
	}
	if f.RemoveDuringRead > 0 {
		s.faults.RemoveDuringRead = f.RemoveDuringRead
	}
	s.faults.Garbage = append(s.faults.Garbage, f.Garbage...)
	if f.Delay > 0 {
		s.faults.Delay = f.Delay
	}
	if f.TimeExtensionFactor > 0 {
		s.faults.TimeExtensionFactor = f.TimeExtensionFactor
	}
	s.faults.BadEcho += f.BadEcho
	s.faults.Refuse += f.Refuse
	if f.RefuseCode != 0 {
		s.faults.RefuseCode = f.RefuseCode
	}
}

// SetSilent makes the reader stop answering (or answer again) while the
// port stays open, as a reader that hangs or loses its power supply
// behind a USB serial adapter does: bytes from the host are read and
// dropped, and nothing is sent, not even notifications.
func (s *Sim) SetSilent(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = on
}

// Noise writes bytes to the host now, outside any exchange, as line noise
// would arrive.
func (s *Sim) Noise(b []byte) {
	s.pmu.Lock()
	m := s.master
	s.pmu.Unlock()
	s.write(m, b)
}

// Voltage returns bPowerSelect of the last IccPowerOn the simulator ran
// (0 before any).
func (s *Sim) Voltage() ccid.Voltage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.voltage
}

// ClearFaults drops the faults still pending.
func (s *Sim) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = Faults{}
}

// Stats returns the counters so far.
func (s *Sim) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// PINTriesLeft returns the inserted card's PIN try counter (-1: no card).
func (s *Sim) PINTriesLeft() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.card == nil {
		return -1
	}
	if !s.card.triesSet {
		return s.card.maxTries()
	}
	return s.card.triesLeft
}

// Unplug closes the pseudo-terminal, as pulling a USB serial adapter
// does: the host's reads and writes fail. The card stays inserted.
func (s *Sim) Unplug() {
	s.pmu.Lock()
	m, sl := s.master, s.slave
	s.master, s.slave = nil, nil
	s.pmu.Unlock()
	if m != nil {
		m.Close()
		sl.Close()
	}
	os.Remove(s.link)
}

// Replug opens a new pseudo-terminal behind the same link: a reader
// plugged back in, in its power-on state (asynchronous notifications).
func (s *Sim) Replug() error {
	s.Unplug()
	return s.plug()
}

// Close stops the simulator and removes the link (and the directory it made).
func (s *Sim) Close() error {
	s.once.Do(func() {
		s.Unplug()
		close(s.done)
		s.cleanup()
	})
	return nil
}

func (s *Sim) cleanup() {
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
	}
}

// Run starts a simulator, calls ready with the port to open, and serves
// until ctx ends. It is what cmd/devsim runs.
func Run(ctx context.Context, opts Options, ready func(port string)) error {
	s, err := Start(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	if ready != nil {
		ready(s.PortName())
	}
	<-ctx.Done()
	return nil
}

// write sends bytes to the host; a closed terminal is not an error here.
func (s *Sim) write(m *os.File, b []byte) {
	if m == nil || len(b) == 0 {
		return
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := m.Write(b); err != nil {
		s.log.Debug("card simulator write", "err", err)
	}
}

// serve reads the host's bytes until the terminal closes.
func (s *Sim) serve(m *os.File) {
	dec := ccid.NewDecoder(0)
	buf := make([]byte, 512)
	for {
		n, err := m.Read(buf)
		if n > 0 {
			dec.Write(buf[:n])
			for {
				ev, err := dec.Next()
				if errors.Is(err, ccid.ErrIncomplete) {
					break
				}
				s.handle(m, ev, err)
			}
		}
		if err != nil {
			s.log.Debug("card simulator read ends", "err", err)
			return
		}
	}
}

func (s *Sim) handle(m *os.File, ev ccid.Event, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.silent {
		return
	}
	if err != nil {
		if errors.Is(err, ccid.ErrBadLRC) {
			s.stats.BadFrames++
			s.stats.NAKsSent++
			s.write(m, ccid.NAK)
		} else {
			var fe *ccid.FrameError
			if errors.As(err, &fe) {
				s.stats.Garbage += len(fe.Raw)
			}
		}
		// Not err itself: its bytes may be an APDU with a PIN.
		var fe *ccid.FrameError
		if errors.As(err, &fe) {
			s.log.Debug("card simulator got bad bytes", "err", fe.Err, "bytes", len(fe.Raw))
		}
		return
	}
	switch ev.Kind {
	case ccid.EventNAK:
		s.stats.NAKsReceived++
		if s.last != nil {
			s.stats.Resends++
			s.send(m, s.last)
		}
		return
	case ccid.EventFrame:
		if ev.Message.Type.Command() {
			s.command(m, ev.Message, ev.Raw)
			return
		}
	}
	s.stats.Garbage += len(ev.Raw)
}

// command answers one command frame, with the faults that are due.
func (s *Sim) command(m *os.File, msg ccid.Message, raw []byte) {
	s.stats.Commands++
	f := &s.faults
	if f.NAK > 0 {
		f.NAK--
		s.stats.NAKsSent++
		s.write(m, ccid.NAK)
		return
	}
	if !s.opts.NoEcho {
		echo := raw
		if f.BadEcho > 0 {
			f.BadEcho--
			echo = append([]byte(nil), raw...)
			echo[len(echo)-2] ^= 0x01
			echo[len(echo)-1] = ccid.LRC(echo[:len(echo)-1])
		}
		s.write(m, echo)
	}
	s.pause(s.opts.AnswerDelay)
	if f.Delay > 0 {
		d := f.Delay
		f.Delay = 0
		s.pause(d)
	}
	var ans ccid.Message
	if f.Refuse > 0 {
		f.Refuse--
		st := ccid.MakeStatus(ccid.CommandFailed, s.iccStatus())
		ans = ccid.Message{Type: ccid.AnswerType(msg.Type), Slot: msg.Slot, Seq: msg.Seq, Param: [3]byte{byte(st), f.RefuseCode}}
	} else {
		ans = s.answer(msg)
	}
	if len(s.notify) > 0 { // synchronous mode: after the echo, before the answer
		s.write(m, s.notify)
		s.notify = nil
	}
	for ; f.TimeRequests > 0; f.TimeRequests-- {
		s.write(m, []byte{0x80})
		s.pause(f.TimeExtensionDelay)
	}
	for ; f.TimeExtensions > 0; f.TimeExtensions-- {
		te := ccid.Message{Type: ans.Type, Slot: msg.Slot, Seq: msg.Seq,
			Param: [3]byte{byte(ccid.MakeStatus(ccid.CommandTimeExtension, ans.Status().ICC())), max(1, f.TimeExtensionFactor)}}
		fr, _ := ccid.Frame(te)
		s.write(m, fr)
		s.pause(f.TimeExtensionDelay)
	}
	if len(f.Garbage) > 0 {
		s.write(m, f.Garbage)
		f.Garbage = nil
	}
	fr, err := ccid.Frame(ans)
	if err != nil {
		s.log.Error("card simulator cannot frame its answer", "err", err)
		return
	}
	s.last = fr
	s.send(m, fr)
}

// send writes an answer frame, with a wrong LRC if a fault is due.
func (s *Sim) send(m *os.File, fr []byte) {
	if s.faults.CorruptLRC > 0 {
		s.faults.CorruptLRC--
		bad := append([]byte(nil), fr...)
		bad[len(bad)-1] ^= 0x5A
		fr = bad
	}
	s.write(m, fr)
}

// pause sleeps without holding the lock.
func (s *Sim) pause(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Unlock()
	time.Sleep(d)
	s.mu.Lock()
}

func (s *Sim) iccStatus() ccid.ICCStatus {
	switch {
	case s.card == nil:
		return ccid.ICCAbsent
	case !s.powered:
		return ccid.ICCInactive
	}
	return ccid.ICCActive
}

// answer runs a CCID command against the slot.
func (s *Sim) answer(msg ccid.Message) ccid.Message {
	ok := func() ccid.Status { return ccid.MakeStatus(ccid.CommandOK, s.iccStatus()) }
	failed := func() ccid.Status { return ccid.MakeStatus(ccid.CommandFailed, s.iccStatus()) }
	at := ccid.AnswerType(msg.Type)
	fail := func(code byte) ccid.Message {
		return ccid.Message{Type: at, Slot: msg.Slot, Seq: msg.Seq, Param: [3]byte{byte(failed()), code}}
	}
	if msg.Slot != 0 {
		return fail(ccid.ErrCodeBadSlot)
	}
	switch msg.Type {
	case ccid.PCtoRDREscape:
		switch string(msg.Data) {
		case "\x02":
			fw := s.opts.Firmware
			if fw == "" {
				fw = DefaultFirmware
			}
			return ccid.EscapeAnswer(0, msg.Seq, ok(), 0, []byte(fw))
		case "\x01\x01\x01":
			s.sync = true
			return ccid.EscapeAnswer(0, msg.Seq, ok(), 0, nil)
		case "\x01\x01\x00":
			s.sync = false
			return ccid.EscapeAnswer(0, msg.Seq, ok(), 0, nil)
		}
		return fail(ccid.ErrCodeCmdNotSupported)
	case ccid.PCtoRDRGetSlotStatus:
		return ccid.SlotStatus(0, msg.Seq, ok(), 0, 0)
	case ccid.PCtoRDRIccPowerOff:
		if s.card != nil {
			s.card.reset()
		}
		s.powered = false
		return ccid.SlotStatus(0, msg.Seq, ok(), 0, 0)
	case ccid.PCtoRDRIccPowerOn:
		v := ccid.Voltage(msg.Param[0])
		if v > ccid.Voltage1V8 || (v == ccid.VoltageAuto && !s.opts.AutoVoltage) {
			return fail(7) // "error on byte 7": bPowerSelect
		}
		s.voltage = v
		if s.card == nil {
			return fail(ccid.ErrCodeICCMute)
		}
		s.card.reset()
		s.powered = false
		if !s.card.worksAt(v) {
			return fail(ccid.ErrCodeICCMute)
		}
		s.powered = true
		return ccid.DataBlock(0, msg.Seq, ok(), 0, 0, s.card.ATR)
	case ccid.PCtoRDRXfrBlock:
		if s.card != nil && s.faults.RemoveDuringRead > 0 && len(msg.Data) >= 2 && msg.Data[1] == 0xB0 {
			s.faults.RemoveDuringRead--
			if s.faults.RemoveDuringRead == 0 {
				s.removeLocked()
			}
		}
		if s.card == nil || !s.powered {
			return fail(ccid.ErrCodeICCMute)
		}
		return ccid.DataBlock(0, msg.Seq, ok(), 0, 0, s.card.process(msg.Data))
	}
	return fail(ccid.ErrCodeCmdNotSupported)
}
