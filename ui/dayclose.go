package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

// dayClose is the supervisor's screen for closing the day: what the day's
// payments say is expected per method, the totals, what has not reached the
// exchange; the counted amounts, a reason for any difference, and the
// supervisor's own PIN. A closed day can be reopened (with a reason) and its
// receipt printed again.
type dayClose struct {
	a       *App
	content fyne.CanvasObject

	summary      *rtl.Paragraph
	cash, card   *rtl.DigitEntry
	reason       *rtl.Entry
	pin          *widget.Entry
	message      *rtl.Paragraph
	close        *widget.Button
	reopenReason *rtl.Entry
	from, to     *rtl.Entry // the reports' period, Jalali dates in any digits
	pdfPath      string     // the last report written
}

func newDayClose(a *App) *dayClose {
	c := &dayClose{a: a, summary: rtl.NewParagraph(""), cash: rtl.NewDigitEntry(), card: rtl.NewDigitEntry(), reason: rtl.NewEntry(),
		pin: widget.NewPasswordEntry(), message: rtl.NewParagraph(""), reopenReason: rtl.NewEntry(), from: rtl.NewEntry(), to: rtl.NewEntry()}
	today := a.d.Today()
	c.from.SetText(today.Persian())
	c.to.SetText(today.Persian())
	c.message.Importance = widget.DangerImportance
	c.close = rtl.Button("بستن روز", c.doClose)
	c.close.Importance = widget.HighImportance
	reopen := rtl.Button("بازکردن روز", c.doReopen)
	reprint := rtl.Button("چاپ دوباره گزارش روز", c.doReprint)
	refresh := rtl.Button("بازخوانی", c.reload)
	pdf := rtl.Button("گزارش PDF", c.writePDF)
	c.content = container.NewVScroll(container.NewVBox(
		heading("بستن روز کاری"), c.summary, rtl.Row(refresh),
		form(field("نقد شمرده‌شده (ریال)", c.cash), field("تسویه کارتخوان (ریال)", c.card), field("دلیل اختلاف", c.reason),
			field("رمز مدیر (PIN)", c.pin)),
		rtl.Row(c.close), c.message,
		heading("بازکردن روز بسته‌شده"), form(field("دلیل بازکردن", c.reopenReason)), rtl.Row(reopen),
		heading("گزارش‌ها"), form(field("از تاریخ", c.from), field("تا تاریخ", c.to)), rtl.Row(pdf, reprint),
		rtl.NewParagraph("یک روز: «از» و «تا» یکی باشند. چاپ دوباره رسید روز (Z) برای روزی است که بسته شده است."),
	))
	c.reload()
	return c
}

// reload shows the day's figures.
func (c *dayClose) reload() {
	s, err := c.a.d.DaySummary(c.a.ctx, c.a.d.Today())
	if err != nil {
		c.message.SetText(persianOr(err, "خلاصه روز خوانده نشد."))
		return
	}
	c.summary.SetText(summaryText(s))
}

// summaryText is a day's summary in Persian, one fact a line.
func summaryText(s store.DaySummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s درخواست\n", s.Date.Long(), persian.ToPersianDigits(fmt.Sprint(s.Requests)))
	fmt.Fprintf(&b, "نقد مورد انتظار: %s\n", persian.FormatRials(int64(s.ExpectedCash)))
	fmt.Fprintf(&b, "کارت ثبت‌شده: %s\n", persian.FormatRials(int64(s.ExpectedCard)))
	for _, t := range s.ByService {
		fmt.Fprintf(&b, "%s: %s درخواست، %s\n", t.Name, persian.ToPersianDigits(fmt.Sprint(t.Count)), persian.FormatRials(int64(t.Amount)))
	}
	for _, t := range s.ByClerk {
		fmt.Fprintf(&b, "اپراتور %s: %s درخواست\n", t.Name, persian.ToPersianDigits(fmt.Sprint(t.Count)))
	}
	if n := len(s.Unsent); n > 0 {
		fmt.Fprintf(&b, "%s درخواست هنوز به مرکز ارسال نشده است.\n", persian.ToPersianDigits(fmt.Sprint(n)))
	}
	if s.Close != nil {
		fmt.Fprintf(&b, "این روز را %s در %s بسته است.", s.Close.ClosedBy, persian.FormatDateTime(s.Close.ClosedAt))
	}
	return strings.TrimSpace(b.String())
}

func (c *dayClose) who() string {
	if u := c.a.User(); u != nil {
		return u.Username
	}
	return ""
}

func (c *dayClose) doClose() {
	dc, err := c.a.d.CloseDay(c.a.ctx, desk.CloseInput{Day: c.a.d.Today(), CountedCash: c.cash.Value(), CountedCard: c.card.Value(),
		Reason: c.reason.Text(), Supervisor: c.who(), PIN: c.pin.Text})
	c.pin.SetText("")
	if err != nil {
		c.message.SetText(persianOr(err, "روز بسته نشد."))
		return
	}
	c.message.SetText(fmt.Sprintf("روز بسته شد؛ نقد: %s؛ کارت: %s.", difference(dc.Difference()), difference(dc.CardDifference())))
	c.reload()
	c.a.background(func() { c.a.d.PrintPending(c.a.ctx) }, func() {})
}

func (c *dayClose) doReopen() {
	err := c.a.d.ReopenDay(c.a.ctx, c.a.d.Today(), c.reopenReason.Text(), c.who(), c.pin.Text)
	c.pin.SetText("")
	if err != nil {
		c.message.SetText(persianOr(err, "روز باز نشد."))
		return
	}
	c.message.SetText("روز دوباره باز شد.")
	c.reload()
}

// period reads the reports' period from the two date fields.
func (c *dayClose) period() (from, to persian.Date, err error) {
	if from, err = persian.ParseDate(c.from.Text()); err != nil {
		return from, to, pishkhan.WrapError(err, pishkhan.EInvalid, "تاریخ «از» درست نیست؛ مانند ۱۴۰۵/۰۹/۰۱ بنویسید.", "from date")
	}
	if to, err = persian.ParseDate(c.to.Text()); err != nil {
		return from, to, pishkhan.WrapError(err, pishkhan.EInvalid, "تاریخ «تا» درست نیست؛ مانند ۱۴۰۵/۰۹/۰۱ بنویسید.", "to date")
	}
	if to.Before(from) {
		return from, to, pishkhan.Errorf(pishkhan.EInvalid, "تاریخ «تا» پیش از «از» است.", "to before from")
	}
	return from, to, nil
}

func (c *dayClose) doReprint() {
	day, to, err := c.period()
	if err == nil && day != to {
		err = pishkhan.Errorf(pishkhan.EInvalid, "برای چاپ دوباره رسید یک روز، «از» و «تا» را یکی کنید.", "reprint needs one day")
	}
	if err != nil {
		c.message.SetText(persianOr(err, "تاریخ درست نیست."))
		return
	}
	c.a.background(func() { _, err = c.a.d.ReprintDay(c.a.ctx, day, c.a.Actor()) }, func() {
		if err != nil {
			c.message.SetText(persianOr(err, "گزارش روز چاپ نشد."))
			return
		}
		c.message.SetText("گزارش روز دوباره چاپ شد.")
	})
}

// difference says a counted-minus-expected amount in words.
func difference(r pishkhan.Rials) string {
	switch {
	case r < 0:
		return "کسری " + persian.FormatRials(int64(-r))
	case r > 0:
		return "مازاد " + persian.FormatRials(int64(r))
	}
	return "بدون اختلاف"
}

// writePDF writes the report of the period (one day when from and to are
// the same) as a PDF in the data folder and says where.
func (c *dayClose) writePDF() {
	from, to, err := c.period()
	if err != nil {
		c.message.SetText(persianOr(err, "تاریخ درست نیست."))
		return
	}
	dir := filepath.Join(c.a.d.DataDir(), "reports")
	name := strings.ReplaceAll(from.String(), "/", "-")
	if to != from {
		name += "_" + strings.ReplaceAll(to.String(), "/", "-")
	}
	path := filepath.Join(dir, name+".pdf")
	c.a.background(func() {
		var b bytes.Buffer
		if err = c.a.d.ReportPDF(c.a.ctx, &b, from, to); err != nil {
			return
		}
		if err = os.MkdirAll(dir, 0o700); err != nil {
			return
		}
		tmp := path + ".tmp"
		if err = os.WriteFile(tmp, b.Bytes(), 0o600); err == nil {
			err = os.Rename(tmp, path)
		}
	}, func() {
		if err != nil {
			c.message.SetText(persianOr(err, "گزارش نوشته نشد."))
			return
		}
		c.pdfPath = path
		c.message.SetText("گزارش نوشته شد: " + rtl.LTR(path))
	})
}
