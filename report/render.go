package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/pishkhan/pishkhan/fonts"
	"github.com/pishkhan/pishkhan/persian"
)

// Page geometry, in millimetres (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	margin       = 12.0
	right        = pageW - margin // the start edge of every line
	contentW     = pageW - 2*margin
	bodyTop      = 35.0  // below the page header
	bodyBottom   = 281.0 // above the page footer
	ptMM         = 25.4 / 72

	tableSize = 7.0  // table text, pt
	headSize  = 7.0  // table header, pt (bold)
	titleSize = 10.0 // section titles, pt (bold)
	padX      = 1.0  // cell padding, left and right
	padY      = 0.7  // cell padding, top and bottom
	maxLines  = 8    // a cell is cut (with "…") beyond this many lines
	maxCell   = 4000 // bytes of a cell's text considered at most
)

const family = "vazirmatn"

// Alignment inside a cell. The start of a right-to-left line is its right.
type align uint8

const (
	alignStart  align = iota // right
	alignCenter              // centred
	alignEnd                 // left
)

// lineHeight is the distance between baselines for a font size in pt; the
// baseline sits at ascent below a line's top.
func lineHeight(size float64) float64 { return size * ptMM * 1.5 }
func ascent(size float64) float64     { return size * ptMM * 1.08 }

type column struct {
	title string
	w     float64
	align align
}

// row is a table row laid out: each cell's lines, ready to draw.
type row struct {
	cells [][]line
	h     float64
	bold  bool // a totals row
}

type table struct {
	cols   []column
	head   *row   // nil: no header row
	rows   []row  //
	labels []bool // by column: key cells of a key–value table (bold on grey)
}

// section is a titled table or, when there is nothing to list, a note.
type section struct {
	title line
	t     *table
	note  []line
}

// op is one thing placed on a page.
type op struct {
	kind opKind
	y    float64
	s    *section
	i    int     // the row; -1 the header row
	y2   float64 // opGrid: the bottom of the table segment
}

type opKind uint8

const (
	opTitle opKind = iota
	opNote
	opRow
	opGrid // the vertical rules of a table segment
)

type renderer struct {
	pdf *fpdf.Fpdf
	m   measurer

	// the font last set: fpdf writes a font change for every SetFont call
	bold bool
	size float64

	mirrorAdded bool // the mirror copy of the font (pieces.go) is loaded

	obj             textObject // the line being drawn (textobj.go)
	cum             []float64  // drawPieces' glyph offsets, reused
	wRegular, wBold runeWidths // glyph advances, font units

	// cells already laid out: a day repeats its services, agencies,
	// clerks, states and names many times
	cells map[cellKey][]line
}

type cellKey struct {
	text  string
	width float64
	bold  bool
}

func newRenderer() (*renderer, error) {
	cov, err := fontCoverage()
	if err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(margin, margin, margin)
	pdf.AddUTF8FontFromBytes(family, "", fonts.VazirmatnRegular)
	pdf.AddUTF8FontFromBytes(family, "B", fonts.VazirmatnBold)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("report: load Vazirmatn: %w", err)
	}
	return &renderer{pdf: pdf, m: measurer{pdf, cov}, cells: map[cellKey][]line{}}, nil
}

func (r *renderer) font(bold bool, size float64) {
	if bold == r.bold && size == r.size {
		return
	}
	r.bold, r.size = bold, size
	r.obj.fontChanged()
	if bold {
		r.pdf.SetFont(family, "B", size)
	} else {
		r.pdf.SetFont(family, "", size)
	}
}

// digits puts a number in Persian digits.
func digits(n int) string { return persian.ToPersianDigits(strconv.Itoa(n)) }

// amount formats rials with Persian digits and ٬, without the unit.
func amount(n int64) string { return persian.FormatInt(n) }

func tehran(t time.Time) time.Time { return t.In(persian.Tehran()) }

func (r *renderer) render(w io.Writer, d *Day, o Options) error {
	pdf := r.pdf
	title := "گزارش روزانه‌ی میز"
	if d.From != d.To {
		title = "گزارش دوره‌ای میز"
	}
	pdf.SetTitle(strings.ToValidUTF8(title+" — "+d.Office.Name, "\uFFFD"), true)
	pdf.SetSubject(title, true)
	pdf.SetCreator("Pishkhan", true)
	pdf.SetLang("fa-IR")
	pdf.SetCreationDate(d.Printed)
	pdf.SetModificationDate(d.Printed)

	sections := r.layout(d)
	pages := paginate(sections)
	hdr := r.header(d, title)
	for i, ops := range pages {
		pdf.AddPage()
		r.drawHeader(hdr, i+1, len(pages))
		for _, op := range ops {
			r.draw(op)
		}
		if o.Progress != nil {
			o.Progress(i+1, len(pages))
		}
		if err := pdf.Error(); err != nil {
			return fmt.Errorf("report: page %d: %w", i+1, err)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("report: write PDF: %w", err)
	}
	fixed, err := fixToUnicode(buf.Bytes())
	if err != nil {
		return err
	}
	if _, err := w.Write(fixed); err != nil {
		return fmt.Errorf("report: write PDF: %w", err)
	}
	return nil
}

// pageHeader holds the header lines drawn on every page.
type pageHeader struct {
	office, code, title []line // at the right
	date, printed       []line // at the left
}

func (r *renderer) header(d *Day, title string) pageHeader {
	var h pageHeader
	r.font(true, 12)
	name := d.Office.Name
	if name == "" {
		name = "دفتر پیشخوان"
	}
	h.office = r.m.wrap(name, 112, 1)
	r.font(false, 9)
	h.code = r.m.wrap("کد دفتر "+digits(d.Office.Code)+"، میز "+digits(d.Office.Desk), 112, 1)
	h.title = r.m.wrap(title, 112, 1)
	date := "تاریخ: " + d.From.Long()
	if d.From != d.To {
		date = "از " + d.From.Long() + " تا " + d.To.Long()
	}
	h.date = r.m.wrap(date, 70, 2)
	h.printed = r.m.wrap("زمان چاپ: "+persian.FormatDateTime(tehran(d.Printed)), 70, 1)
	return h
}

func (r *renderer) drawHeader(h pageHeader, page, pages int) {
	pdf := r.pdf
	r.font(true, 12)
	r.text(h.office[0], 10, 10+ascent(12), right, alignStart)
	r.font(false, 9)
	r.text(h.code[0], 10, 17+ascent(9), right, alignStart)
	r.font(true, 9)
	r.text(h.title[0], 10, 22+ascent(9), right, alignStart)
	r.font(false, 8.5)
	y := 11 + ascent(8.5)
	for _, l := range h.date {
		r.text(l, margin, y, margin+70, alignEnd)
		y += lineHeight(8.5)
	}
	r.text(h.printed[0], margin, y, margin+70, alignEnd)
	pdf.SetLineWidth(0.4)
	pdf.SetDrawColor(60, 60, 60)
	pdf.Line(margin, 30, right, 30)
	pdf.SetLineWidth(0.2)
	pdf.Line(margin, bodyBottom+3, right, bodyBottom+3)
	r.font(false, 8)
	r.text(r.m.visual("صفحه "+digits(page)+" از "+digits(pages)), margin, bodyBottom+6.5+ascent(8), right, alignCenter)
}

// text draws l on the baseline y in the box [x0, x1].
func (r *renderer) text(l line, x0, y, x1 float64, a align) { r.cellText(l, x0, y, x1, a, false) }

// cellText is text for a line that, when afterCell, follows another cell on
// its baseline (pdf.js then needs a space before it: drawPieces).
func (r *renderer) cellText(l line, x0, y, x1 float64, a align, afterCell bool) {
	if l.vis == "" {
		return
	}
	var x float64
	switch a {
	case alignStart:
		x = x1 - l.w
	case alignCenter:
		x = x0 + (x1-x0-l.w)/2
	default:
		x = x0
	}
	if drawHook != nil {
		drawHook(r.pdf.PageNo(), x, y, l)
	}
	r.drawPieces(l, x, y, afterCell)
}

// drawHook, when set, is told of every line drawn: the measurement of what
// text extractors copy (docs/pdfjs-check, report/dump_test.go under the
// build tag pdfjscheck) records each line's place and logical text.
var drawHook func(page int, x, y float64, l line)

// --- layout ---------------------------------------------------------------

// layout turns the day into sections with every cell broken into lines.
func (r *renderer) layout(d *Day) []*section {
	var ss []*section
	ss = append(ss, r.summary(d))
	totals := func(title, what string, ts []Total) {
		cols := []column{
			{"ردیف", 12, alignCenter},
			{what, 109, alignStart},
			{"تعداد", 25, alignStart},
			{"مبلغ (ریال)", 40, alignStart},
		}
		s := &section{title: r.title(title)}
		if len(ts) == 0 {
			s.note = r.note("موردی نیست.")
			ss = append(ss, s)
			return
		}
		t := r.newTable(cols)
		var n int
		var sum int64
		for i, x := range ts {
			t.rows = append(t.rows, r.row(cols, false, digits(i+1), x.Name, digits(x.Count), amount(x.Amount)))
			n += x.Count
			sum += x.Amount
		}
		t.rows = append(t.rows, r.row(cols, true, "", "جمع", digits(n), amount(sum)))
		s.t = t
		ss = append(ss, s)
	}
	totals("جمع به تفکیک خدمت", "خدمت", d.ByService)
	totals("جمع به تفکیک دستگاه", "دستگاه", d.ByAgency)
	totals("جمع به تفکیک کاربر", "کاربر", d.ByClerk)
	ss = append(ss, r.lines(d, "درخواست‌های ارسال‌نشده به مرکز تبادل ("+digits(len(d.Unsent))+")", d.Unsent,
		"همه‌ی درخواست‌ها به مرکز تبادل ارسال شده‌اند."))
	if len(d.Late) > 0 {
		ss = append(ss, r.lines(d, "تغییرات پس از بستن روزهای پیشین ("+digits(len(d.Late))+")", d.Late, ""))
	}
	ss = append(ss, r.lines(d, "همه‌ی درخواست‌ها ("+digits(len(d.Lines))+")", d.Lines,
		"در این دوره درخواستی ثبت نشده است."))
	return ss
}

func (r *renderer) title(s string) line {
	r.font(true, titleSize)
	return r.m.wrap(s, contentW, 1)[0]
}

func (r *renderer) note(s string) []line {
	r.font(false, 9)
	return r.m.wrap(s, contentW, 4)
}

func (r *renderer) newTable(cols []column) *table {
	t := &table{cols: cols}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	h := r.row(cols, true, titles...)
	t.head = &h
	return t
}

// row lays out one row of cells (logical text, first column first).
func (r *renderer) row(cols []column, bold bool, cells ...string) row {
	r.font(bold, tableSize)
	rw := row{cells: make([][]line, len(cols)), bold: bold}
	n := 1
	for i, c := range cols {
		s := cells[i]
		if len(s) > maxCell {
			s = truncate(s, maxCell)
		}
		k := cellKey{s, c.w, bold}
		ls, ok := r.cells[k]
		if !ok {
			ls = r.m.wrap(s, c.w-2*padX, maxLines)
			r.cells[k] = ls
		}
		rw.cells[i] = ls
		n = max(n, len(rw.cells[i]))
	}
	rw.h = float64(n)*lineHeight(tableSize) + 2*padY
	return rw
}

// truncate cuts s to at most n bytes at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// summary is the cash box block: a key–value table.
func (r *renderer) summary(d *Day) *section {
	var gov, counter int64
	for _, l := range d.Lines {
		gov += l.Gov
		counter += l.Counter
	}
	state := "باز؛ صندوق هنوز بسته نشده است"
	if d.Closed {
		at := persian.FormatTime(tehran(d.ClosedAt))
		if d.From != d.To || persian.DateOf(tehran(d.ClosedAt)) != d.To {
			at = persian.FormatDateTime(tehran(d.ClosedAt))
		}
		state = "بسته‌شده، " + at
		if d.ClosedBy != "" {
			state += "، به دست " + d.ClosedBy
		}
	}
	counted, diff := "—", "—"
	if d.Closed {
		counted = persian.FormatRials(d.CountedCash)
		switch dv := d.CountedCash - d.ExpectedCash; {
		case dv == 0:
			diff = "بدون اختلاف"
		case dv < 0:
			diff = persian.FormatRials(-dv) + " کسری"
		default:
			diff = persian.FormatRials(dv) + " اضافه"
		}
	}
	reason := d.DifferenceReason
	if reason == "" {
		reason = "—"
	}
	cols := []column{
		{"", 30, alignStart}, {"", 63, alignStart},
		{"", 30, alignStart}, {"", 63, alignStart},
	}
	t := &table{cols: cols, labels: []bool{true, false, true, false}}
	add := func(k1, v1, k2, v2 string) {
		rw := r.row(cols, false, k1, v1, k2, v2)
		// The keys are drawn bold: measure them so.
		r.font(true, tableSize)
		rw.cells[0] = r.m.wrap(k1, cols[0].w-2*padX, maxLines)
		rw.cells[2] = r.m.wrap(k2, cols[2].w-2*padX, maxLines)
		n := 1
		for _, c := range rw.cells {
			n = max(n, len(c))
		}
		rw.h = float64(n)*lineHeight(tableSize) + 2*padY
		t.rows = append(t.rows, rw)
	}
	add("وضعیت صندوق", state, "تعداد درخواست‌ها", digits(len(d.Lines)))
	add("نقد مورد انتظار", persian.FormatRials(d.ExpectedCash), "نقد شمارش‌شده", counted)
	add("اختلاف صندوق", diff, "علت اختلاف", reason)
	add("جمع کارتخوان", persian.FormatRials(d.CardTotal), "ارسال‌نشده به مرکز", digits(len(d.Unsent)))
	add("جمع سهم دولت", persian.FormatRials(gov), "جمع کارمزد دفتر", persian.FormatRials(counter))
	return &section{title: r.title("صندوق و جمع کل"), t: t}
}

// lines is a table of requests.
func (r *renderer) lines(d *Day, title string, ls []Line, empty string) *section {
	s := &section{title: r.title(title)}
	if len(ls) == 0 {
		s.note = r.note(empty)
		return s
	}
	oneDay := d.From == d.To
	timeW, serviceW := 9.0, 29.0
	if !oneDay {
		timeW, serviceW = 15, 23
	}
	cols := []column{
		{"ردیف", 8.5, alignCenter},
		{"کد رهگیری", 28.5, alignStart},
		{"ساعت", timeW, alignCenter},
		{"شهروند", 19.5, alignStart},
		{"خدمت", serviceW, alignStart},
		{"دستگاه", 20, alignStart},
		{"کاربر", 15, alignStart},
		{"وضعیت", 14, alignStart},
		{"پرداخت", 10.5, alignStart},
		{"سهم دولت", 16, alignStart},
		{"کارمزد", 16, alignStart},
	}
	t := r.newTable(cols)
	t.rows = make([]row, 0, len(ls)+1)
	var gov, counter int64
	for i, l := range ls {
		at := ""
		if !l.At.IsZero() {
			tt := tehran(l.At)
			at = persian.FormatTime(tt)
			if !oneDay {
				at = persian.FormatDateTime(tt)
			}
		}
		t.rows = append(t.rows, r.row(cols, false,
			digits(i+1), persian.ToPersianDigits(l.Tracking), at, l.Citizen, l.Service, l.Agency,
			l.Clerk, l.State, l.Payment, amount(l.Gov), amount(l.Counter)))
		gov += l.Gov
		counter += l.Counter
	}
	t.rows = append(t.rows, r.row(cols, true, "", "جمع", "", digits(len(ls))+" درخواست", "", "", "", "", "", amount(gov), amount(counter)))
	s.t = t
	return s
}

// --- pagination -------------------------------------------------------------

const (
	titleH   = 8.0 // a section title, with the space above it
	sectionG = 2.0 // space after a table
)

func noteH(s *section) float64 { return float64(len(s.note))*lineHeight(9) + 2 }

// paginate places the sections on pages: a table that does not fit goes on
// over the next pages, its header row repeated at the top of each; a title
// is never left alone at the bottom of a page.
func paginate(ss []*section) [][]op {
	var pages [][]op
	var cur []op
	y := bodyTop
	newPage := func() {
		pages = append(pages, cur)
		cur = nil
		y = bodyTop
	}
	for _, s := range ss {
		// The title keeps with the header and the first row (or the note).
		need := titleH
		if s.t != nil {
			if s.t.head != nil {
				need += s.t.head.h
			}
			if len(s.t.rows) > 0 {
				need += s.t.rows[0].h
			}
		} else {
			need += noteH(s)
		}
		if y+need > bodyBottom && y > bodyTop {
			newPage()
		}
		cur = append(cur, op{kind: opTitle, y: y, s: s})
		y += titleH
		if s.t == nil {
			cur = append(cur, op{kind: opNote, y: y, s: s})
			y += noteH(s) + sectionG
			continue
		}
		t := s.t
		top := y
		if t.head != nil {
			cur = append(cur, op{kind: opRow, y: y, s: s, i: -1})
			y += t.head.h
		}
		for i := range t.rows {
			h := t.rows[i].h
			if y+h > bodyBottom && y > top+0.01 && (t.head == nil || y > top+t.head.h+0.01) {
				cur = append(cur, op{kind: opGrid, y: top, y2: y, s: s})
				newPage()
				top = y
				if t.head != nil {
					cur = append(cur, op{kind: opRow, y: y, s: s, i: -1})
					y += t.head.h
				}
			}
			cur = append(cur, op{kind: opRow, y: y, s: s, i: i})
			y += h
		}
		cur = append(cur, op{kind: opGrid, y: top, y2: y, s: s})
		y += sectionG
	}
	if len(cur) > 0 || len(pages) == 0 {
		pages = append(pages, cur)
	}
	return pages
}

// --- drawing ------------------------------------------------------------------

func (r *renderer) draw(o op) {
	pdf := r.pdf
	switch o.kind {
	case opTitle:
		r.font(true, titleSize)
		r.text(o.s.title, margin, o.y+titleH-2, right, alignStart)
	case opNote:
		r.font(false, 9)
		y := o.y + ascent(9)
		for _, l := range o.s.note {
			r.text(l, margin, y, right, alignStart)
			y += lineHeight(9)
		}
	case opGrid:
		pdf.SetLineWidth(0.15)
		pdf.SetDrawColor(120, 120, 120)
		x := right
		pdf.Line(x, o.y, x, o.y2)
		for _, c := range o.s.t.cols {
			x -= c.w
			pdf.Line(x, o.y, x, o.y2)
		}
		pdf.Line(margin, o.y, right, o.y)
	case opRow:
		t := o.s.t
		rw := t.head
		if o.i >= 0 {
			rw = &t.rows[o.i]
		}
		header := o.i < 0
		// Fills first, then the rule under the row, then text.
		x := right
		for ci, c := range t.cols {
			x -= c.w
			switch {
			case header:
				pdf.SetFillColor(225, 225, 225)
			case rw.bold:
				pdf.SetFillColor(240, 240, 240)
			case t.labels != nil && t.labels[ci]:
				pdf.SetFillColor(235, 235, 235)
			default:
				continue
			}
			pdf.Rect(x, o.y, c.w, rw.h, "F")
		}
		pdf.SetLineWidth(0.15)
		pdf.SetDrawColor(120, 120, 120)
		pdf.Line(margin, o.y+rw.h, right, o.y+rw.h)
		x = right
		for ci, c := range t.cols {
			x -= c.w
			bold := header || rw.bold || (t.labels != nil && t.labels[ci])
			r.font(bold, tableSize)
			a := c.align
			if header {
				a = alignCenter
			}
			y := o.y + padY + ascent(tableSize)
			for li, l := range rw.cells[ci] {
				// pdf.js: a space before a cell that follows another on the row
				r.cellText(l, x+padX, y, x+c.w-padX, a, li == 0 && ci > 0)
				y += lineHeight(tableSize)
			}
		}
	}
}
