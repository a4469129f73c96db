package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

// board is today's requests and the lookup: by tracking code or national
// code, each request's state in colour and words, its inquiry answers, and
// a reprint.
type board struct {
	a       *App
	content fyne.CanvasObject
	query   *widget.Entry
	message *widget.Label
	rows    []store.RequestView
	table   *widget.Table
	detail  *widget.Label
	title   *widget.Label
	sel     int
}

// Columns, right to left: the first is rightmost.
var boardColumns = []struct {
	title string
	width float32
}{{"کد رهگیری", 210}, {"متقاضی", 190}, {"خدمت", 420}, {"وضعیت", 170}, {"ساعت", 80}}

// stateColour is a request state's colour on the board.
func stateColour(s pishkhan.RequestState) color.Color {
	switch s {
	case pishkhan.StateQueued, pishkhan.StateSending:
		return grey
	case pishkhan.StateAccepted, pishkhan.StateInProgress:
		return amber
	case pishkhan.StateDone:
		return green
	}
	return red // rejected, conflict, needs action, refused
}

// inquiryWords are inquiry states in Persian.
var inquiryWords = map[pishkhan.InquiryState]string{pishkhan.InquiryPending: "در انتظار پاسخ", pishkhan.InquiryAnswered: "پاسخ داده شد", pishkhan.InquiryFailed: "ناموفق"}

func newBoard(a *App) *board {
	b := &board{a: a, query: widget.NewEntry(), message: rtl.Label(""), detail: rtl.Label(""), title: heading("کارتابل امروز"), sel: -1}
	b.query.SetPlaceHolder(rtl.Text("کد رهگیری یا کد ملی، سپس Enter"))
	b.query.OnSubmitted = b.lookup
	n := len(boardColumns)
	b.table = widget.NewTable(
		func() (int, int) { return len(b.rows), n },
		func() fyne.CanvasObject {
			bg := canvas.NewRectangle(color.Transparent)
			return container.NewStack(bg, rtl.Label(""))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			st := o.(*fyne.Container)
			bg, l := st.Objects[0].(*canvas.Rectangle), st.Objects[1].(*widget.Label)
			col := n - 1 - id.Col // mirrored: column 0 of the data is drawn rightmost
			bg.FillColor = color.Transparent
			v := b.rows[id.Row]
			switch col {
			case 0:
				rtl.SetLabel(l, rtl.LTR(persian.ToPersianDigits(v.TrackingCode.Display())))
			case 1:
				rtl.SetLabel(l, strings.TrimSpace(v.Citizen.FirstName+" "+v.Citizen.LastName))
			case 2:
				rtl.SetLabel(l, v.SubServiceName)
			case 3:
				rtl.SetLabel(l, v.State.Persian())
				c := stateColour(v.State).(color.NRGBA)
				c.A = 0x55
				bg.FillColor = c
			case 4:
				rtl.SetLabel(l, persian.FormatTime(v.CreatedAt))
			}
			bg.Refresh()
		})
	b.table.ShowHeaderRow = true
	b.table.CreateHeader = func() fyne.CanvasObject {
		l := rtl.Label("")
		l.TextStyle.Bold = true
		return l
	}
	b.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			rtl.SetLabel(o.(*widget.Label), boardColumns[n-1-id.Col].title)
		}
	}
	for i := range boardColumns {
		b.table.SetColumnWidth(n-1-i, boardColumns[i].width)
	}
	b.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(b.rows) {
			b.sel = id.Row
			b.showDetail(b.rows[b.sel])
		}
	}
	reprint := rtl.Button("چاپ رونوشت", b.reprint)
	today := rtl.Button("همه درخواست‌های امروز", b.reload)
	attention := rtl.Button("نیازمند اقدام", b.needingAction)
	queue := rtl.Button("صف ارسال", b.queue)
	top := container.NewVBox(rtl.Row(b.title), container.NewBorder(nil, nil, rtl.Row(today, queue, attention, reprint), nil, field("جستجو", b.query)), b.message)
	b.content = container.NewBorder(top, container.NewVScroll(b.detail), nil, nil, b.table)
	b.reload()
	return b
}

func (b *board) focus() { b.a.win.Canvas().Focus(b.query) }

// reload lists today's requests.
func (b *board) reload() {
	vs, err := b.a.d.ListDay(b.a.ctx, b.a.d.Today())
	if err != nil {
		rtl.SetLabel(b.message, persianOr(err, "فهرست امروز خوانده نشد."))
		return
	}
	rtl.SetLabel(b.title, fmt.Sprintf("کارتابل امروز، %s — %s درخواست", b.a.d.Today().Long(), persian.ToPersianDigits(fmt.Sprint(len(vs)))))
	b.set(vs)
}

func (b *board) set(vs []store.RequestView) {
	b.rows, b.sel = vs, -1
	rtl.SetLabel(b.message, "")
	rtl.SetLabel(b.detail, "")
	b.table.UnselectAll()
	b.table.Refresh()
}

// needingAction lists what a supervisor should look at: refused or
// needing action at the exchange, or a receipt that failed to print.
func (b *board) needingAction() {
	vs, err := b.a.d.NeedingAction(b.a.ctx)
	if err != nil {
		rtl.SetLabel(b.message, persianOr(err, "فهرست خوانده نشد."))
		return
	}
	rtl.SetLabel(b.title, fmt.Sprintf("نیازمند اقدام — %s درخواست", persian.ToPersianDigits(fmt.Sprint(len(vs)))))
	b.set(vs)
}

// queue lists the requests waiting to be sent, oldest first.
func (b *board) queue() {
	vs, err := b.a.d.Queue(b.a.ctx)
	if err != nil {
		rtl.SetLabel(b.message, persianOr(err, "صف خوانده نشد."))
		return
	}
	rtl.SetLabel(b.title, fmt.Sprintf("صف ارسال به مرکز — %s درخواست", persian.ToPersianDigits(fmt.Sprint(len(vs)))))
	b.set(vs)
}

// lookup finds requests by tracking code or national code.
func (b *board) lookup(q string) {
	vs, err := b.a.d.Lookup(b.a.ctx, q)
	if err != nil {
		rtl.SetLabel(b.message, persianOr(err, "پیدا نشد."))
		return
	}
	rtl.SetLabel(b.title, fmt.Sprintf("نتیجه جستجو — %s درخواست", persian.ToPersianDigits(fmt.Sprint(len(vs)))))
	b.set(vs)
	if len(vs) == 1 {
		b.table.Select(widget.TableCellID{Row: 0, Col: 0})
	}
}

// showDetail shows a request's inquiries and print jobs.
func (b *board) showDetail(v store.RequestView) {
	full, err := b.a.d.Show(b.a.ctx, string(v.TrackingCode))
	if err == nil {
		v = full
	}
	var s strings.Builder
	fmt.Fprintf(&s, "%s — %s %s — %s\n", rtl.LTR(persian.ToPersianDigits(v.TrackingCode.Display())), v.Citizen.FirstName, v.Citizen.LastName, v.SubServiceName)
	fmt.Fprintf(&s, "وضعیت: %s", v.State.Persian())
	if v.StateNote != "" {
		fmt.Fprintf(&s, " (%s)", v.StateNote)
	}
	s.WriteString("\n")
	for _, q := range v.Inquiries {
		name := v.InquiryNames[q.TypeID]
		fmt.Fprintf(&s, "استعلام %s: %s", name, inquiryWords[q.State])
		if q.Answer != "" {
			fmt.Fprintf(&s, " — %s", q.Answer)
		}
		s.WriteString("\n")
	}
	for _, j := range v.PrintJobs {
		fmt.Fprintf(&s, "رسید %s: %s\n", map[pishkhan.PrintJobKind]string{pishkhan.PrintReceipt: "اصلی", pishkhan.PrintReprint: "رونوشت"}[j.Kind],
			map[pishkhan.PrintJobState]string{pishkhan.PrintPending: "در انتظار چاپ", pishkhan.PrintPrinted: "چاپ شد", pishkhan.PrintFailed: "چاپ نشد"}[j.State])
	}
	rtl.SetLabel(b.detail, strings.TrimSpace(s.String()))
}

// reprint prints a copy of the selected request's receipt.
func (b *board) reprint() {
	if b.sel < 0 || b.sel >= len(b.rows) {
		rtl.SetLabel(b.message, "نخست یک درخواست را انتخاب کنید.")
		return
	}
	code := string(b.rows[b.sel].TrackingCode)
	by := b.a.Actor()
	var err error
	b.a.background(func() {
		_, err = b.a.d.Reprint(b.a.ctx, code, by)
	}, func() {
		if err != nil {
			rtl.SetLabel(b.message, persianOr(err, "رونوشت چاپ نشد."))
			return
		}
		rtl.SetLabel(b.message, "رونوشت چاپ شد.")
	})
}
