package rtl

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// rowLayout is HBox mirrored: the first object is rightmost. The objects
// stay in the container in their given order, so keyboard focus (Tab)
// moves through them from right to left. layout.Spacer objects take the
// room left over, as in HBox.
type rowLayout struct{}

func (rowLayout) visible(objs []fyne.CanvasObject) (shown []fyne.CanvasObject, spacers int) {
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		shown = append(shown, o)
		if _, ok := o.(layout.SpacerObject); ok {
			spacers++
		}
	}
	return shown, spacers
}

func (l rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	shown, _ := l.visible(objs)
	var s fyne.Size
	n := 0
	for _, o := range shown {
		if _, ok := o.(layout.SpacerObject); ok {
			continue
		}
		m := o.MinSize()
		s.Width += m.Width
		s.Height = max(s.Height, m.Height)
		n++
	}
	if n > 1 {
		s.Width += theme.Padding() * float32(n-1)
	}
	return s
}

// Layout places the objects from the right edge leftwards, with padding
// between objects (not around spacers), as HBox does from the left.
func (l rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	shown, spacers := l.visible(objs)
	pad := theme.Padding()
	extra := size.Width - l.MinSize(objs).Width
	each := float32(0)
	if spacers > 0 && extra > 0 {
		each = extra / float32(spacers)
	}
	x := size.Width
	placed := false
	for _, o := range shown {
		if _, ok := o.(layout.SpacerObject); ok {
			x -= each
			o.Move(fyne.NewPos(x, 0))
			o.Resize(fyne.NewSize(each, size.Height))
			continue
		}
		if placed {
			x -= pad
		}
		w := o.MinSize().Width
		x -= w
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		placed = true
	}
}

// Row lays objects out from right to left: the first is rightmost, and
// it is also the first to take the keyboard focus.
func Row(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(rowLayout{}, objs...)
}

// A FormItem is one row of a Form: its label text and its field.
type FormItem struct {
	Label string
	Field fyne.CanvasObject
}

// formLayout holds label, field, label, field… objects and puts the labels
// in a right-hand column as wide as the widest label, and each field left
// of its label across the rest of the width.
type formLayout struct{}

func (formLayout) sizes(objs []fyne.CanvasObject) (labelW, fieldW float32, rows []float32) {
	for i := 0; i+1 < len(objs); i += 2 {
		lm, fm := objs[i].MinSize(), objs[i+1].MinSize()
		labelW = max(labelW, lm.Width)
		fieldW = max(fieldW, fm.Width)
		rows = append(rows, max(lm.Height, fm.Height))
	}
	return labelW, fieldW, rows
}

func (l formLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	labelW, fieldW, rows := l.sizes(objs)
	pad := theme.Padding()
	h := float32(0)
	for i, r := range rows {
		if i > 0 {
			h += pad
		}
		h += r
	}
	return fyne.NewSize(labelW+pad+fieldW, h)
}

func (l formLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	labelW, _, rows := l.sizes(objs)
	pad := theme.Padding()
	fieldW := max(size.Width-labelW-pad, 0)
	y := float32(0)
	for i, h := range rows {
		label, field := objs[2*i], objs[2*i+1]
		label.Move(fyne.NewPos(size.Width-labelW, y))
		label.Resize(fyne.NewSize(labelW, h))
		field.Move(fyne.NewPos(0, y))
		field.Resize(fyne.NewSize(fieldW, h))
		y += h + pad
	}
}

// Form lays fields out under one another with their labels on the right:
// the labels in one column, aligned right, as wide as the widest; the
// fields in one column on their left, across the rest of the width. The
// keyboard focus goes from the top field down.
func Form(items ...FormItem) *fyne.Container {
	objs := make([]fyne.CanvasObject, 0, 2*len(items))
	for _, it := range items {
		objs = append(objs, Label(it.Label), it.Field)
	}
	return container.New(formLayout{}, objs...)
}

// Table is a widget.Table whose column 0 is drawn rightmost. Its callbacks
// (and ColumnWidth, Logical) speak of logical columns, 0 being the first a
// Persian reader reads; the embedded widget.Table's own methods and
// OnSelected speak of columns as drawn, 0 leftmost.
type Table struct {
	*widget.Table
	cols func() int
}

// NewTable is widget.NewTable with column 0 on the right. update receives
// the logical cell.
func NewTable(length func() (rows, cols int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *Table {
	t := &Table{cols: func() int { _, c := length(); return c }}
	t.Table = widget.NewTable(length, create, func(id widget.TableCellID, o fyne.CanvasObject) {
		update(t.Logical(id), o)
	})
	return t
}

// Logical turns a cell as drawn into the logical cell, and back (the
// mapping is its own inverse).
func (t *Table) Logical(id widget.TableCellID) widget.TableCellID {
	id.Col = t.cols() - 1 - id.Col
	return id
}

// SetColumnWidth sets the width of logical column col.
func (t *Table) SetColumnWidth(col int, width float32) {
	t.Table.SetColumnWidth(t.cols()-1-col, width)
}

// ScrollToStart shows the top of the first (rightmost) column.
func (t *Table) ScrollToStart() {
	if c := t.cols(); c > 0 {
		t.Table.ScrollTo(widget.TableCellID{Row: 0, Col: c - 1})
	}
}

// ReverseColumns wraps a widget.Table update function so that logical
// column 0 is drawn rightmost; cols gives the current number of columns.
func ReverseColumns(cols func() int, update func(widget.TableCellID, fyne.CanvasObject)) func(widget.TableCellID, fyne.CanvasObject) {
	return func(id widget.TableCellID, o fyne.CanvasObject) {
		id.Col = cols() - 1 - id.Col
		update(id, o)
	}
}

// Toolbar is a widget.Toolbar whose first item is rightmost.
func Toolbar(items ...widget.ToolbarItem) *widget.Toolbar {
	rev := make([]widget.ToolbarItem, len(items))
	for i, it := range items {
		rev[len(items)-1-i] = it
	}
	return widget.NewToolbar(rev...)
}
