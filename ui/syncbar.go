package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/sync/replicator"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

// syncBar is the strip on every screen that says whether the desk is
// online, how much waits to be sent and since when, when it last synced,
// and offers "sync now"; a long drain shows its progress, the offline
// warning and hard limit show in colour.
type syncBar struct {
	a        *App
	content  fyne.CanvasObject
	dot      *canvas.Circle
	state    *widget.Label
	pending  *widget.Label
	last     *widget.Label
	warning  *rtl.Paragraph
	progress *widget.ProgressBar
	now      *widget.Button
	row      *fyne.Container
	box      *fyne.Container // row, warning and progress, one above the other
}

var (
	green  = color.NRGBA{R: 0x2e, G: 0x9e, B: 0x4f, A: 0xff}
	amber  = color.NRGBA{R: 0xe6, G: 0x9b, B: 0x00, A: 0xff}
	red    = color.NRGBA{R: 0xd3, G: 0x2f, B: 0x2f, A: 0xff}
	grey   = color.NRGBA{R: 0x90, G: 0x90, B: 0x90, A: 0xff}
	silver = color.NRGBA{R: 0xee, G: 0xee, B: 0xee, A: 0xff}
)

func newSyncBar(a *App) *syncBar {
	b := &syncBar{a: a, dot: canvas.NewCircle(grey), state: rtl.Label(""), pending: rtl.Label(""), last: rtl.Label(""),
		warning: rtl.NewParagraph(""), progress: widget.NewProgressBar()}
	b.dot.Resize(fyne.NewSize(14, 14))
	b.progress.Hide()
	b.now = rtl.Button("همگام‌سازی اکنون (F5)", b.syncNow)
	b.warning.Importance = widget.DangerImportance
	dot := container.NewGridWrap(fyne.NewSize(14, 14), b.dot)
	b.row = rtl.Row(container.NewCenter(dot), b.state, b.pending, b.last, b.now, layout.NewSpacer())
	b.box = container.NewVBox(b.row, b.warning, b.progress)
	b.content = b.box
	if !a.opts.Inline {
		go b.follow()
	}
	return b
}

// follow refreshes the bar every second while the app runs.
func (b *syncBar) follow() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-b.a.ctx.Done():
			return
		case <-t.C:
			fyne.Do(b.refresh)
		}
	}
}

// view is what the bar shows, from the replicator or the desk's state.
type view struct {
	online, enrolled bool
	pending          int
	oldest, last     time.Time
	level            pishkhan.OfflineLevel
	alert, errText   string
	reason           string // Persian: why the last attempt failed (the replicator in this process)
	done, total      int64
	draining         bool
}

func (b *syncBar) read() view {
	if r := b.a.opts.Replicator; r != nil {
		s := r.Status()
		return view{online: s.Online, enrolled: s.Enrolled, pending: s.Pending, oldest: s.Oldest, last: s.LastSuccess, level: s.Level,
			alert: s.Alert, errText: s.LastError, reason: s.Reason, done: s.Done, total: s.Total, draining: s.Phase == replicator.PhaseSending && s.Total > 0}
	}
	rep, err := b.a.d.SyncStatus(b.a.ctx, false)
	if err != nil {
		return view{errText: err.Error()}
	}
	return view{enrolled: rep.State.KeyID != "", pending: rep.Outbox.Pending, oldest: rep.Outbox.Oldest, last: rep.State.LastSuccess,
		level: rep.Level, alert: rep.State.Alert, errText: rep.State.LastError}
}

// refresh redraws the bar (on the UI thread).
func (b *syncBar) refresh() {
	v := b.read()
	now := b.a.d.Now()
	switch {
	case !v.enrolled:
		b.dot.FillColor = grey
		rtl.SetLabel(b.state, "به مرکز تبادل نپیوسته")
	case v.online:
		b.dot.FillColor = green
		rtl.SetLabel(b.state, "برخط")
	default:
		b.dot.FillColor = red
		rtl.SetLabel(b.state, "بدون اتصال")
	}
	b.dot.Refresh()
	p := "صف ارسال: خالی"
	if v.pending > 0 {
		p = fmt.Sprintf("در صف ارسال: %s درخواست، قدیمی‌ترین %s پیش", persian.ToPersianDigits(fmt.Sprint(v.pending)), desk.PersianDuration(now.Sub(v.oldest)))
	}
	rtl.SetLabel(b.pending, p)
	l := "هنوز همگام نشده"
	if !v.last.IsZero() {
		l = "آخرین همگام‌سازی: " + persian.FormatDateTime(v.last)
	}
	rtl.SetLabel(b.last, l)
	w := ""
	switch {
	case v.alert != "":
		w = "مرکز تبادل هویت این میز را نپذیرفت؛ کارشناس فنی باید میز را دوباره بپیوندد. درخواست‌ها محفوظ‌اند."
		b.warning.Importance = widget.DangerImportance
	case v.level == pishkhan.OfflineRefuse:
		w = "مدت بی‌ارتباطی از حد مجاز گذشته است؛ تا ارسال صف، پذیرش درخواست تازه ممکن نیست."
		b.warning.Importance = widget.DangerImportance
	case v.level == pishkhan.OfflineWarn:
		w = "مدتی است درخواست‌ها به مرکز نرسیده‌اند؛ اتصال شبکه را بررسی کنید."
		b.warning.Importance = widget.WarningImportance
	}
	if v.enrolled && v.alert == "" && !v.online && v.reason != "" {
		// Why the last attempt failed, in words (an untrusted certificate
		// and a dead network call for different people).
		if w == "" {
			w = v.reason
			b.warning.Importance = widget.MediumImportance
		} else {
			w += " " + v.reason
		}
	}
	b.warning.SetText(w)
	if w == "" {
		b.warning.Hide()
	} else {
		b.warning.Show()
	}
	// A drain's progress, while it moves: offline, the reason says why
	// nothing is sent, and a bar stuck at 0% would only repeat it.
	if v.draining && (v.online || v.done > 0) {
		b.progress.Max = float64(v.total)
		b.progress.SetValue(float64(v.done))
		b.progress.Show()
	} else {
		b.progress.Hide()
	}
	b.box.Refresh() // the labels' widths changed, the warning or the progress may have appeared or gone: lay the bar out again (the row too)
}

// syncNow wakes the replicator, if one runs in this process.
func (b *syncBar) syncNow() {
	if r := b.a.opts.Replicator; r != nil {
		r.SyncNow()
	}
	b.refresh()
}
