package ui

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

// tech is the technician's screen: the serial ports with their USB ids,
// the printer (port, profile, baud) with a test print and its preview and
// the printer's status, the card reader with a card test, and the desk's
// enrolment with the exchange.
type tech struct {
	a       *App
	content fyne.CanvasObject

	ports                 *widget.Label
	prnPort, prnBaud      *widget.Entry
	prnProfile            *widget.Select
	rdrPort               *widget.Entry
	prnMsg, rdrMsg, enMsg *widget.Label
	preview               *canvas.Image
	exURL, exCode, exCA   *widget.Entry
	apdu                  *widget.Entry
	apduOut               *widget.Label
	logView               *widget.Label
	restorePath           *widget.Entry
	backupMsg             *widget.Label
	lastBackup            string
}

func newTech(a *App) *tech {
	t := &tech{a: a, ports: rtl.Label(""), prnPort: widget.NewEntry(), prnBaud: widget.NewEntry(), rdrPort: widget.NewEntry(),
		prnMsg: rtl.Label(""), rdrMsg: rtl.Label(""), enMsg: rtl.Label(""), exURL: widget.NewEntry(), exCode: widget.NewEntry(), exCA: widget.NewEntry(),
		apdu: widget.NewEntry(), apduOut: widget.NewLabel(""), logView: widget.NewLabel(""), restorePath: widget.NewEntry(), backupMsg: rtl.Label("")}
	t.logView.TextStyle.Monospace = true
	t.logView.Wrapping = fyne.TextWrapWord
	t.apdu.SetPlaceHolder("00A404000DF0504953484B48414E44454D4F")
	t.apdu.OnSubmitted = func(string) { t.sendAPDU() }
	t.apduOut.TextStyle.Monospace = true
	names := desk.PrinterProfileNames()
	t.prnProfile = widget.NewSelect(names, nil)
	t.preview = canvas.NewImageFromImage(nil)
	t.preview.FillMode = canvas.ImageFillContain
	t.preview.SetMinSize(fyne.NewSize(300, 420))
	if c, ok, _ := a.d.Store.Device(a.ctx, store.DevicePrinter); ok {
		t.prnPort.SetText(c.Port)
		t.prnBaud.SetText(strconv.Itoa(c.Baud))
		t.prnProfile.SetSelected(c.Profile)
	} else {
		t.prnProfile.SetSelected(names[0])
	}
	if c, ok, _ := a.d.Store.Device(a.ctx, store.DeviceCardReader); ok {
		t.rdrPort.SetText(c.Port)
	}
	t.listPorts()
	printer := container.NewVBox(heading("چاپگر رسید"),
		form(field("درگاه", t.prnPort), field("نوع چاپگر", t.prnProfile), field("سرعت (baud)", t.prnBaud)),
		rtl.Row(rtl.Button("ذخیره", t.savePrinter), rtl.Button("چاپ آزمایشی", t.testPrint), rtl.Button("وضعیت چاپگر", t.printerStatus)), t.prnMsg)
	reader := container.NewVBox(heading("کارت‌خوان"), form(field("درگاه", t.rdrPort)),
		rtl.Row(rtl.Button("ذخیره", t.saveReader), rtl.Button("آزمایش کارت", t.testCard)), t.rdrMsg,
		field("فرمان APDU (هگز)", container.NewBorder(nil, nil, rtl.Button("ارسال", t.sendAPDU), nil, t.apdu)), t.apduOut)
	enrol := container.NewVBox(heading("پیوستن به مرکز تبادل"), form(field("نشانی مرکز", t.exURL), field("کد یک‌بارمصرف", t.exCode),
		field("پرونده گواهی مرجع مرکز (اختیاری)", t.exCA)),
		rtl.Button("پیوستن", t.enrol), t.enMsg)
	t.showEnrolment()
	backup := container.NewVBox(heading("پشتیبان پایگاه داده"), rtl.Row(rtl.Button("پشتیبان‌گیری اکنون", t.backup)),
		form(field("پرونده پشتیبان برای بازگردانی", t.restorePath)), rtl.Row(rtl.Button("بازگردانی", t.restore)), t.backupMsg)
	right := container.NewVBox(heading("درگاه‌های سریال"), t.ports, rtl.Button("بازخوانی درگاه‌ها", t.listPorts), printer, reader, enrol, backup)
	logBox := container.NewVBox(container.NewBorder(nil, nil, rtl.Button("بازخوانی گزارش", t.showLog), heading("گزارش دستگاه‌ها و همگام‌سازی")), t.logView)
	t.showLog()
	t.content = container.NewHSplit(container.NewVScroll(container.NewVBox(heading("پیش‌نمایش چاپ آزمایشی"), t.preview, logBox)), container.NewVScroll(right))
	return t
}

func (t *tech) listPorts() {
	ports, err := t.a.d.Ports()
	if err != nil {
		rtl.SetLabel(t.ports, persianOr(err, "فهرست درگاه‌ها خوانده نشد."))
		return
	}
	var lines []string
	for _, p := range ports {
		if p.USB {
			lines = append(lines, fmt.Sprintf("%s — USB %s:%s %s %s", p.Name, p.VID, p.PID, p.Serial, p.Product))
		} else {
			lines = append(lines, p.Name)
		}
	}
	if len(lines) == 0 {
		lines = []string{"درگاه سریالی پیدا نشد."}
	}
	rtl.SetLabel(t.ports, strings.Join(lines, "\n"))
}

func (t *tech) actor() desk.Actor { return t.a.Actor() }

func (t *tech) savePrinter() {
	baud, _ := strconv.Atoi(persian.ToLatinDigits(strings.TrimSpace(t.prnBaud.Text)))
	if baud == 0 {
		if p, ok := desk.PrinterProfile(t.prnProfile.Selected); ok {
			baud = p.Baud
		}
	}
	err := t.a.d.ConfigureDevice(t.a.ctx, store.DeviceSettings{Kind: store.DevicePrinter, Port: t.prnPort.Text, Baud: baud, DataBits: 8, Parity: "none",
		StopBits: 1, Profile: t.prnProfile.Selected}, t.actor())
	if err != nil {
		rtl.SetLabel(t.prnMsg, persianOr(err, "ذخیره نشد."))
		return
	}
	t.reopen(t.prnMsg, "تنظیمات چاپگر ذخیره شد.")
}

func (t *tech) saveReader() {
	err := t.a.d.ConfigureDevice(t.a.ctx, store.DeviceSettings{Kind: store.DeviceCardReader, Port: t.rdrPort.Text, Baud: 115200, DataBits: 8,
		Parity: "none", StopBits: 2}, t.actor())
	if err != nil {
		rtl.SetLabel(t.rdrMsg, persianOr(err, "ذخیره نشد."))
		return
	}
	t.reopen(t.rdrMsg, "تنظیمات کارت‌خوان ذخیره شد.")
}

// reopen opens the devices again with the new settings.
func (t *tech) reopen(msg *widget.Label, ok string) {
	if old := t.a.opts.Devices; old != nil {
		old.Close()
	}
	v, err := t.a.d.OpenDevices(t.a.ctx)
	if err != nil {
		rtl.SetLabel(msg, persianOr(err, "دستگاه‌ها باز نشدند."))
		return
	}
	t.a.opts.Devices = v
	rtl.SetLabel(msg, ok)
}

func (t *tech) testPrint() {
	rtl.SetLabel(t.prnMsg, "در حال چاپ آزمایشی…")
	var data []byte
	var prof escpos.Profile
	var err, perr error
	var img image.Image
	t.a.background(func() {
		data, prof, err = t.a.d.TestPrint(t.a.ctx, t.actor())
		img, perr = desk.Preview(data, prof)
	}, func() {
		if perr == nil && data != nil {
			t.preview.Image = img
			t.preview.Refresh()
		}
		if err != nil {
			rtl.SetLabel(t.prnMsg, persianOr(err, "چاپ آزمایشی انجام نشد."))
			return
		}
		rtl.SetLabel(t.prnMsg, fmt.Sprintf("چاپ آزمایشی انجام شد (%s بایت).", persian.ToPersianDigits(strconv.Itoa(len(data)))))
	})
}

func (t *tech) printerStatus() {
	var s escpos.Status
	var err error
	t.a.background(func() {
		s, err = t.a.d.PrinterStatus(t.a.ctx)
	}, func() {
		if err != nil {
			rtl.SetLabel(t.prnMsg, persianOr(err, "وضعیت چاپگر خوانده نشد."))
			return
		}
		rtl.SetLabel(t.prnMsg, s.Persian())
	})
}

func (t *tech) testCard() {
	rtl.SetLabel(t.rdrMsg, "در حال خواندن کارت…")
	var c pishkhan.Citizen
	var err error
	t.a.background(func() {
		c, err = t.a.d.ReadCard(t.a.ctx, t.a.opts.Devices, "")
	}, func() {
		if err != nil {
			rtl.SetLabel(t.rdrMsg, persianOr(err, "کارت خوانده نشد."))
			return
		}
		rtl.SetLabel(t.rdrMsg, fmt.Sprintf("کارت خوانده شد: %s %s، کد ملی %s", c.FirstName, c.LastName, persian.ToPersianDigits(string(c.NationalCode))))
	})
}

func (t *tech) showEnrolment() {
	st, err := t.a.d.SyncStatus(t.a.ctx, false)
	switch {
	case err != nil:
		rtl.SetLabel(t.enMsg, persianOr(err, "وضعیت پیوستن خوانده نشد."))
	case st.State.KeyID == "":
		rtl.SetLabel(t.enMsg, "این میز هنوز به مرکز تبادل نپیوسته است.")
	default:
		rtl.SetLabel(t.enMsg, "پیوسته به "+st.State.ExchangeURL+" از "+persian.FormatDateTime(st.State.EnrolledAt))
	}
}

func (t *tech) enrol() {
	in := desk.EnrolInput{ExchangeURL: t.exURL.Text, OneTimeCode: t.exCode.Text}
	var ca []byte
	if path := strings.TrimSpace(t.exCA.Text); path != "" {
		b, err := desk.ReadExchangeCAFile(path, time.Now())
		if err != nil {
			rtl.SetLabel(t.enMsg, persianOr(err, "پرونده گواهی مرجع خوانده نشد.")+" "+rtl.LTR(path))
			return
		}
		ca = b
	}
	rtl.SetLabel(t.enMsg, "در حال پیوستن…")
	var err error
	t.a.background(func() {
		// The CA is kept only if the enrolment with it succeeds.
		_, _, err = t.a.d.EnrolWithCA(t.a.ctx, in, ca, t.actor())
	}, func() {
		if err != nil {
			rtl.SetLabel(t.enMsg, persianOr(err, "پیوستن انجام نشد."))
			return
		}
		t.exCode.SetText("")
		t.showEnrolment()
	})
}

// sendAPDU sends the console's commands (several separated by ";") and
// shows the answers in hex with their status words in words.
func (t *tech) sendAPDU() {
	cmds := strings.Split(t.apdu.Text, ";")
	var atr string
	var res []desk.APDUResult
	var err error
	t.a.background(func() {
		atr, res, err = t.a.d.SendAPDUs(t.a.ctx, t.a.opts.Devices, cmds, t.actor())
	}, func() {
		var b strings.Builder
		if atr != "" {
			fmt.Fprintf(&b, "ATR %s\n", atr)
		}
		for _, r := range res {
			fmt.Fprintf(&b, "> %s\n< %s %s  %s\n", r.Command, r.Response, r.SW, r.English)
		}
		if err != nil {
			fmt.Fprintf(&b, "%s", persianOr(err, "فرمان فرستاده نشد."))
		} else if len(res) > 0 {
			b.WriteString(rtl.Text(res[len(res)-1].Persian))
		}
		t.apduOut.SetText(b.String())
	})
}

// showLog shows the newest log records (English, as logs are), newest last.
func (t *tech) showLog() {
	r := t.a.opts.Ring
	if r == nil {
		t.logView.SetText("")
		return
	}
	es := r.Entries()
	if len(es) > 40 {
		es = es[len(es)-40:]
	}
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.String()
	}
	t.logView.SetText(strings.Join(lines, "\n"))
}

// backup writes a copy of the database into the data folder's backups/.
func (t *tech) backup() {
	path := t.a.d.DefaultBackupPath(time.Now())
	var err error
	t.a.background(func() { err = t.a.d.Backup(t.a.ctx, path, t.actor()) }, func() {
		if err != nil {
			rtl.SetLabel(t.backupMsg, persianOr(err, "پشتیبان‌گیری انجام نشد."))
			return
		}
		t.lastBackup = path
		t.restorePath.SetText(path)
		rtl.SetLabel(t.backupMsg, "پشتیبان نوشته شد: "+rtl.LTR(path))
	})
}

// restore replaces the database with the backup named in the field, after
// the desk has checked it.
func (t *tech) restore() {
	path := strings.TrimSpace(t.restorePath.Text)
	var err error
	t.a.background(func() { err = t.a.d.Restore(t.a.ctx, path, t.actor()) }, func() {
		if err != nil {
			rtl.SetLabel(t.backupMsg, persianOr(err, "بازگردانی انجام نشد."))
			return
		}
		rtl.SetLabel(t.backupMsg, "پایگاه داده از پشتیبان بازگردانده شد.")
	})
}
