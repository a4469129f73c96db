package cardprofile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/iso7816"
	"github.com/pishkhan/pishkhan/persian"
)

// The demo profile's layout; docs/card-profile.md explains it byte by byte.
var (
	// DemoAID is the demo application's identifier: F0 (a proprietary,
	// unregistered AID, ISO/IEC 7816-5 category F) followed by the ASCII of
	// "PISHKHANDEMO". 13 bytes.
	DemoAID = []byte{0xF0, 'P', 'I', 'S', 'H', 'K', 'H', 'A', 'N', 'D', 'E', 'M', 'O'}
)

const (
	// DemoIDFile holds the format version and the national code. Anyone may read it.
	DemoIDFile uint16 = 0x0101
	// DemoPersonalFile holds the names and the birth date. A card may
	// protect it with the PIN (then READ BINARY answers 6982 until VERIFY).
	DemoPersonalFile uint16 = 0x0102
	// DemoPINRef is the reference of the holder's PIN in VERIFY's P2
	// (80..9F: a PIN specific to the selected application).
	DemoPINRef byte = 0x81
	// DemoVersion is the format version this package writes and reads.
	DemoVersion = 1
	// DemoMaxFile bounds a demo file; a card claiming more is refused.
	DemoMaxFile = 1024
)

// TLV tags of the demo files: one byte each, from the context-specific
// range so they never clash with the interindustry tags of ISO 7816-6.
const (
	TagVersion      = 0x80 // 1 byte, DemoVersion
	TagNationalCode = 0x81 // 10 ASCII digits
	TagFirstName    = 0x82 // UTF-8
	TagLastName     = 0x83 // UTF-8
	TagFatherName   = 0x84 // UTF-8
	TagBirthDate    = 0x85 // ASCII "YYYY/MM/DD", Jalali
)

// Errors of the demo profile.
var (
	ErrNotDemoCard = &pishkhan.Error{Code: pishkhan.ENotFound,
		Message: "the card has no Pishkhan demo application",
		Persian: "این کارت با نمایهٔ نمایشی پیشخوان خوانده نمی‌شود؛ کارت دیگری بگذارید یا نمایهٔ کارت را در تنظیمات عوض کنید."}
	ErrPINRequired = &pishkhan.Error{Code: pishkhan.EUnauthorized,
		Message: "the card asks for its PIN",
		Persian: "برای خواندن مشخصات، رمز کارت را از شهروند بخواهید و وارد کنید."}
	ErrCardData = &pishkhan.Error{Code: pishkhan.EInvalid,
		Message: "the card's data is malformed",
		Persian: "داده‌های روی کارت خراب یا ناقص است؛ مشخصات را دستی وارد کنید."}
)

// Demo is the documented demo profile. The zero value is ready to use.
type Demo struct {
	// Chunk is the READ BINARY size; 0 means 256 bytes (Le = 00).
	Chunk int
}

// Name returns "demo".
func (Demo) Name() string { return "demo" }

// ReadCitizen selects DemoAID, reads DemoIDFile, then DemoPersonalFile;
// if the card answers 6982 and opts.PIN is set it presents the PIN with
// VERIFY and reads again. A wrong PIN comes back as *iso7816.WrongPINError,
// a blocked one wrapping iso7816.ErrPINBlocked.
func (d Demo) ReadCitizen(ctx context.Context, card *iso7816.Card, opts ReadOptions) (pishkhan.Citizen, error) {
	if _, err := card.SelectAID(ctx, DemoAID); err != nil {
		var se *iso7816.StatusError
		if errors.As(err, &se) && (se.SW == iso7816.SWFileNotFound || se.SW == iso7816.SWWrongP1P2NotFound) {
			return pishkhan.Citizen{}, fmt.Errorf("demo profile: %w", ErrNotDemoCard)
		}
		return pishkhan.Citizen{}, fmt.Errorf("demo profile: %w", err)
	}
	id, err := d.readFile(ctx, card, DemoIDFile)
	if err != nil {
		return pishkhan.Citizen{}, err
	}
	personal, err := d.readFile(ctx, card, DemoPersonalFile)
	var se *iso7816.StatusError
	if errors.As(err, &se) && se.SW == iso7816.SWSecurityNotSatisfied {
		if opts.PIN == "" {
			return pishkhan.Citizen{}, fmt.Errorf("demo profile: %w", ErrPINRequired)
		}
		pin, perr := CardPIN(opts.PIN)
		if perr != nil {
			return pishkhan.Citizen{}, perr
		}
		if err := card.Verify(ctx, DemoPINRef, []byte(pin)); err != nil {
			return pishkhan.Citizen{}, fmt.Errorf("demo profile: %w", err)
		}
		personal, err = d.readFile(ctx, card, DemoPersonalFile)
	}
	if err != nil {
		return pishkhan.Citizen{}, err
	}
	return DecodeDemo(id, personal)
}

func (d Demo) readFile(ctx context.Context, card *iso7816.Card, fid uint16) ([]byte, error) {
	if err := card.SelectFile(ctx, fid); err != nil {
		return nil, fmt.Errorf("demo profile: %w", err)
	}
	b, err := card.ReadFile(ctx, d.Chunk, DemoMaxFile)
	if err != nil {
		if errors.Is(err, iso7816.ErrFileTooLarge) {
			return nil, fmt.Errorf("demo profile: file %04X: %w: %w", fid, ErrCardData, err)
		}
		return nil, fmt.Errorf("demo profile: read file %04X: %w", fid, err)
	}
	return b, nil
}

// CardPIN turns a card PIN typed in any digit script into the ASCII digits
// VERIFY carries, refusing anything but 4 to 12 digits.
func CardPIN(s string) (string, error) {
	pin := persian.ToLatinDigits(strings.TrimSpace(s))
	ok := len(pin) >= 4 && len(pin) <= 12
	for _, r := range pin {
		ok = ok && r >= '0' && r <= '9'
	}
	if !ok {
		return "", pishkhan.FieldError("card_pin", "رمز کارت باید ۴ تا ۱۲ رقم باشد.", "card PIN must be 4 to 12 digits")
	}
	return pin, nil
}

// EncodeDemo writes a citizen as the demo profile's two files.
func EncodeDemo(c pishkhan.Citizen) (idFile, personalFile []byte, err error) {
	if _, err := pishkhan.ParseNationalCode(string(c.NationalCode)); err != nil {
		return nil, nil, err
	}
	idFile = AppendTLV(nil, TagVersion, []byte{DemoVersion})
	idFile = AppendTLV(idFile, TagNationalCode, []byte(c.NationalCode))
	for _, f := range []struct {
		tag byte
		v   string
	}{{TagFirstName, c.FirstName}, {TagLastName, c.LastName}, {TagFatherName, c.FatherName}, {TagBirthDate, c.BirthDate}} {
		if len(f.v) > 0xFFFF {
			return nil, nil, fmt.Errorf("demo profile: tag %02X: %d bytes", f.tag, len(f.v))
		}
		if f.v != "" {
			personalFile = AppendTLV(personalFile, f.tag, []byte(f.v))
		}
	}
	return idFile, personalFile, nil
}

// DecodeDemo reads a citizen from the demo profile's two files. The
// national code must pass its check digit, names must be valid person
// names (they come back normalised), the birth date a valid Jalali date;
// first and last name and national code are required.
func DecodeDemo(idFile, personalFile []byte) (pishkhan.Citizen, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("demo profile: %w: %s", ErrCardData, fmt.Sprintf(format, args...))
	}
	id, err := ParseTLV(idFile)
	if err != nil {
		return pishkhan.Citizen{}, bad("ID file: %v", err)
	}
	if v := id[TagVersion]; len(v) != 1 || v[0] != DemoVersion {
		return pishkhan.Citizen{}, bad("format version % X, want %d", v, DemoVersion)
	}
	var c pishkhan.Citizen
	if c.NationalCode, err = pishkhan.ParseNationalCode(string(id[TagNationalCode])); err != nil || len(id[TagNationalCode]) != 10 {
		return pishkhan.Citizen{}, bad("national code %q: %v", id[TagNationalCode], err)
	}
	p, err := ParseTLV(personalFile)
	if err != nil {
		return pishkhan.Citizen{}, bad("personal file: %v", err)
	}
	for _, f := range []struct {
		tag   byte
		field string
		dst   *string
		opt   bool
	}{{TagFirstName, "first_name", &c.FirstName, false}, {TagLastName, "last_name", &c.LastName, false}, {TagFatherName, "father_name", &c.FatherName, true}} {
		v, ok := p[f.tag]
		if !ok && f.opt {
			continue
		}
		if !utf8.Valid(v) {
			return pishkhan.Citizen{}, bad("%s is not UTF-8", f.field)
		}
		if *f.dst, err = pishkhan.CheckPersonName(f.field, string(v)); err != nil {
			return pishkhan.Citizen{}, bad("%s: %v", f.field, err)
		}
	}
	if v, ok := p[TagBirthDate]; ok {
		d, err := persian.ParseDate(string(v))
		if err != nil || d.String() != string(v) {
			return pishkhan.Citizen{}, bad("birth date %q is not a Jalali YYYY/MM/DD date", v)
		}
		c.BirthDate = d.String()
	}
	return c, nil
}

// AppendTLV appends tag, a BER definite length (one byte up to 127,
// 81 xx up to 255, 82 xx xx up to 65535) and the value.
func AppendTLV(b []byte, tag byte, v []byte) []byte {
	b = append(b, tag)
	switch n := len(v); {
	case n < 0x80:
		b = append(b, byte(n))
	case n <= 0xFF:
		b = append(b, 0x81, byte(n))
	default:
		b = append(b, 0x82, byte(n>>8), byte(n))
	}
	return append(b, v...)
}

// ParseTLV reads a flat list of one-byte-tag TLVs, strictly: lengths in
// their shortest BER form, no value running past the end, no tag twice,
// no tag 00 or FF (padding is not allowed). Unknown tags are kept, so a
// newer card can add fields.
func ParseTLV(b []byte) (map[byte][]byte, error) {
	out := map[byte][]byte{}
	for i := 0; i < len(b); {
		tag := b[i]
		if tag == 0x00 || tag == 0xFF {
			return nil, fmt.Errorf("tag %02X at %d", tag, i)
		}
		if _, dup := out[tag]; dup {
			return nil, fmt.Errorf("tag %02X twice", tag)
		}
		i++
		if i >= len(b) {
			return nil, fmt.Errorf("tag %02X without a length", tag)
		}
		n := int(b[i])
		i++
		switch {
		case n < 0x80:
		case n == 0x81 && i < len(b) && b[i] >= 0x80:
			n = int(b[i])
			i++
		case n == 0x82 && i+1 < len(b) && b[i] != 0:
			n = int(b[i])<<8 | int(b[i+1])
			i += 2
		default:
			return nil, fmt.Errorf("tag %02X: bad length encoding", tag)
		}
		if n > len(b)-i {
			return nil, fmt.Errorf("tag %02X: %d bytes announced, %d left", tag, n, len(b)-i)
		}
		out[tag] = b[i : i+n : i+n]
		i += n
	}
	return out, nil
}
