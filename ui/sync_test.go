package ui

import (
	"context"
	"encoding/pem"
	"log/slog"
	"net/http/httptest"
	"os"
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
	if _, err := d.Enrol(ctx, desk.EnrolInput{ExchangeURL: srv.URL, OneTimeCode: code}, actorOf(t, d, "tech")); err != nil {
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
	// Why, in words: the bar says the exchange cannot be reached.
	eventually(t, "the reason on the bar", func() bool {
		a.bar.refresh()
		return a.bar.warning.Visible() && strings.Contains(shown(a.bar.warning), "مرکز تبادل")
	})
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
	if a.bar.warning.Visible() {
		t.Errorf("a warning once synced: %q", shown(a.bar.warning))
	}
}

// TestFirstRunWithEnrolment: a fresh desk opens on the first-run form; the
// technician enters the office, the desk number, the first supervisor and
// the exchange's one-time code; the desk is set up and enrolled, and the
// supervisor logs in. A six-digit office code is refused in Persian first.
func TestFirstRunWithEnrolment(t *testing.T) {
	ctx := context.Background()
	d, err := desk.Open(ctx, filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.PINCost = cheapPIN
	sim, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 1, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	code, _ := sim.IssueEnrolCode(ctx, 54321, 2)

	a := newTestApp(t, Options{Desk: d})
	f := a.firstRun
	if f == nil {
		t.Fatal("a fresh desk does not open on the first-run form")
	}
	capture(t, a, "first-run")
	test.Type(f.office, "۵۴۳۲۱۰") // six digits: no office has that
	test.Type(f.name, "دفتر پیشخوان ۵۴۳۲۱")
	test.Type(f.deskNo, "۲")
	test.Type(f.user, "modir")
	test.Type(f.full, "مدیر دفتر")
	test.Type(f.pin, "864209")
	f.exURL.SetText(srv.URL)
	f.exCode.SetText(code)
	test.Tap(f.save)
	if shown(f.message) == "" {
		t.Error("a six-digit office code shows no message")
	}
	if _, err := d.Config(ctx); err == nil {
		t.Fatal("a bad office code was saved")
	}
	f.office.SetText("۵۴۳۲۱")
	test.Tap(f.save)
	cfg, err := d.Config(ctx)
	if err != nil || cfg.OfficeCode != 54321 || cfg.DeskNumber != 2 {
		t.Fatalf("config: %+v %v", cfg, err)
	}
	st, err := d.Store.SyncState(ctx)
	if err != nil || st.KeyID == "" || st.ExchangeURL == "" {
		t.Fatalf("not enrolled: %+v %v", st, err)
	}
	if a.loginScreen == nil || a.loginScreen.user.Text != "modir" {
		t.Fatal("no login form for the new supervisor")
	}
	test.Type(a.loginScreen.pin, "864209")
	test.Tap(a.loginScreen.submit)
	if u := a.User(); u == nil || u.Role != pishkhan.RoleSupervisor {
		t.Fatalf("supervisor login: %v", u)
	}
}

// TestOfflineLimitsOnScreen: requests wait unsent past the warning limit —
// the bar warns; past the hard limit it says intake is refused, and a new
// walk-in is refused in Persian.
func TestOfflineLimitsOnScreen(t *testing.T) {
	d := readyDesk(t)
	now := time.Now()
	d.Store.Now = func() time.Time { return now }
	a := newTestApp(t, Options{Desk: d})
	login(t, a, "clerk1", "2468")
	fileThroughWindow(t, a, "052417893", "ss-0001")
	a.walkin.reset()
	a.bar.refresh()
	if a.bar.warning.Visible() {
		t.Errorf("a warning with a fresh outbox: %q", shown(a.bar.warning))
	}
	now = now.Add(25 * time.Hour)
	a.bar.refresh()
	if !a.bar.warning.Visible() || !strings.Contains(shown(a.bar.warning), "اتصال شبکه") {
		t.Errorf("after 25 h: %q", shown(a.bar.warning))
	}
	capture(t, a, "offline-warning")
	now = now.Add(48 * time.Hour)
	a.bar.refresh()
	if !strings.Contains(shown(a.bar.warning), "پذیرش درخواست تازه ممکن نیست") {
		t.Errorf("after 73 h: %q", shown(a.bar.warning))
	}
	w := a.walkin
	nc, _ := pishkhan.CompleteNationalCode("274615390")
	test.Type(w.nationalCode, string(nc))
	test.Type(w.first, "علی")
	test.Type(w.last, "رضایی")
	w.choose("ss-0001")
	sample, _ := democatalog.SampleForm(w.chosen.SubService, nc)
	for _, f := range w.chosen.SubService.Fields {
		if en, ok := w.fieldIn[f.Key]; ok {
			en.SetText(sample[f.Key])
		}
		if sel, ok := w.fieldSel[f.Key]; ok {
			sel.SetSelectedIndex(0)
		}
	}
	test.Tap(w.submit)
	if w.filed != nil || !strings.Contains(shown(w.message), "پذیرش درخواست تازه ممکن نیست") {
		t.Errorf("intake past the hard limit: filed %v, message %q", w.filed != nil, shown(w.message))
	}
}

// TestTechnicianEnrolsOverTLS: the technician enrols the desk with an
// exchange whose certificate comes from a CA the PC does not know: refused
// in words without the CA, enrolled once its file is given, and the CA kept.
func TestTechnicianEnrolsOverTLS(t *testing.T) {
	ctx := context.Background()
	d := readyDesk(t)
	sim, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 1, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	srv := httptest.NewTLSServer(sim) // its certificate is its own CA's, unknown to the system
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "exchange-ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, Options{Desk: d})
	login(t, a, "tech", "9753")
	if a.tech == nil {
		t.Fatal("no technician's screen")
	}
	enrol := func() {
		code, err := sim.IssueEnrolCode(ctx, 12345, 1)
		if err != nil {
			t.Fatal(err)
		}
		a.tech.exURL.SetText(srv.URL)
		a.tech.exCode.SetText(code)
		a.tech.enrol()
	}
	enrol()
	if msg := shown(a.tech.enMsg); !strings.Contains(msg, "گواهی") {
		t.Fatalf("enrolment without the CA: %q", msg)
	}
	if _, err := os.Stat(d.CAPath()); !os.IsNotExist(err) {
		t.Fatalf("a CA file without a CA given: %v", err)
	}
	a.tech.exCA.SetText(caFile)
	enrol()
	if msg := shown(a.tech.enMsg); !strings.Contains(msg, "پیوسته به") {
		t.Fatalf("enrolment with the CA: %q", msg)
	}
	if st, err := d.Store.SyncState(ctx); err != nil || st.KeyID == "" {
		t.Fatalf("not enrolled: %+v %v", st, err)
	}
	if _, err := os.Stat(d.CAPath()); err != nil {
		t.Errorf("the CA was not kept: %v", err)
	}
}
