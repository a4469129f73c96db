package desk_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/cardsim"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
)

// TestConfiguredDevices: the technician configures the printer and the
// card reader; the desk opens them from its settings, reads the card,
// files the walk-in from it and prints the receipt.
func TestConfiguredDevices(t *testing.T) {
	d, _ := readyDesk(t)
	d.Log = slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	prn, err := printersim.Start(printersim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer prn.Close()
	card, err := cardsim.DemoCard(cardsim.DemoCitizen(), "4321")
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := cardsim.Start(ctx, cardsim.Options{Card: card})
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()

	// Bad settings are refused in words and not saved.
	for _, bad := range []store.DeviceSettings{
		{Kind: store.DevicePrinter, Port: prn.PortName(), Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1, Profile: "80mm-laser"},
		{Kind: store.DevicePrinter, Port: "", Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1, Profile: "80mm-raster"},
		{Kind: store.DeviceCardReader, Port: rdr.PortName(), Baud: 115200, DataBits: 9, Parity: "none", StopBits: 2},
		{Kind: "scanner", Port: "/dev/ttyUSB3", Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1},
	} {
		if err := d.ConfigureDevice(ctx, bad, as(t, d, "tech")); pishkhan.ErrorCode(err) != pishkhan.EInvalid || pishkhan.PersianMessage(err) == "" {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, ok, _ := d.Store.Device(ctx, store.DevicePrinter); ok {
		t.Fatal("a refused printer setting was saved")
	}
	// Nothing configured: the desk says so, and intake by typed code still works.
	v, err := d.OpenDevices(ctx)
	if err != nil || v.Printer != nil || v.Reader != nil {
		t.Fatalf("no devices configured: %+v %v", v, err)
	}
	if _, err := d.ReadCard(ctx, v, ""); pishkhan.ErrorCode(err) != pishkhan.EUnavailable {
		t.Errorf("read card with no reader: %v", err)
	}

	if err := d.ConfigureDevice(ctx, store.DeviceSettings{Kind: store.DevicePrinter, Port: prn.PortName(), Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1, Profile: "80mm-iransystem"}, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	if err := d.ConfigureDevice(ctx, store.DeviceSettings{Kind: store.DeviceCardReader, Port: rdr.PortName(), Baud: 115200, DataBits: 8, Parity: "none", StopBits: 2}, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	v, err = d.OpenDevices(ctx)
	if err != nil || v.Printer == nil || v.Reader == nil {
		t.Fatalf("configured devices: %+v %v", v, err)
	}
	defer v.Close()
	if _, err := d.ReadCard(ctx, v, "0000"); err == nil {
		t.Error("a wrong card PIN read the card")
	}
	c, err := d.ReadCard(ctx, v, "4321")
	if err != nil || c.NationalCode != cardsim.DemoCitizen().NationalCode {
		t.Fatalf("read card: %+v %v", c, err)
	}
	in := passInput(c.NationalCode)
	in.FirstName, in.LastName, in.FatherName, in.BirthDate = c.FirstName, c.LastName, c.FatherName, c.BirthDate
	r, err := d.Intake(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.PrintPending(ctx); n != 1 || err != nil {
		t.Fatalf("print: %d %v", n, err)
	}
	jobs, err := prn.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	paper := paperText(t, jobs[0])
	if !contains(paper, c.FirstName+" "+c.LastName) || !strings.Contains(paper, persian.ToPersianDigits(r.TrackingCode.Display())) {
		t.Errorf("receipt of the card's citizen:\n%s", paper)
	}
	rep, err := d.VerifyAudit(ctx)
	if err != nil || rep.Entries == 0 {
		t.Fatalf("audit: %v", err)
	}
}
