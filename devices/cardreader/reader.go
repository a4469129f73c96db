// Package cardreader drives a serial CCID smart-card reader of the
// Gemalto GemPC Twin family, the protocol libccid implements in
// ccid_serial.c: 115200 baud 8N2, frames 03 06 <CCID message> LRC, NAK
// 03 15 16, the echo of every command, card movements as 50 02 / 50 03
// and time requests.
//
// At start-up the driver does what libccid does: sets RTS low (so the
// reader does not send its plug-and-play string), empties the buffers,
// asks the firmware version (escape 02, two seconds to answer, which also
// proves a reader is there) and switches card-movement notifications to
// synchronous mode (escape 01 01 01: a movement is reported after the
// echo of the next command and before its answer). Because movements then
// only come with a command, the driver sends GetSlotStatus every
// PollInterval while idle, so Events reports cards as they come and go.
//
// Every exchange waits with a context.Context and a read timeout that each
// time extension renews (a 80..FF byte: ReadTimeout again; an answer with
// bmCommandStatus = 2: ReadTimeout times its bError). Answers are matched
// to the command by bSeq, slot and type; stale ones are dropped.
//
// Line errors, and how the driver stays safe with them:
//   - A NAK (03 15 16) from the reader means it got the command garbled
//     and did not run it: the driver sends the command again, a bounded
//     number of times, but only while nothing of the command's echo or
//     answer has arrived. A NAK after that is ignored, since sending the
//     command again would run it twice (a wrong VERIFY would cost two
//     tries).
//   - libccid never sends a NAK itself. The driver does so, to get a
//     garbled answer again, only for commands that are harmless to run
//     twice: GetSlotStatus, the firmware escape (02) and IccPowerOff. A
//     garbled answer to any other command is ErrGarbledAnswer (wrapping
//     ErrProtocol): the caller decides whether to start over.
//   - After noise the decoder trusts card movements (50 02, 50 03) and
//     time requests (80..FF) only once a good frame has arrived or the
//     line has been quiet for a moment, so noise is never read as a card
//     pulled out.
//
// PowerOn asks for 5 V first and then 1.8 V and 3 V if the card does not
// answer, as libccid's CmdPowerOn does for a reader without automatic
// voltage selection (a GemPC Twin's dwFeatures is 00010230: no
// AUTO_VOLTAGE, no AUTO_ACTIVATION). Connect refuses a card whose default
// protocol is not T=0 (UnsupportedProtocolError): T=1 needs a block layer
// this driver does not have.
//
// If the port fails (a USB adapter pulled out), or the reader stops
// answering while the port stays open (maxPollMisses slot-status polls in
// a row time out), the driver reopens it with exponential backoff and
// reports ReaderLost and ReaderBack on Events.
//
// Logs never carry APDU data or raw frames (a VERIFY holds the PIN), only
// message headers and lengths.
//
// Reader implements iso7816.Transmitter.
package cardreader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
	"go.bug.st/serial"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/cardprofile"
	"github.com/pishkhan/pishkhan/devices/ccid"
	"github.com/pishkhan/pishkhan/devices/iso7816"
	"github.com/pishkhan/pishkhan/devices/serialport"
)

// Settings are a GemPC Twin's line settings: 115200 baud, 8 data bits, no
// parity, 2 stop bits.
var Settings = serialport.Settings{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 2}

// Defaults of Options.
const (
	DefaultReadTimeout  = 3 * time.Second // libccid's DEFAULT_COM_READ_TIMEOUT
	DefaultStartTimeout = 2 * time.Second // libccid's wait for the firmware escape
	DefaultRetries      = 3
	DefaultPollInterval = time.Second
	DefaultReconnectMax = 5 * time.Second
	// stallTimeout ends a frame that stopped half way: at 115200 baud a
	// whole 274-byte frame takes 24 ms.
	stallTimeout = 300 * time.Millisecond
	// tick is the port's read timeout, how often the read loop looks up.
	tick = 50 * time.Millisecond
	// maxPollMisses is how many slot-status polls in a row may time out
	// before the reader is taken for lost and the port reopened.
	maxPollMisses = 3
)

// powerOnVoltages are the bPowerSelect values PowerOn tries, in order:
// libccid's CmdPowerOn (src/commands.c) starts at 5 V and on failure steps
// the code down with wrap-around, 1 (5 V) → 3 (1.8 V) → 2 (3 V).
var powerOnVoltages = []ccid.Voltage{ccid.Voltage5V, ccid.Voltage1V8, ccid.Voltage3V}

// Options configure a Reader. The zero value is the GemPC Twin's defaults.
type Options struct {
	// Settings are the line settings; the zero value means Settings
	// (115200 8N2). ReadTimeout in it is ignored.
	Settings serialport.Settings
	// ReadTimeout is how long to wait for an answer; each time extension
	// renews it (multiplied by the extension's bError). 0: 3 s.
	ReadTimeout time.Duration
	// StartTimeout is how long the reader has to answer the first command. 0: 2 s.
	StartTimeout time.Duration
	// Retries bounds the resends after a NAK and the NAKs sent for garbled
	// answers (to harmless commands only), per exchange. 0: 3; negative: none.
	Retries int
	// PollInterval is how often an idle driver asks the slot status. 0: 1 s; negative: never.
	// Polling also finds a reader that stopped answering: after
	// maxPollMisses (3) polls in a row time out the port is reopened.
	PollInterval time.Duration
	// NoReconnect stops reopening the port after it fails.
	NoReconnect bool
	// ReconnectMax caps the wait between two reopening attempts. 0: 5 s.
	ReconnectMax time.Duration
	// Log receives the driver's log; nil: slog.Default().
	Log *slog.Logger
}

func (o *Options) defaults() {
	if o.Settings == (serialport.Settings{}) {
		o.Settings = Settings
	}
	o.Settings.ReadTimeout = tick
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.PollInterval == 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.ReconnectMax <= 0 {
		o.ReconnectMax = DefaultReconnectMax
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
}

// EventKind says what happened.
type EventKind int

// What Events reports.
const (
	CardInserted EventKind = iota + 1
	CardRemoved
	ReaderLost // the port failed; the driver is reopening it
	ReaderBack // the port is open again and the reader answered
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case CardInserted:
		return "card inserted"
	case CardRemoved:
		return "card removed"
	case ReaderLost:
		return "reader lost"
	case ReaderBack:
		return "reader back"
	}
	return fmt.Sprintf("event %d", int(k))
}

// Event is a change the desk may show.
type Event struct {
	Kind EventKind
	Time time.Time
	Err  error // why, for ReaderLost
}

// item is what the read loop hands to an exchange.
type item struct {
	ev  ccid.Event
	err error
}

var errStalled = errors.New("frame stopped half way")

// conn is one opening of the port.
type conn struct {
	port  serial.Port
	items chan item
	dead  chan struct{} // closed when the port failed or was closed
	err   error         // why, set before dead is closed
	once  sync.Once
}

func (c *conn) fail(err error) {
	c.once.Do(func() {
		c.err = err
		c.port.Close()
		close(c.dead)
	})
}

// Reader is an open card reader. Its methods are safe for concurrent use;
// exchanges with the reader happen one at a time.
type Reader struct {
	name string
	opts Options
	log  *slog.Logger

	sem    chan struct{} // one exchange at a time
	seq    byte          // guarded by sem
	misses int           // slot-status polls in a row that timed out; guarded by sem
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	events chan Event

	mu       sync.Mutex // guards below
	cur      *conn
	firmware string
	present  int // -1 unknown, 0 absent, 1 present
	powered  bool
	pulled   bool // the powered card was removed; until the next PowerOn
	closed   bool
	// eventsDone is set when events is closed: late emits are dropped.
	eventsDone bool
}

// Open opens the reader on a serial port and runs the start-up commands.
// The port must answer within Options.StartTimeout; later failures are
// repaired in the background unless Options.NoReconnect.
func Open(ctx context.Context, port string, opts Options) (*Reader, error) {
	opts.defaults()
	r := &Reader{name: port, opts: opts, log: opts.Log.With("port", port), sem: make(chan struct{}, 1),
		events: make(chan Event, 32), present: -1}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	if err := r.connect(ctx); err != nil {
		r.cancel()
		return nil, err
	}
	if opts.PollInterval > 0 {
		r.wg.Add(1)
		go r.poll()
	}
	return r, nil
}

// Firmware returns what the reader said its firmware is.
func (r *Reader) Firmware() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firmware
}

// Events reports card movements and reader losses. It is closed by Close.
// Events that find it full are dropped (and logged).
func (r *Reader) Events() <-chan Event { return r.events }

// CardPresent reports whether the reader last said a card is in the slot.
func (r *Reader) CardPresent() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.present == 1
}

// Close stops the driver and closes the port.
func (r *Reader) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	c := r.cur
	r.mu.Unlock()
	r.cancel()
	if c != nil {
		c.fail(ErrClosed)
	}
	r.wg.Wait()
	r.mu.Lock()
	r.eventsDone = true
	close(r.events)
	r.mu.Unlock()
	return nil
}

func (r *Reader) emit(k EventKind, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.eventsDone {
		return
	}
	select {
	case r.events <- Event{Kind: k, Time: time.Now(), Err: err}:
	default:
		r.log.Warn("card reader event dropped: nobody reads Events", "event", k.String())
	}
}

// setPresent records the slot state and reports a change.
func (r *Reader) setPresent(present bool) {
	r.mu.Lock()
	was := r.present
	p := 0
	if present {
		p = 1
	}
	r.present = p
	if !present && r.powered {
		r.powered, r.pulled = false, true
	}
	closed := r.closed
	r.mu.Unlock()
	if was == p || was == -1 || closed {
		return
	}
	if present {
		r.log.Info("card inserted")
		r.emit(CardInserted, nil)
	} else {
		r.log.Info("card removed")
		r.emit(CardRemoved, nil)
	}
}

// connect opens the port, starts its read loop and runs the start-up commands.
func (r *Reader) connect(ctx context.Context) error {
	p, err := serialport.Open(r.name, r.opts.Settings)
	if err != nil {
		return err
	}
	if err := p.SetRTS(false); err != nil { // no plug-and-play string
		r.log.Debug("set RTS low", "err", err)
	}
	if err := p.ResetInputBuffer(); err != nil {
		r.log.Debug("flush input", "err", err)
	}
	c := &conn{port: p, items: make(chan item, 64), dead: make(chan struct{})}
	r.wg.Add(1)
	go r.readLoop(c)
	if err := r.acquire(ctx); err != nil {
		c.fail(err)
		return err
	}
	defer r.release()
	fail := func(err error) error {
		c.fail(err)
		var re *ReaderError
		switch {
		case errors.As(err, &re):
			return pishkhan.WrapError(err, pishkhan.EUnavailable,
				"دستگاهی که به این درگاه وصل است پاسخ داد ولی فرمان آغازین کارت‌خوان را نپذیرفت؛ درگاه را بررسی کنید و مطمئن شوید کارت‌خوان از خانوادهٔ GemPC Twin است.",
				"card reader on %s refused a start-up command", r.name)
		case errors.Is(err, ErrProtocol):
			return pishkhan.WrapError(err, pishkhan.EUnavailable,
				"کارت‌خوان پاسخ داد ولی پاسخ‌هایش خراب می‌رسد؛ سرعت درگاه (۱۱۵۲۰۰)، کابل و درگاه را بررسی کنید.",
				"card reader on %s answers garbled", r.name)
		}
		return pishkhan.WrapError(err, pishkhan.EUnavailable,
			"کارت‌خوان پاسخ نداد؛ درگاه، سرعت و روشن بودن آن را بررسی کنید.", "card reader on %s did not answer", r.name)
	}
	fw, err := r.escapeLocked(ctx, c, []byte{0x02}, r.opts.StartTimeout)
	if err != nil {
		return fail(fmt.Errorf("get firmware: %w", err))
	}
	if _, err := r.escapeLocked(ctx, c, []byte{0x01, 0x01, 0x01}, 0); err != nil {
		return fail(fmt.Errorf("set card movement notification: %w", err))
	}
	m, err := r.exchange(ctx, c, func(seq byte) ccid.Message { return ccid.GetSlotStatus(0, seq) }, 0)
	if err != nil {
		return fail(fmt.Errorf("get slot status: %w", err))
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		c.fail(ErrClosed)
		return ErrClosed
	}
	r.cur = c // from now on a failure of c is a lost reader
	r.firmware = string(fw)
	r.present = 0
	if m.Status().ICC() != ccid.ICCAbsent {
		r.present = 1
	}
	r.mu.Unlock()
	r.log.Info("card reader ready", "firmware", string(fw), "card", m.Status().ICC().String())
	return nil
}

// readLoop decodes the port's bytes for the exchanges, reports card
// movements, and starts a reconnection when the port fails.
func (r *Reader) readLoop(c *conn) {
	defer r.wg.Done()
	dec := ccid.NewDecoder(0)
	buf := make([]byte, 512)
	last := time.Now()
	for {
		n, err := c.port.Read(buf)
		if n > 0 {
			last = time.Now()
			dec.Write(buf[:n])
			for {
				ev, err := dec.Next()
				if errors.Is(err, ccid.ErrIncomplete) {
					break
				}
				if err == nil && ev.Kind == ccid.EventSlotChange {
					r.setPresent(ev.Present())
				}
				r.forward(c, item{ev: ev, err: err})
			}
		} else if time.Since(last) > stallTimeout {
			if dec.Buffered() > 0 {
				r.forward(c, item{err: &ccid.FrameError{Err: errStalled, Raw: dec.Reset()}})
			}
			// The line has been quiet longer than any frame takes: the
			// next byte starts an item, so 50 xx and 80..FF can be
			// trusted again after noise.
			dec.Quiet()
		}
		if err == nil && n == 0 {
			select {
			case <-c.dead:
				err = c.err
			default:
				continue
			}
		}
		if err != nil {
			c.fail(err)
			r.lost(c)
			return
		}
	}
}

func (r *Reader) forward(c *conn, it item) {
	select {
	case c.items <- it:
	default:
		r.log.Warn("card reader: bytes dropped, nobody is waiting for them")
	}
}

// lost handles a failed port: unless closing, report it and reopen.
func (r *Reader) lost(c *conn) {
	r.mu.Lock()
	if r.cur != c { // a connection that never got ready: connect reports it
		r.mu.Unlock()
		return
	}
	r.cur = nil
	closing := r.closed
	r.present = -1
	if r.powered {
		r.powered, r.pulled = false, true
	}
	r.mu.Unlock()
	if closing || errors.Is(c.err, ErrClosed) {
		return
	}
	r.log.Warn("card reader lost", "err", c.err)
	r.emit(ReaderLost, c.err)
	if r.opts.NoReconnect {
		return
	}
	r.wg.Add(1)
	go r.reconnect()
}

func (r *Reader) reconnect() {
	defer r.wg.Done()
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 50 * time.Millisecond
	b.MaxInterval = r.opts.ReconnectMax
	b.MaxElapsedTime = 0
	bo := backoff.WithContext(b, r.ctx)
	err := backoff.Retry(func() error {
		ctx, cancel := context.WithTimeout(r.ctx, r.opts.StartTimeout+time.Second)
		defer cancel()
		err := r.connect(ctx)
		if err != nil {
			if errors.Is(err, ErrClosed) {
				return backoff.Permanent(err)
			}
			r.log.Debug("card reader reconnect", "err", err)
		}
		return err
	}, bo)
	if err != nil {
		return
	}
	r.log.Info("card reader back")
	r.emit(ReaderBack, nil)
}

// poll asks the slot status while idle, which also brings notifications
// queued by the reader in synchronous mode.
func (r *Reader) poll() {
	defer r.wg.Done()
	t := time.NewTicker(r.opts.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		}
		select {
		case r.sem <- struct{}{}:
		default:
			continue // busy: the exchange in progress brings the news
		}
		c := r.conn()
		if c != nil {
			m, err := r.exchange(r.ctx, c, func(seq byte) ccid.Message { return ccid.GetSlotStatus(0, seq) }, 0)
			switch {
			case err == nil:
				r.setPresent(m.Status().ICC() != ccid.ICCAbsent)
			case r.ctx.Err() != nil:
			case errors.Is(err, ErrTimeout):
				r.misses++
				r.log.Debug("slot status poll", "err", err, "misses", r.misses)
				if r.misses >= maxPollMisses {
					r.misses = 0
					// The port is open but the reader is silent (hung,
					// or its power lost): reopen it as if unplugged.
					c.fail(fmt.Errorf("%w: no answer to %d slot-status polls in a row", ErrTimeout, maxPollMisses))
				}
			default:
				r.log.Debug("slot status poll", "err", err)
			}
		}
		r.release()
	}
}

func (r *Reader) conn() *conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur
}

func (r *Reader) acquire(ctx context.Context) error {
	select {
	case r.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-r.ctx.Done():
		return ErrClosed
	}
}

func (r *Reader) release() { <-r.sem }

// do runs one command with the reader held.
func (r *Reader) do(ctx context.Context, op string, build func(seq byte) ccid.Message) (ccid.Message, error) {
	if err := r.acquire(ctx); err != nil {
		return ccid.Message{}, fmt.Errorf("%s: %w", op, err)
	}
	defer r.release()
	c := r.conn()
	if c == nil {
		if r.ctx.Err() != nil {
			return ccid.Message{}, fmt.Errorf("%s: %w", op, ErrClosed)
		}
		return ccid.Message{}, fmt.Errorf("%s: %w", op, ErrReaderGone)
	}
	m, err := r.exchange(ctx, c, build, 0)
	if err != nil {
		return ccid.Message{}, fmt.Errorf("%s: %w", op, err)
	}
	return m, nil
}

// idempotent reports whether running cmd twice does no harm, so that a
// garbled answer may be asked for again with a NAK.
func idempotent(cmd ccid.Message) bool {
	switch cmd.Type {
	case ccid.PCtoRDRGetSlotStatus, ccid.PCtoRDRIccPowerOff:
		return true
	case ccid.PCtoRDREscape:
		return bytes.Equal(cmd.Data, []byte{0x02}) // get firmware
	}
	return false
}

// answers reports whether m may answer a command of type t: the matching
// RDR_to_PC type, or a failed SlotStatus (how a reader refuses a command
// it does not support).
func answers(t ccid.MessageType, m ccid.Message) bool {
	return m.Type == ccid.AnswerType(t) || (m.Type == ccid.RDRtoPCSlotStatus && m.Status().Failed())
}

// frameErr returns the kind of a decoder error and how many bytes it
// dropped; the bytes themselves stay out of logs and errors (they may be
// an echoed PIN or card data).
func frameErr(err error) (kind error, n int) {
	var fe *ccid.FrameError
	if errors.As(err, &fe) {
		return fe.Err, len(fe.Raw)
	}
	return err, 0
}

// exchange sends one command and waits for its answer: it skips the echo
// and stale answers, resends after a NAK that comes before anything of
// the command's echo or answer, NAKs a garbled answer to a harmless
// command, and keeps waiting on time extensions. The caller holds sem.
func (r *Reader) exchange(ctx context.Context, c *conn, build func(seq byte) ccid.Message, timeout time.Duration) (ccid.Message, error) {
	if timeout <= 0 {
		timeout = r.opts.ReadTimeout
	}
	for drained := false; !drained; { // leftovers of an abandoned exchange
		select {
		case <-c.items:
		default:
			drained = true
		}
	}
	seq := r.seq
	r.seq++
	cmd := build(seq)
	frame, err := ccid.Frame(cmd)
	if err != nil {
		return ccid.Message{}, err
	}
	write := func(b []byte) error {
		if _, err := c.port.Write(b); err != nil {
			c.fail(err)
			return fmt.Errorf("%w: %w", ErrReaderGone, err)
		}
		return nil
	}
	if err := write(frame); err != nil {
		return ccid.Message{}, err
	}
	r.log.Debug("ccid >", "msg", cmd.String())
	wait := timeout // the wait now running, for the timeout message
	timer := time.NewTimer(wait)
	defer timer.Stop()
	renew := func(d time.Duration) {
		wait = d
		timer.Stop()
		timer.Reset(d)
	}
	retries := 0
	// started is set once anything of this command's echo or answer has
	// arrived: the reader has the command and runs it, so a NAK from now
	// on cannot be about it and must not make the driver send it again.
	started := false
	for {
		select {
		case <-ctx.Done():
			return ccid.Message{}, ctx.Err()
		case <-c.dead:
			if errors.Is(c.err, ErrClosed) {
				return ccid.Message{}, ErrClosed
			}
			return ccid.Message{}, fmt.Errorf("%w: %w", ErrReaderGone, c.err)
		case <-timer.C:
			return ccid.Message{}, fmt.Errorf("%w (%s, waited %s)", ErrTimeout, cmd.Type, wait)
		case it := <-c.items:
			if it.err != nil {
				kind, n := frameErr(it.err)
				var fe *ccid.FrameError
				if errors.As(it.err, &fe) && fe.Message != nil && fe.Message.Type.Command() {
					started = true
					r.log.Debug("garbled echo ignored", "err", kind, "bytes", n)
					continue
				}
				if !errors.Is(kind, ccid.ErrBadLRC) && !errors.Is(kind, errStalled) {
					r.log.Debug("noise on the line", "err", kind, "bytes", n)
					continue
				}
				started = true
				if !idempotent(cmd) {
					r.log.Warn("garbled answer to a command that must not run twice: no NAK", "cmd", cmd.Type.String(), "err", kind)
					return ccid.Message{}, fmt.Errorf("%w: %s: %w", ErrGarbledAnswer, cmd.Type, kind)
				}
				if retries >= r.opts.Retries {
					return ccid.Message{}, fmt.Errorf("%w: %d garbled answers to %s: %w", ErrProtocol, retries+1, cmd.Type, kind)
				}
				retries++
				r.log.Warn("garbled answer, sending NAK", "err", kind, "try", retries)
				if err := write(ccid.NAK); err != nil {
					return ccid.Message{}, err
				}
				renew(timeout)
				continue
			}
			switch it.ev.Kind {
			case ccid.EventNAK:
				if started {
					r.log.Warn("NAK after the command's echo or answer ignored: sending the command again would run it twice", "cmd", cmd.Type.String())
					continue
				}
				if retries >= r.opts.Retries {
					return ccid.Message{}, fmt.Errorf("%w: the reader refused %s %d times (NAK)", ErrProtocol, cmd.Type, retries+1)
				}
				retries++
				r.log.Warn("reader sent NAK, sending the command again", "try", retries)
				if err := write(frame); err != nil {
					return ccid.Message{}, err
				}
				renew(timeout)
			case ccid.EventTimeRequest:
				started = true
				r.log.Debug("time request", "byte", fmt.Sprintf("%02X", it.ev.State))
				renew(timeout)
			case ccid.EventFrame:
				m := it.ev.Message
				if m.Type.Command() {
					started = true
					if !bytes.Equal(it.ev.Raw, frame) {
						// Headers only: the data may be a PIN.
						r.log.Debug("echo differs from the command", "echo", m.String(), "cmd", cmd.String())
					}
					continue
				}
				if m.Seq != seq || m.Slot != cmd.Slot {
					r.log.Debug("stale answer ignored", "msg", m.String(), "want_seq", seq)
					continue
				}
				started = true
				if !answers(cmd.Type, m) {
					r.log.Debug("answer of the wrong type ignored", "msg", m.String(), "cmd", cmd.Type.String())
					continue
				}
				if m.Status().TimeExtension() {
					mult := time.Duration(max(1, int(m.ErrorCode())))
					r.log.Debug("time extension", "factor", int(mult))
					renew(timeout * mult)
					continue
				}
				r.log.Debug("ccid <", "msg", m.String())
				r.misses = 0
				return m, nil
			}
		}
	}
}

// failure turns a failed answer into an error, given what the card was doing.
func (r *Reader) failure(op string, m ccid.Message, xfr bool) error {
	st := m.Status()
	r.setPresent(st.ICC() != ccid.ICCAbsent)
	if !st.Failed() {
		return nil
	}
	if m.ErrorCode() == ccid.ErrCodeICCMute {
		switch st.ICC() {
		case ccid.ICCAbsent:
			r.mu.Lock()
			pulled := r.pulled || r.powered
			r.powered = false
			r.mu.Unlock()
			if xfr && pulled {
				return fmt.Errorf("%s: %w", op, ErrCardRemoved)
			}
			return fmt.Errorf("%s: %w", op, ErrNoCard)
		case ccid.ICCInactive:
			if xfr {
				return fmt.Errorf("%s: %w", op, ErrNotPowered)
			}
		}
		return fmt.Errorf("%s: %w", op, ErrCardMute)
	}
	return &ReaderError{Op: op, Code: m.ErrorCode()}
}

// escapeLocked sends a reader-specific command; the caller holds sem.
func (r *Reader) escapeLocked(ctx context.Context, c *conn, data []byte, timeout time.Duration) ([]byte, error) {
	m, err := r.exchange(ctx, c, func(seq byte) ccid.Message { return ccid.Escape(0, seq, data) }, timeout)
	if err != nil {
		return nil, err
	}
	if err := r.failure("escape", m, false); err != nil {
		return nil, err
	}
	return m.Data, nil
}

// Escape sends a reader-specific command (PC_to_RDR_Escape) and returns the answer.
func (r *Reader) Escape(ctx context.Context, data []byte) ([]byte, error) {
	if len(data) > ccid.MaxMessageSize-ccid.HeaderSize {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "فرمان کارت‌خوان بلندتر از اندازهٔ مجاز است.",
			"escape: %d bytes, at most %d", len(data), ccid.MaxMessageSize-ccid.HeaderSize)
	}
	m, err := r.do(ctx, "escape", func(seq byte) ccid.Message { return ccid.Escape(0, seq, data) })
	if err != nil {
		return nil, err
	}
	if err := r.failure("escape", m, false); err != nil {
		return nil, err
	}
	return m.Data, nil
}

// SlotStatus asks whether a card is there and powered.
func (r *Reader) SlotStatus(ctx context.Context) (ccid.ICCStatus, error) {
	m, err := r.do(ctx, "slot status", func(seq byte) ccid.Message { return ccid.GetSlotStatus(0, seq) })
	if err != nil {
		return 0, err
	}
	if err := r.failure("slot status", m, false); err != nil {
		return 0, err
	}
	return m.Status().ICC(), nil
}

// PowerOn powers the card and returns its ATR. Like libccid with a reader
// that cannot choose the voltage itself, it asks for 5 V and, if the card
// stays mute, for 1.8 V and then 3 V.
func (r *Reader) PowerOn(ctx context.Context) ([]byte, error) {
	var last error
	for _, v := range powerOnVoltages {
		m, err := r.do(ctx, "power on", func(seq byte) ccid.Message { return ccid.PowerOn(0, seq, v) })
		if err != nil {
			return nil, err
		}
		if err := r.failure("power on", m, false); err != nil {
			if m.Status().ICC() == ccid.ICCAbsent {
				return nil, err // no card: no voltage helps
			}
			r.log.Info("power on failed, trying the next voltage", "bPowerSelect", int(v), "err", err)
			last = err
			continue
		}
		if len(m.Data) == 0 {
			return nil, fmt.Errorf("power on: %w: empty ATR", ErrProtocol)
		}
		r.mu.Lock()
		r.powered, r.pulled = true, false
		r.mu.Unlock()
		r.log.Debug("card powered", "bPowerSelect", int(v))
		return m.Data, nil
	}
	return nil, last
}

// PowerOff powers the card down.
func (r *Reader) PowerOff(ctx context.Context) error {
	m, err := r.do(ctx, "power off", func(seq byte) ccid.Message { return ccid.PowerOff(0, seq) })
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.powered, r.pulled = false, false
	r.mu.Unlock()
	return r.failure("power off", m, false)
}

// Transmit sends an APDU (a TPDU for a T=0 card) to the powered card and
// returns its answer, data and SW1 SW2. A card pulled out since PowerOn
// gives an error wrapping ErrCardRemoved.
func (r *Reader) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if len(apdu) < 4 || len(apdu) > ccid.MaxMessageSize-ccid.HeaderSize {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "طول فرمان کارت نادرست است.",
			"transmit: APDU of %d bytes (4 to %d)", len(apdu), ccid.MaxMessageSize-ccid.HeaderSize)
	}
	r.mu.Lock()
	pulled := r.pulled
	r.mu.Unlock()
	if pulled {
		return nil, fmt.Errorf("transmit: %w", ErrCardRemoved)
	}
	m, err := r.do(ctx, "transmit", func(seq byte) ccid.Message { return ccid.XfrBlock(0, seq, 0, 0, apdu) })
	if err != nil {
		return nil, err
	}
	if err := r.failure("transmit", m, true); err != nil {
		return nil, err
	}
	if len(m.Data) < 2 {
		return nil, fmt.Errorf("transmit: %w: answer of %d bytes", ErrProtocol, len(m.Data))
	}
	return m.Data, nil
}

// Connect powers the card and returns it ready for ISO 7816-4 commands,
// with T=0 handling, and the parsed ATR. A card whose default protocol is
// not T=0 is powered down again and refused with an
// *UnsupportedProtocolError (wrapping ErrUnsupportedProtocol).
func (r *Reader) Connect(ctx context.Context) (*iso7816.Card, iso7816.ATR, error) {
	raw, err := r.PowerOn(ctx)
	if err != nil {
		return nil, iso7816.ATR{}, err
	}
	atr, err := iso7816.ParseATR(raw)
	if err != nil {
		r.log.Warn("unusual ATR, assuming T=0", "atr", fmt.Sprintf("% X", raw), "err", err)
		atr = iso7816.ATR{Raw: raw, Protocols: []int{0}}
	}
	if !atr.T0() {
		perr := &UnsupportedProtocolError{Protocol: atr.Protocols[0], ATR: raw}
		r.log.Warn("card refused", "err", perr)
		if err := r.PowerOff(context.WithoutCancel(ctx)); err != nil {
			r.log.Debug("power off", "err", err)
		}
		return nil, atr, perr
	}
	return &iso7816.Card{T: r, T0: true, Log: r.log}, atr, nil
}

// ReadCitizen powers the card, reads its holder through the profile and
// powers the card down again.
func (r *Reader) ReadCitizen(ctx context.Context, p cardprofile.Profile, opts cardprofile.ReadOptions) (pishkhan.Citizen, error) {
	card, _, err := r.Connect(ctx)
	if err != nil {
		return pishkhan.Citizen{}, fmt.Errorf("read card: %w", err)
	}
	c, err := p.ReadCitizen(ctx, card, opts)
	if perr := r.PowerOff(context.WithoutCancel(ctx)); perr != nil && err == nil && !errors.Is(perr, ErrNoCard) {
		r.log.Warn("power off after reading", "err", perr)
	}
	if err != nil {
		return pishkhan.Citizen{}, fmt.Errorf("read card (%s profile): %w", p.Name(), err)
	}
	return c, nil
}

var _ iso7816.Transmitter = (*Reader)(nil)
var _ io.Closer = (*Reader)(nil)
