package iso7816

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pishkhan/pishkhan"
)

// Transmitter sends one command APDU (or T=0 TPDU) to a card and returns
// its answer, data and SW1 SW2. A card reader driver implements it.
type Transmitter interface {
	Transmit(ctx context.Context, apdu []byte) ([]byte, error)
}

// Instruction bytes used here.
const (
	INSSelect      = 0xA4
	INSReadBinary  = 0xB0
	INSVerify      = 0x20
	INSGetResponse = 0xC0
)

// ErrPINBlocked means the card refuses every PIN: 6983, or 63C0 after a
// wrong PIN. Match it with errors.Is.
var ErrPINBlocked = &pishkhan.Error{Code: pishkhan.ELocked,
	Message: "card PIN blocked (no tries left)",
	Persian: "رمز کارت مسدود شده است؛ برای رفع انسداد به صادرکنندهٔ کارت مراجعه کنید."}

// ErrFileTooLarge means a file was longer than the caller's limit, or
// than READ BINARY's 15-bit offset can reach (32 KiB).
var ErrFileTooLarge = &pishkhan.Error{Code: pishkhan.EInvalid,
	Message: "iso7816: file longer than the limit",
	Persian: "فایل روی کارت بزرگ‌تر از اندازهٔ مجاز است؛ داده‌های کارت خراب یا ناآشناست."}

// WrongPINError is a refused PIN with tries left (63Cx, x > 0).
type WrongPINError struct {
	TriesLeft int
}

func (e *WrongPINError) Error() string {
	return fmt.Sprintf("wrong card PIN, %d tries left", e.TriesLeft)
}

// Unwrap gives the project error with the Persian message.
func (e *WrongPINError) Unwrap() error {
	return &pishkhan.Error{Code: pishkhan.EUnauthorized, Message: e.Error(),
		Persian: StatusWord(0x63C0 | e.TriesLeft&0x0F).Persian()}
}

// StatusError is a status word that made a command fail. Op says which
// command, Command its header: Data is always nil (a VERIFY carries a
// PIN), Ne is kept.
type StatusError struct {
	Op      string
	Command Command
	SW      StatusWord
}

// statusError builds a StatusError without the command's data.
func statusError(op string, cmd Command, sw StatusWord) *StatusError {
	cmd.Data = nil
	return &StatusError{Op: op, Command: cmd, SW: sw}
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s (%02X %02X %02X %02X): card answered %s", e.Op,
		e.Command.CLA, e.Command.INS, e.Command.P1, e.Command.P2, e.SW)
}

// Unwrap gives the project error: a code that fits the status word and its
// Persian explanation.
func (e *StatusError) Unwrap() error {
	if e.SW == SWPINBlocked {
		return ErrPINBlocked
	}
	code := pishkhan.EInvalid
	switch e.SW {
	case SWSecurityNotSatisfied:
		code = pishkhan.EUnauthorized
	case SWFileNotFound, SWRefDataNotFound, 0x6A83:
		code = pishkhan.ENotFound
	}
	return &pishkhan.Error{Code: code, Message: e.SW.English(), Persian: e.SW.Persian()}
}

// Card sends commands to a card through a Transmitter and does the T=0
// chores: GET RESPONSE after 61xx and a resend with the right Le after 6Cxx.
type Card struct {
	T Transmitter
	// T0 maps case 4 commands to case 3 on the wire, as the T=0 protocol
	// requires with a TPDU-level reader (the data then comes with 61xx and
	// GET RESPONSE); extended commands are refused. Set it when the ATR
	// says the card speaks T=0 (see ATRProtocols).
	T0 bool
	// Log receives one debug line per exchange (header and status word,
	// never data). nil: slog.Default().
	Log *slog.Logger
}

// maxChain bounds GET RESPONSE rounds, so a card answering 61xx forever
// cannot hang the desk: 300 rounds move more than 64 KiB.
const maxChain = 300

func (c *Card) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}

// Transmit sends raw bytes and parses the answer, with no T=0 handling.
func (c *Card) Transmit(ctx context.Context, apdu []byte) (Response, error) {
	out, err := c.T.Transmit(ctx, apdu)
	if err != nil {
		return Response{}, err
	}
	return ParseResponse(out)
}

// Send sends a command and returns the card's final answer: for 61xx it
// fetches the rest with GET RESPONSE and joins the data; for 6Cxx it sends
// the command again with Le = xx (once). Any status word is returned as is
// in the Response; only transport errors are errors here.
func (c *Card) Send(ctx context.Context, cmd Command) (Response, error) {
	wire := cmd
	if c.T0 {
		if cmd.IsExtended() {
			return Response{}, pishkhan.WrapError(ErrAPDUTooLong, pishkhan.EInvalid,
				"این فرمان برای کارت‌های T=0 بیش از اندازه بلند است.", "extended APDU %v over T=0", cmd)
		}
		if cmd.Case() == 4 {
			wire.Ne = 0
		}
	}
	resp, err := c.send(ctx, wire)
	if err != nil {
		return Response{}, err
	}
	if n, ok := resp.SW.ExactLength(); ok {
		wire.Ne = n
		if resp, err = c.send(ctx, wire); err != nil {
			return Response{}, err
		}
	}
	data := resp.Data
	for i := 0; ; i++ {
		n, ok := resp.SW.MoreData()
		if !ok {
			break
		}
		if i == maxChain {
			return Response{}, pishkhan.Errorf(pishkhan.EUnavailable,
				"کارت پس از چند صد بار درخواست، هنوز دادهٔ تازه می‌فرستد و پاسخش پایان نمی‌یابد؛ کارت را بیرون بیاورید و دوباره بگذارید.",
				"%v: card still answers 61xx after %d GET RESPONSE", cmd, maxChain)
		}
		gr := Command{CLA: cmd.CLA, INS: INSGetResponse, Ne: n}
		if resp, err = c.send(ctx, gr); err != nil {
			return Response{}, err
		}
		if m, ok := resp.SW.ExactLength(); ok {
			gr.Ne = m
			if resp, err = c.send(ctx, gr); err != nil {
				return Response{}, err
			}
		}
		data = append(data, resp.Data...)
	}
	resp.Data = data
	return resp, nil
}

func (c *Card) send(ctx context.Context, cmd Command) (Response, error) {
	b, err := cmd.Bytes()
	if err != nil {
		return Response{}, err
	}
	resp, err := c.Transmit(ctx, b)
	if err != nil {
		return Response{}, fmt.Errorf("%v: %w", cmd, err)
	}
	c.log().Debug("apdu", "cmd", cmd.String(), "sw", fmt.Sprintf("%04X", uint16(resp.SW)), "len", len(resp.Data))
	return resp, nil
}

// SelectAID selects an application by its AID (00 A4 04 00) and returns
// the FCI the card sends back, if any.
func (c *Card) SelectAID(ctx context.Context, aid []byte) ([]byte, error) {
	if len(aid) < 5 || len(aid) > 16 {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "شناسهٔ برنامهٔ کارت (AID) باید ۵ تا ۱۶ بایت باشد.",
			"select application: AID of %d bytes (5 to 16)", len(aid))
	}
	cmd := Command{INS: INSSelect, P1: 0x04, P2: 0x00, Data: aid, Ne: 256}
	resp, err := c.Send(ctx, cmd)
	if err != nil {
		return nil, fmt.Errorf("select application %X: %w", aid, err)
	}
	if !resp.SW.OK() {
		return nil, statusError(fmt.Sprintf("select application %X", aid), cmd, resp.SW)
	}
	return resp.Data, nil
}

// SelectFile selects an elementary file of the current application by its
// two-byte file id (00 A4 02 0C), asking for no FCI.
func (c *Card) SelectFile(ctx context.Context, fid uint16) error {
	cmd := Command{INS: INSSelect, P1: 0x02, P2: 0x0C, Data: []byte{byte(fid >> 8), byte(fid)}}
	resp, err := c.Send(ctx, cmd)
	if err != nil {
		return fmt.Errorf("select file %04X: %w", fid, err)
	}
	if !resp.SW.OK() {
		return statusError(fmt.Sprintf("select file %04X", fid), cmd, resp.SW)
	}
	return nil
}

// ReadBinary reads up to n (1..256) bytes of the current file from offset
// (0..32767) and returns the card's answer, whatever its status word.
func (c *Card) ReadBinary(ctx context.Context, offset, n int) (Response, error) {
	if offset < 0 || offset > 0x7FFF || n < 1 || n > MaxShortNe {
		return Response{}, pishkhan.Errorf(pishkhan.EInvalid, "نشانی یا طول خواندن از فایل کارت بیرون از محدوده است.",
			"read binary: offset %d or length %d out of range (offset 0..32767, length 1..256)", offset, n)
	}
	return c.Send(ctx, Command{INS: INSReadBinary, P1: byte(offset >> 8), P2: byte(offset), Ne: n})
}

// ReadFile reads the current file from its start to its end with READ
// BINARY, chunk bytes at a time (0: 256). The end is found when the card
// answers 6282 (end reached before Le bytes), 6B00 (offset beyond the end),
// or a chunk shorter than asked (which 6Cxx also leads to). A file longer
// than limit bytes is an error wrapping ErrFileTooLarge.
func (c *Card) ReadFile(ctx context.Context, chunk, limit int) ([]byte, error) {
	if chunk <= 0 || chunk > MaxShortNe {
		chunk = MaxShortNe
	}
	var out []byte
	for {
		if len(out) > 0x7FFF {
			return nil, &pishkhan.Error{Code: pishkhan.EInvalid, Err: ErrFileTooLarge,
				Message: fmt.Sprintf("read file: %d bytes and not at the end, beyond READ BINARY's 15-bit offset", len(out)),
				Persian: "فایل روی کارت بزرگ‌تر از ۳۲ کیلوبایت است و با READ BINARY خوانده نمی‌شود."}
		}
		resp, err := c.ReadBinary(ctx, len(out), chunk)
		if err != nil {
			return nil, fmt.Errorf("read file at offset %d: %w", len(out), err)
		}
		switch {
		case resp.SW == SWWrongP1P2:
			return out, nil
		case resp.SW == SWEndOfFile, resp.SW.OK():
		default:
			cmd := Command{INS: INSReadBinary, P1: byte(len(out) >> 8), P2: byte(len(out)), Ne: chunk}
			return nil, statusError(fmt.Sprintf("read file at offset %d", len(out)), cmd, resp.SW)
		}
		out = append(out, resp.Data...)
		if limit > 0 && len(out) > limit {
			return nil, fmt.Errorf("read file: %w (%d bytes, limit %d)", ErrFileTooLarge, len(out), limit)
		}
		if resp.SW == SWEndOfFile || len(resp.Data) < chunk {
			return out, nil
		}
	}
}

// Verify presents a PIN for the reference ref (00 20 00 ref). A wrong PIN
// is a *WrongPINError with the tries left; a blocked PIN, or a wrong one
// with no tries left, wraps ErrPINBlocked.
func (c *Card) Verify(ctx context.Context, ref byte, pin []byte) error {
	if len(pin) == 0 || len(pin) > MaxShortNc {
		return pishkhan.Errorf(pishkhan.EInvalid, "طول رمز کارت نادرست است.", "verify: PIN of %d bytes (1 to %d)", len(pin), MaxShortNc)
	}
	cmd := Command{INS: INSVerify, P2: ref, Data: pin}
	resp, err := c.Send(ctx, cmd)
	if err != nil {
		return fmt.Errorf("verify PIN %02X: %w", ref, err)
	}
	return verifyResult(cmd, resp.SW)
}

// PINStatus asks how a PIN stands without presenting one (VERIFY with no
// data): verified already, or the tries left. A blocked PIN wraps ErrPINBlocked.
func (c *Card) PINStatus(ctx context.Context, ref byte) (verified bool, triesLeft int, err error) {
	cmd := Command{INS: INSVerify, P2: ref}
	resp, err := c.Send(ctx, cmd)
	if err != nil {
		return false, 0, fmt.Errorf("PIN %02X status: %w", ref, err)
	}
	if resp.SW.OK() {
		return true, 0, nil
	}
	if n, ok := resp.SW.TriesLeft(); ok && n > 0 {
		return false, n, nil
	}
	err = verifyResult(cmd, resp.SW)
	return false, 0, err
}

func verifyResult(cmd Command, sw StatusWord) error {
	if sw.OK() {
		return nil
	}
	if n, ok := sw.TriesLeft(); ok {
		if n == 0 {
			return fmt.Errorf("verify PIN %02X: wrong PIN and no tries left: %w", cmd.P2, ErrPINBlocked)
		}
		return &WrongPINError{TriesLeft: n}
	}
	return statusError(fmt.Sprintf("verify PIN %02X", cmd.P2), cmd, sw)
}
