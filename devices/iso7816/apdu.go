// Package iso7816 speaks ISO/IEC 7816-4 to a smart card: command APDUs
// (short cases 1 to 4 and extended length), answers and their status words
// in English and Persian, and the card commands a counter desk needs —
// SELECT by AID or file id, READ BINARY to the end of a file, VERIFY with
// the tries left — over any Transmitter (a card reader driver, a simulator).
//
// Card handles the T=0 conventions a TPDU-level reader such as the GemPC
// Twin passes through: 61xx ("xx more bytes, ask with GET RESPONSE") and
// 6Cxx ("wrong Le, send again with Le = xx").
package iso7816

import (
	"errors"
	"fmt"
)

// Length limits of a command APDU.
const (
	MaxShortNc    = 255   // data bytes in a short command
	MaxShortNe    = 256   // bytes expected by a short command (Le = 00)
	MaxExtendedNc = 65535 // data bytes in an extended command
	MaxExtendedNe = 65536 // bytes expected by an extended command (Le = 0000)
)

// Command is a command APDU.
type Command struct {
	CLA, INS, P1, P2 byte
	// Data is the command data field (Nc = len(Data) bytes).
	Data []byte
	// Ne is the number of answer bytes expected: 0 means no Le field,
	// 1..256 a short Le (256 is sent as 00), up to 65536 an extended Le.
	Ne int
	// Extended forces the extended-length encoding even when short fits.
	Extended bool
}

// Case returns the ISO 7816-3 case: 1 (no data, no Le), 2 (Le only),
// 3 (data only) or 4 (data and Le).
func (c Command) Case() int {
	switch {
	case len(c.Data) == 0 && c.Ne == 0:
		return 1
	case len(c.Data) == 0:
		return 2
	case c.Ne == 0:
		return 3
	}
	return 4
}

// IsExtended reports whether the command needs (or asks for) extended-length encoding.
func (c Command) IsExtended() bool {
	return c.Extended || len(c.Data) > MaxShortNc || c.Ne > MaxShortNe
}

// Errors of APDU encoding and parsing. Test for them with errors.Is.
var (
	ErrAPDUShort     = errors.New("iso7816: APDU shorter than its 4-byte header")
	ErrAPDULength    = errors.New("iso7816: APDU length fields do not match its size")
	ErrAPDUTooLong   = errors.New("iso7816: APDU data or Le beyond the limits")
	ErrResponseShort = errors.New("iso7816: answer shorter than its 2-byte status word")
)

// Bytes encodes the command, short when it fits and extended otherwise.
func (c Command) Bytes() ([]byte, error) {
	nc := len(c.Data)
	if nc > MaxExtendedNc || c.Ne < 0 || c.Ne > MaxExtendedNe {
		return nil, fmt.Errorf("%w: Nc %d, Ne %d", ErrAPDUTooLong, nc, c.Ne)
	}
	b := make([]byte, 0, 4+3+nc+3)
	b = append(b, c.CLA, c.INS, c.P1, c.P2)
	if !c.IsExtended() {
		if nc > 0 {
			b = append(b, byte(nc))
			b = append(b, c.Data...)
		}
		if c.Ne > 0 {
			b = append(b, byte(c.Ne)) // 256 → 00
		}
		return b, nil
	}
	if c.Case() == 1 {
		return b, nil
	}
	b = append(b, 0)
	if nc > 0 {
		b = append(b, byte(nc>>8), byte(nc))
		b = append(b, c.Data...)
	}
	if c.Ne > 0 {
		b = append(b, byte(c.Ne>>8), byte(c.Ne)) // 65536 → 0000
	}
	return b, nil
}

// String shows the command for logs, e.g. "00 A4 04 00 Lc=5 Le=256".
func (c Command) String() string {
	s := fmt.Sprintf("%02X %02X %02X %02X", c.CLA, c.INS, c.P1, c.P2)
	if len(c.Data) > 0 {
		s += fmt.Sprintf(" Lc=%d", len(c.Data))
	}
	if c.Ne > 0 {
		s += fmt.Sprintf(" Le=%d", c.Ne)
	}
	return s
}

// ParseCommand decodes a command APDU, strictly: every length field must
// match the APDU's size exactly, Lc must not be 0 and an extended APDU must
// use extended fields throughout. Data is copied.
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, fmt.Errorf("%w: %d bytes", ErrAPDUShort, len(b))
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3]}
	body := b[4:]
	n := len(body)
	switch {
	case n == 0: // case 1
		return c, nil
	case n == 1: // case 2S
		c.Ne = shortLe(body[0])
		return c, nil
	case body[0] != 0: // case 3S or 4S
		nc := int(body[0])
		switch n {
		case 1 + nc:
		case 2 + nc:
			c.Ne = shortLe(body[n-1])
		default:
			return Command{}, fmt.Errorf("%w: Lc %d with %d body bytes", ErrAPDULength, nc, n)
		}
		c.Data = append([]byte(nil), body[1:1+nc]...)
		return c, nil
	}
	// body[0] == 0 and n > 1: extended
	c.Extended = true
	if n == 3 { // case 2E
		c.Ne = extLe(body[1], body[2])
		return c, nil
	}
	if n < 3 {
		return Command{}, fmt.Errorf("%w: %d body bytes after an extended marker", ErrAPDULength, n)
	}
	nc := int(body[1])<<8 | int(body[2])
	if nc == 0 {
		return Command{}, fmt.Errorf("%w: extended Lc of 0", ErrAPDULength)
	}
	switch n {
	case 3 + nc: // case 3E
	case 5 + nc: // case 4E
		c.Ne = extLe(body[n-2], body[n-1])
	default:
		return Command{}, fmt.Errorf("%w: extended Lc %d with %d body bytes", ErrAPDULength, nc, n)
	}
	c.Data = append([]byte(nil), body[3:3+nc]...)
	return c, nil
}

func shortLe(b byte) int {
	if b == 0 {
		return 256
	}
	return int(b)
}

func extLe(hi, lo byte) int {
	if n := int(hi)<<8 | int(lo); n != 0 {
		return n
	}
	return 65536
}

// Response is an answer APDU: the data and the status word.
type Response struct {
	Data []byte
	SW   StatusWord
}

// ParseResponse splits an answer into its data and its status word. Data is copied.
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, fmt.Errorf("%w: %d bytes", ErrResponseShort, len(b))
	}
	n := len(b) - 2
	r := Response{SW: StatusWord(b[n])<<8 | StatusWord(b[n+1])}
	if n > 0 {
		r.Data = append([]byte(nil), b[:n]...)
	}
	return r, nil
}

// Bytes encodes the answer: data then SW1 SW2.
func (r Response) Bytes() []byte {
	return append(append(make([]byte, 0, len(r.Data)+2), r.Data...), r.SW.SW1(), r.SW.SW2())
}
