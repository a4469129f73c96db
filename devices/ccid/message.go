// Package ccid encodes and decodes the USB CCID messages a smart-card reader
// speaks (PC_to_RDR commands, RDR_to_PC answers) and the serial framing the
// Gemalto GemPC Twin family wraps them in, the protocol the open-source
// libccid implements in ccid_serial.c.
//
// # Serial framing
//
// Every CCID message travels as
//
//	03 06 <10-byte CCID header> <data> LRC
//
// where 03 is SYNC, 06 is the ACK control byte and LRC is the XOR of every
// preceding byte of the frame, SYNC and control byte included. A receiver that
// gets a frame with a bad LRC answers with the three-byte NAK 03 15 16
// (16 = 03 XOR 15) and the sender sends its frame again. Outside frames the
// reader may also send:
//
//   - a card movement, two bytes: 50 (RDR_to_PC_NotifySlotChange) and the
//     bmSlotICCState of slot 0: 03 card inserted, 02 card removed (no
//     other value is valid);
//   - a time request, one byte from 80 to FF, while a T=0 card is still
//     working: the host keeps waiting.
//
// A GemPC Twin also echoes every command frame back before it answers.
//
// The Decoder is strict: every byte it is fed ends up in exactly one
// accepted item or one reported error, so a caller can resynchronise after
// line noise. After a framing error it trusts only frames until a good
// frame arrives or the line has been quiet (Decoder.Quiet), so noise is
// never read as a card movement or a time request.
package ccid

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderSize is the size of every CCID message header.
const HeaderSize = 10

// MaxMessageSize is the largest CCID message (header and data) a GemPC Twin
// accepts or sends: libccid's dwMaxCCIDMessageLength for serial readers,
// 271 = the 10-byte header + 261 data bytes, room for the longest short
// APDU (CLA INS P1 P2, Lc, 255 data bytes, Le) and the longest short answer
// (256 data bytes and SW1 SW2).
const MaxMessageSize = 271

// MessageType is a CCID bMessageType.
type MessageType byte

// The CCID message types this package knows. PC_to_RDR are commands from
// the host, RDR_to_PC answers and notifications from the reader.
const (
	PCtoRDRIccPowerOn       MessageType = 0x62
	PCtoRDRIccPowerOff      MessageType = 0x63
	PCtoRDRGetSlotStatus    MessageType = 0x65
	PCtoRDRXfrBlock         MessageType = 0x6F
	PCtoRDRGetParameters    MessageType = 0x6C
	PCtoRDRResetParams      MessageType = 0x6D
	PCtoRDRSetParameters    MessageType = 0x61
	PCtoRDREscape           MessageType = 0x6B
	PCtoRDRIccClock         MessageType = 0x6E
	PCtoRDRT0APDU           MessageType = 0x6A
	PCtoRDRSecure           MessageType = 0x69
	PCtoRDRMechanical       MessageType = 0x71
	PCtoRDRAbort            MessageType = 0x72
	PCtoRDRSetDataRate      MessageType = 0x73
	RDRtoPCDataBlock        MessageType = 0x80
	RDRtoPCSlotStatus       MessageType = 0x81
	RDRtoPCParameters       MessageType = 0x82
	RDRtoPCEscape           MessageType = 0x83
	RDRtoPCDataRate         MessageType = 0x84
	RDRtoPCNotifySlotChange MessageType = 0x50
	RDRtoPCHardwareError    MessageType = 0x51
)

var typeNames = map[MessageType]string{
	PCtoRDRIccPowerOn: "PC_to_RDR_IccPowerOn", PCtoRDRIccPowerOff: "PC_to_RDR_IccPowerOff",
	PCtoRDRGetSlotStatus: "PC_to_RDR_GetSlotStatus", PCtoRDRXfrBlock: "PC_to_RDR_XfrBlock",
	PCtoRDRGetParameters: "PC_to_RDR_GetParameters", PCtoRDRResetParams: "PC_to_RDR_ResetParameters",
	PCtoRDRSetParameters: "PC_to_RDR_SetParameters", PCtoRDREscape: "PC_to_RDR_Escape",
	PCtoRDRIccClock: "PC_to_RDR_IccClock", PCtoRDRT0APDU: "PC_to_RDR_T0APDU",
	PCtoRDRSecure: "PC_to_RDR_Secure", PCtoRDRMechanical: "PC_to_RDR_Mechanical",
	PCtoRDRAbort: "PC_to_RDR_Abort", PCtoRDRSetDataRate: "PC_to_RDR_SetDataRateAndClockFrequency",
	RDRtoPCDataBlock: "RDR_to_PC_DataBlock", RDRtoPCSlotStatus: "RDR_to_PC_SlotStatus",
	RDRtoPCParameters: "RDR_to_PC_Parameters", RDRtoPCEscape: "RDR_to_PC_Escape",
	RDRtoPCDataRate: "RDR_to_PC_DataRateAndClockFrequency", RDRtoPCNotifySlotChange: "RDR_to_PC_NotifySlotChange",
	RDRtoPCHardwareError: "RDR_to_PC_HardwareError",
}

// String returns the name the CCID specification gives the type.
func (t MessageType) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("unknown CCID message 0x%02X", byte(t))
}

// Known reports whether t is a message type of the CCID specification
// that travels in a frame (the interrupt-pipe messages 50 and 51 do not).
func (t MessageType) Known() bool {
	_, ok := typeNames[t]
	return ok && t != RDRtoPCNotifySlotChange && t != RDRtoPCHardwareError
}

// Command reports whether t is a PC_to_RDR message (host to reader).
func (t MessageType) Command() bool { return t >= 0x60 && t < 0x80 && t.Known() }

// Voltage is the bPowerSelect of PC_to_RDR_IccPowerOn.
type Voltage byte

// Voltages a host may ask for.
const (
	VoltageAuto Voltage = 0
	Voltage5V   Voltage = 1
	Voltage3V   Voltage = 2
	Voltage1V8  Voltage = 3
)

// ICCStatus is the bmICCStatus field of bStatus (bits 0 and 1).
type ICCStatus byte

// The three card states a reader reports.
const (
	ICCActive   ICCStatus = 0 // a card is present and powered
	ICCInactive ICCStatus = 1 // a card is present but not powered
	ICCAbsent   ICCStatus = 2 // no card
)

// String names the state.
func (s ICCStatus) String() string {
	switch s {
	case ICCActive:
		return "card present and active"
	case ICCInactive:
		return "card present, not powered"
	case ICCAbsent:
		return "no card"
	}
	return fmt.Sprintf("card status %d (reserved)", byte(s))
}

// CommandStatus is the bmCommandStatus field of bStatus (bits 6 and 7).
type CommandStatus byte

// Command outcomes a reader reports.
const (
	CommandOK            CommandStatus = 0 // processed without error
	CommandFailed        CommandStatus = 1 // failed; bError says why
	CommandTimeExtension CommandStatus = 2 // still working: keep waiting, bError multiplies the wait
)

// Status is the bStatus byte of an RDR_to_PC answer.
type Status byte

// MakeStatus builds a bStatus byte.
func MakeStatus(c CommandStatus, i ICCStatus) Status { return Status(byte(c)<<6 | byte(i)&3) }

// ICC returns the card state bits.
func (s Status) ICC() ICCStatus { return ICCStatus(s & 3) }

// Command returns the command outcome bits.
func (s Status) Command() CommandStatus { return CommandStatus(s >> 6) }

// Failed reports bit 6 of bmCommandStatus, the way libccid tests it
// (CCID_COMMAND_FAILED, checked before the time extension): the reserved
// value 3 (bStatus C0..C3) counts as failed.
func (s Status) Failed() bool { return s&0x40 != 0 }

// TimeExtension reports a time-extension answer: bmCommandStatus = 2 and
// not failed.
func (s Status) TimeExtension() bool { return s&0xC0 == 0x80 }

// CCID bError values a reader uses (CCID specification §6.2.6).
const (
	ErrCodeCmdAborted        = 0xFF
	ErrCodeICCMute           = 0xFE
	ErrCodeXfrParity         = 0xFD
	ErrCodeXfrOverrun        = 0xFC
	ErrCodeHardware          = 0xFB
	ErrCodeBadATRTS          = 0xF8
	ErrCodeBadATRTCK         = 0xF7
	ErrCodeProtocolNotSupp   = 0xF6
	ErrCodeClassNotSupp      = 0xF5
	ErrCodeProcedureConflict = 0xF4
	ErrCodeDeactivatedProto  = 0xF3
	ErrCodeBusyAutoSequence  = 0xF2
	ErrCodePINTimeout        = 0xF0
	ErrCodePINCancelled      = 0xEF
	ErrCodeCmdSlotBusy       = 0xE0
	ErrCodeCmdNotSupported   = 0x00
	ErrCodeBadSlot           = 0x05 // "error on byte 5": the bSlot field
	ErrCodeBadLength         = 0x01 // "error on byte 1": the dwLength field
)

// ErrorText explains a bError byte in English, as the CCID specification
// and libccid's ccid_error name them.
func ErrorText(b byte) string {
	switch b {
	case 0xFF:
		return "command aborted by the host"
	case 0xFE:
		return "card absent or mute"
	case 0xFD:
		return "parity error during exchange"
	case 0xFC:
		return "overrun error"
	case 0xFB:
		return "hardware error"
	case 0xF8:
		return "invalid ATR first byte (TS)"
	case 0xF7:
		return "invalid ATR checksum byte (TCK)"
	case 0xF6:
		return "card protocol not supported"
	case 0xF5:
		return "card class (voltage) not supported"
	case 0xF4:
		return "procedure byte conflict"
	case 0xF3:
		return "deactivated protocol"
	case 0xF2:
		return "busy with automatic sequence"
	case 0xF0:
		return "PIN entry timeout"
	case 0xEF:
		return "PIN entry cancelled"
	case 0xE0:
		return "slot busy"
	case 0x00:
		return "command not supported"
	}
	if b < 0x80 {
		return fmt.Sprintf("bad value in byte %d of the command", b)
	}
	return fmt.Sprintf("reader error 0x%02X", b)
}

// Message is one CCID message: the 10-byte header and its data.
//
// Param holds header bytes 7 to 9, whose meaning depends on the type: for
// IccPowerOn bPowerSelect and two RFU bytes; for XfrBlock bBWI and
// wLevelParameter; for answers bStatus, bError and bChainParameter (DataBlock),
// bClockStatus (SlotStatus) or RFU (Escape).
type Message struct {
	Type  MessageType
	Slot  byte
	Seq   byte
	Param [3]byte
	Data  []byte
}

// Status returns bStatus of an answer.
func (m Message) Status() Status { return Status(m.Param[0]) }

// ErrorCode returns bError of an answer.
func (m Message) ErrorCode() byte { return m.Param[1] }

// String describes the message for logs.
func (m Message) String() string {
	s := fmt.Sprintf("%s slot %d seq %d", m.Type, m.Slot, m.Seq)
	if !m.Type.Command() {
		st := m.Status()
		s += fmt.Sprintf(" status %02X (%s", byte(st), st.ICC())
		switch {
		case st.Failed():
			s += ", failed: " + ErrorText(m.ErrorCode())
		case st.TimeExtension():
			s += fmt.Sprintf(", time extension x%d", m.ErrorCode())
		}
		s += ")"
	}
	return fmt.Sprintf("%s, %d data bytes", s, len(m.Data))
}

// Errors of message and frame encoding and decoding. Test for them with errors.Is.
var (
	ErrShortMessage = errors.New("ccid: message shorter than its 10-byte header")
	ErrLengthField  = errors.New("ccid: dwLength does not match the data length")
	ErrTooLong      = errors.New("ccid: message longer than the reader's maximum")
	ErrUnknownType  = errors.New("ccid: unknown message type")
	ErrBadLRC       = errors.New("ccid: frame LRC mismatch")
	ErrBadControl   = errors.New("ccid: SYNC not followed by ACK (06) or NAK (15)")
	ErrBadNAK       = errors.New("ccid: NAK frame with a wrong LRC (want 03 15 16)")
	ErrBadSlotState = errors.New("ccid: slot-change notification with a state byte other than 02 or 03")
	ErrGarbage      = errors.New("ccid: bytes outside any frame")
	ErrUnsynced     = errors.New("ccid: bytes after a framing error, before a good frame or a quiet line")
)

// AppendBinary appends the message's wire form to b.
func (m Message) AppendBinary(b []byte) ([]byte, error) {
	if HeaderSize+len(m.Data) > 1<<24 {
		return b, fmt.Errorf("%w: %d data bytes", ErrTooLong, len(m.Data))
	}
	b = append(b, byte(m.Type))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.Data)))
	b = append(b, m.Slot, m.Seq, m.Param[0], m.Param[1], m.Param[2])
	return append(b, m.Data...), nil
}

// MarshalBinary returns the message's wire form: header and data.
func (m Message) MarshalBinary() ([]byte, error) {
	return m.AppendBinary(make([]byte, 0, HeaderSize+len(m.Data)))
}

// ParseMessage decodes one whole CCID message. The data is copied.
func ParseMessage(b []byte) (Message, error) {
	if len(b) < HeaderSize {
		return Message{}, fmt.Errorf("%w: %d bytes", ErrShortMessage, len(b))
	}
	n := binary.LittleEndian.Uint32(b[1:5])
	if uint64(n) != uint64(len(b)-HeaderSize) {
		return Message{}, fmt.Errorf("%w: dwLength %d, %d data bytes", ErrLengthField, n, len(b)-HeaderSize)
	}
	m := Message{Type: MessageType(b[0]), Slot: b[5], Seq: b[6], Param: [3]byte{b[7], b[8], b[9]}}
	if !m.Type.Known() {
		return Message{}, fmt.Errorf("%w 0x%02X", ErrUnknownType, b[0])
	}
	if n > 0 {
		m.Data = append([]byte(nil), b[HeaderSize:]...)
	}
	return m, nil
}

// PowerOn builds PC_to_RDR_IccPowerOn.
func PowerOn(slot, seq byte, v Voltage) Message {
	return Message{Type: PCtoRDRIccPowerOn, Slot: slot, Seq: seq, Param: [3]byte{byte(v)}}
}

// PowerOff builds PC_to_RDR_IccPowerOff.
func PowerOff(slot, seq byte) Message {
	return Message{Type: PCtoRDRIccPowerOff, Slot: slot, Seq: seq}
}

// GetSlotStatus builds PC_to_RDR_GetSlotStatus.
func GetSlotStatus(slot, seq byte) Message {
	return Message{Type: PCtoRDRGetSlotStatus, Slot: slot, Seq: seq}
}

// XfrBlock builds PC_to_RDR_XfrBlock carrying an APDU (or TPDU) to the card.
// bwi extends the block waiting time for T=1; level is wLevelParameter (0
// for a short APDU or TPDU exchange).
func XfrBlock(slot, seq, bwi byte, level uint16, apdu []byte) Message {
	return Message{Type: PCtoRDRXfrBlock, Slot: slot, Seq: seq, Param: [3]byte{bwi, byte(level), byte(level >> 8)}, Data: apdu}
}

// Escape builds PC_to_RDR_Escape carrying a reader-specific command.
func Escape(slot, seq byte, data []byte) Message {
	return Message{Type: PCtoRDREscape, Slot: slot, Seq: seq, Data: data}
}

// DataBlock builds RDR_to_PC_DataBlock, the answer to IccPowerOn (the ATR)
// and XfrBlock (the card's answer).
func DataBlock(slot, seq byte, st Status, errCode, chain byte, data []byte) Message {
	return Message{Type: RDRtoPCDataBlock, Slot: slot, Seq: seq, Param: [3]byte{byte(st), errCode, chain}, Data: data}
}

// SlotStatus builds RDR_to_PC_SlotStatus, the answer to IccPowerOff and
// GetSlotStatus (and to commands a reader refuses).
func SlotStatus(slot, seq byte, st Status, errCode, clock byte) Message {
	return Message{Type: RDRtoPCSlotStatus, Slot: slot, Seq: seq, Param: [3]byte{byte(st), errCode, clock}}
}

// EscapeAnswer builds RDR_to_PC_Escape.
func EscapeAnswer(slot, seq byte, st Status, errCode byte, data []byte) Message {
	return Message{Type: RDRtoPCEscape, Slot: slot, Seq: seq, Param: [3]byte{byte(st), errCode}, Data: data}
}

// AnswerType returns the RDR_to_PC type that answers a PC_to_RDR command.
func AnswerType(cmd MessageType) MessageType {
	switch cmd {
	case PCtoRDRIccPowerOn, PCtoRDRXfrBlock, PCtoRDRSecure:
		return RDRtoPCDataBlock
	case PCtoRDRGetParameters, PCtoRDRResetParams, PCtoRDRSetParameters:
		return RDRtoPCParameters
	case PCtoRDREscape:
		return RDRtoPCEscape
	case PCtoRDRSetDataRate:
		return RDRtoPCDataRate
	}
	return RDRtoPCSlotStatus
}
