package escpos

import (
	"fmt"
	"strings"
)

// Status is what a printer says of itself in answer to DLE EOT 1, 2 and 4.
type Status struct {
	Offline      bool
	CoverOpen    bool
	PaperOut     bool
	PaperNearEnd bool
	Error        bool // a mechanical, cutter or unrecoverable error
}

// OK reports whether the printer can print.
func (s Status) OK() bool { return !s.Offline && !s.CoverOpen && !s.PaperOut && !s.Error }

// StatusQueries are the DLE EOT queries to send, in order; ParseStatus
// reads the three answer bytes.
var StatusQueries = []byte{dle, eot, 1, dle, eot, 2, dle, eot, 4}

// ParseStatus reads the answers to DLE EOT 1 (printer), 2 (offline cause)
// and 4 (paper roll sensor). Each status byte has bits 1 and 4 set and bits 0
// and 7 clear (fixed in every DLE EOT answer); anything else is refused (a corrupt or foreign byte).
func ParseStatus(b []byte) (Status, error) {
	var s Status
	if len(b) != 3 {
		return s, fmt.Errorf("printer status: %d bytes, want 3", len(b))
	}
	for i, c := range b {
		if c&0x93 != 0x12 {
			return s, fmt.Errorf("printer status byte %d is 0x%02x, not a DLE EOT answer", i+1, c)
		}
	}
	s.Offline = b[0]&0x08 != 0
	s.CoverOpen = b[1]&0x04 != 0
	s.PaperOut = b[1]&0x20 != 0 || b[2]&0x60 == 0x60
	s.Error = b[1]&0x40 != 0
	s.PaperNearEnd = b[2]&0x0c == 0x0c
	return s, nil
}

// StatusBytes is the inverse of ParseStatus: what a printer in status s
// answers (the printer simulator uses it).
func StatusBytes(s Status) []byte {
	b := []byte{0x12, 0x12, 0x12}
	if s.Offline || s.CoverOpen || s.PaperOut || s.Error {
		b[0] |= 0x08
	}
	if s.CoverOpen {
		b[1] |= 0x04
	}
	if s.PaperOut {
		b[1] |= 0x20
		b[2] |= 0x60
	}
	if s.Error {
		b[1] |= 0x40
	}
	if s.PaperNearEnd {
		b[2] |= 0x0c
	}
	return b
}

// Persian is the status in words for the clerk.
func (s Status) Persian() string {
	var parts []string
	if s.CoverOpen {
		parts = append(parts, "درِ چاپگر باز است")
	}
	if s.PaperOut {
		parts = append(parts, "کاغذ چاپگر تمام شده است")
	} else if s.PaperNearEnd {
		parts = append(parts, "کاغذ چاپگر رو به پایان است")
	}
	if s.Error {
		parts = append(parts, "چاپگر خطای سخت‌افزاری دارد")
	}
	if s.Offline && !s.CoverOpen && !s.PaperOut && !s.Error {
		parts = append(parts, "چاپگر آفلاین است")
	}
	if len(parts) == 0 {
		return "چاپگر آماده است"
	}
	return strings.Join(parts, "؛ ")
}

// English is the status in words for logs and the CLI.
func (s Status) English() string {
	var parts []string
	for _, f := range []struct {
		on   bool
		name string
	}{{s.Offline, "offline"}, {s.CoverOpen, "cover open"}, {s.PaperOut, "paper out"}, {s.PaperNearEnd, "paper near end"}, {s.Error, "error"}} {
		if f.on {
			parts = append(parts, f.name)
		}
	}
	if len(parts) == 0 {
		return "ready"
	}
	return strings.Join(parts, ", ")
}
