package cardsim

import (
	"fmt"
	"slices"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/cardprofile"
	"github.com/pishkhan/pishkhan/devices/ccid"
	"github.com/pishkhan/pishkhan/devices/iso7816"
)

// DemoATR is the demo card's answer to reset: TS 3B (direct convention),
// T0 0C (no interface bytes, so T=0 only; 12 historical bytes), then
// "PishkhanDemo" in ASCII. T=0 only means no TCK.
var DemoATR = []byte{0x3B, 0x0C, 'P', 'i', 's', 'h', 'k', 'h', 'a', 'n', 'D', 'e', 'm', 'o'}

// File is an elementary file on a virtual card.
type File struct {
	Data []byte
	// NeedPIN makes READ BINARY answer 6982 until the PIN is verified.
	NeedPIN bool
}

// Card is a virtual card with one application of transparent files, as
// the demo profile lays them out. Insert hands it to a Sim, which then
// owns its state (the PIN try counter survives removal and reinsertion,
// as on a real card).
type Card struct {
	ATR   []byte
	AID   []byte
	Files map[uint16]File
	// PIN is the holder's PIN (ASCII digits); PINRef its VERIFY reference.
	PIN    string
	PINRef byte
	// PINTries is the try counter's start value; 0 means 3.
	PINTries int
	// GetResponse makes the card behave as a T=0 card with a case 4
	// command: instead of data it answers 61xx and waits for GET RESPONSE.
	// (A command that produces data but came without Le, i.e. a case 4
	// command sent as case 3 the T=0 way, always gets 61xx.)
	GetResponse bool
	// WrongLe makes READ BINARY and GET RESPONSE answer 6Cxx, T=0 style,
	// when Le asks for more than what is left; otherwise the card sends
	// what is left with 6282 (end of file before Le bytes).
	WrongLe bool
	// MaxRead caps the bytes one READ BINARY returns (0: 256), as cards
	// with small buffers do; such a short chunk comes with 9000 only at
	// the file's end, so ReadFile loops need a chunk no larger than this.
	MaxRead int
	// Voltages are the supply voltages (bPowerSelect 01 5 V, 02 3 V, 03
	// 1.8 V) the card answers at; at another the card stays mute (IccPowerOn
	// fails with bError FE). nil: all of them.
	Voltages []ccid.Voltage

	triesLeft int
	triesSet  bool
	verified  bool
	app       bool
	current   *File
	pending   []byte
}

// DemoCard builds a card in the demo profile for a citizen. With a PIN,
// the personal file (names, birth date) needs it.
func DemoCard(c pishkhan.Citizen, pin string) (*Card, error) {
	id, personal, err := cardprofile.EncodeDemo(c)
	if err != nil {
		return nil, fmt.Errorf("demo card: %w", err)
	}
	return &Card{
		ATR: DemoATR, AID: cardprofile.DemoAID, PIN: pin, PINRef: cardprofile.DemoPINRef,
		Files: map[uint16]File{
			cardprofile.DemoIDFile:       {Data: id},
			cardprofile.DemoPersonalFile: {Data: personal, NeedPIN: pin != ""},
		},
		GetResponse: true, WrongLe: true,
	}, nil
}

// DemoCitizen is the sample card holder of cmd/devsim and the tests.
func DemoCitizen() pishkhan.Citizen {
	return pishkhan.Citizen{NationalCode: "0084575948", FirstName: "زهرا", LastName: "محمدی‌نژاد",
		FatherName: "علی", BirthDate: "1368/11/22"}
}

// worksAt reports whether the card answers when powered at v (automatic
// selection always finds a voltage that works).
func (c *Card) worksAt(v ccid.Voltage) bool {
	if len(c.Voltages) == 0 || v == ccid.VoltageAuto {
		return true
	}
	return slices.Contains(c.Voltages, v)
}

func (c *Card) maxTries() int {
	if c.PINTries > 0 {
		return c.PINTries
	}
	return 3
}

// reset is a power-on: nothing selected, PIN no longer verified.
func (c *Card) reset() {
	c.verified, c.app, c.current, c.pending = false, false, nil, nil
}

func sw(v iso7816.StatusWord) []byte { return []byte{v.SW1(), v.SW2()} }

// process answers one APDU.
func (c *Card) process(apdu []byte) []byte {
	cmd, err := iso7816.ParseCommand(apdu)
	if err != nil || cmd.IsExtended() {
		return sw(iso7816.SWWrongLength)
	}
	if cmd.CLA != 0x00 {
		return sw(iso7816.SWCLANotSupported)
	}
	if cmd.INS != iso7816.INSGetResponse {
		c.pending = nil
	}
	switch cmd.INS {
	case iso7816.INSSelect:
		return c.selectFile(cmd)
	case iso7816.INSReadBinary:
		return c.readBinary(cmd)
	case iso7816.INSVerify:
		return c.verify(cmd)
	case iso7816.INSGetResponse:
		return c.getResponse(cmd)
	}
	return sw(iso7816.SWINSNotSupported)
}

// answer returns data the T=0 way (61xx) or directly.
func (c *Card) answer(cmd iso7816.Command, data []byte) []byte {
	if len(data) == 0 {
		return sw(iso7816.SWOK)
	}
	if cmd.Ne == 0 || c.GetResponse {
		c.pending = data
		return sw(iso7816.StatusWord(0x6100 | len(data)&0xFF))
	}
	if cmd.Ne < len(data) {
		data = data[:cmd.Ne]
	}
	return append(append([]byte(nil), data...), 0x90, 0x00)
}

func (c *Card) selectFile(cmd iso7816.Command) []byte {
	switch {
	case cmd.P1 == 0x04:
		if string(cmd.Data) != string(c.AID) {
			return sw(iso7816.SWFileNotFound)
		}
		c.app, c.current, c.verified = true, nil, false
		if cmd.P2&0x0C == 0x0C {
			return sw(iso7816.SWOK)
		}
		// FCI: 6F L 84 L AID
		fci := append([]byte{0x6F, byte(2 + len(c.AID)), 0x84, byte(len(c.AID))}, c.AID...)
		return c.answer(cmd, fci)
	case cmd.P1 == 0x02 || cmd.P1 == 0x00:
		if len(cmd.Data) != 2 {
			return sw(iso7816.SWWrongData)
		}
		if !c.app {
			return sw(iso7816.SWFileNotFound)
		}
		f, ok := c.Files[uint16(cmd.Data[0])<<8|uint16(cmd.Data[1])]
		if !ok {
			return sw(iso7816.SWFileNotFound)
		}
		c.current = &f
		return sw(iso7816.SWOK)
	}
	return sw(iso7816.SWWrongP1P2NotFound)
}

func (c *Card) readBinary(cmd iso7816.Command) []byte {
	if c.current == nil {
		return sw(iso7816.SWNoCurrentEF)
	}
	if cmd.P1&0x80 != 0 {
		return sw(iso7816.SWFuncNotSupported)
	}
	if c.current.NeedPIN && !c.verified {
		return sw(iso7816.SWSecurityNotSatisfied)
	}
	data := c.current.Data
	off := int(cmd.P1)<<8 | int(cmd.P2)
	if off >= len(data) {
		return sw(iso7816.SWWrongP1P2)
	}
	ne := cmd.Ne
	if ne == 0 {
		ne = 256
	}
	left := data[off:]
	if c.MaxRead > 0 && len(left) > c.MaxRead {
		left = left[:c.MaxRead]
	}
	if ne <= len(left) {
		return append(append([]byte(nil), left[:ne]...), 0x90, 0x00)
	}
	atEnd := off+len(left) == len(data)
	if c.WrongLe && len(left) < 256 {
		return sw(iso7816.StatusWord(0x6C00 | len(left)))
	}
	out := append([]byte(nil), left...)
	if atEnd {
		return append(out, 0x62, 0x82)
	}
	return append(out, 0x90, 0x00)
}

func (c *Card) verify(cmd iso7816.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != c.PINRef || c.PIN == "" {
		return sw(iso7816.SWRefDataNotFound)
	}
	if !c.triesSet {
		c.triesLeft, c.triesSet = c.maxTries(), true
	}
	if c.triesLeft == 0 {
		return sw(iso7816.SWPINBlocked)
	}
	if len(cmd.Data) == 0 {
		if c.verified {
			return sw(iso7816.SWOK)
		}
		return sw(iso7816.StatusWord(0x63C0 | c.triesLeft))
	}
	if string(cmd.Data) == c.PIN {
		c.triesLeft = c.maxTries()
		c.verified = true
		return sw(iso7816.SWOK)
	}
	c.verified = false
	c.triesLeft-- // at 0 the PIN is blocked: 63C0 now, 6983 from then on
	return sw(iso7816.StatusWord(0x63C0 | c.triesLeft))
}

func (c *Card) getResponse(cmd iso7816.Command) []byte {
	if c.pending == nil {
		return sw(iso7816.SWConditionsNotMet)
	}
	ne := cmd.Ne
	if ne == 0 {
		ne = 256
	}
	p := c.pending
	if ne > len(p) {
		if c.WrongLe {
			return sw(iso7816.StatusWord(0x6C00 | len(p)&0xFF))
		}
		ne = len(p)
	}
	out := append([]byte(nil), p[:ne]...)
	c.pending = p[ne:]
	if len(c.pending) == 0 {
		c.pending = nil
		return append(out, 0x90, 0x00)
	}
	rest := len(c.pending)
	if rest > 255 {
		rest = 0
	}
	return append(out, 0x61, byte(rest))
}
