package main

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pishkhan/pishkhan/atomicfile"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/devices/cardprofile"
	"github.com/pishkhan/pishkhan/devices/cardreader"
	"github.com/pishkhan/pishkhan/devices/cardsim"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/iso7816"
	"github.com/pishkhan/pishkhan/devices/printer"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/devices/receipt"
	"github.com/pishkhan/pishkhan/devices/serialport"
	"github.com/pishkhan/pishkhan/store"
)

// profileNames lists the printer profiles a technician can name.
func profileNames() string { return strings.Join(desk.PrinterProfileNames(), ", ") }

// lineFlags are a serial device's flags: port, line settings, and --sim to
// use an in-process simulator instead of hardware.
type lineFlags struct {
	port     string
	baud     int
	dataBits int
	parity   string
	stopBits int
	timeout  time.Duration
	sim      bool
}

func (l *lineFlags) add(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	BoolVar(*bool, string, bool, string)
}, baud, stopBits int) {
	fs.StringVar(&l.port, "port", "", "serial port (/dev/ttyUSB0, COM3)")
	fs.IntVar(&l.baud, "baud", baud, "baud rate")
	fs.IntVar(&l.dataBits, "data-bits", 8, "data bits (7 or 8)")
	fs.StringVar(&l.parity, "parity", "none", "parity: none, even or odd")
	fs.IntVar(&l.stopBits, "stop-bits", stopBits, "stop bits (1 or 2)")
	fs.DurationVar(&l.timeout, "read-timeout", 100*time.Millisecond, "how long one read waits")
	fs.BoolVar(&l.sim, "sim", false, "use a simulated device on a pseudo-terminal instead of --port")
}

func (l *lineFlags) settings() serialport.Settings {
	return serialport.Settings{Baud: l.baud, DataBits: l.dataBits, Parity: l.parity, StopBits: l.stopBits, ReadTimeout: l.timeout}
}

// fromConfig fills in the port and line settings the technician saved
// (pishkhan devices configure) when --port is not given and the desk exists;
// flags given explicitly win.
func (l *lineFlags) fromConfig(e *env, fs *flag.FlagSet, kind store.DeviceKind, profile *string) {
	if l.port != "" || l.sim {
		return
	}
	if e.resolveData() != nil {
		return
	}
	if _, err := os.Stat(filepath.Join(e.dataDir, desk.DBFile)); err != nil {
		return
	}
	d, err := e.openDesk()
	if err != nil {
		return
	}
	defer d.Close()
	c, ok, err := d.Store.Device(e.ctx, kind)
	if err != nil || !ok {
		return
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	l.port = c.Port
	if !set["baud"] {
		l.baud = c.Baud
	}
	if !set["data-bits"] {
		l.dataBits = c.DataBits
	}
	if !set["parity"] {
		l.parity = c.Parity
	}
	if !set["stop-bits"] {
		l.stopBits = c.StopBits
	}
	if profile != nil && !set["profile"] && c.Profile != "" {
		*profile = c.Profile
	}
}

func (l *lineFlags) check() error {
	if l.port == "" && !l.sim {
		return usagef("--port is required (or --sim for a simulated device); 'pishkhan devices list' shows the ports")
	}
	if err := l.settings().Check(); err != nil {
		return usagef("%v", err)
	}
	return nil
}

func cmdDevices(e *env, args []string) error {
	if e.log == nil {
		e.log = e.logger(slog.LevelWarn, nil)
	}
	if len(args) == 0 {
		return usagef("devices list | config | configure printer|reader | status | test-print | read-card | apdu HEX…")
	}
	switch args[0] {
	case "list":
		return cmdDevicesList(e, args[1:])
	case "status":
		return cmdDevicesStatus(e, args[1:])
	case "test-print":
		return cmdDevicesTestPrint(e, args[1:])
	case "read-card":
		return cmdDevicesReadCard(e, args[1:])
	case "apdu":
		return cmdDevicesAPDU(e, args[1:])
	case "configure":
		return cmdDevicesConfigure(e, args[1:])
	case "config":
		return cmdDevicesConfig(e, args[1:])
	}
	return usagef("unknown devices command %q; devices list | config | configure | status | test-print | read-card | apdu", args[0])
}

func cmdDevicesList(e *env, args []string) error {
	fs := newFlags(e, "devices list")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	ports, err := serialport.List()
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"ports": ports}, func(w io.Writer) {
		if len(ports) == 0 {
			fmt.Fprintln(w, "no serial ports found (is the device plugged in? on Linux, is the user in the dialout group?)")
			return
		}
		for _, p := range ports {
			if p.USB {
				fmt.Fprintf(w, "%-16s USB %s:%s  serial %-14s %s\n", p.Name, p.VID, p.PID, orDash(p.Serial), p.Product)
			} else {
				fmt.Fprintf(w, "%-16s (not USB)\n", p.Name)
			}
		}
	})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// openPrinter opens the printer the flags name, starting a simulator for --sim.
func (e *env) openPrinter(l *lineFlags) (*printer.Printer, *printersim.Sim, error) {
	var sim *printersim.Sim
	if l.sim {
		var err error
		if sim, err = printersim.Start(printersim.Options{Log: e.log}); err != nil {
			return nil, nil, err
		}
		l.port = sim.PortName()
	}
	link := serialport.NewLink(l.port, l.settings())
	if e.log != nil {
		link.Log = e.log
	}
	return printer.New(link, e.log), sim, nil
}

func cmdDevicesStatus(e *env, args []string) error {
	fs := newFlags(e, "devices status")
	var l lineFlags
	l.add(fs, 0, 1)
	prof := fs.String("profile", escpos.Profile80.Name, "printer profile, for its baud rate when --baud is not given: "+profileNames())
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	l.fromConfig(e, fs, store.DevicePrinter, prof)
	if p, ok := desk.PrinterProfile(*prof); !ok {
		return usagef("unknown printer profile %q; one of %s", *prof, profileNames())
	} else if l.baud == 0 {
		l.baud = p.Baud
	}
	if err := firstErr(noArgs(pos), l.check()); err != nil {
		return err
	}
	p, sim, err := e.openPrinter(&l)
	if err != nil {
		return err
	}
	if sim != nil {
		defer sim.Close() // after the driver lets go of the port
	}
	defer p.Close()
	s, err := p.Status(e.ctx)
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"port": l.port, "ok": s.OK(), "status": s, "words": s.English(), "words_fa": s.Persian()}, func(w io.Writer) {
		fmt.Fprintf(w, "printer on %s: %s\n%s\n", l.port, s.English(), s.Persian())
	})
}

func cmdDevicesTestPrint(e *env, args []string) error {
	fs := newFlags(e, "devices test-print")
	var l lineFlags
	l.add(fs, 0, 1)
	prof := fs.String("profile", escpos.Profile80.Name, "printer profile: "+profileNames())
	preview := fs.String("preview", "test-print.png", "write a PNG of the test receipt (as sent, or as it would have been) here (empty: none)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	l.fromConfig(e, fs, store.DevicePrinter, prof)
	p, ok := desk.PrinterProfile(*prof)
	if !ok {
		return usagef("unknown printer profile %q; one of %s", *prof, profileNames())
	}
	if l.baud == 0 {
		l.baud = p.Baud
	}
	if err := firstErr(noArgs(pos), l.check()); err != nil {
		return err
	}
	z, err := escpos.NewRasterizer()
	if err != nil {
		return err
	}
	enc, err := escpos.NewEncoder(p, z)
	if err != nil {
		return err
	}
	data, err := enc.Encode(receipt.Build(receipt.Sample(), p.HeadDots))
	if err != nil {
		return err
	}
	if *preview != "" {
		if err := writePreview(*preview, data, p); err != nil {
			return err
		}
	}
	pr, sim, err := e.openPrinter(&l)
	if err != nil {
		return err
	}
	if sim != nil {
		defer sim.Close() // after the driver lets go of the port
	}
	defer pr.Close()
	start := time.Now()
	if err := pr.Print(e.ctx, data); err != nil {
		return err
	}
	took := time.Since(start)
	line := float64(len(data)) * 10 / float64(l.baud)
	return e.emit(map[string]any{"port": l.port, "profile": p.Name, "bytes": len(data), "seconds_on_line": line, "took_s": took.Seconds(), "preview": *preview},
		func(w io.Writer) {
			fmt.Fprintf(w, "test receipt printed on %s (%s): %d bytes, %.2f s on the line at %d baud", l.port, p.Name, len(data), line, l.baud)
			if *preview != "" {
				fmt.Fprintf(w, "; preview %s", *preview)
			}
			fmt.Fprintln(w)
		})
}

// writePreview draws ESC/POS bytes as the paper would come out.
func writePreview(path string, data []byte, p escpos.Profile) error {
	img, err := desk.Preview(data, p)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	return atomicfile.Write(path, ".pishkhan-*.tmp", b.Bytes())
}

// openReader opens the card reader the flags name, starting a simulator
// with the demo card for --sim.
func (e *env) openReader(l *lineFlags, pin string) (*cardreader.Reader, *cardsim.Sim, error) {
	var sim *cardsim.Sim
	if l.sim {
		card, err := cardsim.DemoCard(cardsim.DemoCitizen(), pin)
		if err != nil {
			return nil, nil, err
		}
		if sim, err = cardsim.Start(e.ctx, cardsim.Options{Card: card, Log: e.log}); err != nil {
			return nil, nil, err
		}
		l.port = sim.PortName()
	}
	s := l.settings()
	r, err := cardreader.Open(e.ctx, l.port, cardreader.Options{Settings: s, ReadTimeout: max(l.timeout, 3*time.Second), PollInterval: -1, NoReconnect: true, Log: e.log})
	if err != nil {
		if sim != nil {
			sim.Close()
		}
		return nil, nil, err
	}
	return r, sim, nil
}

func cmdDevicesReadCard(e *env, args []string) error {
	fs := newFlags(e, "devices read-card")
	var l lineFlags
	l.add(fs, cardreader.Settings.Baud, cardreader.Settings.StopBits)
	pin := fs.String("pin", "", "the card holder's PIN, if the card asks for one (also PISHKHAN_CARD_PIN)")
	simPIN := fs.String("sim-pin", "", "with --sim: the simulated card's PIN (empty: a card without one)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	l.fromConfig(e, fs, store.DeviceCardReader, nil)
	if err := firstErr(noArgs(pos), l.check()); err != nil {
		return err
	}
	if *pin == "" {
		*pin = os.Getenv("PISHKHAN_CARD_PIN")
	}
	r, sim, err := e.openReader(&l, *simPIN)
	if err != nil {
		return err
	}
	if sim != nil {
		defer sim.Close() // after the driver lets go of the port
	}
	defer r.Close()
	c, err := r.ReadCitizen(e.ctx, cardprofile.Demo{}, cardprofile.ReadOptions{PIN: *pin})
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"port": l.port, "firmware": r.Firmware(), "national_code": c.NationalCode, "first_name": c.FirstName,
		"last_name": c.LastName, "father_name": c.FatherName, "birth_date": c.BirthDate}, func(w io.Writer) {
		fmt.Fprintf(w, "card on %s (reader %s), demo profile\n", l.port, r.Firmware())
		fmt.Fprintf(w, "national code  %s\nname           %s %s\nfather's name  %s\nbirth date     %s\n",
			c.NationalCode, c.FirstName, c.LastName, c.FatherName, c.BirthDate)
	})
}

func cmdDevicesAPDU(e *env, args []string) error {
	fs := newFlags(e, "devices apdu")
	var l lineFlags
	l.add(fs, cardreader.Settings.Baud, cardreader.Settings.StopBits)
	raw := fs.Bool("raw", false, "send the bytes as they are (no GET RESPONSE after 61xx, no resend after 6Cxx)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("devices apdu HEX…: give one or more APDUs in hex, e.g. 00A4040007A0000000031010")
	}
	var cmds [][]byte
	for _, h := range pos {
		b, err := hex.DecodeString(strings.NewReplacer(" ", "", ":", "", "-", "").Replace(h))
		if err != nil {
			return usagef("APDU %q is not hex: %v", h, err)
		}
		if _, err := iso7816.ParseCommand(b); err != nil {
			return usagef("APDU %s: %v", h, err)
		}
		cmds = append(cmds, b)
	}
	l.fromConfig(e, fs, store.DeviceCardReader, nil)
	if err := l.check(); err != nil {
		return err
	}
	r, sim, err := e.openReader(&l, "")
	if err != nil {
		return err
	}
	if sim != nil {
		defer sim.Close() // after the driver lets go of the port
	}
	defer r.Close()
	card, atr, err := r.Connect(e.ctx)
	if err != nil {
		return err
	}
	type exchange struct {
		Command  string `json:"command"`
		Response string `json:"response"`
		SW       string `json:"sw"`
		Meaning  string `json:"meaning"`
		MeaningF string `json:"meaning_fa"`
	}
	var out []exchange
	for _, b := range cmds {
		var resp iso7816.Response
		if *raw {
			resp, err = card.Transmit(e.ctx, b)
		} else {
			cmd, _ := iso7816.ParseCommand(b)
			resp, err = card.Send(e.ctx, cmd)
		}
		if err != nil {
			return fmt.Errorf("APDU %X: %w", b, err)
		}
		out = append(out, exchange{fmt.Sprintf("%X", b), fmt.Sprintf("%X", resp.Data), fmt.Sprintf("%04X", uint16(resp.SW)), resp.SW.English(), resp.SW.Persian()})
	}
	return e.emit(map[string]any{"port": l.port, "atr": fmt.Sprintf("%X", atr.Raw), "exchanges": out}, func(w io.Writer) {
		fmt.Fprintf(w, "ATR %X\n", atr.Raw)
		for _, x := range out {
			fmt.Fprintf(w, "> %s\n< %s %s  %s\n", x.Command, x.Response, x.SW, x.Meaning)
		}
	})
}

func cmdDevicesConfigure(e *env, args []string) error {
	if len(args) == 0 || (args[0] != "printer" && args[0] != "reader") {
		return usagef("devices configure printer|reader --port PORT [--baud N] [--profile NAME]")
	}
	kind, isPrinter := store.DeviceCardReader, args[0] == "printer"
	fs := newFlags(e, "devices configure "+args[0])
	var l lineFlags
	prof := new(string)
	if isPrinter {
		kind = store.DevicePrinter
		l.add(fs, 0, 1)
		prof = fs.String("profile", escpos.Profile80.Name, "printer profile: "+profileNames())
	} else {
		l.add(fs, cardreader.Settings.Baud, cardreader.Settings.StopBits)
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if l.port == "" {
		return usagef("--port is required; 'pishkhan devices list' shows the ports")
	}
	if isPrinter {
		p, ok := desk.PrinterProfile(*prof)
		if !ok {
			return usagef("unknown printer profile %q; one of %s", *prof, profileNames())
		}
		if l.baud == 0 {
			l.baud = p.Baud
		}
	}
	d, by, err := e.openDeskAs()
	if err != nil {
		return err
	}
	defer d.Close()
	c := store.DeviceSettings{Kind: kind, Port: l.port, Baud: l.baud, DataBits: l.dataBits, Parity: l.parity, StopBits: l.stopBits, Profile: *prof}
	if err := d.ConfigureDevice(e.ctx, c, by); err != nil {
		return err
	}
	return cmdDevicesConfig(e, nil)
}

func cmdDevicesConfig(e *env, args []string) error {
	fs := newFlags(e, "devices config")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	out := map[string]any{}
	var lines []string
	for _, k := range []store.DeviceKind{store.DevicePrinter, store.DeviceCardReader} {
		c, ok, err := d.Store.Device(e.ctx, k)
		if err != nil {
			return err
		}
		if !ok {
			out[string(k)] = nil
			lines = append(lines, fmt.Sprintf("%-12s not configured", k))
			continue
		}
		out[string(k)] = map[string]any{"port": c.Port, "baud": c.Baud, "data_bits": c.DataBits, "parity": c.Parity, "stop_bits": c.StopBits,
			"profile": c.Profile, "usb_serial": c.USBSerial}
		line := fmt.Sprintf("%-12s %s %d %d%s%d", k, c.Port, c.Baud, c.DataBits, strings.ToUpper(c.Parity[:1]), c.StopBits)
		if c.Profile != "" {
			line += " profile " + c.Profile
		}
		if c.USBSerial != "" {
			line += " (USB serial " + c.USBSerial + ")"
		}
		lines = append(lines, line)
	}
	return e.emit(out, func(w io.Writer) {
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
	})
}
