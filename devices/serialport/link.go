package serialport

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
	"go.bug.st/serial"

	"github.com/pishkhan/pishkhan"
)

// Link is one serial device that survives being unplugged: it opens the
// port when first used, and after a driver reports the port broken (Reset)
// it opens it again on the next use — under the same name, or, when a USB
// device comes back under another name (ttyUSB0 → ttyUSB1, COM3 → COM4),
// the port with the same USB vendor, product and serial number.
type Link struct {
	name     string
	settings Settings
	// List finds the machine's ports; tests replace it. Default: List.
	List func() ([]PortInfo, error)
	// OpenTimeout bounds how long Port keeps retrying a port that is not
	// there, unless the context ends first. Default 5 s.
	OpenTimeout time.Duration
	Log         *slog.Logger

	mu       sync.Mutex
	port     serial.Port
	current  string    // the name the port was opened under
	identity *PortInfo // the USB device, learned at the first open
}

// NewLink returns a link to the named port; nothing is opened yet.
func NewLink(name string, s Settings) *Link {
	return &Link{name: name, settings: s, List: List, OpenTimeout: 5 * time.Second, Log: slog.Default()}
}

// Name is the port's name as configured, or as found again after a replug.
func (l *Link) Name() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.current != "" {
		return l.current
	}
	return l.name
}

// Settings are the link's line settings.
func (l *Link) Settings() Settings { return l.settings }

// Port returns the open port, opening it (again) if needed. A port that is
// missing is looked for again with backoff until OpenTimeout or ctx ends;
// a busy or forbidden port fails at once, since waiting does not help.
func (l *Link) Port(ctx context.Context) (serial.Port, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.port != nil {
		return l.port, nil
	}
	ctx, cancel := context.WithTimeout(ctx, l.OpenTimeout)
	defer cancel()
	b := backoff.NewExponentialBackOff(backoff.WithInitialInterval(50*time.Millisecond), backoff.WithMaxInterval(time.Second), backoff.WithMaxElapsedTime(0))
	var p serial.Port
	var name string
	var last error
	err := backoff.Retry(func() error {
		var err error
		name = l.find()
		p, err = Open(name, l.settings)
		if err == nil {
			return nil
		}
		last = err
		if pishkhan.ErrorCode(err) == pishkhan.ENotFound {
			return err // may come back: retry
		}
		return backoff.Permanent(err)
	}, backoff.WithContext(b, ctx))
	if err != nil {
		var pe *backoff.PermanentError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if last != nil && pishkhan.ErrorCode(err) == pishkhan.EInternal {
			err = last // the context ended while the port was missing
		}
		return nil, err
	}
	if name != l.current && l.current != "" {
		l.Log.Info("serial device found under a new name", "was", l.current, "now", name)
	}
	l.port, l.current = p, name
	if l.identity == nil {
		l.identity = l.lookup(name)
	}
	return p, nil
}

// find is the name to open: the configured one when it exists, else the
// port carrying the same USB device as before.
func (l *Link) find() string {
	name := l.current
	if name == "" {
		name = l.name
	}
	if l.identity == nil || l.List == nil {
		return name
	}
	ports, err := l.List()
	if err != nil {
		return name
	}
	for _, p := range ports {
		if p.Name == name {
			return name
		}
	}
	for _, p := range ports {
		if p.USB && p.VID == l.identity.VID && p.PID == l.identity.PID && p.Serial == l.identity.Serial {
			return p.Name
		}
	}
	return name
}

// lookup is the USB identity of the named port, if it is a USB device with
// a serial number (without one, two identical adapters are ambiguous).
func (l *Link) lookup(name string) *PortInfo {
	if l.List == nil {
		return nil
	}
	ports, err := l.List()
	if err != nil {
		return nil
	}
	for _, p := range ports {
		if p.Name == name && p.USB && p.Serial != "" {
			return &p
		}
	}
	return nil
}

// Reset closes the port after an I/O error; the next Port opens it again.
func (l *Link) Reset(cause error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.port == nil {
		return
	}
	l.Log.Warn("serial port reset", "port", l.current, "cause", cause)
	l.port.Close()
	l.port = nil
}

// Close closes the port.
func (l *Link) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.port == nil {
		return nil
	}
	err := l.port.Close()
	l.port = nil
	return err
}
