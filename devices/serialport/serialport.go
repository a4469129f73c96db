// Package serialport lists and opens the desk's serial ports (the card
// reader and the receipt printer) through go.bug.st/serial, with the line
// settings of a device profile and clear errors for a busy, missing or
// forbidden port: Persian for the technician's screen, English for logs.
package serialport

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"syscall"
	"time"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"

	"github.com/pishkhan/pishkhan"
)

// Settings are a device's line settings.
type Settings struct {
	Baud        int           // e.g. 9600, 115200
	DataBits    int           // 7 or 8
	Parity      string        // "none", "even" or "odd"
	StopBits    int           // 1 or 2
	ReadTimeout time.Duration // how long a Read waits for the first byte; 0: forever
}

// Check refuses settings no port accepts.
func (s Settings) Check() error {
	switch {
	case s.Baud < 300 || s.Baud > 921600:
		return pishkhan.FieldError("baud", "سرعت درگاه باید بین ۳۰۰ و ۹۲۱۶۰۰ باشد.", "baud rate %d out of range", s.Baud)
	case s.DataBits != 7 && s.DataBits != 8:
		return pishkhan.FieldError("data_bits", "تعداد بیت داده باید ۷ یا ۸ باشد.", "data bits %d (7 or 8)", s.DataBits)
	case s.Parity != "none" && s.Parity != "even" && s.Parity != "odd":
		return pishkhan.FieldError("parity", "توازن باید none، even یا odd باشد.", "parity %q (none, even or odd)", s.Parity)
	case s.StopBits != 1 && s.StopBits != 2:
		return pishkhan.FieldError("stop_bits", "بیت پایان باید ۱ یا ۲ باشد.", "stop bits %d (1 or 2)", s.StopBits)
	case s.ReadTimeout < 0:
		return pishkhan.FieldError("read_timeout", "مهلت خواندن نمی‌تواند منفی باشد.", "negative read timeout")
	}
	return nil
}

func (s Settings) mode() *serial.Mode {
	m := &serial.Mode{BaudRate: s.Baud, DataBits: s.DataBits, StopBits: serial.OneStopBit}
	switch s.Parity {
	case "even":
		m.Parity = serial.EvenParity
	case "odd":
		m.Parity = serial.OddParity
	}
	if s.StopBits == 2 {
		m.StopBits = serial.TwoStopBits
	}
	return m
}

// PortInfo describes one serial port.
type PortInfo struct {
	Name    string // /dev/ttyUSB0, COM3
	USB     bool
	VID     string // USB vendor id, hex
	PID     string // USB product id, hex
	Serial  string // USB serial number
	Product string
}

// List returns the machine's serial ports, USB ones with their ids, sorted by name.
func List() ([]PortInfo, error) {
	ds, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, pishkhan.WrapError(err, pishkhan.EUnavailable, "فهرست درگاه‌های سریال خوانده نشد.", "list serial ports")
	}
	out := make([]PortInfo, 0, len(ds))
	for _, d := range ds {
		out = append(out, PortInfo{Name: d.Name, USB: d.IsUSB, VID: d.VID, PID: d.PID, Serial: d.SerialNumber, Product: d.Product})
	}
	sortPorts(out)
	return out, nil
}

// sortPorts orders ports by name.
func sortPorts(ps []PortInfo) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
}

// Open opens a port with the given settings. Its errors say in words what
// is wrong: busy, missing, not allowed, or settings the port refuses.
func Open(name string, s Settings) (serial.Port, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	p, err := serial.Open(name, s.mode())
	if err != nil {
		return nil, classify(name, err)
	}
	timeout := serial.NoTimeout
	if s.ReadTimeout > 0 {
		timeout = s.ReadTimeout
	}
	if err := p.SetReadTimeout(timeout); err != nil {
		p.Close()
		return nil, classify(name, err)
	}
	return p, nil
}

// classify turns the serial library's errors into the project's.
func classify(name string, err error) error {
	code := serial.PortErrorCode(-1)
	var pe *serial.PortError
	switch {
	case errors.As(err, &pe):
		code = pe.Code()
	case errors.Is(err, fs.ErrNotExist):
		code = serial.PortNotFound
	case errors.Is(err, fs.ErrPermission):
		code = serial.PermissionDenied
	case errors.Is(err, syscall.EBUSY):
		code = serial.PortBusy
	}
	switch code {
	case serial.PortBusy:
		return pishkhan.WrapError(err, pishkhan.EUnavailable,
			fmt.Sprintf("درگاه %s در دست برنامه دیگری است؛ آن برنامه را ببندید و دوباره تلاش کنید.", name), "serial port %s is busy", name)
	case serial.PortNotFound:
		return pishkhan.WrapError(err, pishkhan.ENotFound,
			fmt.Sprintf("درگاه %s پیدا نشد؛ اتصال کابل دستگاه را بررسی کنید.", name), "serial port %s not found", name)
	case serial.PermissionDenied:
		hint, en := "", ""
		if runtime.GOOS == "linux" {
			hint, en = " کاربر را به گروه dialout بیفزایید و دوباره وارد شوید.", " (add the user to the dialout group)"
		}
		return pishkhan.WrapError(err, pishkhan.EUnauthorized,
			fmt.Sprintf("اجازه دسترسی به درگاه %s نیست.%s", name, hint), "no permission to open serial port %s%s", name, en)
	case serial.InvalidSpeed, serial.InvalidDataBits, serial.InvalidParity, serial.InvalidStopBits, serial.InvalidTimeoutValue:
		return pishkhan.WrapError(err, pishkhan.EInvalid,
			fmt.Sprintf("درگاه %s این تنظیمات (سرعت، بیت داده، توازن یا بیت پایان) را نمی‌پذیرد.", name), "serial port %s refuses the settings", name)
	case serial.InvalidSerialPort:
		return pishkhan.WrapError(err, pishkhan.EInvalid,
			fmt.Sprintf("%s درگاه سریال نیست.", name), "%s is not a serial port", name)
	}
	return pishkhan.WrapError(err, pishkhan.EUnavailable, fmt.Sprintf("درگاه %s باز نشد.", name), "open serial port %s", name)
}
