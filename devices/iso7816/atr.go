package iso7816

import (
	"errors"
	"fmt"
)

// ErrBadATR means an answer-to-reset that does not follow ISO 7816-3.
var ErrBadATR = errors.New("iso7816: malformed ATR")

// ATR is the parsed answer to reset of a card.
type ATR struct {
	Raw        []byte
	Protocols  []int  // the protocols offered (T=0, T=1, …), the first one is the default
	Historical []byte // the historical bytes
}

// T0 reports whether the card's default protocol is T=0.
func (a ATR) T0() bool { return len(a.Protocols) == 0 || a.Protocols[0] == 0 }

// ParseATR reads the structure of an ATR: TS, T0, the interface bytes, the
// historical bytes and, when a protocol other than T=0 is offered, TCK,
// whose check is verified.
func ParseATR(b []byte) (ATR, error) {
	if len(b) < 2 || len(b) > 33 {
		return ATR{}, fmt.Errorf("%w: %d bytes (2 to 33)", ErrBadATR, len(b))
	}
	if b[0] != 0x3B && b[0] != 0x3F {
		return ATR{}, fmt.Errorf("%w: TS %02X (3B or 3F)", ErrBadATR, b[0])
	}
	a := ATR{Raw: append([]byte(nil), b...)}
	k := int(b[1] & 0x0F)
	y := b[1] >> 4
	i := 2
	needTCK := false
	for {
		for bit := byte(1); bit <= 8; bit <<= 1 { // TA TB TC TD
			if y&bit != 0 {
				i++
			}
		}
		if i > len(b) {
			return ATR{}, fmt.Errorf("%w: interface bytes cut short", ErrBadATR)
		}
		if y&8 == 0 {
			break
		}
		td := b[i-1]
		t := int(td & 0x0F)
		a.Protocols = append(a.Protocols, t)
		if t != 0 {
			needTCK = true
		}
		y = td >> 4
	}
	if len(a.Protocols) == 0 {
		a.Protocols = []int{0}
	}
	if i+k > len(b) {
		return ATR{}, fmt.Errorf("%w: %d historical bytes announced, %d left", ErrBadATR, k, len(b)-i)
	}
	a.Historical = append([]byte(nil), b[i:i+k]...)
	end := i + k
	if needTCK {
		if end+1 != len(b) {
			return ATR{}, fmt.Errorf("%w: %d bytes after the historical bytes (TCK only)", ErrBadATR, len(b)-end)
		}
		if LRC(b[1:]) != 0 {
			return ATR{}, fmt.Errorf("%w: TCK check fails", ErrBadATR)
		}
	} else if end != len(b) {
		return ATR{}, fmt.Errorf("%w: %d stray bytes at the end", ErrBadATR, len(b)-end)
	}
	return a, nil
}

// LRC returns the XOR of the bytes (the ATR's TCK check).
func LRC(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}
