package printer

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/iransystem"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/devices/pseudoterm"
	"github.com/pishkhan/pishkhan/devices/receipt"
	"github.com/pishkhan/pishkhan/devices/serialport"
	"github.com/pishkhan/pishkhan/persian"
)

var line = serialport.Settings{Baud: 115200, DataBits: 8, Parity: "none", StopBits: 1, ReadTimeout: 100 * time.Millisecond}

// rig is a driver talking to a simulated printer over a pseudo-terminal.
type rig struct {
	sim  *printersim.Sim
	link *serialport.Link
	p    *Printer
}

func newRig(t *testing.T, opts printersim.Options) *rig {
	t.Helper()
	sim, err := printersim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	link := serialport.NewLink(sim.PortName(), line)
	// The simulator's port as the machine would list it: a USB adapter with
	// a serial number, so a replug under a new name is found again.
	link.List = func() ([]serialport.PortInfo, error) {
		return []serialport.PortInfo{{Name: sim.PortName(), USB: true, VID: "0416", PID: "5011", Serial: "SIM-PRN-1"}}, nil
	}
	link.Log = slog.New(slog.DiscardHandler)
	p := New(link, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { p.Close() })
	return &rig{sim, link, p}
}

func sample(t testing.TB) []byte {
	t.Helper()
	z, err := escpos.NewRasterizer()
	if err != nil {
		t.Fatal(err)
	}
	e, err := escpos.NewEncoder(escpos.Profile80, z)
	if err != nil {
		t.Fatal(err)
	}
	data, err := e.Encode(receipt.Build(receipt.Sample(), 576))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// withoutQueries drops the status queries, which the simulator answers and
// leaves out of a job.
func withoutQueries(ops []escpos.Op) []escpos.Op {
	var out []escpos.Op
	for _, op := range ops {
		if op.Kind != escpos.OpStatusQuery {
			out = append(out, op)
		}
	}
	return out
}

// TestPrintReachesPaper prints the standard receipt and decodes what the
// simulated printer received: the same commands the encoder wrote, a cut at
// the end, the tracking code in the QR code, and a preview with ink on it.
func TestPrintReachesPaper(t *testing.T) {
	r := newRig(t, printersim.Options{})
	data := sample(t)
	if err := r.p.Print(ctx(t), data); err != nil {
		t.Fatalf("print: %v", err)
	}
	jobs, err := r.sim.WaitJobs(ctx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	j := jobs[0]
	want, _ := escpos.Decode(data)
	if !j.Cut || j.Stopped != "" || j.Printed != len(j.Ops) || len(j.Garbage) > 0 {
		t.Fatalf("job: cut %v, stopped %q, printed %d of %d, garbage %v", j.Cut, j.Stopped, j.Printed, len(j.Ops), j.Garbage)
	}
	if !reflect.DeepEqual(j.Ops, withoutQueries(want)) {
		t.Fatalf("the printer received %d commands, the encoder wrote %d (or they differ)", len(j.Ops), len(want))
	}
	if txt := j.Text(nil); !strings.Contains(txt, "[QR 123450105090700015]") || !strings.HasSuffix(txt, "[cut]\n") {
		t.Errorf("text of the job:\n%s", txt)
	}
	img, err := j.PNG(576, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	ink := 0
	for y := m.Bounds().Min.Y; y < m.Bounds().Max.Y; y++ {
		for x := m.Bounds().Min.X; x < m.Bounds().Max.X; x++ {
			if r, _, _, _ := m.At(x, y).RGBA(); r < 0x8000 {
				ink++
			}
		}
	}
	if ink < 10000 || m.Bounds().Dy() < 600 {
		t.Errorf("preview %v with %d inked dots", m.Bounds(), ink)
	}
	if _, q := r.sim.Received(); q != 6 {
		t.Errorf("%d status queries; want 3 before and 3 after the job", q)
	}
}

// TestPaperOutMidJob: the roll ends inside the receipt. The driver must not
// call the job printed, must say why in Persian, and the same job prints in
// full once paper is loaded.
func TestPaperOutMidJob(t *testing.T) {
	r := newRig(t, printersim.Options{})
	r.sim.RunOutAfter(300) // about a third of the receipt
	data := sample(t)
	err := r.p.Print(ctx(t), data)
	var nr *NotReadyError
	if !errors.As(err, &nr) || !nr.Status.PaperOut {
		t.Fatalf("paper out mid-job: %v", err)
	}
	if msg := pishkhan.PersianMessage(err); !strings.Contains(msg, "کاغذ") || !strings.Contains(msg, "کامل نشد") {
		t.Errorf("Persian message: %q", msg)
	}
	// The half job ends at the cut the printer never made.
	jobs, _ := r.sim.WaitJobs(ctx(t), 1)
	if jobs[0].Stopped != "paper out" || jobs[0].Printed >= len(jobs[0].Ops) {
		t.Errorf("first job: stopped %q, printed %d of %d", jobs[0].Stopped, jobs[0].Printed, len(jobs[0].Ops))
	}
	// A second try before loading paper does not send anything.
	before, _ := r.sim.Received()
	if err := r.p.Print(ctx(t), data); !errors.As(err, &nr) {
		t.Fatalf("print with no paper: %v", err)
	}
	if after, _ := r.sim.Received(); after-before != len(escpos.StatusQueries) {
		t.Errorf("a printer with no paper was sent %d bytes besides the status query", after-before-len(escpos.StatusQueries))
	}
	r.sim.SetPaperOut(false)
	if err := r.p.Print(ctx(t), data); err != nil {
		t.Fatalf("print after loading paper: %v", err)
	}
	jobs, _ = r.sim.WaitJobs(ctx(t), 2)
	if j := jobs[1]; j.Stopped != "" || !j.Cut || j.Printed != len(j.Ops) {
		t.Errorf("retry: stopped %q, cut %v, printed %d of %d", j.Stopped, j.Cut, j.Printed, len(j.Ops))
	}
}

// TestStatusInWords: offline, cover open, near end and paper out as the
// printer reports them.
func TestStatusInWords(t *testing.T) {
	r := newRig(t, printersim.Options{})
	s, err := r.p.Status(ctx(t))
	if err != nil || !s.OK() || s.Persian() != "چاپگر آماده است" {
		t.Fatalf("idle printer: %+v %v", s, err)
	}
	r.sim.SetPaperNearEnd(true)
	if s, _ := r.p.Status(ctx(t)); !s.OK() || !s.PaperNearEnd || !strings.Contains(s.Persian(), "رو به پایان") {
		t.Errorf("near end: %+v %q", s, s.Persian())
	}
	r.sim.SetCoverOpen(true)
	err = r.p.Print(ctx(t), sample(t))
	if !strings.Contains(pishkhan.PersianMessage(err), "درِ چاپگر باز است") {
		t.Errorf("cover open: %v (%q)", err, pishkhan.PersianMessage(err))
	}
	r.sim.SetCoverOpen(false)
	r.sim.SetOffline(true)
	if s, _ := r.p.Status(ctx(t)); !s.Offline || !strings.Contains(s.Persian(), "چاپگر آفلاین است") {
		t.Errorf("offline: %+v %q", s, s.Persian())
	}
	if len(r.sim.Jobs()) != 0 {
		t.Errorf("a printer that was not ready got a job")
	}
}

// TestReconnectAfterUnplug: the USB cable is pulled and put back; the
// device comes back under another name. The next job finds it.
func TestReconnectAfterUnplug(t *testing.T) {
	r := newRig(t, printersim.Options{})
	if _, err := r.p.Status(ctx(t)); err != nil {
		t.Fatal(err)
	}
	old := r.sim.PortName()
	r.sim.Unplug()
	if _, err := r.p.Status(ctx(t)); err == nil {
		t.Fatal("status of an unplugged printer")
	} else if pishkhan.PersianMessage(err) == "" {
		t.Errorf("unplugged: no Persian message in %v", err)
	}
	if err := r.sim.Plug(); err != nil {
		t.Fatal(err)
	}
	if r.sim.PortName() == old {
		t.Logf("the pty came back under the same name %s", old)
	}
	if err := r.p.Print(ctx(t), sample(t)); err != nil {
		t.Fatalf("print after replug: %v", err)
	}
	if r.link.Name() != r.sim.PortName() {
		t.Errorf("link on %s, device on %s", r.link.Name(), r.sim.PortName())
	}
	if jobs, err := r.sim.WaitJobs(ctx(t), 1); err != nil || !jobs[0].Cut {
		t.Errorf("job after replug: %v", err)
	}
}

// TestSilentOrMissingPrinter: a port where nothing answers (the wrong
// port, or a printer that is off) and a port that does not exist.
func TestSilentOrMissingPrinter(t *testing.T) {
	master, slave, err := pseudoterm.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	link := serialport.NewLink(slave.Name(), line)
	p := New(link, slog.New(slog.DiscardHandler))
	defer p.Close()
	p.StatusTimeout = 300 * time.Millisecond
	_, err = p.Status(ctx(t))
	if err == nil || !strings.Contains(pishkhan.PersianMessage(err), "پاسخ نمی‌دهد") {
		t.Errorf("silent printer: %v (%q)", err, pishkhan.PersianMessage(err))
	}
	if err := p.Print(ctx(t), sample(t)); err == nil {
		t.Error("a silent printer printed")
	}

	link = serialport.NewLink(t.TempDir()+"/ttyUSB7", line)
	link.OpenTimeout = 300 * time.Millisecond
	start := time.Now()
	if _, err := New(link, nil).Status(ctx(t)); pishkhan.ErrorCode(err) != pishkhan.ENotFound {
		t.Errorf("missing printer: %v", err)
	}
	if d := time.Since(start); d < 250*time.Millisecond || d > 5*time.Second {
		t.Errorf("looked for a missing port for %s; OpenTimeout is 300 ms", d)
	}
}

// TestCodePageReceipt prints the standard receipt in Iran System code-page
// mode; what the simulated printer decodes is the receipt's text, shaped
// and in visual order, line for line.
func TestCodePageReceipt(t *testing.T) {
	r := newRig(t, printersim.Options{})
	z, _ := escpos.NewRasterizer()
	e, err := escpos.NewEncoder(escpos.Profile80IranSystem, z)
	if err != nil {
		t.Fatal(err)
	}
	in := receipt.Sample()
	data, err := e.Encode(receipt.Build(in, 576))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.p.Print(ctx(t), data); err != nil {
		t.Fatal(err)
	}
	jobs, err := r.sim.WaitJobs(ctx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	dec := printersim.IranSystem(escpos.Profile80IranSystem.CodePage)
	text := jobs[0].Text(dec)
	lines := strings.Split(text, "\n")
	has := func(logical string) bool {
		want := iransystem.Canonical(persian.ForDevice(logical))
		for _, l := range lines {
			if strings.TrimSpace(l) == want || strings.HasSuffix(l, " "+want) || strings.HasPrefix(l, want+" ") {
				return true
			}
		}
		return false
	}
	for _, s := range []string{in.Office.OfficeName, "کد رهگیری", "تعرفه دولتی", "متقاضی", "زهرا احمدی", "۳,۷۵۰,۰۰۰ ریال", "این رسید را تا پایان کار نگه دارید."} {
		if !has(s) {
			t.Errorf("the printed text has no line %q:\n%s", s, text)
		}
	}
	if strings.Contains(text, "[raster") {
		t.Errorf("a line fell back to raster:\n%s", text)
	}
	img, err := jobs[0].PNG(576, dec)
	if err != nil {
		t.Fatal(err)
	}
	if len(img) < 5000 {
		t.Errorf("preview of %d bytes", len(img))
	}
	if dir := os.Getenv("PISHKHAN_PREVIEW_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "receipt-80mm-iransystem.png"), img, 0o644)
	}
}
