package desk

import (
	"context"
	"encoding/hex"
	"fmt"
	"image"
	"log/slog"
	"strings"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/cardprofile"
	"github.com/pishkhan/pishkhan/devices/cardreader"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/iso7816"
	"github.com/pishkhan/pishkhan/devices/printer"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/devices/receipt"
	"github.com/pishkhan/pishkhan/devices/serialport"
	"github.com/pishkhan/pishkhan/store"
)

// PrinterProfiles are the printer profiles a technician can choose, by name.
var PrinterProfiles = []escpos.Profile{escpos.Profile80, escpos.Profile58, escpos.Profile80IranSystem, escpos.Profile58IranSystem}

// PrinterProfileNames are the profiles' names, in PrinterProfiles' order.
func PrinterProfileNames() []string {
	names := make([]string, len(PrinterProfiles))
	for i, p := range PrinterProfiles {
		names[i] = p.Name
	}
	return names
}

// PrinterProfile finds a profile by name.
func PrinterProfile(name string) (escpos.Profile, bool) {
	for _, p := range PrinterProfiles {
		if p.Name == name {
			return p, true
		}
	}
	return escpos.Profile{}, false
}

// ConfigureDevice checks and saves how the desk reaches a device; the
// technician's screen and `pishkhan devices configure` call it.
func (d *Desk) ConfigureDevice(ctx context.Context, s store.DeviceSettings, by Actor) error {
	if err := d.authorize(ctx, by, pishkhan.ActDevices); err != nil {
		return err
	}
	if strings.TrimSpace(s.Port) == "" {
		return pishkhan.FieldError("port", "درگاه دستگاه را انتخاب کنید.", "no port given")
	}
	line := serialport.Settings{Baud: s.Baud, DataBits: s.DataBits, Parity: s.Parity, StopBits: s.StopBits}
	if err := line.Check(); err != nil {
		return pishkhan.WrapError(err, pishkhan.EInvalid, "تنظیمات درگاه (سرعت، بیت داده، توازن یا بیت پایان) نادرست است.", "line settings")
	}
	switch s.Kind {
	case store.DevicePrinter:
		if _, ok := PrinterProfile(s.Profile); !ok {
			return pishkhan.FieldError("profile", "نوع چاپگر را از فهرست انتخاب کنید.", "unknown printer profile %q (one of %s)", s.Profile,
				strings.Join(PrinterProfileNames(), ", "))
		}
	case store.DeviceCardReader:
		s.Profile = ""
	default:
		return pishkhan.FieldError("kind", "نوع دستگاه نادرست است.", "unknown device kind %q", s.Kind)
	}
	if s.USBSerial == "" {
		if ports, err := serialport.List(); err == nil {
			for _, p := range ports {
				if p.Name == s.Port && p.USB {
					s.USBSerial = p.Serial
				}
			}
		}
	}
	return d.Store.SetDevice(ctx, s, by.Name())
}

// Devices are the desk's open devices.
type Devices struct {
	Printer *printer.Printer    // nil when none is configured
	Reader  *cardreader.Reader  // nil when none is configured or it did not answer
	Profile cardprofile.Profile // how cards become citizens
	// ReaderErr says why the reader is not open, if it is configured.
	ReaderErr error
}

// Close closes the devices.
func (v *Devices) Close() {
	if v.Printer != nil {
		v.Printer.Close()
	}
	if v.Reader != nil {
		v.Reader.Close()
	}
}

// OpenDevices opens the configured devices and gives the printer to the
// desk. A printer is opened lazily (its first job finds it); a card reader
// is opened now and its error kept in ReaderErr, so a desk without a
// working reader still works with typed national codes.
func (d *Desk) OpenDevices(ctx context.Context) (*Devices, error) {
	v := &Devices{Profile: cardprofile.Demo{}}
	ps, ok, err := d.Store.Device(ctx, store.DevicePrinter)
	if err != nil {
		return nil, err
	}
	if ok {
		prof, found := PrinterProfile(ps.Profile)
		if !found {
			return nil, fmt.Errorf("printer profile %q is no longer known; configure the printer again", ps.Profile)
		}
		link := serialport.NewLink(ps.Port, serialport.Settings{Baud: ps.Baud, DataBits: ps.DataBits, Parity: ps.Parity, StopBits: ps.StopBits, ReadTimeout: 0})
		link.Log = d.logger()
		v.Printer = printer.New(link, d.logger())
		if err := d.SetPrinter(v.Printer, prof); err != nil {
			v.Close()
			return nil, err
		}
	}
	rs, ok, err := d.Store.Device(ctx, store.DeviceCardReader)
	if err != nil {
		v.Close()
		return nil, err
	}
	if ok {
		v.Reader, v.ReaderErr = cardreader.Open(ctx, rs.Port, cardreader.Options{
			Settings: serialport.Settings{Baud: rs.Baud, DataBits: rs.DataBits, Parity: rs.Parity, StopBits: rs.StopBits}, Log: d.logger()})
	}
	return v, nil
}

func (d *Desk) logger() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

// ReadCard reads the citizen on the card in the reader through the
// devices' card profile; pin is the citizen's card PIN if the card asks
// for one.
func (d *Desk) ReadCard(ctx context.Context, v *Devices, pin string) (pishkhan.Citizen, error) {
	if v == nil || v.Reader == nil {
		if v != nil && v.ReaderErr != nil {
			return pishkhan.Citizen{}, v.ReaderErr
		}
		return pishkhan.Citizen{}, pishkhan.Errorf(pishkhan.EUnavailable, "کارت‌خوانی برای این میز تنظیم نشده است؛ کد ملی را وارد کنید.", "no card reader configured")
	}
	c, err := v.Reader.ReadCitizen(ctx, v.Profile, cardprofile.ReadOptions{PIN: pin})
	if err != nil {
		return c, err
	}
	d.logger().Info("card read", "reader", "ok") // nothing personal in logs
	return c, nil
}

// TestPrint prints the standard sample receipt on the desk's printer and
// returns the bytes sent, for a preview.
func (d *Desk) TestPrint(ctx context.Context, by Actor) ([]byte, escpos.Profile, error) {
	if err := d.authorize(ctx, by, pishkhan.ActDevices); err != nil {
		return nil, escpos.Profile{}, err
	}
	if d.printing == nil {
		return nil, escpos.Profile{}, errNoPrinter
	}
	enc, err := d.printing.encoder()
	if err != nil {
		return nil, d.printing.Profile, err
	}
	data, err := enc.Encode(receipt.Build(receipt.Sample(), d.printing.Profile.HeadDots))
	if err != nil {
		return nil, d.printing.Profile, err
	}
	return data, d.printing.Profile, d.printing.Printer.Print(ctx, data)
}

// Ports lists the machine's serial ports.
func (d *Desk) Ports() ([]serialport.PortInfo, error) { return serialport.List() }

// Preview draws receipt bytes as the paper would come out of a printer of
// the profile (the printer simulator's renderer), for the window.
func Preview(data []byte, p escpos.Profile) (image.Image, error) {
	ops, err := escpos.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	return printersim.Job{Ops: ops, Printed: len(ops)}.Render(p.HeadDots, printersim.IranSystem(p.CodePage))
}

// APDUResult is one command sent to the card and its answer.
type APDUResult struct {
	Command  string // hex
	Response string // hex, without the status word
	SW       string // four hex digits
	English  string // the status word in words
	Persian  string
}

// SendAPDUs powers the card in the reader and sends each command (hex, any
// spacing) through ISO 7816 T=0 handling (GET RESPONSE after 61xx, a resend
// after 6Cxx), for the technician's APDU console.
func (d *Desk) SendAPDUs(ctx context.Context, v *Devices, cmds []string, by Actor) (atr string, out []APDUResult, err error) {
	if err := d.authorize(ctx, by, pishkhan.ActCardTest); err != nil {
		return "", nil, err
	}
	if v == nil || v.Reader == nil {
		if v != nil && v.ReaderErr != nil {
			return "", nil, v.ReaderErr
		}
		return "", nil, pishkhan.Errorf(pishkhan.EUnavailable, "کارت‌خوانی برای این میز تنظیم نشده است.", "no card reader configured")
	}
	var parsed []iso7816.Command
	for _, c := range cmds {
		b, err := hex.DecodeString(strings.NewReplacer(" ", "", ":", "", "-", "").Replace(strings.TrimSpace(c)))
		if err != nil {
			return "", nil, pishkhan.FieldError("apdu", "فرمان باید رقم‌های شانزده‌شانزدهی باشد، مانند 00A40400.", "APDU %q is not hex", c)
		}
		cmd, err := iso7816.ParseCommand(b)
		if err != nil {
			return "", nil, pishkhan.WrapError(err, pishkhan.EInvalid, "این فرمان APDU درست نیست (دست‌کم ۴ بایت سرآیند).", "APDU %X", b)
		}
		parsed = append(parsed, cmd)
	}
	// The audit names each command by class and instruction only: a
	// command's data may be a card PIN.
	heads := make([]string, len(parsed))
	for i, c := range parsed {
		heads[i] = fmt.Sprintf("%02X%02X", c.CLA, c.INS)
	}
	if err := d.Store.AppendAudit(ctx, by.Name(), "card.apdu", fmt.Sprintf("%d commands", len(parsed)), strings.Join(heads, " ")); err != nil {
		return "", nil, err
	}
	card, a, err := v.Reader.Connect(ctx)
	if err != nil {
		return "", nil, err
	}
	for i, cmd := range parsed {
		resp, err := card.Send(ctx, cmd)
		if err != nil {
			return fmt.Sprintf("%X", a.Raw), out, err
		}
		out = append(out, APDUResult{Command: strings.ToUpper(strings.ReplaceAll(cmds[i], " ", "")), Response: fmt.Sprintf("%X", resp.Data),
			SW: fmt.Sprintf("%04X", uint16(resp.SW)), English: resp.SW.English(), Persian: resp.SW.Persian()})
	}
	return fmt.Sprintf("%X", a.Raw), out, nil
}
