// Package printersim is an ESC/POS receipt printer on a pseudo-terminal,
// for tests, the demo and a technician without hardware. It reads what the
// driver sends byte for byte with the same strict decoder the golden tests
// use, answers DLE EOT status queries in real time, keeps each job (from
// ESC @ to the cut) as decoded commands, and renders a job as the paper
// would come out (PNG) and as plain text. It can be told to run out of
// paper — at once or after so many dot rows, in the middle of a job — to go
// offline, to open its cover, or to be unplugged and plugged back in.
//
// Paper-out and offline behave as a cautious printer does: printing stops,
// whatever arrives is read but not printed until the next ESC @, and status
// queries are still answered, so the driver learns why the job failed.
package printersim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/pseudoterm"
)

// Options configure a simulated printer.
type Options struct {
	HeadDots int // 384 or 576 (default 576)
	// PaperRows is how many dot rows of paper are left; 0 means an endless roll.
	PaperRows int
	Log       *slog.Logger
}

// Job is what the printer received from one ESC @ to the cut after it.
type Job struct {
	Ops []escpos.Op // the commands, in order (status queries left out)
	Cut bool        // the job ended with a cut
	// Stopped says why printing stopped before the end ("paper out",
	// "offline", "cover open"); empty when everything was printed.
	Stopped string
	// Printed is how many of Ops reached the paper.
	Printed int
	// Garbage lists bytes the printer could not read, with where.
	Garbage []string
	Bytes   int // bytes received for this job
}

// Sim is a running simulated printer.
type Sim struct {
	opts Options
	log  *slog.Logger

	mu        sync.Mutex
	master    *os.File
	slave     *os.File // kept open so the line stays up between driver sessions
	status    escpos.Status
	paperLeft int // dot rows; <0: endless
	buf       []byte
	cur       *Job
	stopped   string // set when printing stops, until the next ESC @
	jobs      []Job
	received  int
	queries   int
	textOpen  bool // the last op was text that ran to the end of the bytes read
	changed   chan struct{}
	closed    bool
	wg        sync.WaitGroup
}

// Start opens a pseudo-terminal and starts reading it.
func Start(opts Options) (*Sim, error) {
	if opts.HeadDots == 0 {
		opts.HeadDots = 576
	}
	if opts.HeadDots != 384 && opts.HeadDots != 576 {
		return nil, fmt.Errorf("printer simulator: head of %d dots; 384 or 576", opts.HeadDots)
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Sim{opts: opts, log: opts.Log, paperLeft: -1, changed: make(chan struct{})}
	if opts.PaperRows > 0 {
		s.paperLeft = opts.PaperRows
	}
	if err := s.plug(); err != nil {
		return nil, err
	}
	return s, nil
}

// plug opens a fresh pseudo-terminal and starts its reader.
func (s *Sim) plug() error {
	master, slave, err := pseudoterm.Open()
	if err != nil {
		return fmt.Errorf("printer simulator: %w", err)
	}
	s.mu.Lock()
	s.master, s.slave = master, slave
	s.buf = nil
	s.mu.Unlock()
	s.wg.Add(1)
	go s.read(master)
	s.log.Info("printer simulator listening", "port", slave.Name())
	return nil
}

// PortName is the device path a driver opens (the pty's slave side). It
// changes after Unplug and Plug, as a USB device's name may.
func (s *Sim) PortName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slave == nil {
		return ""
	}
	return s.slave.Name()
}

// Unplug pulls the cable: the pseudo-terminal goes away and the driver's
// reads and writes fail.
func (s *Sim) Unplug() {
	s.mu.Lock()
	m, sl := s.master, s.slave
	s.master, s.slave = nil, nil
	s.mu.Unlock()
	if m != nil {
		m.Close()
		sl.Close()
	}
	s.wg.Wait()
}

// Plug puts the cable back: a new pseudo-terminal (with a new name).
func (s *Sim) Plug() error {
	s.mu.Lock()
	up := s.master != nil
	s.mu.Unlock()
	if up {
		return nil
	}
	return s.plug()
}

// Close stops the simulator.
func (s *Sim) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.Unplug()
	return nil
}

func (s *Sim) read(master *os.File) {
	defer s.wg.Done()
	b := make([]byte, 4096)
	for {
		n, err := master.Read(b)
		if n > 0 {
			s.feed(master, b[:n])
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				s.log.Debug("printer simulator: read ended", "err", err)
			}
			return
		}
	}
}

// feed takes bytes off the line and runs every complete command.
func (s *Sim) feed(master *os.File, b []byte) {
	s.mu.Lock()
	s.received += len(b)
	s.buf = append(s.buf, b...)
	var answers []byte
	for len(s.buf) > 0 {
		op, n, err := escpos.Next(s.buf)
		var de *escpos.DecodeError
		if errors.As(err, &de) && de.Short {
			break
		}
		if err != nil {
			// A byte the printer cannot read: note it, skip it, go on.
			s.job().Garbage = append(s.job().Garbage, err.Error())
			s.job().Bytes++
			s.buf = s.buf[1:]
			continue
		}
		s.buf = s.buf[n:]
		if op.Kind == escpos.OpStatusQuery {
			s.queries++
			answers = append(answers, s.answer(op.N))
			continue
		}
		s.run(op, n)
		// A text run ends where the bytes that have arrived end; the rest
		// of the line, when it comes, belongs to the same op.
		s.textOpen = op.Kind == escpos.OpText && len(s.buf) == 0
	}
	if len(s.buf) == 0 {
		s.buf = nil
	}
	s.mu.Unlock()
	if len(answers) > 0 {
		if _, err := master.Write(answers); err != nil {
			s.log.Debug("printer simulator: answer not sent", "err", err)
		}
	}
}

// answer is the real-time reply to DLE EOT n.
func (s *Sim) answer(n int) byte {
	b := escpos.StatusBytes(s.status)
	switch n {
	case 1:
		return b[0]
	case 2:
		return b[1]
	case 3:
		if s.status.Error {
			return 0x12 | 0x20
		}
		return 0x12
	default:
		return b[2]
	}
}

func (s *Sim) job() *Job {
	if s.cur == nil {
		s.cur = &Job{}
	}
	return s.cur
}

// finish closes the current job.
func (s *Sim) finish(cut bool) {
	if s.cur == nil {
		return
	}
	j := *s.cur
	j.Cut = cut
	s.jobs = append(s.jobs, j)
	s.cur = nil
	close(s.changed)
	s.changed = make(chan struct{})
}

// run carries out one command.
func (s *Sim) run(op escpos.Op, n int) {
	if op.Kind == escpos.OpInit {
		if s.cur != nil && len(s.cur.Ops) > 0 {
			s.finish(false)
		}
		s.stopped = ""
	}
	j := s.job()
	j.Bytes += n
	// Consecutive text pieces of one line are one op, as the whole stream decodes.
	if op.Kind == escpos.OpText && s.textOpen && len(j.Ops) > 0 && j.Ops[len(j.Ops)-1].Kind == escpos.OpText {
		last := &j.Ops[len(j.Ops)-1]
		last.Data = append(last.Data, op.Data...)
		return
	}
	j.Ops = append(j.Ops, op)
	if s.stopped == "" {
		switch {
		case s.status.CoverOpen:
			s.stopped = "cover open"
		case s.status.PaperOut:
			s.stopped = "paper out"
		case s.status.Offline:
			s.stopped = "offline"
		}
	}
	if s.stopped != "" {
		if j.Stopped == "" {
			j.Stopped = s.stopped
		}
		if op.Kind == escpos.OpCut {
			s.finish(true)
		}
		return
	}
	rows := paperRows(op)
	if s.paperLeft >= 0 && rows > s.paperLeft {
		// The roll ends inside this command: what fits is printed.
		if op.Kind == escpos.OpRaster && s.paperLeft > 0 {
			bm := op.Bitmap
			part := &escpos.Bitmap{W: bm.W, H: s.paperLeft, Bits: bm.Bits[:s.paperLeft*bm.Stride()]}
			j.Ops[len(j.Ops)-1].Bitmap = part
			j.Printed++
		}
		s.paperLeft = 0
		s.status.PaperOut, s.status.Offline = true, true
		s.stopped, j.Stopped = "paper out", "paper out"
		s.log.Info("printer simulator: paper ran out", "job_bytes", j.Bytes)
		return
	}
	if s.paperLeft >= 0 {
		s.paperLeft -= rows
	}
	j.Printed++
	if op.Kind == escpos.OpCut {
		s.finish(true)
	}
}

// paperRows is how much paper a command uses, in dot rows, as the preview draws it.
func paperRows(op escpos.Op) int {
	switch op.Kind {
	case escpos.OpRaster:
		return op.Bitmap.H
	case escpos.OpFeedDots:
		return op.N
	case escpos.OpFeedLines:
		return op.N * lineRows
	case escpos.OpLineFeed:
		return lineRows
	}
	return 0
}

// SetPaperOut empties (true) or reloads (false, an endless roll) the paper.
func (s *Sim) SetPaperOut(out bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.PaperOut = out
	s.status.Offline = out || s.status.CoverOpen
	if out {
		s.paperLeft = 0
	} else {
		s.paperLeft = -1
	}
}

// RunOutAfter loads a roll with rows dot rows left: a job longer than that
// stops in the middle.
func (s *Sim) RunOutAfter(rows int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paperLeft = rows
	s.status.PaperOut = false
	s.status.Offline = s.status.CoverOpen
}

// SetPaperNearEnd sets the near-end sensor.
func (s *Sim) SetPaperNearEnd(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.PaperNearEnd = on
}

// SetOffline takes the printer offline or back.
func (s *Sim) SetOffline(off bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.Offline = off || s.status.PaperOut || s.status.CoverOpen
}

// SetCoverOpen opens or closes the cover.
func (s *Sim) SetCoverOpen(open bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.CoverOpen = open
	s.status.Offline = open || s.status.PaperOut
}

// Status is what the printer would answer now.
func (s *Sim) Status() escpos.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Jobs returns the finished jobs so far.
func (s *Sim) Jobs() []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Job(nil), s.jobs...)
}

// Received is the number of bytes read off the line, and of status queries among them.
func (s *Sim) Received() (bytes, statusQueries int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received, s.queries
}

// WaitJobs waits until n jobs have finished and returns them.
func (s *Sim) WaitJobs(ctx context.Context, n int) ([]Job, error) {
	for {
		s.mu.Lock()
		if len(s.jobs) >= n {
			jobs := append([]Job(nil), s.jobs...)
			s.mu.Unlock()
			return jobs, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("printer simulator: waiting for job %d: %w", n, ctx.Err())
		}
	}
}
