//go:build linux || darwin

package pseudoterm

import (
	"os"
	"syscall"
)

// pollable returns f as a non-blocking, poller-managed file, so that
// closing it (Unplug) ends a Read in progress; f itself is closed, on an
// error too. creack/pty's ioctls leave the master in blocking mode, where
// Close waits for the Read to return.
func pollable(f *os.File) (*os.File, error) {
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		f.Close()
		return nil, err
	}
	f.Close()
	syscall.CloseOnExec(fd)
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}
