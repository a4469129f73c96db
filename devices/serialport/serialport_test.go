package serialport

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/pishkhan/pishkhan"
)

var settings = Settings{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 1, ReadTimeout: time.Second}

// TestOverPseudoTerminal opens the slave side of a pty as a serial port and
// moves bytes both ways.
func TestOverPseudoTerminal(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	p, err := Open(slave.Name(), settings)
	if err != nil {
		t.Fatalf("open %s: %v", slave.Name(), err)
	}
	defer p.Close()
	if _, err := master.Write([]byte{0x03, 0x06, 0x00}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	n, err := p.Read(buf)
	if err != nil || n != 3 || buf[0] != 0x03 || buf[2] != 0x00 {
		t.Fatalf("read % x, %v", buf[:n], err)
	}
	if _, err := p.Write([]byte("\x1b@")); err != nil {
		t.Fatal(err)
	}
	n, err = master.Read(buf)
	if err != nil || string(buf[:n]) != "\x1b@" {
		t.Fatalf("the device got % x, %v", buf[:n], err)
	}
	// A read with nothing to read ends at the timeout, not forever.
	p.SetReadTimeout(50 * time.Millisecond)
	start := time.Now()
	if n, _ := p.Read(buf); n != 0 || time.Since(start) > 2*time.Second {
		t.Errorf("idle read: %d bytes after %s", n, time.Since(start))
	}
}

func TestOpenErrorsInWords(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "ttyUSB9"), settings)
	if pishkhan.ErrorCode(err) != pishkhan.ENotFound || pishkhan.PersianMessage(err) == "" {
		t.Errorf("missing port: %v (%q)", err, pishkhan.PersianMessage(err))
	}
	f := filepath.Join(t.TempDir(), "plain-file")
	os.WriteFile(f, nil, 0o600)
	if _, err := Open(f, settings); err == nil {
		t.Error("a plain file opened as a serial port")
	}
	if msg := pishkhan.PersianMessage(classify("/dev/ttyUSB0", fs.ErrPermission)); runtime.GOOS == "linux" && !strings.Contains(msg, "dialout") {
		t.Errorf("permission denied: %q should say to join the dialout group", msg)
	}
	if c := pishkhan.ErrorCode(classify("/dev/ttyUSB0", syscall.EBUSY)); c != pishkhan.EUnavailable {
		t.Errorf("busy: %s", c)
	}
	for _, bad := range []Settings{{Baud: 0, DataBits: 8, Parity: "none", StopBits: 1}, {Baud: 9600, DataBits: 9, Parity: "none", StopBits: 1},
		{Baud: 9600, DataBits: 8, Parity: "mark", StopBits: 1}, {Baud: 9600, DataBits: 8, Parity: "none", StopBits: 3}} {
		if _, err := Open("/dev/null", bad); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestList(t *testing.T) {
	if _, err := List(); err != nil {
		t.Fatal(err)
	}
	// A machine has few ports, often none: the order is checked on a fixed list.
	ps := []PortInfo{{Name: "/dev/ttyUSB1"}, {Name: "/dev/ttyACM0"}, {Name: "/dev/ttyUSB0"}}
	sortPorts(ps)
	if ps[0].Name != "/dev/ttyACM0" || ps[1].Name != "/dev/ttyUSB0" || ps[2].Name != "/dev/ttyUSB1" {
		t.Errorf("ports not sorted by name: %v", ps)
	}
}
