package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

// loginScreen is the login form; its fields are kept for tests.
type loginScreen struct {
	user, pin *widget.Entry
	message   *rtl.Paragraph
	submit    *widget.Button
}

// showLogin shows the login form (after start and after a lock).
func (a *App) showLogin(username string) {
	s := &loginScreen{user: widget.NewEntry(), pin: widget.NewPasswordEntry(), message: rtl.NewParagraph("")}
	s.user.SetPlaceHolder("username")
	s.user.SetText(username)
	s.pin.SetPlaceHolder("PIN")
	s.submit = rtl.Button("ورود", func() {
		actor, err := a.checkPIN(s.user.Text, s.pin.Text)
		s.pin.SetText("")
		if err != nil {
			s.message.SetText(persianOr(err, "نام کاربری یا رمز نادرست است."))
			return
		}
		a.loggedIn(actor)
	})
	s.submit.Importance = widget.HighImportance
	s.pin.OnSubmitted = func(string) { s.submit.OnTapped() }
	s.user.OnSubmitted = func(string) { a.win.Canvas().Focus(s.pin) }
	cfg, _ := a.d.Config(a.ctx)
	title := rtl.Label("پیشخوان — " + cfg.OfficeName)
	title.TextStyle.Bold = true
	form := form(
		field("نام کاربری", s.user),
		field("رمز (PIN)", s.pin),
	)
	box := container.NewVBox(title, form, s.submit, s.message)
	a.win.SetContent(container.NewCenter(container.New(layout.NewGridWrapLayout(fyne.NewSize(420, 260)), box)))
	a.loginScreen = s
	if username == "" {
		a.win.Canvas().Focus(s.user)
	} else {
		a.win.Canvas().Focus(s.pin)
	}
}

// showFirstRun sets the desk up: office, desk number, the first supervisor.
func (a *App) showFirstRun() {
	office, name, deskNo := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	user, full, pin := widget.NewEntry(), widget.NewEntry(), widget.NewPasswordEntry()
	exURL, exCode := widget.NewEntry(), widget.NewEntry()
	exURL.SetPlaceHolder("https://exchange.example/")
	msg := rtl.NewParagraph("")
	a.firstRun = &firstRunScreen{office: office, name: name, deskNo: deskNo, user: user, full: full, pin: pin, exURL: exURL, exCode: exCode, message: msg}
	save := rtl.Button("راه‌اندازی میز", func() {
		boss, err := a.d.FirstRun(a.ctx, desk.FirstRunInput{
			Desk:       desk.InitInput{OfficeCode: office.Text, OfficeName: name.Text, DeskNumber: deskNo.Text},
			Supervisor: desk.AddUserInput{Username: user.Text, FullName: full.Text, PIN: pin.Text},
		})
		releasePINMemory() // the new PIN was hashed and checked
		if err != nil {
			msg.SetText(persianOr(err, "راه‌اندازی انجام نشد."))
			return
		}
		if strings.TrimSpace(exURL.Text) != "" || strings.TrimSpace(exCode.Text) != "" {
			// The desk has its supervisor now: the enrolment is theirs.
			if _, err := a.d.Enrol(a.ctx, desk.EnrolInput{ExchangeURL: exURL.Text, OneTimeCode: exCode.Text}, boss); err != nil {
				// The desk and its supervisor are saved; enrolment can be
				// done again from the technician's screen.
				a.showLogin(user.Text)
				a.loginScreen.message.SetText("میز راه‌اندازی شد، ولی پیوستن به مرکز تبادل انجام نشد: " + persianOr(err, "خطا") + " کارشناس فنی می‌تواند دوباره بپیوندد.")
				return
			}
		}
		a.showLogin(user.Text)
	})
	save.Importance = widget.HighImportance
	a.firstRun.save = save
	title := rtl.Label("راه‌اندازی نخستین: مشخصات دفتر و نخستین مدیر")
	title.TextStyle.Bold = true
	a.win.SetContent(container.NewVBox(title, form(
		field("کد دفتر", office),
		field("نام دفتر", name),
		field("شماره میز", deskNo),
		field("نام کاربری مدیر", user),
		field("نام و نام خانوادگی مدیر", full),
		field("رمز مدیر (PIN)", pin),
		field("نشانی مرکز تبادل", exURL),
		field("کد یک‌بارمصرف پیوستن", exCode),
	), save, msg, rtl.NewParagraph("پیوستن به مرکز تبادل را می‌توان خالی گذاشت و بعد از صفحه دستگاه‌ها (کارشناس فنی) انجام داد.")))
	a.win.Canvas().Focus(office)
}

// firstRunScreen is the first-run form; its fields are kept for tests.
type firstRunScreen struct {
	office, name, deskNo, user, full, pin, exURL, exCode *widget.Entry
	message                                              *rtl.Paragraph
	save                                                 *widget.Button
}

// persianOr is err's Persian message, or fallback when it has none.
func persianOr(err error, fallback string) string {
	if m := persianMessage(err); m != "" {
		return m
	}
	return fallback
}
