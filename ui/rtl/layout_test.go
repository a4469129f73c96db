package rtl

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func abs(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

func TestRowFirstIsRightmostAndFocusedFirst(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme())
	a, b, c := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	a.SetText("a")
	b.SetText("b")
	c.SetText("c")
	row := Row(a, b, c)
	w := test.NewWindow(row)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 100))
	pa, pb, pc := abs(a), abs(b), abs(c)
	if !(pa.X > pb.X && pb.X > pc.X) {
		t.Errorf("Row(a, b, c) put a at %v, b at %v, c at %v; want a rightmost", pa.X, pb.X, pc.X)
	}
	if right := a.Position().X + a.Size().Width; right != row.Size().Width {
		t.Errorf("the first object ends at %v, the row at %v", right, row.Size().Width)
	}
	var order []string
	for range 3 {
		w.Canvas().FocusNext()
		order = append(order, w.Canvas().Focused().(*widget.Entry).Text)
	}
	if fmt.Sprint(order) != "[a b c]" {
		t.Errorf("Tab goes through %v, want right to left [a b c]", order)
	}
}

func TestRowSpacerPushesRestLeft(t *testing.T) {
	test.NewTempApp(t)
	a, b := widget.NewLabel("a"), widget.NewLabel("b")
	row := Row(a, layout.NewSpacer(), b)
	row.Resize(fyne.NewSize(500, 40))
	if a.Position().X+a.Size().Width != 500 || b.Position().X != 0 {
		t.Errorf("a at %v (width %v), b at %v: want a at the right edge, b at the left", a.Position(), a.Size(), b.Position())
	}
}

func TestFormLabelsRightFieldsLeft(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme())
	e1, e2, e3 := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	e1.SetText("1")
	e2.SetText("2")
	e3.SetText("3")
	f := Form(FormItem{"نام", e1}, FormItem{"نام خانوادگی", e2}, FormItem{"کد ملی", e3})
	w := test.NewWindow(f)
	defer w.Close()
	w.Resize(fyne.NewSize(500, 300))
	var labelX, labelW []float32
	for i, e := range []*widget.Entry{e1, e2, e3} {
		l := f.Objects[2*i].(*widget.Label)
		if l.Alignment != fyne.TextAlignTrailing {
			t.Errorf("label %d is not aligned right", i)
		}
		labelX = append(labelX, l.Position().X)
		labelW = append(labelW, l.Size().Width)
		if e.Position().X != 0 || e.Position().X+e.Size().Width > l.Position().X {
			t.Errorf("row %d: field at %v width %v, label at %v: want the field left of the label", i, e.Position().X, e.Size().Width, l.Position().X)
		}
		if l.Position().X+l.Size().Width != f.Size().Width {
			t.Errorf("row %d: label ends at %v, form at %v", i, l.Position().X+l.Size().Width, f.Size().Width)
		}
		if i > 0 && e.Position().Y <= e1.Position().Y {
			t.Errorf("row %d is not below row 0", i)
		}
	}
	if labelX[0] != labelX[1] || labelX[1] != labelX[2] || labelW[0] != labelW[1] {
		t.Errorf("labels not in one column: x %v, widths %v", labelX, labelW)
	}
	// The widest label sets the column.
	if widest := f.Objects[2].MinSize().Width; labelW[0] != widest {
		t.Errorf("label column %v wide, the widest label needs %v", labelW[0], widest)
	}
	var order []string
	for range 3 {
		w.Canvas().FocusNext()
		order = append(order, w.Canvas().Focused().(*widget.Entry).Text)
	}
	if fmt.Sprint(order) != "[1 2 3]" {
		t.Errorf("Tab goes through %v, want top to bottom [1 2 3]", order)
	}
}

func TestTableFirstColumnRightmost(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme())
	data := [][]string{{"ردیف", "نام", "مبلغ"}, {"۱", "علی", "۱۰۰"}}
	cells := map[string]*widget.Label{}
	tb := NewTable(func() (int, int) { return len(data), len(data[0]) },
		func() fyne.CanvasObject { return widget.NewLabel("xxxxxxxxxx") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.SetText(data[id.Row][id.Col])
			cells[l.Text] = l
		})
	w := test.NewWindow(tb)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 200))
	xs := map[string]float32{}
	for text, l := range cells {
		if l.Text == text && l.Visible() {
			xs[text] = l.Position().X
		}
	}
	if len(xs) != 6 || !(xs["ردیف"] > xs["نام"] && xs["نام"] > xs["مبلغ"]) || !(xs["۱"] > xs["علی"] && xs["علی"] > xs["۱۰۰"]) {
		t.Errorf("cells at %v; want column 0 rightmost", xs)
	}
	if got := tb.Logical(widget.TableCellID{Row: 1, Col: 0}); got.Col != 2 || got.Row != 1 {
		t.Errorf("Logical(drawn column 0) = %+v, want column 2", got)
	}
	tb.SetColumnWidth(0, 200)
	tb.Refresh()
	if wd := cells["ردیف"].Size().Width; wd < 150 {
		t.Errorf("SetColumnWidth(0, 200) left column 0 %v wide", wd)
	}
	if wd := cells["مبلغ"].Size().Width; wd >= 150 {
		t.Errorf("SetColumnWidth(0, 200) widened the last column (%v)", wd)
	}
}

func TestToolbarMirrored(t *testing.T) {
	test.NewTempApp(t)
	first := widget.NewToolbarAction(theme.HomeIcon(), nil)
	second := widget.NewToolbarAction(theme.SearchIcon(), nil)
	tb := Toolbar(first, widget.NewToolbarSeparator(), second)
	if tb.Items[0] != second || tb.Items[2] != first {
		t.Errorf("toolbar items not mirrored: %v", tb.Items)
	}
	w := test.NewWindow(tb)
	defer w.Close()
	w.Resize(fyne.NewSize(300, 50))
	var xs []float32
	for _, o := range test.LaidOutObjects(tb) {
		if b, ok := o.(*widget.Button); ok {
			xs = append(xs, abs(b).X)
			_ = b
		}
	}
	if len(xs) != 2 || !(xs[0] < xs[1]) {
		t.Fatalf("toolbar buttons at %v", xs)
	}
}
