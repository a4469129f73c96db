package ui

import (
	"context"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/devices/cardsim"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/logring"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

var cheapPIN = pishkhan.Argon2idParams{Memory: 1024, Time: 1, Threads: 1}

// readyDesk is an initialised desk with a clerk, a supervisor and a
// technician, and the demo catalog.
func readyDesk(t *testing.T) *desk.Desk {
	t.Helper()
	ctx := context.Background()
	d, err := desk.Open(ctx, filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	d.PINCost = cheapPIN
	boss, err := d.FirstRun(ctx, desk.FirstRunInput{
		Desk:       desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر پیشخوان ۱۲۳۴۵", DeskNumber: "1"},
		Supervisor: desk.AddUserInput{Username: "boss", FullName: "مدیر دفتر", PIN: "1357"},
		Catalog:    democatalog.Version1(),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []desk.AddUserInput{
		{Username: "clerk1", FullName: "زهرا احمدی", Role: "clerk", PIN: "2468"},
		{Username: "tech", FullName: "کارشناس فنی", Role: "technician", PIN: "9753"},
	} {
		if _, err := d.AddUser(ctx, u, boss); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// actorOf logs one of readyDesk's users in at the desk.
func actorOf(t *testing.T, d *desk.Desk, username string) desk.Actor {
	t.Helper()
	pins := map[string]string{"clerk1": "2468", "boss": "1357", "tech": "9753"}
	a, err := d.Login(context.Background(), username, pins[username])
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return a
}

// withDevices gives the desk a simulated printer and card reader.
func withDevices(t *testing.T, d *desk.Desk) (*desk.Devices, *printersim.Sim) {
	t.Helper()
	ctx := context.Background()
	prn, err := printersim.Start(printersim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	card, _ := cardsim.DemoCard(cardsim.DemoCitizen(), "")
	rdr, err := cardsim.Start(ctx, cardsim.Options{Card: card})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []store.DeviceSettings{
		{Kind: store.DevicePrinter, Port: prn.PortName(), Baud: 115200, DataBits: 8, Parity: "none", StopBits: 1, Profile: "80mm-raster"},
		{Kind: store.DeviceCardReader, Port: rdr.PortName(), Baud: 115200, DataBits: 8, Parity: "none", StopBits: 2},
	} {
		if err := d.ConfigureDevice(ctx, s, actorOf(t, d, "tech")); err != nil {
			t.Fatal(err)
		}
	}
	v, err := d.OpenDevices(ctx)
	if err != nil || v.ReaderErr != nil {
		t.Fatalf("open devices: %v %v", err, v.ReaderErr)
	}
	t.Cleanup(func() { v.Close(); rdr.Close(); prn.Close() })
	return v, prn
}

func newTestApp(t *testing.T, opts Options) *App {
	t.Helper()
	fa := test.NewApp()
	t.Cleanup(fa.Quit)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	opts.Log = slog.New(slog.DiscardHandler)
	opts.Inline = true
	a := New(ctx, fa, opts)
	a.win.Resize(fyne.NewSize(1100, 720))
	return a
}

// login types a user name and PIN and presses Enter.
func login(t *testing.T, a *App, user, pin string) {
	t.Helper()
	test.Type(a.loginScreen.user, user)
	test.Type(a.loginScreen.pin, pin)
	test.Tap(a.loginScreen.submit)
}

// eventually waits for cond, for work done off the UI thread.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// shown is what a label says, without the invisible direction marks the
// right-to-left layer adds (a word's presence does not depend on them).
func shown(o fyne.CanvasObject) string {
	var text string
	switch w := o.(type) {
	case *widget.Label:
		text = w.Text
	case *rtl.Paragraph:
		text = w.Text()
	default:
		panic(fmt.Sprintf("shown: %T", o))
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u200e', '\u200f', '\u061c', '\u2066', '\u2067', '\u2068', '\u2069':
			return -1
		}
		return r
	}, text)
}

// capture saves the window as a PNG in docs/screenshots when
// PISHKHAN_SCREENSHOTS names that folder.
func capture(t *testing.T, a *App, name string) {
	dir := os.Getenv("PISHKHAN_SCREENSHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, a.win.Canvas().Capture())
}

func TestLoginAndLock(t *testing.T) {
	d := readyDesk(t)
	a := newTestApp(t, Options{Desk: d})
	capture(t, a, "login")
	login(t, a, "clerk1", "1111")
	if a.User() != nil || !strings.Contains(shown(a.loginScreen.message), "درست نیست") {
		t.Fatalf("wrong PIN: user %v, message %q", a.User(), shown(a.loginScreen.message))
	}
	login(t, a, "", "2468") // the user name is still there
	if u := a.User(); u == nil || u.Username != "clerk1" {
		t.Fatalf("login: %v", u)
	}
	a.Lock()
	if a.User() != nil || a.loginScreen.user.Text != "clerk1" {
		t.Errorf("after lock: user %v, name field %q", a.User(), a.loginScreen.user.Text)
	}
}

func TestIdleLock(t *testing.T) {
	d := readyDesk(t)
	a := newTestApp(t, Options{Desk: d, IdleLock: 5 * time.Minute})
	login(t, a, "clerk1", "2468")
	if a.User() == nil {
		t.Fatal("not logged in")
	}
	a.checkIdle(time.Now().Add(4 * time.Minute))
	if a.User() == nil {
		t.Fatal("locked after 4 minutes of a 5-minute idle limit")
	}
	a.touch() // a key press
	a.checkIdle(time.Now().Add(4 * time.Minute))
	if a.User() == nil {
		t.Fatal("locked although a key was pressed")
	}
	a.checkIdle(time.Now().Add(6 * time.Minute))
	if a.User() != nil {
		t.Fatal("not locked after 6 minutes idle")
	}
}

// TestWalkIn: a clerk reads the card, finds the service by typing, fills
// its form (a bad value is refused in Persian first), pays by card,
// submits; the tracking code shows, the receipt prints, and the board
// lists the request.
func TestWalkIn(t *testing.T) {
	d := readyDesk(t)
	v, prn := withDevices(t, d)
	a := newTestApp(t, Options{Desk: d, Devices: v})
	login(t, a, "clerk1", "2468")
	w := a.walkin
	if w == nil {
		t.Fatal("a clerk has no walk-in screen")
	}
	w.readCard()
	eventually(t, "the card", func() bool { return w.first.Text() != "" })
	want := cardsim.DemoCitizen()
	if w.first.Text() != want.FirstName || w.last.Text() != want.LastName {
		t.Errorf("from the card: %q %q", w.first.Text(), w.last.Text())
	}
	test.Type(w.mobile, "09121234567")
	test.Type(w.search, "گذرنامه")
	if len(w.hits) == 0 {
		t.Fatal("no hits for گذرنامه")
	}
	var id string
	for _, h := range w.hits {
		if strings.Contains(h.SubServiceName, "گذرنامه") {
			id = h.SubServiceID
			break
		}
	}
	w.choose(id)
	capture(t, a, "walk-in")
	// Fill the form from its schema; a bad mobile number is refused first.
	spec := w.chosen.SubService.Fields
	for _, f := range spec {
		if f.Type == pishkhan.FieldMobile {
			w.fieldIn[f.Key].SetText("0912")
			if shown(w.fieldErr[f.Key]) == "" {
				t.Errorf("a bad mobile number shows no message")
			}
		}
	}
	sample, ok := democatalog.SampleForm(w.chosen.SubService, want.NationalCode)
	if !ok {
		t.Fatal("no sample form")
	}
	for _, f := range spec {
		val := sample[f.Key]
		if en, ok := w.fieldIn[f.Key]; ok {
			en.SetText(val)
		}
		if sel, ok := w.fieldSel[f.Key]; ok && val != "" {
			for i, c := range f.Choices {
				if c == val {
					sel.SetSelectedIndex(i)
				}
			}
		}
	}
	w.pay.SetSelected(payCard)
	test.Type(w.ref, "123456789012")
	test.Tap(w.submit)
	if w.filed == nil {
		t.Fatalf("not filed: %q", shown(w.message))
	}
	if !strings.Contains(shown(w.result), "کد رهگیری") {
		t.Errorf("result: %q", shown(w.result))
	}
	eventually(t, "the receipt", func() bool { return strings.Contains(shown(w.printState), "چاپ شد") })
	if w.receipt.Image == nil || w.receipt.Image.Bounds().Dx() != 576 || !w.receipt.Visible() {
		t.Error("no receipt preview after filing")
	}
	jobs, err := prn.WaitJobs(context.Background(), 1)
	if err != nil || !jobs[0].Cut {
		t.Fatalf("printer: %v", err)
	}
	capture(t, a, "walk-in-filed")
	if len(a.board.rows) != 1 || a.board.rows[0].TrackingCode != w.filed.TrackingCode {
		t.Errorf("board: %d rows", len(a.board.rows))
	}
	// The next walk-in starts clean.
	w.reset()
	if w.nationalCode.Text != "" || w.chosen != nil || !w.submit.Disabled() {
		t.Error("reset left data behind")
	}
}

// TestWalkInRefusesBadNationalCode: the typed code's check digit is wrong;
// the screen says so in Persian and nothing is filed.
func TestWalkInRefusesBadNationalCode(t *testing.T) {
	d := readyDesk(t)
	a := newTestApp(t, Options{Desk: d})
	login(t, a, "clerk1", "2468")
	w := a.walkin
	test.Type(w.nationalCode, "۰۰۱۲۳۴۵۶۷۸")
	if !strings.Contains(shown(w.cardMsg), "کنترل") {
		t.Errorf("bad national code message: %q", shown(w.cardMsg))
	}
	w.choose("ss-0001")
	test.Type(w.first, "علی")
	test.Type(w.last, "رضایی")
	test.Tap(w.submit)
	if w.filed != nil || shown(w.message) == "" {
		t.Errorf("filed with a bad national code (message %q)", shown(w.message))
	}
	vs, _ := d.ListDay(context.Background(), d.Today())
	if len(vs) != 0 {
		t.Errorf("%d requests filed", len(vs))
	}
}

// TestRoles: each role sees its own screens.
func TestRoles(t *testing.T) {
	d := readyDesk(t)
	for _, c := range []struct {
		user, pin     string
		walkin, board bool
	}{{"clerk1", "2468", true, true}, {"boss", "1357", false, true}, {"tech", "9753", false, false}} {
		a := newTestApp(t, Options{Desk: d})
		login(t, a, c.user, c.pin)
		if (a.walkin != nil) != c.walkin || (a.board != nil) != c.board {
			t.Errorf("%s: walk-in %v, board %v", c.user, a.walkin != nil, a.board != nil)
		}
		capture(t, a, "home-"+c.user)
	}
}

// TestTechnicianScreen: the technician prints a test receipt and sees its
// preview, asks the printer's status in words, and tests the card.
func TestTechnicianScreen(t *testing.T) {
	d := readyDesk(t)
	ring := logring.New(100, slog.LevelInfo)
	d.Log = slog.New(ring.Handler(nil))
	v, prn := withDevices(t, d)
	a := newTestApp(t, Options{Desk: d, Devices: v, Ring: ring})
	login(t, a, "tech", "9753")
	tc := a.tech
	if tc == nil || tc.prnProfile.Selected != "80mm-raster" || tc.prnPort.Text != prn.PortName() {
		t.Fatalf("technician screen: %+v", tc)
	}
	tc.testPrint()
	if tc.preview.Image == nil || tc.preview.Image.Bounds().Dx() != 576 || !strings.Contains(shown(tc.prnMsg), "انجام شد") {
		t.Fatalf("test print: message %q", shown(tc.prnMsg))
	}
	if jobs, err := prn.WaitJobs(context.Background(), 1); err != nil || !jobs[0].Cut {
		t.Fatalf("printer: %v", err)
	}
	prn.SetPaperOut(true)
	tc.printerStatus()
	if !strings.Contains(shown(tc.prnMsg), "کاغذ") {
		t.Errorf("status with no paper: %q", shown(tc.prnMsg))
	}
	tc.testCard()
	if !strings.Contains(shown(tc.rdrMsg), "کارت خوانده شد") {
		t.Errorf("card test: %q", shown(tc.rdrMsg))
	}
	// The APDU console: SELECT the demo application, answered in hex and words.
	tc.apdu.SetText("00A404000DF0504953484B48414E44454D4F")
	tc.sendAPDU()
	if out := tc.apduOut.Text; !strings.Contains(out, "ATR 3B") || !strings.Contains(out, "9000") {
		t.Errorf("APDU console: %q", out)
	}
	tc.apdu.SetText("00A4")
	tc.sendAPDU()
	if out := tc.apduOut.Text; !strings.Contains(out, "APDU") {
		t.Errorf("a short APDU: %q", out)
	}
	// Backup and restore from the screen; a file that is not a backup is refused in words.
	tc.backup()
	if tc.lastBackup == "" || !strings.Contains(shown(tc.backupMsg), "پشتیبان نوشته شد") {
		t.Fatalf("backup: %q", shown(tc.backupMsg))
	}
	tc.restore()
	if !strings.Contains(shown(tc.backupMsg), "بازگردانده شد") {
		t.Errorf("restore: %q", shown(tc.backupMsg))
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("just text"), 0o600)
	tc.restorePath.SetText(junk)
	tc.restore()
	if !strings.Contains(shown(tc.backupMsg), "سالمی") {
		t.Errorf("restore of junk: %q", shown(tc.backupMsg))
	}
	tc.showLog()
	if !strings.Contains(tc.logView.Text, "receipt printed") {
		t.Errorf("device log: %q", tc.logView.Text)
	}
	capture(t, a, "technician")
	// A bad printer setting is refused in Persian.
	tc.prnProfile.SetSelected("80mm-raster")
	tc.prnPort.SetText("")
	tc.savePrinter()
	if !strings.Contains(shown(tc.prnMsg), "درگاه") {
		t.Errorf("empty port: %q", shown(tc.prnMsg))
	}
}

// TestKeyboard: the function keys reach every step without the mouse.
func TestKeyboard(t *testing.T) {
	d := readyDesk(t)
	v, _ := withDevices(t, d)
	a := newTestApp(t, Options{Desk: d, Devices: v})
	login(t, a, "clerk1", "2468")
	focused := func() fyne.Focusable { return a.win.Canvas().Focused() }
	a.keys(fyne.KeyF4)
	if focused() != a.walkin.search {
		t.Errorf("F4 focused %T, not the service search", focused())
	}
	a.keys(fyne.KeyF6)
	if a.walkin.first.Text() == "" {
		t.Error("F6 did not read the card")
	}
	a.keys(fyne.KeyF3)
	if focused() != a.board.query {
		t.Errorf("F3 focused %T, not the board's search", focused())
	}
	a.keys(fyne.KeyF2)
	if focused() != a.walkin.nationalCode {
		t.Errorf("F2 focused %T, not the national code", focused())
	}
}

// TestSupervisorNeedingAction: the supervisor lists the requests that need
// a person — here one the exchange rejected.
func TestSupervisorNeedingAction(t *testing.T) {
	d := readyDesk(t)
	ctx := context.Background()
	e, _ := d.SubService(ctx, "ss-0001")
	var rs []*pishkhan.Request
	for _, nine := range []string{"001234567", "052417893"} {
		nc, _ := pishkhan.CompleteNationalCode(nine)
		form, _ := democatalog.SampleForm(e.SubService, nc)
		r, err := d.Intake(ctx, desk.IntakeInput{NationalCode: string(nc), FirstName: "علی", LastName: "رضایی", SubServiceID: "ss-0001",
			Fields: form, PayMethod: "cash", Clerk: "clerk1"})
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	for _, s := range []pishkhan.RequestState{pishkhan.StateSending, pishkhan.StateRejected} {
		if err := d.Store.TransitionRequest(ctx, rs[1].ID, s, "مدارک ناقص", "replicator"); err != nil {
			t.Fatal(err)
		}
	}
	a := newTestApp(t, Options{Desk: d})
	login(t, a, "boss", "1357")
	if len(a.board.rows) != 2 {
		t.Fatalf("today: %d rows", len(a.board.rows))
	}
	a.board.queue()
	if len(a.board.rows) != 1 || a.board.rows[0].ID != rs[0].ID || !strings.Contains(shown(a.board.title), "صف ارسال") {
		t.Errorf("queue: %d rows, title %q", len(a.board.rows), shown(a.board.title))
	}
	a.board.needingAction()
	if len(a.board.rows) != 1 || a.board.rows[0].ID != rs[1].ID || !strings.Contains(shown(a.board.title), "نیازمند اقدام") {
		t.Errorf("needing action: %d rows, title %q", len(a.board.rows), shown(a.board.title))
	}
	a.board.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if !strings.Contains(shown(a.board.detail), "مدارک ناقص") {
		t.Errorf("detail: %q", shown(a.board.detail))
	}
	capture(t, a, "needing-action")
}

// TestBoardLookup: the board finds a request by tracking code (any digit
// script) and by national code, shows its inquiries, and says in Persian
// when a code is mistyped.
func TestBoardLookup(t *testing.T) {
	d := readyDesk(t)
	a := newTestApp(t, Options{Desk: d})
	login(t, a, "clerk1", "2468")
	r := fileThroughWindow(t, a, "052417893", "ss-0001")
	b := a.board
	test.Type(b.query, persian.ToPersianDigits(r.TrackingCode.Display()))
	b.query.OnSubmitted(b.query.Text)
	if len(b.rows) != 1 || b.rows[0].TrackingCode != r.TrackingCode {
		t.Fatalf("by tracking code: %d rows", len(b.rows))
	}
	if !strings.Contains(shown(b.detail), "استعلام") {
		t.Errorf("detail without inquiries: %q", shown(b.detail))
	}
	b.query.SetText(string(r.Citizen.NationalCode))
	b.query.OnSubmitted(b.query.Text)
	if len(b.rows) != 1 {
		t.Errorf("by national code: %d rows", len(b.rows))
	}
	a.keys(fyne.KeyF3) // the board's tab, for the screenshot
	bad := []rune(string(r.TrackingCode))
	bad[5] = '0' + (bad[5]-'0'+1)%10
	b.query.SetText(string(bad))
	b.query.OnSubmitted(b.query.Text)
	if shown(b.message) == "" {
		t.Error("a mistyped tracking code shows no message")
	}
	b.reload()
	capture(t, a, "board")
}

// TestSupervisorClosesDay: the supervisor sees the day's expected money,
// a count that differs is refused until a reason is given, a wrong PIN is
// refused, the close prints the day's receipt, a clerk cannot file any
// more, and the supervisor reopens the day.
func TestSupervisorClosesDay(t *testing.T) {
	d := readyDesk(t)
	v, prn := withDevices(t, d)
	ctx := context.Background()
	e, _ := d.SubService(ctx, "ss-0001")
	nc, _ := pishkhan.CompleteNationalCode("001234567")
	form, _ := democatalog.SampleForm(e.SubService, nc)
	if _, err := d.Intake(ctx, desk.IntakeInput{NationalCode: string(nc), FirstName: "علی", LastName: "رضایی", SubServiceID: "ss-0001",
		Fields: form, PayMethod: "cash", Clerk: "clerk1"}); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, Options{Desk: d, Devices: v})
	login(t, a, "boss", "1357")
	c := a.dayClose
	if c == nil || !strings.Contains(shown(c.summary), "۳,۷۵۰,۰۰۰") && !strings.Contains(shown(c.summary), "۳٬۷۵۰٬۰۰۰") {
		t.Fatalf("summary: %q", shown(c.summary))
	}
	test.Type(c.cash, "۳۷۰۰۰۰۰")
	test.Type(c.card, "0")
	test.Type(c.pin, "1357")
	test.Tap(c.close)
	if !strings.Contains(shown(c.message), "دلیل") {
		t.Errorf("a shortfall without a reason: %q", shown(c.message))
	}
	test.Type(c.reason, "کسری ۵۰ هزار ریال")
	test.Type(c.pin, "0000")
	test.Tap(c.close)
	if !strings.Contains(shown(c.message), "درست نیست") {
		t.Errorf("a wrong PIN: %q", shown(c.message))
	}
	test.Type(c.pin, "1357")
	test.Tap(c.close)
	if !strings.Contains(shown(c.message), "روز بسته شد") || !strings.Contains(shown(c.summary), "بسته است") {
		t.Fatalf("close: %q / %q", shown(c.message), shown(c.summary))
	}
	c.writePDF()
	if b, err := os.ReadFile(c.pdfPath); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("the day's PDF at %q: %v", c.pdfPath, err)
	}
	// A period: its own file; a bad date or a period for a reprint is refused in words.
	dayPDF := c.pdfPath
	c.from.SetText(a.d.Today().AddDays(-6).Persian())
	c.writePDF()
	if b, err := os.ReadFile(c.pdfPath); c.pdfPath == dayPDF || !strings.Contains(filepath.Base(c.pdfPath), "_") || err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("the period's PDF at %q (day's %q): %v", c.pdfPath, dayPDF, err)
	}
	c.doReprint()
	if !strings.Contains(shown(c.message), "یکی کنید") {
		t.Errorf("a reprint of a period: %q", shown(c.message))
	}
	c.from.SetText("۱۴۰۵/۱۳/۰۱")
	c.writePDF()
	if !strings.Contains(shown(c.message), "درست نیست؛ مانند") {
		t.Errorf("a bad from date: %q", shown(c.message))
	}
	c.from.SetText(a.d.Today().Persian())
	c.writePDF()
	if c.pdfPath != dayPDF || !strings.Contains(shown(c.message), "گزارش نوشته شد") {
		t.Errorf("the day's PDF again: %q, %q", c.pdfPath, shown(c.message))
	}
	a.show(c.content)
	capture(t, a, "day-close")
	jobs, err := prn.WaitJobs(ctx, 1)
	if err != nil || len(jobs) < 1 {
		t.Fatalf("the day's receipt was not printed: %v", err)
	}
	if _, err := d.Intake(ctx, desk.IntakeInput{NationalCode: string(nc), FirstName: "علی", LastName: "رضایی", SubServiceID: "ss-0001",
		Fields: form, PayMethod: "cash", Clerk: "clerk1"}); pishkhan.ErrorCode(err) != pishkhan.ELocked {
		t.Errorf("intake on the closed day: %v", err)
	}
	test.Type(c.reopenReason, "رسید یک مراجع جا مانده بود")
	test.Type(c.pin, "1357")
	c.doReopen()
	if !strings.Contains(shown(c.message), "باز شد") {
		t.Errorf("reopen: %q", shown(c.message))
	}
}
