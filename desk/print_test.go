package desk_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/iransystem"
	"github.com/pishkhan/pishkhan/devices/printer"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/devices/serialport"
	"github.com/pishkhan/pishkhan/persian"
)

// printingDesk is a ready desk whose printer is the simulator on a
// pseudo-terminal, driven by the real driver, in Iran System code-page mode
// (so the test can read the paper back as text).
func printingDesk(t *testing.T) (*desk.Desk, *printersim.Sim) {
	t.Helper()
	d, _ := readyDesk(t)
	sim, err := printersim.Start(printersim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	link := serialport.NewLink(sim.PortName(), serialport.Settings{Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1, ReadTimeout: 100 * time.Millisecond})
	p := printer.New(link, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { p.Close() })
	if err := d.SetPrinter(p, escpos.Profile80IranSystem); err != nil {
		t.Fatal(err)
	}
	return d, sim
}

func paperText(t *testing.T, j printersim.Job) string {
	t.Helper()
	return j.Text(printersim.IranSystem(escpos.Profile80IranSystem.CodePage))
}

// contains reports whether the paper has the logical text s on some line.
func contains(paper, s string) bool {
	return strings.Contains(paper, iransystem.Canonical(persian.ForDevice(s)))
}

// TestPrintOnceThenCopy: the intake's receipt prints once and is marked
// printed; printing it again is refused; a reprint is a new job whose paper
// says رونوشت, and the original does not.
func TestPrintOnceThenCopy(t *testing.T) {
	d, sim := printingDesk(t)
	ctx := context.Background()
	r, err := d.Intake(ctx, passInput(nationalCode(t, "001234567")))
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.PrintPending(ctx)
	if err != nil || n != 1 {
		t.Fatalf("PrintPending: %d printed, %v", n, err)
	}
	v, _ := d.Show(ctx, string(r.TrackingCode))
	job := v.PrintJobs[0]
	if job.State != pishkhan.PrintPrinted || job.Attempts != 1 || job.PrintedAt.IsZero() {
		t.Fatalf("receipt job after printing: %+v", job)
	}
	jobs, err := sim.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	paper := paperText(t, jobs[0])
	for _, s := range []string{"دفتر پیشخوان ۱۲", "علی رضایی", "صدور گذرنامه", "زهرا احمدی", "کد رهگیری"} {
		if !contains(paper, s) {
			t.Errorf("the receipt has no %q:\n%s", s, paper)
		}
	}
	if contains(paper, "رونوشت") {
		t.Error("the original receipt says رونوشت")
	}
	if !strings.Contains(paper, "[QR "+string(r.TrackingCode)+"]") {
		t.Errorf("no QR of the tracking code:\n%s", paper)
	}
	// Nothing pending any more; printing the job again is refused in words.
	if n, _ := d.PrintPending(ctx); n != 0 {
		t.Errorf("PrintPending printed %d more", n)
	}
	if err := d.Print(ctx, job.ID); pishkhan.ErrorCode(err) != pishkhan.EConflict || !strings.Contains(pishkhan.PersianMessage(err), "رونوشت") {
		t.Errorf("second print of a printed job: %v (%q)", err, pishkhan.PersianMessage(err))
	}
	cp, err := d.Reprint(ctx, string(r.TrackingCode), as(t, d, "clerk1"))
	if err != nil {
		t.Fatalf("Reprint: %v", err)
	}
	jobs, _ = sim.WaitJobs(ctx, 2)
	if len(jobs) != 2 || !contains(paperText(t, jobs[1]), "رونوشت") {
		t.Errorf("the copy does not say رونوشت (%d jobs)", len(jobs))
	}
	if got, _ := d.Store.PrintJobByID(ctx, cp.ID); got.Kind != pishkhan.PrintReprint || got.State != pishkhan.PrintPrinted {
		t.Errorf("reprint job: %+v", got)
	}
	if rep, err := d.VerifyAudit(ctx); err != nil || rep.Last == nil || rep.Last.Action != "print.reprint" {
		t.Errorf("audit after reprint: %+v %v", rep.Last, err)
	}
}

// TestPaperOutKeepsJobPending: paper runs out in the middle of the
// receipt. The job is failed with the reason, nothing is marked printed,
// the next intake's receipt is not printed over an empty roll, and once
// paper is loaded a retry prints the whole receipt.
func TestPaperOutKeepsJobPending(t *testing.T) {
	d, sim := printingDesk(t)
	ctx := context.Background()
	r, err := d.Intake(ctx, passInput(nationalCode(t, "001234567")))
	if err != nil {
		t.Fatal(err)
	}
	sim.RunOutAfter(200)
	if _, err := d.PrintPending(ctx); err == nil || !strings.Contains(pishkhan.PersianMessage(err), "کاغذ") {
		t.Fatalf("paper out: %v (%q)", err, pishkhan.PersianMessage(err))
	}
	v, _ := d.Show(ctx, string(r.TrackingCode))
	job := v.PrintJobs[0]
	if job.State != pishkhan.PrintFailed || !strings.Contains(job.LastError, "paper out") {
		t.Fatalf("job after paper out: %+v", job)
	}
	jobs, _ := sim.WaitJobs(ctx, 1)
	if jobs[0].Stopped != "paper out" {
		t.Errorf("the simulator's job: stopped %q", jobs[0].Stopped)
	}
	// A failed job is not printed again by PrintPending: a person retries it.
	if n, err := d.PrintPending(ctx); n != 0 || err != nil {
		t.Errorf("PrintPending after a failure: %d, %v", n, err)
	}
	sim.SetPaperOut(false)
	if err := d.Print(ctx, job.ID); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got, _ := d.Store.PrintJobByID(ctx, job.ID)
	if got.State != pishkhan.PrintPrinted || got.Attempts != 2 || got.LastError != "" {
		t.Errorf("job after retry: %+v", got)
	}
	jobs, _ = sim.WaitJobs(ctx, 2)
	if j := jobs[1]; !j.Cut || j.Stopped != "" || !contains(paperText(t, j), "علی رضایی") {
		t.Errorf("retry's paper: cut %v, stopped %q", j.Cut, j.Stopped)
	}
}

// TestInterruptedPrintIsNotRepeated: the app died after counting an
// attempt (the bytes may or may not be on paper). The next start sets the
// job aside as failed instead of printing it again unasked.
func TestInterruptedPrintIsNotRepeated(t *testing.T) {
	d, sim := printingDesk(t)
	ctx := context.Background()
	r, err := d.Intake(ctx, passInput(nationalCode(t, "001234567")))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := d.Show(ctx, string(r.TrackingCode))
	if _, err := d.Store.StartPrint(ctx, v.PrintJobs[0].ID); err != nil {
		t.Fatal(err)
	}
	// … crash. The next run recovers first.
	got, err := d.RecoverPrints(ctx)
	if err != nil || len(got) != 1 || got[0].ID != v.PrintJobs[0].ID {
		t.Fatalf("RecoverPrints: %+v %v", got, err)
	}
	if n, _ := d.PrintPending(ctx); n != 0 || len(sim.Jobs()) != 0 {
		t.Errorf("an interrupted job was printed again unasked (%d)", n)
	}
	j, _ := d.Store.PrintJobByID(ctx, v.PrintJobs[0].ID)
	if j.State != pishkhan.PrintFailed || !strings.Contains(j.LastError, "interrupted") {
		t.Errorf("interrupted job: %+v", j)
	}
	// A person looks and retries.
	if err := d.Print(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if again, _ := d.RecoverPrints(ctx); len(again) != 0 {
		t.Errorf("a printed job recovered again: %+v", again)
	}
}

// TestNoPrinter: a desk without a printer says so in Persian.
func TestNoPrinter(t *testing.T) {
	d, _ := readyDesk(t)
	if _, err := d.PrintPending(context.Background()); pishkhan.PersianMessage(err) == "" {
		t.Errorf("no printer: %v", err)
	}
	if err := d.SetPrinter(nil, escpos.Profile{Name: "bad"}); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
		t.Errorf("bad profile: %v", err)
	}
}

// TestDayReceipt: closing the day queues its receipt (the Z-report); it
// prints with the day's figures; a reprint says رونوشت; reprinting an open
// day is refused.
func TestDayReceipt(t *testing.T) {
	d, sim := printingDesk(t)
	ctx := context.Background()
	if _, err := d.Intake(ctx, passInput(nationalCode(t, "001234567"))); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ReprintDay(ctx, d.Today(), as(t, d, "boss")); pishkhan.ErrorCode(err) != pishkhan.EState {
		t.Errorf("reprint of an open day: %v", err)
	}
	if _, err := d.CloseDay(ctx, desk.CloseInput{Day: d.Today(), CountedCash: "1150000", CountedCard: "0", Supervisor: "boss", PIN: "1357"}); err != nil {
		t.Fatal(err)
	}
	if n, err := d.PrintPending(ctx); n != 2 || err != nil { // the intake's receipt and the day's
		t.Fatalf("printed %d: %v", n, err)
	}
	jobs, err := sim.WaitJobs(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	z := paperText(t, jobs[1])
	for _, s := range []string{"گزارش پایان روز", "صدور گذرنامه", "اختلاف نقد", "دفتر پیشخوان ۱۲"} {
		if !contains(z, s) {
			t.Errorf("the day's receipt has no %q:\n%s", s, z)
		}
	}
	if contains(z, "رونوشت") {
		t.Error("the first day receipt says رونوشت")
	}
	if _, err := d.ReprintDay(ctx, d.Today(), as(t, d, "boss")); err != nil {
		t.Fatal(err)
	}
	jobs, _ = sim.WaitJobs(ctx, 3)
	if !contains(paperText(t, jobs[2]), "رونوشت") {
		t.Error("the reprint does not say رونوشت")
	}
}
