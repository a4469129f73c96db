package ui

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// fileThroughWindow files a walk-in of sub-service ss the way a clerk does.
func fileThroughWindow(t *testing.T, a *App, nine, ss string) *pishkhan.Request {
	t.Helper()
	w := a.walkin
	nc, err := pishkhan.CompleteNationalCode(nine)
	if err != nil {
		t.Fatal(err)
	}
	test.Type(w.nationalCode, string(nc))
	test.Type(w.first, "مریم")
	test.Type(w.last, "حسینی")
	w.choose(ss)
	sample, _ := democatalog.SampleForm(w.chosen.SubService, nc)
	for _, f := range w.chosen.SubService.Fields {
		if en, ok := w.fieldIn[f.Key]; ok {
			en.SetText(sample[f.Key])
		}
		if sel, ok := w.fieldSel[f.Key]; ok {
			for i, c := range f.Choices {
				if c == sample[f.Key] {
					sel.SetSelectedIndex(i)
				}
			}
		}
	}
	test.Tap(w.submit)
	if w.filed == nil {
		t.Fatalf("not filed: %q", w.message.Text)
	}
	return w.filed
}

// TestOfflineWalkInSyncedLater: the exchange is down; the clerk files a
// walk-in anyway; the sync bar says offline with one request waiting; when
// the line comes back the replicator sends it, the bar empties and the
// board shows the exchange's acceptance.
func TestOfflineWalkInSyncedLater(t *testing.T) {
	d := readyDesk(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 1,
		InquiryDelay: time.Hour, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	code, err := sim.IssueEnrolCode(ctx, 12345, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Enrol(ctx, desk.EnrolInput{ExchangeURL: srv.URL, OneTimeCode: code}, "tech"); err != nil {
		t.Fatal(err)
	}
	if err := sim.SetFaults(exchangesim.Faults{Outage: true}); err != nil {
		t.Fatal(err)
	}
	rep, err := d.NewReplicator(ctx, replicator.Config{InitialBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		ProbeInterval: 30 * time.Millisecond, PollInterval: time.Hour, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	go rep.Run(ctx)
	a := newTestApp(t, Options{Desk: d, Replicator: rep})
	login(t, a, "clerk1", "2468")
	r := fileThroughWindow(t, a, "052417893", "ss-0001")
	eventually(t, "the offline bar", func() bool {
		a.bar.refresh()
		return rep.Status().Pending == 1 && strings.Contains(shown(a.bar.state), "بدون اتصال") &&
			strings.Contains(shown(a.bar.pending), "۱")
	})
	if len(a.board.rows) != 1 || !a.board.rows[0].State.Unsent() {
		t.Fatalf("board while offline: %+v", a.board.rows)
	}
	capture(t, a, "offline")
	if err := sim.SetFaults(exchangesim.Faults{}); err != nil {
		t.Fatal(err)
	}
	a.bar.syncNow()
	eventually(t, "the line back and the outbox drained", func() bool {
		a.bar.refresh()
		return rep.Status().Pending == 0 && strings.Contains(shown(a.bar.state), "برخط")
	})
	a.board.reload()
	a.bar.refresh()
	if got := a.board.rows[0]; got.TrackingCode != r.TrackingCode || got.State != pishkhan.StateAccepted {
		t.Errorf("board after sync: %s %s", got.TrackingCode, got.State)
	}
	if !strings.Contains(shown(a.bar.pending), "خالی") {
		t.Errorf("bar after sync: %q", shown(a.bar.pending))
	}
}
