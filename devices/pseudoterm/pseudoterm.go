// Package pseudoterm opens the pseudo-terminals the device simulators sit
// behind: the slave side is what a driver opens as its serial port, in raw
// mode as a serial line is; the master side is the simulated device's end,
// pollable, so that closing it (an unplugged cable) ends a read in progress.
package pseudoterm

import (
	"fmt"
	"os"

	"github.com/creack/pty"
)

// Open opens a pseudo-terminal: master for the simulated device, slave for
// the driver (slave.Name() is the port's path).
func Open() (master, slave *os.File, err error) {
	m, sl, err := pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open a pseudo-terminal: %w", err)
	}
	if m, err = pollable(m); err != nil {
		sl.Close()
		return nil, nil, fmt.Errorf("pseudo-terminal master: %w", err)
	}
	if err := makeRaw(sl); err != nil {
		m.Close()
		sl.Close()
		return nil, nil, fmt.Errorf("raw mode on %s: %w", sl.Name(), err)
	}
	return m, sl, nil
}
