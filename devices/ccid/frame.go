package ccid

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Bytes of the GemPC Twin serial protocol.
const (
	Sync    = 0x03 // starts every frame
	CtrlACK = 0x06 // control byte of a frame carrying a CCID message
	CtrlNAK = 0x15 // control byte of a NAK

	// SlotChange starts a two-byte card-movement notification.
	SlotChange = byte(RDRtoPCNotifySlotChange)
	// CardAbsent and CardPresent are the second byte of a notification:
	// bmSlotICCState of slot 0, bit 0 the state and bit 1 "changed".
	CardAbsent  = 0x02
	CardPresent = 0x03

	// FrameOverhead is what the framing adds to a CCID message: SYNC, control and LRC.
	FrameOverhead = 3
)

// NAK is the frame a receiver sends when it got a frame with a bad LRC.
var NAK = []byte{Sync, CtrlNAK, Sync ^ CtrlNAK}

// LRC returns the XOR of the bytes.
func LRC(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// AppendFrame appends 03 06 msg LRC to dst. msg is a whole CCID message.
func AppendFrame(dst, msg []byte) []byte {
	start := len(dst)
	dst = append(dst, Sync, CtrlACK)
	dst = append(dst, msg...)
	return append(dst, LRC(dst[start:]))
}

// EncodeFrame frames a CCID message for the serial line, refusing messages
// a GemPC Twin cannot take: shorter than a header, longer than
// MaxMessageSize, or whose dwLength does not match.
func EncodeFrame(msg []byte) ([]byte, error) {
	if len(msg) < HeaderSize {
		return nil, fmt.Errorf("encode frame: %w: %d bytes", ErrShortMessage, len(msg))
	}
	if len(msg) > MaxMessageSize {
		return nil, fmt.Errorf("encode frame: %w: %d bytes, at most %d", ErrTooLong, len(msg), MaxMessageSize)
	}
	if n := binary.LittleEndian.Uint32(msg[1:5]); uint64(n) != uint64(len(msg)-HeaderSize) {
		return nil, fmt.Errorf("encode frame: %w: dwLength %d, %d data bytes", ErrLengthField, n, len(msg)-HeaderSize)
	}
	return AppendFrame(make([]byte, 0, len(msg)+FrameOverhead), msg), nil
}

// Frame encodes a Message as a frame.
func Frame(m Message) ([]byte, error) {
	b, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return EncodeFrame(b)
}

// EventKind says what the decoder found.
type EventKind int

// The items that travel on the serial line.
const (
	EventFrame       EventKind = iota + 1 // a CCID message with a good LRC
	EventNAK                              // 03 15 16: resend your last frame
	EventSlotChange                       // 50 xx: a card was inserted or removed
	EventTimeRequest                      // one byte 80..FF: the card is still working
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case EventFrame:
		return "frame"
	case EventNAK:
		return "NAK"
	case EventSlotChange:
		return "slot change"
	case EventTimeRequest:
		return "time request"
	}
	return fmt.Sprintf("event %d", int(k))
}

// Event is one item decoded from the serial line.
type Event struct {
	Kind EventKind
	// Message is the CCID message of an EventFrame.
	Message Message
	// State is bmSlotICCState of an EventSlotChange (CardPresent or
	// CardAbsent), or the byte of an EventTimeRequest.
	State byte
	// Raw are the exact bytes the event was decoded from.
	Raw []byte
}

// Present reports whether a slot-change event says a card is in the slot.
func (e Event) Present() bool { return e.State&1 == 1 }

// FrameError reports bytes the decoder discarded. Err is one of ErrBadLRC,
// ErrBadControl, ErrBadNAK, ErrTooLong, ErrUnknownType, ErrBadSlotState,
// ErrGarbage or ErrUnsynced, so errors.Is works on a *FrameError.
//
// Raw may hold card data (an answer) or a PIN (an echoed VERIFY): log
// Err and len(Raw), not Error(), where that matters.
type FrameError struct {
	Err error
	Raw []byte // the discarded bytes
	// Message is the frame's message when Err is ErrBadLRC and its header
	// was well formed: a receiver may use it to tell a garbled echo of its
	// own command from a garbled answer. It cannot be trusted otherwise.
	Message *Message
}

func (e *FrameError) Error() string {
	raw := e.Raw
	more := ""
	if len(raw) > 16 {
		raw, more = raw[:16], "…"
	}
	return fmt.Sprintf("%v (% X%s, %d bytes discarded)", e.Err, raw, more, len(e.Raw))
}

// Unwrap returns the kind of error.
func (e *FrameError) Unwrap() error { return e.Err }

// ErrIncomplete is returned by Decoder.Next when it needs more bytes.
var ErrIncomplete = errors.New("ccid: incomplete, need more bytes")

// Decoder splits a byte stream from the serial line into frames, NAKs,
// notifications and time requests. Feed it with Write and take items with
// Next. It is not safe for concurrent use.
//
// After any FrameError the decoder is out of step: the bytes after a bad
// frame header may be the middle of a frame, where 50 02 or 80 mean
// nothing. Until a good frame arrives, or the receiver calls Quiet because
// the line has been silent long enough for the sender to have finished,
// it keeps looking for frames and NAKs only and discards everything else
// (ErrUnsynced), so line noise never becomes a card movement or a time
// request.
type Decoder struct {
	buf    []byte
	max    int
	unsync bool // a FrameError since the last good frame or Quiet
}

// NewDecoder returns a decoder refusing CCID messages longer than
// maxMessage bytes (header included); 0 means MaxMessageSize.
func NewDecoder(maxMessage int) *Decoder {
	if maxMessage <= 0 {
		maxMessage = MaxMessageSize
	}
	if maxMessage < HeaderSize {
		maxMessage = HeaderSize
	}
	return &Decoder{max: maxMessage}
}

// InSync reports whether the decoder trusts notifications and time
// requests: no FrameError since the last good frame or Quiet.
func (d *Decoder) InSync() bool { return !d.unsync }

// Quiet tells the decoder that the line has been silent for longer than
// any frame takes, so the next byte starts a new item: it trusts 50 xx and
// 80..FF again. Bytes still buffered (half a frame) are kept.
func (d *Decoder) Quiet() { d.unsync = false }

// Write buffers bytes read from the line. It never fails.
func (d *Decoder) Write(p []byte) (int, error) {
	d.buf = append(d.buf, p...)
	return len(p), nil
}

// Buffered returns how many bytes wait for more to complete an item.
func (d *Decoder) Buffered() int { return len(d.buf) }

// Reset drops the buffered bytes and returns them, for a receiver that
// gives up on a frame that stopped half way (and NAKs it).
func (d *Decoder) Reset() []byte {
	b := d.buf
	d.buf = nil
	return b
}

// Next returns the next item. It returns ErrIncomplete when the buffered
// bytes do not yet make a whole item, and a *FrameError for bytes it
// discarded; after either, call Next again (after Write for ErrIncomplete).
//
// The rules, byte by byte from where the last item ended:
//   - 03 06: a frame. The 10-byte header must carry a known message type
//     and a dwLength that fits the maximum, else only the 03 is discarded
//     and decoding resumes at the next byte. A whole frame with a bad LRC
//     is discarded whole (ErrBadLRC).
//   - 03 15 16: a NAK. 03 15 and any other byte: the 03 is discarded.
//   - 03 and another byte: the 03 is discarded (ErrBadControl).
//   - 50 02 and 50 03: a slot-change notification (card removed,
//     inserted), the only two libccid knows; 50 and any other byte: both
//     discarded (ErrBadSlotState).
//   - 80..FF: a time request.
//   - anything else: garbage, discarded up to the next 03, 50 or 80..FF.
//
// While out of step (see Decoder) only the 03 rules apply; any other byte
// is discarded up to the next 03 (ErrUnsynced).
func (d *Decoder) Next() (Event, error) {
	ev, err := d.next()
	if err != nil && !errors.Is(err, ErrIncomplete) {
		d.unsync = true
	} else if err == nil && ev.Kind == EventFrame {
		d.unsync = false
	}
	return ev, err
}

func (d *Decoder) next() (Event, error) {
	if len(d.buf) == 0 {
		return Event{}, ErrIncomplete
	}
	c := d.buf[0]
	if c == Sync {
		return d.sync()
	}
	if d.unsync {
		n := 1
		for n < len(d.buf) && d.buf[n] != Sync {
			n++
		}
		return Event{}, d.discard(n, ErrUnsynced)
	}
	switch {
	case c == SlotChange:
		if len(d.buf) < 2 {
			return Event{}, ErrIncomplete
		}
		if d.buf[1] != CardPresent && d.buf[1] != CardAbsent {
			return Event{}, d.discard(2, ErrBadSlotState)
		}
		raw := d.take(2)
		return Event{Kind: EventSlotChange, State: raw[1], Raw: raw}, nil
	case c >= 0x80:
		raw := d.take(1)
		return Event{Kind: EventTimeRequest, State: raw[0], Raw: raw}, nil
	}
	n := 1
	for n < len(d.buf) && !startByte(d.buf[n]) {
		n++
	}
	return Event{}, d.discard(n, ErrGarbage)
}

// startByte reports whether c may begin an item.
func startByte(c byte) bool { return c == Sync || c == SlotChange || c >= 0x80 }

func (d *Decoder) sync() (Event, error) {
	if len(d.buf) < 2 {
		return Event{}, ErrIncomplete
	}
	switch d.buf[1] {
	case CtrlNAK:
		if len(d.buf) < 3 {
			return Event{}, ErrIncomplete
		}
		if d.buf[2] != Sync^CtrlNAK {
			return Event{}, d.discard(1, ErrBadNAK)
		}
		return Event{Kind: EventNAK, Raw: d.take(3)}, nil
	case CtrlACK:
	default:
		return Event{}, d.discard(1, ErrBadControl)
	}
	// 03 06 type dwLength(4)
	if len(d.buf) >= 3 && !MessageType(d.buf[2]).Known() {
		return Event{}, d.discard(1, ErrUnknownType)
	}
	if len(d.buf) < 7 {
		return Event{}, ErrIncomplete
	}
	n := binary.LittleEndian.Uint32(d.buf[3:7])
	if uint64(n) > uint64(d.max-HeaderSize) {
		return Event{}, d.discard(1, ErrTooLong)
	}
	total := 2 + HeaderSize + int(n) + 1
	if len(d.buf) < total {
		return Event{}, ErrIncomplete
	}
	raw := d.take(total)
	m, err := ParseMessage(raw[2 : total-1])
	if err != nil { // cannot happen: type and length were checked
		return Event{}, &FrameError{Err: err, Raw: raw}
	}
	if LRC(raw) != 0 {
		return Event{}, &FrameError{Err: ErrBadLRC, Raw: raw, Message: &m}
	}
	return Event{Kind: EventFrame, Message: m, Raw: raw}, nil
}

// take removes n bytes from the buffer and returns a copy.
func (d *Decoder) take(n int) []byte {
	raw := append([]byte(nil), d.buf[:n]...)
	d.buf = d.buf[n:]
	if len(d.buf) == 0 {
		d.buf = nil
	}
	return raw
}

func (d *Decoder) discard(n int, err error) error {
	return &FrameError{Err: err, Raw: d.take(n)}
}
