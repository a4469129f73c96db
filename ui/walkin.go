package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
	"github.com/pishkhan/pishkhan/ui/rtl"
)

// walkIn is the clerk's screen for one walk-in: the citizen (from the card
// or typed), the service found by searching as you type, its form, the
// fees, the payment, submit, and the receipt. Every step has a key.
type walkIn struct {
	a       *App
	content fyne.CanvasObject

	nationalCode, mobile *rtl.DigitEntry
	first, last, father  *rtl.Entry
	birth                *widget.Entry
	cardMsg              *widget.Label

	search  *rtl.Entry
	hits    []store.CatalogHit
	hitList *widget.List

	chosen     *store.CatalogEntry
	service    *widget.Label
	formBox    *fyne.Container
	fieldIn    map[string]formInput
	fieldSel   map[string]*widget.Select
	fieldErr   map[string]*widget.Label
	fees       *widget.Label
	pay        *widget.RadioGroup
	ref        *widget.Entry
	submit     *widget.Button
	message    *widget.Label
	result     *widget.Label
	printState *widget.Label
	filed      *pishkhan.Request
	left       *fyne.Container // the form's column, laid out again when the form changes
	receipt    *canvas.Image   // the receipt's preview, as the printer gets it
}

const (
	payCash = "نقدی"
	payCard = "کارتی (کارتخوان)"
)

func newWalkIn(a *App) *walkIn {
	w := &walkIn{a: a, nationalCode: rtl.NewDigitEntry(), first: rtl.NewEntry(), last: rtl.NewEntry(), father: rtl.NewEntry(),
		birth: widget.NewEntry(), mobile: rtl.NewDigitEntry(), cardMsg: rtl.Label(""), search: rtl.NewEntry(),
		service: heading(""), formBox: container.NewVBox(), fees: rtl.Label(""), ref: widget.NewEntry(), message: rtl.Label(""),
		result: heading(""), printState: rtl.Label(""), receipt: canvas.NewImageFromImage(nil)}
	w.receipt.FillMode = canvas.ImageFillContain
	w.receipt.SetMinSize(fyne.NewSize(280, 460))
	w.receipt.Hide()
	w.message.Importance = widget.DangerImportance
	w.nationalCode.SetPlaceHolder(rtl.Text("۱۰ رقم، با هر نوع رقم"))
	w.birth.SetPlaceHolder(rtl.Text("روز/ماه/سال، مانند ۱۳۷۰/۰۱/۱۵"))
	w.mobile.SetPlaceHolder(rtl.Text("۱۱ رقم، با ۰۹ آغاز می‌شود"))
	w.search.SetPlaceHolder("نام خدمت را بنویسید… (F4)")
	w.nationalCode.MaxLen, w.mobile.MaxLen = 10, 11
	w.nationalCode.OnValue = func(string) { w.checkNationalCode() }
	w.search.OnChanged = w.find
	w.hitList = widget.NewList(func() int { return len(w.hits) },
		func() fyne.CanvasObject { return rtl.Label("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			h := w.hits[i]
			rtl.SetLabel(o.(*widget.Label), fmt.Sprintf("%s — %s — %s (%s)", h.SubServiceName, h.ServiceName, h.AgencyName, persian.FormatRials(int64(h.TotalFee))))
		})
	w.hitList.OnSelected = func(i widget.ListItemID) { w.choose(w.hits[i].SubServiceID) }
	w.search.OnSubmitted = func(string) {
		if len(w.hits) > 0 {
			w.hitList.Select(0)
		}
	}
	w.pay = widget.NewRadioGroup([]string{payCash, payCard}, func(s string) {
		if s == payCard {
			w.ref.Enable()
		} else {
			w.ref.Disable()
		}
	})
	w.pay.Horizontal = true
	w.pay.SetSelected(payCash)
	w.ref.SetPlaceHolder(rtl.Text("شماره پیگیری کارتخوان"))
	w.submit = rtl.Button("ثبت درخواست (Ctrl+Enter)", w.file)
	w.submit.Importance = widget.HighImportance
	w.submit.Disable()
	next := rtl.Button("مراجعه بعدی (Ctrl+N)", w.reset)
	reprint := rtl.Button("چاپ رونوشت", w.reprint)
	card := rtl.Button("خواندن کارت ملی (F6)", w.readCard)

	citizen := form(
		container.NewBorder(nil, nil, w.cardMsg, nil, card),
		field("کد ملی *", w.nationalCode),
		field("نام *", w.first),
		field("نام خانوادگی *", w.last),
		field("نام پدر", w.father),
		field("تاریخ تولد", w.birth),
		field("تلفن همراه", w.mobile),
	)
	find := container.NewBorder(field("جستجوی خدمت", w.search), nil, nil, nil, w.hitList)
	right := container.NewBorder(heading("۱. متقاضی"), nil, nil, nil, container.NewVBox(citizen, heading("۲. خدمت"), container.NewGridWrap(fyne.NewSize(520, 220), find)))
	pay := form(field("روش پرداخت", w.pay), field("شماره پیگیری", w.ref))
	left := container.NewVBox(heading("۳. فرم خدمت"), w.service, w.formBox, w.fees, heading("۴. پرداخت"), pay, w.submit, w.message,
		w.result, w.printState, rtl.Row(next, reprint), w.receipt)
	w.left = left
	w.content = container.NewHSplit(container.NewVScroll(left), container.NewVScroll(right))
	w.content.(*container.Split).Offset = 0.5
	c := a.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) { w.file() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) { w.reset() })
	w.focusStart()
	return w
}

// focusStart puts the caret where a walk-in starts: the national code.
func (w *walkIn) focusStart() { w.a.win.Canvas().Focus(w.nationalCode) }

// checkNationalCode shows whether the typed code is valid, as it is typed.
func (w *walkIn) checkNationalCode() {
	s := w.nationalCode.Value()
	if len(s) < 10 {
		rtl.SetLabel(w.cardMsg, "")
		return
	}
	if _, err := pishkhan.ParseNationalCode(s); err != nil {
		rtl.SetLabel(w.cardMsg, persianOr(err, "کد ملی نادرست است."))
		return
	}
	rtl.SetLabel(w.cardMsg, "کد ملی درست است.")
}

// readCard fills the citizen from the national card in the reader.
func (w *walkIn) readCard() {
	rtl.SetLabel(w.cardMsg, "در حال خواندن کارت…")
	var c pishkhan.Citizen
	var err error
	w.a.background(func() {
		c, err = w.a.d.ReadCard(w.a.ctx, w.a.opts.Devices, "")
	}, func() {
		if err != nil {
			rtl.SetLabel(w.cardMsg, persianOr(err, "کارت خوانده نشد؛ کد ملی را وارد کنید."))
			return
		}
		w.nationalCode.SetText(persian.ToPersianDigits(string(c.NationalCode)))
		w.first.SetText(c.FirstName)
		w.last.SetText(c.LastName)
		w.father.SetText(c.FatherName)
		w.birth.SetText(persian.ToPersianDigits(c.BirthDate))
		rtl.SetLabel(w.cardMsg, "کارت خوانده شد.")
		w.a.win.Canvas().Focus(w.search)
	})
}

// find searches the catalog as the clerk types.
func (w *walkIn) find(q string) {
	if strings.TrimSpace(q) == "" {
		w.hits = nil
		w.hitList.Refresh()
		return
	}
	hits, err := w.a.d.SearchCatalog(w.a.ctx, q, 30)
	if err != nil {
		w.a.log.Warn("catalog search", "err", err)
		return
	}
	w.hits = hits
	w.hitList.UnselectAll()
	w.hitList.Refresh()
}

// choose builds the form of a sub-service from its field schema.
func (w *walkIn) choose(id string) {
	e, err := w.a.d.SubService(w.a.ctx, id)
	if err != nil {
		w.a.showError(err)
		return
	}
	w.chosen = &e
	rtl.SetLabel(w.service, e.SubService.Name+" — "+e.Service.Name+" — "+e.Agency.Name)
	w.fieldIn, w.fieldSel, w.fieldErr = map[string]formInput{}, map[string]*widget.Select{}, map[string]*widget.Label{}
	w.formBox.RemoveAll()
	for _, f := range e.SubService.Fields {
		f := f
		label := f.Label
		if f.Required {
			label += " *"
		}
		msg := rtl.Label("")
		msg.Importance = widget.DangerImportance
		w.fieldErr[f.Key] = msg
		var in fyne.CanvasObject
		if f.Type == pishkhan.FieldChoice {
			opts := make([]string, len(f.Choices))
			for i, c := range f.Choices {
				opts[i] = rtl.Text(c)
			}
			sel := widget.NewSelect(opts, nil)
			w.fieldSel[f.Key] = sel
			in = sel
		} else {
			check := func(v string) {
				if _, err := f.Validate(v); err != nil && v != "" {
					rtl.SetLabel(msg, persianOr(err, "مقدار نادرست است."))
				} else {
					rtl.SetLabel(msg, "")
				}
			}
			en := newFormInput(f.Type, check)
			if f.Type == pishkhan.FieldNationalCode && w.nationalCode.Value() != "" {
				en.SetText(w.nationalCode.Value())
			}
			if f.Type == pishkhan.FieldMobile && w.mobile.Value() != "" {
				en.SetText(w.mobile.Value())
			}
			w.fieldIn[f.Key] = en
			in = en.widget().(fyne.CanvasObject)
		}
		w.formBox.Add(field(label, in))
		w.formBox.Add(msg)
	}
	s := e.SubService
	rtl.SetLabel(w.fees, fmt.Sprintf("تعرفه دولتی %s + کارمزد پیشخوان %s = جمع %s؛ %s استعلام",
		persian.FormatRials(int64(s.GovFee)), persian.FormatRials(int64(s.CounterFee)), persian.FormatRials(int64(s.GovFee+s.CounterFee)),
		persian.ToPersianDigits(fmt.Sprint(len(s.Inquiries)))))
	w.submit.Enable()
	w.left.Refresh()
	if len(e.SubService.Fields) > 0 {
		if en, ok := w.fieldIn[e.SubService.Fields[0].Key]; ok {
			w.a.win.Canvas().Focus(en.widget())
		}
	}
}

// input gathers what the clerk entered.
func (w *walkIn) input() desk.IntakeInput {
	in := desk.IntakeInput{NationalCode: w.nationalCode.Value(), FirstName: w.first.Text(), LastName: w.last.Text(), FatherName: w.father.Text(),
		BirthDate: w.birth.Text, Mobile: w.mobile.Value(), Fields: map[string]string{}, PayMethod: "cash"}
	if w.chosen != nil {
		in.SubServiceID = w.chosen.SubService.ID
		for _, f := range w.chosen.SubService.Fields {
			if en, ok := w.fieldIn[f.Key]; ok && en.Value() != "" {
				in.Fields[f.Key] = en.Value()
			}
			if sel, ok := w.fieldSel[f.Key]; ok && sel.SelectedIndex() >= 0 {
				in.Fields[f.Key] = f.Choices[sel.SelectedIndex()]
			}
		}
	}
	if w.pay.Selected == payCard {
		in.PayMethod, in.TerminalRef = "card", w.ref.Text
	}
	if u := w.a.User(); u != nil {
		in.Clerk = u.Username
	}
	return in
}

// file submits the walk-in and prints its receipt.
func (w *walkIn) file() {
	if w.chosen == nil {
		rtl.SetLabel(w.message, "نخست خدمت را جستجو و انتخاب کنید.")
		return
	}
	r, err := w.a.d.Intake(w.a.ctx, w.input())
	if err != nil {
		var pe *pishkhan.Error
		if asError(err, &pe) && pe.Field != "" {
			if l, ok := w.fieldErr[pe.Field]; ok {
				rtl.SetLabel(l, persianOr(err, "مقدار نادرست است."))
			}
		}
		rtl.SetLabel(w.message, persianOr(err, "درخواست ثبت نشد."))
		return
	}
	w.filed = r
	rtl.SetLabel(w.message, "")
	rtl.SetLabel(w.result, "ثبت شد. کد رهگیری: "+rtl.LTR(persian.ToPersianDigits(r.TrackingCode.Display())))
	w.submit.Disable()
	if w.a.opts.Replicator != nil {
		w.a.opts.Replicator.SyncNow()
	}
	w.a.bar.refresh()
	if w.a.board != nil {
		w.a.board.reload()
	}
	w.printReceipt()
}

// printReceipt shows the new receipt's preview and prints it off the UI thread.
func (w *walkIn) printReceipt() {
	if img, err := w.a.d.ReceiptPreview(w.a.ctx, w.filed.TrackingCode); err == nil {
		w.receipt.Image = img
		w.receipt.Show()
		w.receipt.Refresh()
		w.left.Refresh()
	} else {
		w.a.log.Warn("receipt preview", "err", err)
	}
	rtl.SetLabel(w.printState, "در حال چاپ رسید…")
	var err error
	w.a.background(func() {
		_, err = w.a.d.PrintPending(w.a.ctx)
	}, func() {
		if err != nil {
			rtl.SetLabel(w.printState, persianOr(err, "رسید چاپ نشد؛ از کارتابل دوباره چاپ کنید."))
			return
		}
		rtl.SetLabel(w.printState, "رسید چاپ شد.")
	})
}

// reprint prints a copy (رونوشت) of the last receipt.
func (w *walkIn) reprint() {
	if w.filed == nil {
		return
	}
	by := w.a.Actor()
	var err error
	w.a.background(func() {
		_, err = w.a.d.Reprint(w.a.ctx, string(w.filed.TrackingCode), by)
	}, func() {
		if err != nil {
			rtl.SetLabel(w.printState, persianOr(err, "رونوشت چاپ نشد."))
			return
		}
		rtl.SetLabel(w.printState, "رونوشت چاپ شد.")
	})
}

// reset starts the next walk-in.
func (w *walkIn) reset() {
	for _, e := range []*rtl.Entry{w.first, w.last, w.father, w.search} {
		e.SetText("")
	}
	w.birth.SetText("")
	w.ref.SetText("")
	w.nationalCode.SetValue("")
	w.mobile.SetValue("")
	w.chosen, w.hits, w.filed = nil, nil, nil
	w.hitList.UnselectAll()
	w.hitList.Refresh()
	w.formBox.RemoveAll()
	w.left.Refresh()
	for _, l := range []*widget.Label{w.service, w.fees, w.message, w.result, w.printState, w.cardMsg} {
		rtl.SetLabel(l, "")
	}
	w.pay.SetSelected(payCash)
	w.submit.Disable()
	w.receipt.Image = nil
	w.receipt.Hide()
	w.focusStart()
}

// formInput is one typed field of a sub-service's form: digits in a digit
// entry (any script in, Persian shown), Persian text in the right-to-left
// entry, dates and codes in a plain entry.
type formInput interface {
	SetText(string)
	Value() string
	// widget is the entry itself, to lay out and focus.
	widget() fyne.Focusable
}

type textInput struct{ *rtl.Entry }

func (t textInput) Value() string          { return t.Text() }
func (t textInput) widget() fyne.Focusable { return t.Entry }

type digitInput struct{ *rtl.DigitEntry }

func (d digitInput) SetText(s string)       { d.SetValue(s) }
func (d digitInput) widget() fyne.Focusable { return d.DigitEntry }

type plainInput struct{ *widget.Entry }

func (p plainInput) Value() string          { return p.Text }
func (p plainInput) widget() fyne.Focusable { return p.Entry }

// newFormInput makes the input for a field type; check runs on every change.
func newFormInput(t pishkhan.FieldType, check func(string)) formInput {
	switch t {
	case pishkhan.FieldNationalCode, pishkhan.FieldMobile, pishkhan.FieldPostalCode, pishkhan.FieldNumber, pishkhan.FieldAmount:
		d := rtl.NewDigitEntry()
		d.OnValue = check
		return digitInput{d}
	case pishkhan.FieldDate:
		e := widget.NewEntry()
		e.OnChanged = check
		return plainInput{e}
	}
	e := rtl.NewEntry()
	e.OnChanged = check
	return textInput{e}
}
