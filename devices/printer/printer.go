// Package printer drives an ESC/POS receipt printer on a serial port: it
// asks the printer's status (DLE EOT) before a job, sends the job's bytes,
// and asks again once they are out, so a job counts as printed only when
// the printer took all of it and still says it is fine. A port that goes
// away (a USB unplug) is reopened on the next call, under its old name or
// the new name the same USB device comes back with.
package printer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.bug.st/serial"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/serialport"
)

// chunk is how many bytes go out between context checks.
const chunk = 1024

// Printer is one receipt printer.
type Printer struct {
	link *serialport.Link
	log  *slog.Logger
	// StatusTimeout bounds the wait for the three status bytes. Default 2 s.
	StatusTimeout time.Duration
	// Settle is how long to wait after the last byte before asking the
	// status that decides whether the job printed. A printer answers DLE
	// EOT as soon as it reads it, possibly before it has printed what it
	// buffered; give it the time its buffer takes to print. Default 0.
	Settle time.Duration
}

// New returns a driver for the printer on link.
func New(link *serialport.Link, log *slog.Logger) *Printer {
	if log == nil {
		log = slog.Default()
	}
	return &Printer{link: link, log: log, StatusTimeout: 2 * time.Second}
}

// Close closes the port.
func (p *Printer) Close() error { return p.link.Close() }

// NotReadyError is a printer that says it cannot print.
type NotReadyError struct{ Status escpos.Status }

func (e *NotReadyError) Error() string { return "printer not ready: " + e.Status.English() }

// notReady wraps a bad status as the project's typed error, Persian words included.
func notReady(port string, s escpos.Status, during bool) error {
	msg, en := s.Persian()+".", "printer on %s"
	if during {
		msg, en = "چاپ کامل نشد: "+s.Persian()+". پس از رفع مشکل، رسید را دوباره چاپ کنید.", "printing on %s stopped"
	}
	return pishkhan.WrapError(&NotReadyError{s}, pishkhan.EUnavailable, msg, en, port)
}

// Status asks the printer how it is (DLE EOT 1, 2 and 4).
func (p *Printer) Status(ctx context.Context) (escpos.Status, error) {
	port, err := p.link.Port(ctx)
	if err != nil {
		return escpos.Status{}, err
	}
	s, err := p.status(ctx, port)
	var l lostError
	if errors.As(err, &l) {
		p.link.Reset(err)
	}
	return s, err
}

// lostError marks an I/O error on the port: the device may be gone.
type lostError struct{ error }

func (e lostError) Unwrap() error { return e.error }

type timeoutError struct{ error }

func isTimeout(err error) bool {
	var t timeoutError
	return errors.As(err, &t)
}

func (p *Printer) status(ctx context.Context, port serial.Port) (escpos.Status, error) {
	if err := port.ResetInputBuffer(); err != nil {
		return escpos.Status{}, p.lost(err)
	}
	if _, err := port.Write(escpos.StatusQueries); err != nil {
		return escpos.Status{}, p.lost(err)
	}
	deadline := time.Now().Add(p.StatusTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	var got []byte
	buf := make([]byte, 8)
	for len(got) < 3 {
		left := time.Until(deadline)
		if left <= 0 {
			return escpos.Status{}, pishkhan.WrapError(timeoutError{fmt.Errorf("printer on %s: %d of 3 status bytes in %s", p.link.Name(), len(got), p.StatusTimeout)},
				pishkhan.EUnavailable, "چاپگر پاسخ نمی‌دهد؛ روشن بودن و کابل آن را بررسی کنید.", "printer on %s does not answer", p.link.Name())
		}
		if err := port.SetReadTimeout(min(left, 100*time.Millisecond)); err != nil {
			return escpos.Status{}, p.lost(err)
		}
		n, err := port.Read(buf)
		if err != nil {
			return escpos.Status{}, p.lost(err)
		}
		got = append(got, buf[:n]...)
		if ctx.Err() != nil {
			return escpos.Status{}, ctx.Err()
		}
	}
	s, err := escpos.ParseStatus(got[:3])
	if err != nil {
		return escpos.Status{}, pishkhan.WrapError(err, pishkhan.EUnavailable,
			"پاسخ چاپگر خوانا نیست؛ سرعت درگاه (baud) را با تنظیمات چاپگر یکی کنید.", "printer on %s: unreadable status", p.link.Name())
	}
	return s, nil
}

// lost is an I/O error on the port in words.
func (p *Printer) lost(err error) error {
	return pishkhan.WrapError(lostError{err}, pishkhan.EUnavailable,
		"ارتباط با چاپگر قطع شد؛ کابل آن را بررسی کنید.", "printer on %s: connection lost", p.link.Name())
}

// Print sends one job. It refuses to start on a printer that is not ready,
// and reports the job printed (nil) only when every byte went out and the
// printer's status afterwards is still good. Any error means the job may
// be incomplete on paper; the caller keeps it pending.
func (p *Printer) Print(ctx context.Context, job []byte) error {
	port, err := p.link.Port(ctx)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		var l lostError
		if errors.As(err, &l) {
			p.link.Reset(err)
		}
		return err
	}
	s, err := p.status(ctx, port)
	if err != nil {
		return fail(err)
	}
	if !s.OK() {
		return notReady(p.link.Name(), s, false)
	}
	start := time.Now()
	for off := 0; off < len(job); off += chunk {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("printing stopped after %d of %d bytes: %w", off, len(job), err)
		}
		end := min(off+chunk, len(job))
		if _, err := port.Write(job[off:end]); err != nil {
			return fail(p.lost(err))
		}
	}
	if err := port.Drain(); err != nil {
		return fail(p.lost(err))
	}
	p.log.Debug("printer job sent", "port", p.link.Name(), "bytes", len(job), "took", time.Since(start))
	if p.Settle > 0 {
		select {
		case <-time.After(p.Settle):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s, err = p.status(ctx, port)
	if err != nil {
		return fail(err)
	}
	if !s.OK() {
		return notReady(p.link.Name(), s, true)
	}
	p.log.Info("receipt printed", "port", p.link.Name(), "bytes", len(job), "took", time.Since(start).Round(time.Millisecond), "near_end", s.PaperNearEnd)
	return nil
}
