package desk

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/receipt"
	"github.com/pishkhan/pishkhan/persian"
)

// ReceiptPrinter is the receipt printer as the desk uses it
// (devices/printer.Printer on a serial port, or anything that behaves so).
type ReceiptPrinter interface {
	// Print sends one job and returns nil only when all of it went out and
	// the printer still says it is fine afterwards.
	Print(ctx context.Context, job []byte) error
	Status(ctx context.Context) (escpos.Status, error)
}

// Printing is the desk's receipt printer and how it prints Persian.
type Printing struct {
	Printer ReceiptPrinter
	Profile escpos.Profile

	once sync.Once
	enc  *escpos.Encoder
	err  error
}

func (p *Printing) encoder() (*escpos.Encoder, error) {
	p.once.Do(func() {
		var z *escpos.Rasterizer
		if z, p.err = escpos.NewRasterizer(); p.err == nil {
			p.enc, p.err = escpos.NewEncoder(p.Profile, z)
		}
	})
	return p.enc, p.err
}

// errNoPrinter is printing on a desk with no printer configured.
var errNoPrinter = pishkhan.Errorf(pishkhan.EUnavailable, "چاپگری برای این میز تنظیم نشده است.", "no receipt printer configured")

// SetPrinter gives the desk its receipt printer.
func (d *Desk) SetPrinter(p ReceiptPrinter, profile escpos.Profile) error {
	if err := profile.Check(); err != nil {
		return pishkhan.WrapError(err, pishkhan.EInvalid, "تنظیمات چاپگر نادرست است.", "printer profile")
	}
	d.printing = &Printing{Printer: p, Profile: profile}
	return nil
}

// ReceiptBytes renders a print job's receipt for the desk's printer
// profile as it would be printed now (the exchange state is today's).
func (d *Desk) ReceiptBytes(ctx context.Context, job pishkhan.PrintJob) ([]byte, error) {
	if d.printing == nil {
		return nil, errNoPrinter
	}
	if job.Kind == pishkhan.PrintDayClose {
		return d.dayReceiptBytes(ctx, job)
	}
	v, err := d.Store.RequestByID(ctx, job.RequestID)
	if err != nil {
		return nil, err
	}
	cfg, err := d.Config(ctx)
	if err != nil {
		return nil, err
	}
	clerk := v.ClerkID
	if u, err := d.Store.UserByName(ctx, v.ClerkID); err == nil && u.FullName != "" {
		clerk = u.FullName
	}
	enc, err := d.printing.encoder()
	if err != nil {
		return nil, fmt.Errorf("receipt encoder: %w", err)
	}
	in := receipt.Input{Office: cfg, Request: v.Request, AgencyName: v.AgencyName, ServiceName: v.ServiceName,
		SubServiceName: v.SubServiceName, ClerkName: clerk, Copy: job.Kind == pishkhan.PrintReprint}
	data, err := enc.Encode(receipt.Build(in, d.printing.Profile.HeadDots))
	if err != nil {
		return nil, fmt.Errorf("render receipt of %s: %w", v.TrackingCode, err)
	}
	return data, nil
}

// Print prints one job: it counts the attempt, sends the receipt, and marks
// the job printed only when the printer took all of it and says it is
// fine; otherwise the job is failed, with the reason, and can be printed
// again. A job already printed is refused: a second copy is a Reprint.
func (d *Desk) Print(ctx context.Context, jobID int64) error {
	if d.printing == nil {
		return errNoPrinter
	}
	job, err := d.Store.PrintJobByID(ctx, jobID)
	if err != nil {
		return err
	}
	if job.State == pishkhan.PrintPrinted {
		_, err := d.Store.StartPrint(ctx, jobID) // says so, in words
		return err
	}
	data, err := d.ReceiptBytes(ctx, job)
	if err != nil {
		return err
	}
	if _, err := d.Store.StartPrint(ctx, jobID); err != nil {
		return err
	}
	printErr := d.printing.Printer.Print(ctx, data)
	// The outcome is recorded even if ctx ended meanwhile.
	if err := d.Store.FinishPrint(context.WithoutCancel(ctx), jobID, printErr); err != nil {
		return errors.Join(printErr, err)
	}
	if printErr != nil {
		d.Log.Warn("print job failed", "job", jobID, "kind", job.Kind, "err", printErr)
		return printErr
	}
	d.Log.Info("print job printed", "job", jobID, "kind", job.Kind, "bytes", len(data))
	return nil
}

// PrintPending prints the jobs never attempted (new receipts), oldest
// first, and stops at the first failure (the printer needs a person). It
// returns how many printed. Failed jobs wait for a person to retry them.
func (d *Desk) PrintPending(ctx context.Context) (int, error) {
	if d.printing == nil {
		return 0, errNoPrinter
	}
	jobs, err := d.Store.PendingPrintJobs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range jobs {
		if j.State != pishkhan.PrintPending || j.Attempts > 0 {
			continue
		}
		if err := d.Print(ctx, j.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Reprint queues a copy (رونوشت) of a request's receipt and prints it.
// The job is returned even when printing fails, so it can be retried.
func (d *Desk) Reprint(ctx context.Context, code string, by Actor) (pishkhan.PrintJob, error) {
	if err := d.authorize(ctx, by, pishkhan.ActReprint); err != nil {
		return pishkhan.PrintJob{}, err
	}
	v, err := d.Show(ctx, code)
	if err != nil {
		return pishkhan.PrintJob{}, err
	}
	job, err := d.Store.QueueReprint(ctx, v.ID, by.Name())
	if err != nil {
		return job, err
	}
	return job, d.Print(ctx, job.ID)
}

// RecoverPrints sets aside the jobs a previous run was printing when it
// stopped; call it once when the process that owns the printer starts.
func (d *Desk) RecoverPrints(ctx context.Context) ([]pishkhan.PrintJob, error) {
	jobs, err := d.Store.RecoverPrints(ctx)
	if len(jobs) > 0 {
		d.Log.Warn("print jobs interrupted by the last stop", "jobs", len(jobs))
	}
	return jobs, err
}

// PrinterStatus asks the printer how it is.
func (d *Desk) PrinterStatus(ctx context.Context) (escpos.Status, error) {
	if d.printing == nil {
		return escpos.Status{}, errNoPrinter
	}
	return d.printing.Printer.Status(ctx)
}

// ReceiptPreview draws the receipt of the request with this tracking code
// as the desk's printer would print it now (the first receipt job's; a
// copy's preview is the same with رونوشت on top).
func (d *Desk) ReceiptPreview(ctx context.Context, code pishkhan.TrackingCode) (image.Image, error) {
	if d.printing == nil {
		return nil, errNoPrinter
	}
	v, err := d.Store.RequestByTracking(ctx, code)
	if err != nil {
		return nil, err
	}
	if len(v.PrintJobs) == 0 {
		return nil, pishkhan.Errorf(pishkhan.ENotFound, "این درخواست رسیدی برای چاپ ندارد.", "request %s has no print job", code)
	}
	data, err := d.ReceiptBytes(ctx, v.PrintJobs[0])
	if err != nil {
		return nil, err
	}
	return Preview(data, d.printing.Profile)
}

// dayReceiptBytes renders a closed day's receipt (the Z-report); a second
// print of the same day says رونوشت.
func (d *Desk) dayReceiptBytes(ctx context.Context, job pishkhan.PrintJob) ([]byte, error) {
	day, err := persian.ParseDate(job.Day)
	if err != nil {
		return nil, fmt.Errorf("print job %d: day %q: %w", job.ID, job.Day, err)
	}
	sum, err := d.Store.DaySummary(ctx, day)
	if err != nil {
		return nil, err
	}
	if sum.Close == nil {
		return nil, pishkhan.Errorf(pishkhan.EState, "این روز دیگر بسته نیست؛ گزارش آن پس از بستن دوباره چاپ می‌شود.", "day %s is no longer closed", day)
	}
	cfg, err := d.Config(ctx)
	if err != nil {
		return nil, err
	}
	copyOf, err := d.Store.DayReceiptPrinted(ctx, day, job.ID)
	if err != nil {
		return nil, err
	}
	in := receipt.DayInput{Office: cfg, Close: *sum.Close, Unsent: len(sum.Unsent), Copy: copyOf}
	for _, t := range sum.ByService {
		in.ByService = append(in.ByService, receipt.DayTotal{Name: t.Name, Count: t.Count, Amount: t.Amount})
	}
	for _, t := range sum.ByClerk {
		in.ByClerk = append(in.ByClerk, receipt.DayTotal{Name: t.Name, Count: t.Count, Amount: t.Amount})
	}
	enc, err := d.printing.encoder()
	if err != nil {
		return nil, fmt.Errorf("receipt encoder: %w", err)
	}
	data, err := enc.Encode(receipt.Day(in, d.printing.Profile.HeadDots))
	if err != nil {
		return nil, fmt.Errorf("render the receipt of %s: %w", day, err)
	}
	return data, nil
}

// ReprintDay prints a closed day's receipt again (it says رونوشت).
func (d *Desk) ReprintDay(ctx context.Context, day persian.Date, by Actor) (pishkhan.PrintJob, error) {
	if err := d.authorize(ctx, by, pishkhan.ActDayClose); err != nil {
		return pishkhan.PrintJob{}, err
	}
	job, err := d.Store.QueueDayReprint(ctx, day, by.Name())
	if err != nil {
		return job, err
	}
	return job, d.Print(ctx, job.ID)
}
