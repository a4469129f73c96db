package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/atomicfile"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/devices/cardreader"
	"github.com/pishkhan/pishkhan/devices/cardsim"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/printer"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/devices/serialport"
)

// demoDevices are the demo's simulated printer and card reader, with the
// real drivers talking to them over pseudo-terminals.
type demoDevices struct {
	printerSim *printersim.Sim
	cardSim    *cardsim.Sim
	printer    *printer.Printer
	reader     *cardreader.Reader
	dir        string // where the receipt previews go
	profile    escpos.Profile
	d          *desk.Desk
	saved      int // jobs already written out
}

func startDemoDevices(ctx context.Context, dataDir string, d *desk.Desk) (*demoDevices, error) {
	quiet := slog.New(slog.DiscardHandler)
	dv := &demoDevices{dir: filepath.Join(dataDir, "receipts"), profile: escpos.Profile80, d: d}
	if err := os.MkdirAll(dv.dir, 0o700); err != nil {
		return nil, fmt.Errorf("receipt preview folder: %w", err)
	}
	var err error
	if dv.printerSim, err = printersim.Start(printersim.Options{HeadDots: dv.profile.HeadDots, Log: quiet}); err != nil {
		return nil, err
	}
	card, err := cardsim.DemoCard(cardsim.DemoCitizen(), "")
	if err != nil {
		dv.close()
		return nil, err
	}
	if dv.cardSim, err = cardsim.Start(ctx, cardsim.Options{Card: card, Log: quiet}); err != nil {
		dv.close()
		return nil, err
	}
	link := serialport.NewLink(dv.printerSim.PortName(), serialport.Settings{Baud: dv.profile.Baud, DataBits: 8, Parity: "none", StopBits: 1, ReadTimeout: 100 * time.Millisecond})
	link.Log = quiet
	dv.printer = printer.New(link, quiet)
	if err := d.SetPrinter(dv.printer, dv.profile); err != nil {
		dv.close()
		return nil, err
	}
	if _, err := d.RecoverPrints(ctx); err != nil {
		dv.close()
		return nil, err
	}
	if dv.reader, err = cardreader.Open(ctx, dv.cardSim.PortName(), cardreader.Options{PollInterval: -1, Log: quiet}); err != nil {
		dv.close()
		return nil, err
	}
	return dv, nil
}

// close lets the drivers go before the simulators.
func (dv *demoDevices) close() {
	if dv.reader != nil {
		dv.reader.Close()
	}
	if dv.printer != nil {
		dv.printer.Close()
	}
	if dv.cardSim != nil {
		dv.cardSim.Close()
	}
	if dv.printerSim != nil {
		dv.printerSim.Close()
	}
}

// save writes the simulated printer's new jobs as PNG and text.
func (dv *demoDevices) save(ctx context.Context, w io.Writer, name string) error {
	jobs, err := dv.printerSim.WaitJobs(ctx, dv.saved+1)
	if err != nil {
		return err
	}
	for _, j := range jobs[dv.saved:] {
		dv.saved++
		base := filepath.Join(dv.dir, fmt.Sprintf("%02d-%s", dv.saved, name))
		img, err := j.PNG(dv.profile.HeadDots, nil)
		if err != nil {
			return err
		}
		if err := atomicfile.Write(base+".png", ".pishkhan-*.tmp", img); err != nil {
			return err
		}
		if err := atomicfile.Write(base+".txt", ".pishkhan-*.tmp", []byte(j.Text(nil))); err != nil {
			return err
		}
		state := "complete, cut"
		if j.Stopped != "" {
			state = "stopped: " + j.Stopped
		}
		fmt.Fprintf(w, "   paper: %s.png (%d bytes received, %s)\n", base, j.Bytes, state)
	}
	return nil
}

// printReceipts prints the intakes' receipts, then shows a paper-out in the
// middle of one and its retry, and a copy (رونوشت).
func (dv *demoDevices) printReceipts(ctx context.Context, w io.Writer, first string) error {
	d := dv.d
	jobs, err := d.Store.PendingPrintJobs(ctx)
	if err != nil {
		return err
	}
	for i, j := range jobs {
		if i == len(jobs)-1 {
			dv.printerSim.RunOutAfter(300) // the roll ends in the middle of the last receipt
		}
		v, err := d.Store.RequestByID(ctx, j.RequestID)
		if err != nil {
			return err
		}
		err = d.Print(ctx, j.ID)
		fmt.Fprintf(w, "receipt of %s: ", v.TrackingCode.Display())
		if err != nil {
			fmt.Fprintf(w, "NOT printed — %v\n   fa: %s\n", err, pishkhan.PersianMessage(err))
		} else {
			fmt.Fprintln(w, "printed")
		}
		if err := dv.save(ctx, w, string(v.TrackingCode)); err != nil {
			return err
		}
		if err != nil {
			dv.printerSim.SetPaperOut(false)
			fmt.Fprintln(w, "paper loaded; the failed job is printed again, in full:")
			if err := d.Print(ctx, j.ID); err != nil {
				return err
			}
			if err := dv.save(ctx, w, string(v.TrackingCode)+"-retry"); err != nil {
				return err
			}
		}
	}
	clerk := demoUsers[1]
	op, err := d.Login(ctx, clerk.Username, clerk.PIN)
	if err != nil {
		return err
	}
	job, err := d.Reprint(ctx, first, op)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "a copy of %s (job %d) says رونوشت at the top:\n", first, job.ID)
	return dv.save(ctx, w, first+"-copy")
}
