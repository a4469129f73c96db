// Package ui is Pishkhan's window: Persian, right to left, with Jalali
// dates, for clerks taking walk-ins, supervisors watching the queue and
// technicians setting up devices. It calls only package desk (and the
// replicator's status for the sync bar): no SQL and no device bytes here.
// Text goes through package ui/rtl before Fyne draws it.
package ui

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/logring"
	"github.com/pishkhan/pishkhan/sync/replicator"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

// Options are what the window works with.
type Options struct {
	Desk    *desk.Desk
	Devices *desk.Devices // may be nil: no printer, no reader
	// Replicator, when set, runs in this process; the sync bar follows it
	// and "sync now" wakes it. Nil: the bar reads the desk's sync state.
	Replicator *replicator.Replicator
	// IdleLock locks the session after this long without input (default 5 min).
	IdleLock time.Duration
	Log      *slog.Logger
	// Ring, when set, holds the newest log records; the technician's
	// screen shows them as the device log.
	Ring *logring.Ring
	// Inline runs slow work and its screen update in the caller's
	// goroutine and starts no background tickers (the idle lock and the
	// sync bar's refresh): the test driver has no UI thread to hand work
	// to, so tests call what the tickers would.
	Inline bool
}

// App is the desk's window.
type App struct {
	opts Options
	d    *desk.Desk
	fa   fyne.App
	win  fyne.Window
	log  *slog.Logger
	ctx  context.Context

	mu       sync.Mutex
	actor    desk.Actor // the logged-in user, as the desk knows them (zero: no one)
	lastUsed time.Time

	bar         *syncBar
	loginScreen *loginScreen
	firstRun    *firstRunScreen
	walkin      *walkIn
	tech        *tech
	dayClose    *dayClose
	tabs        *container.AppTabs
	keys        func(fyne.KeyName) // presses a function key, for tests
	board       *board
}

// New builds the window on a Fyne app (the real one, or test.NewApp in tests).
func New(ctx context.Context, fa fyne.App, opts Options) *App {
	if opts.IdleLock == 0 {
		opts.IdleLock = 5 * time.Minute
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	fa.Settings().SetTheme(appTheme())
	a := &App{opts: opts, d: opts.Desk, fa: fa, log: opts.Log, ctx: ctx, lastUsed: time.Now()}
	a.win = fa.NewWindow(rtl.Text("پیشخوان"))
	a.win.Resize(fyne.NewSize(1100, 720))
	a.bar = newSyncBar(a)
	if _, err := a.d.Config(ctx); err != nil {
		a.showFirstRun()
	} else {
		a.showLogin("")
	}
	if c, ok := a.win.Canvas().(desktop.Canvas); ok {
		c.SetOnKeyDown(func(*fyne.KeyEvent) { a.touch() })
	}
	if !opts.Inline {
		go a.watchIdle()
	}
	return a
}

// background runs slow work (a device, the printer, the network) off the
// UI thread, then then() on it.
func (a *App) background(work func(), then func()) {
	if a.opts.Inline {
		work()
		then()
		return
	}
	go func() {
		work()
		fyne.Do(then)
	}()
}

// Window is the app's window.
func (a *App) Window() fyne.Window { return a.win }

// User is who is logged in, or nil.
func (a *App) User() *pishkhan.User {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.actor.Name() == "" {
		return nil
	}
	u := a.actor.User()
	return &u
}

func (a *App) touch() {
	a.mu.Lock()
	a.lastUsed = time.Now()
	a.mu.Unlock()
}

// watchIdle locks the session after IdleLock without input.
func (a *App) watchIdle() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-t.C:
			fyne.Do(func() { a.checkIdle(time.Now()) })
		}
	}
}

// checkIdle locks the session if it has been idle for IdleLock at now.
func (a *App) checkIdle(now time.Time) {
	a.mu.Lock()
	idle := a.actor.Name() != "" && now.Sub(a.lastUsed) > a.opts.IdleLock
	a.mu.Unlock()
	if idle {
		a.Lock()
	}
}

// Lock ends the session: the login screen comes back, with the user name kept.
func (a *App) Lock() {
	a.mu.Lock()
	name := a.actor.Name()
	a.actor = desk.Actor{}
	a.mu.Unlock()
	if name != "" {
		a.log.Info("session locked", "user", name)
	}
	a.showLogin(name)
}

// Login logs a user in with their PIN, as the login form does.
func (a *App) Login(username, pin string) error {
	actor, err := a.checkPIN(username, pin)
	if err != nil {
		return err
	}
	a.loggedIn(actor)
	return nil
}

// checkPIN is desk.Login, then the memory of the PIN check handed back to
// the operating system (see releasePINMemory).
func (a *App) checkPIN(username, pin string) (desk.Actor, error) {
	defer releasePINMemory()
	return a.d.Login(a.ctx, username, pin)
}

// releasePINMemory collects the garbage and returns the freed pages to the
// operating system after a PIN was hashed or checked. Argon2id fills 19 MiB
// per PIN (pishkhan.DefaultArgon2id) in one allocation; once it is garbage
// the Go runtime keeps those pages and raises its next collection's goal
// to twice the heap the hash left behind, and an idle window allocates too
// little to reach it: the clerk's window stayed 23 MB larger for as long as
// it ran (measured: 174 MB once drawn, 177 MB 40 s later, against 151 MB
// with a 1 MiB hash). It costs one collection of a heap of some 20 MB
// (a few milliseconds) on a log-in, which the hash itself outlasts many
// times over.
func releasePINMemory() { debug.FreeOSMemory() }

// Actor is the logged-in user for the desk's privileged use cases (the zero
// Actor, which may do nothing, when no one is logged in).
func (a *App) Actor() desk.Actor {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.actor
}

// loggedIn shows the screens of the user's role.
func (a *App) loggedIn(actor desk.Actor) {
	u := actor.User()
	a.mu.Lock()
	a.actor, a.lastUsed = actor, time.Now()
	a.mu.Unlock()
	var tabs []*container.TabItem
	switch u.Role {
	case pishkhan.RoleClerk:
		a.walkin = newWalkIn(a)
		a.board = newBoard(a)
		tabs = append(tabs, container.NewTabItem(rtl.Text("پذیرش (F2)"), a.walkin.content),
			container.NewTabItem(rtl.Text("جستجو و کارتابل امروز (F3)"), a.board.content))
	case pishkhan.RoleSupervisor:
		a.board = newBoard(a)
		a.dayClose = newDayClose(a)
		tabs = append(tabs, container.NewTabItem(rtl.Text("کارتابل امروز (F3)"), a.board.content),
			container.NewTabItem(rtl.Text("بستن روز"), a.dayClose.content))
	case pishkhan.RoleTechnician:
		a.tech = newTech(a)
		tabs = append(tabs, container.NewTabItem(rtl.Text("دستگاه‌ها"), a.tech.content))
	}
	// Right to left: the first tab is the rightmost.
	rev := make([]*container.TabItem, len(tabs))
	for i, t := range tabs {
		rev[len(tabs)-1-i] = t
	}
	at := container.NewAppTabs(rev...)
	a.tabs = at
	at.Select(rev[len(rev)-1])
	who := rtl.Label(u.FullName + " — " + u.Role.Persian())
	lock := rtl.Button("قفل (Ctrl+L)", a.Lock)
	top := container.NewVBox(container.NewBorder(nil, nil, lock, who), a.bar.content)
	a.win.SetContent(container.NewBorder(top, nil, nil, nil, at))
	a.shortcuts(at, tabs)
	a.bar.refresh()
}

// shortcuts: every screen and every step of a walk-in is one key away:
// F2 walk-in, F3 board, F4 service search, F5 sync now, F6 read the card,
// Ctrl+Enter file, Ctrl+N next walk-in, Ctrl+L lock.
func (a *App) shortcuts(at *container.AppTabs, tabs []*container.TabItem) {
	a.keys = func(k fyne.KeyName) {
		a.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
	}
	c := a.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) { a.Lock() })
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		a.touch()
		switch e.Name {
		case fyne.KeyF2:
			if a.walkin != nil {
				at.Select(tabs[0])
				a.walkin.focusStart()
			}
		case fyne.KeyF3:
			if a.board != nil {
				at.Select(tabs[len(tabs)-1])
				a.board.focus()
			}
		case fyne.KeyF4:
			if a.walkin != nil {
				at.Select(tabs[0])
				a.win.Canvas().Focus(a.walkin.search)
			}
		case fyne.KeyF6:
			if a.walkin != nil {
				at.Select(tabs[0])
				a.walkin.readCard()
			}
		case fyne.KeyF5:
			a.bar.syncNow()
		}
	})
}

// showError shows an error in Persian; the English goes to the log.
func (a *App) showError(err error) {
	if err == nil {
		return
	}
	a.log.Warn("shown to the user", "err", err)
	msg := pishkhan.PersianMessage(err)
	if msg == "" {
		msg = "خطایی رخ داد؛ جزئیات در گزارش برنامه ثبت شد."
	}
	p := rtl.NewParagraph(msg)
	p.MinWidth = 360 // else the dialog shrinks to a word a line
	d := dialog.NewCustom(rtl.Text("خطا"), rtl.Text("بستن"), p, a.win)
	d.Show()
}

// TypeSearch is the clerk typing q into the walk-in's service search: the
// search runs and the hit list is drawn again. For benchmarks and tests.
func (a *App) TypeSearch(q string) int {
	if a.walkin == nil {
		return 0
	}
	a.walkin.search.SetText(q)
	return len(a.walkin.hits)
}

// show brings the tab holding content to the front.
func (a *App) show(content fyne.CanvasObject) {
	if a.tabs == nil {
		return
	}
	for _, t := range a.tabs.Items {
		if t.Content == content {
			a.tabs.Select(t)
		}
	}
}
