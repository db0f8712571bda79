package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// StockDocForm posts a new stock document: its kind, date, warehouse (and a transfer's
// destination), a note, and product lines.
type StockDocForm struct {
	Kind        *FormSelect
	Date        *FormEntry // YYYY-MM-DD, today by default: typed, or picked on DatePick's calendar
	DatePick    *DatePicker
	Warehouse   *FormSelect
	ToWarehouse *FormSelect // transfers only
	Note        *FormEntry
	Lines       []*StockDocLineRow
	AddLine     *FormButton
	Problem     *widget.Label
	Post        *FormButton
	Cancel      *FormButton
	Content     fyne.CanvasObject

	s          *StockScreen
	dialog     dialog.Dialog
	kind       storage.StockDocKind
	lineBox    *fyne.Container
	toRow      *fyne.Container
	header     *fyne.Container
	warehouses []storage.Warehouse
	products   []storage.Product
	options    []string // a product as offered: "CODE · name"
}

// StockDocLineRow is one product line of the form. Product is searched by code or name as it
// is typed; Quantity is what moves (for a count: the quantity counted); Cost is the purchase
// price of goods received.
type StockDocLineRow struct {
	Product  *FormSelectEntry
	Quantity *FormEntry
	Cost     *FormEntry
	Remove   *FormButton
	row      *fyne.Container
}

// OpenForm opens the form for a new document of a kind. UI goroutine.
func (s *StockScreen) OpenForm(kind storage.StockDocKind) {
	f := &StockDocForm{s: s, kind: kind}
	var kinds []string
	for _, k := range storage.StockDocKinds {
		kinds = append(kinds, stockDocKindName(k))
	}
	f.Kind = newFormSelect(kinds, func(string) { f.kindChanged() })
	f.DatePick = newFormDatePicker()
	f.DatePick.Latest = time.Now // goods are received, issued, moved or counted by today
	f.Date = f.DatePick.Form
	f.Date.SetPlaceHolder("YYYY-MM-DD")
	f.Date.SetText(time.Now().Format(dayLayout))
	f.Warehouse = newFormSelect(nil, nil)
	f.ToWarehouse = newFormSelect(nil, nil)
	f.Note = newFormEntry()
	f.Note.SetPlaceHolder(tr("stockdoc.note_hint", "Supplier, reason, reference…"))
	f.Problem = widget.NewLabel("")
	f.Problem.Wrapping = fyne.TextWrapWord
	f.Problem.Importance = widget.DangerImportance
	f.Problem.Hide()
	f.AddLine = newFormButton(tr("stockdoc.add_line", "Add a product"), theme.ContentAddIcon(), func() { f.addLine() })
	f.Post = newFormButton(tr("stockdoc.post", "Post"), theme.ConfirmIcon(), f.post)
	f.Post.Importance = widget.HighImportance
	f.Cancel = newFormButton(tr("action.cancel", "Cancel"), nil, f.close)
	f.toRow = container.New(layout.NewFormLayout(), keyLabel(tr("stockdoc.to_warehouse", "To warehouse")), f.ToWarehouse)
	grid := container.New(layout.NewFormLayout(),
		keyLabel(tr("col.kind", "Kind")), f.Kind,
		keyLabel(tr("col.date", "Date")), f.DatePick.Content,
		keyLabel(tr("col.warehouse", "Warehouse")), f.Warehouse)
	f.lineBox = container.NewVBox()
	f.header = container.NewVBox()
	lines := container.NewVScroll(f.lineBox)
	lines.SetMinSize(fyne.NewSize(640, 220))
	f.Content = container.NewBorder(
		container.NewVBox(grid, f.toRow, container.New(layout.NewFormLayout(), keyLabel(tr("stockdocs.col.note", "Note")), f.Note),
			widget.NewSeparator(), f.header),
		container.NewVBox(f.AddLine, f.Problem, container.NewHBox(layout.NewSpacer(), f.Cancel, f.Post)),
		nil, nil, lines)
	f.dialog = newCustomDialogWithoutButtons(tr("stockdocs.new", "New document"), f.Content, s.m.Window)
	f.dialog.Resize(fyne.NewSize(720, 560))
	s.Form = f
	for i, k := range storage.StockDocKinds {
		if k == kind {
			f.Kind.SetSelectedIndex(i)
		}
	}
	f.addLine()
	f.dialog.Show()
	db := s.m.db
	s.m.work.Go(func() {
		ctx := context.Background()
		whs, err := db.Warehouses(ctx)
		var products []storage.Product
		if err == nil {
			products, err = db.ActiveProducts(ctx)
		}
		uiDo(func() {
			if err != nil {
				showProblem(s.m.Window, tr("doing.load_products", "load the products"), err)
				return
			}
			f.warehouses, f.products = whs, products
			var names []string
			for _, w := range whs {
				names = append(names, w.Name)
			}
			f.Warehouse.SetOptions(names)
			f.ToWarehouse.SetOptions(names)
			if len(names) > 0 && f.Warehouse.Selected == "" {
				f.Warehouse.SetSelectedIndex(0)
			}
			f.options = make([]string, len(products))
			for i, p := range products {
				f.options[i] = productOption(p)
			}
			for _, l := range f.Lines {
				l.Product.SetOptions(f.matching(l.Product.Text))
			}
		})
	})
}

// productOption is a product as the line's search offers it.
func productOption(p storage.Product) string { return p.Code + " · " + p.Name }

// matching lists the products whose code or name contains text (at most 50).
func (f *StockDocForm) matching(text string) []string {
	q := strings.ToLower(strings.TrimSpace(text))
	var out []string
	for _, o := range f.options {
		if q == "" || strings.Contains(strings.ToLower(o), q) {
			out = append(out, o)
			if len(out) == 50 {
				break
			}
		}
	}
	return out
}

// product finds the product a line names: its option text, or its exact code.
func (f *StockDocForm) product(text string) (storage.Product, bool) {
	text = strings.TrimSpace(text)
	for _, p := range f.products {
		if productOption(p) == text || strings.EqualFold(p.Code, text) {
			return p, true
		}
	}
	return storage.Product{}, false
}

func (f *StockDocForm) kindChanged() {
	if i := f.Kind.SelectedIndex(); i >= 0 {
		f.kind = storage.StockDocKinds[i]
	}
	if f.kind == storage.DocTransfer {
		f.toRow.Show()
	} else {
		f.toRow.Hide()
	}
	qty := tr("col.quantity", "Qty")
	if f.kind == storage.DocCount {
		qty = tr("stockdoc.counted", "Counted")
	}
	cols := []fyne.CanvasObject{widget.NewLabelWithStyle(tr("col.product", "Product"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(qty, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	if f.kind == storage.DocReceive {
		cols = append(cols, widget.NewLabelWithStyle(tr("stockdocs.col.cost", "Purchase price"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	f.header.Objects = []fyne.CanvasObject{container.NewGridWithColumns(len(cols), cols...)}
	f.header.Refresh()
	for _, l := range f.Lines {
		if f.kind == storage.DocReceive {
			l.Cost.Show()
		} else {
			l.Cost.Hide()
		}
	}
}

// addLine adds an empty product line. UI goroutine.
func (f *StockDocForm) addLine() *StockDocLineRow {
	l := &StockDocLineRow{Product: newFormSelectEntry(f.matching("")), Quantity: newFormEntry(), Cost: newFormEntry()}
	l.Product.SetPlaceHolder(tr("stockdoc.product_hint", "Code or name"))
	l.Product.OnChanged = func(text string) { l.Product.SetOptions(f.matching(text)) }
	l.Quantity.SetPlaceHolder("0")
	l.Cost.SetPlaceHolder(tr("stockdoc.cost_hint", "optional"))
	l.Remove = newFormButton("", theme.ContentRemoveIcon(), func() {
		for i, x := range f.Lines {
			if x == l {
				f.Lines = append(f.Lines[:i], f.Lines[i+1:]...)
			}
		}
		f.lineBox.Remove(l.row)
	})
	if f.kind != storage.DocReceive {
		l.Cost.Hide()
	}
	l.row = container.NewBorder(nil, nil, nil, l.Remove, container.NewGridWithColumns(3, l.Product, l.Quantity, l.Cost))
	f.Lines = append(f.Lines, l)
	f.lineBox.Add(l.row)
	return l
}

func (f *StockDocForm) close() {
	f.DatePick.Close()
	f.dialog.Hide()
	if f.s.Form == f {
		f.s.Form = nil
	}
}

func (f *StockDocForm) refuse(msg string) {
	f.Problem.SetText(msg)
	f.Problem.Show()
}

// document reads the form into a document, or says what is wrong with it.
func (f *StockDocForm) document() (storage.StockDocument, string) {
	doc := storage.StockDocument{Kind: f.kind, Note: f.Note.Text}
	if t := strings.TrimSpace(westernDigits(f.Date.Text)); t != "" {
		day, ok := parseDay(t)
		if !ok {
			return doc, tr("stockdoc.bad_date", "Date: {{.Text}} is not a date such as 2026-03-01", map[string]any{"Text": t})
		}
		now := time.Now()
		if day.After(now) {
			// A document records goods that moved: it is dated today or earlier, never ahead.
			return doc, tr("stockdoc.future_date", "Date: {{.Text}} is after today: date the document the day the goods moved",
				map[string]any{"Text": t})
		}
		doc.Date = day
		if sameDay(day, now) {
			doc.Date = now // today's document is dated now, so its movements follow today's others
		}
	}
	for _, w := range f.warehouses {
		if w.Name == f.Warehouse.Selected {
			doc.WarehouseID = w.ID
		}
		if w.Name == f.ToWarehouse.Selected && f.kind == storage.DocTransfer {
			doc.ToWarehouseID = w.ID
		}
	}
	if doc.WarehouseID == 0 {
		return doc, tr("stockdoc.no_warehouse", "Warehouse: choose one")
	}
	if f.kind == storage.DocTransfer && doc.ToWarehouseID == 0 {
		return doc, tr("stockdoc.no_to_warehouse", "To warehouse: choose where the goods go")
	}
	for i, l := range f.Lines {
		if strings.TrimSpace(l.Product.Text) == "" && strings.TrimSpace(l.Quantity.Text) == "" {
			continue // an empty line is left out
		}
		p, ok := f.product(l.Product.Text)
		if !ok {
			return doc, tr("stockdoc.unknown_product", "Line {{.Line}}: no product has the code or name {{.Text}}",
				map[string]any{"Line": i + 1, "Text": fmt.Sprintf("%q", l.Product.Text)})
		}
		q, err := parsePrice(l.Quantity.Text)
		if err != nil || strings.TrimSpace(l.Quantity.Text) == "" {
			return doc, tr("stockdoc.bad_quantity", "Line {{.Line}}: the quantity {{.Text}} is not a number",
				map[string]any{"Line": i + 1, "Text": fmt.Sprintf("%q", l.Quantity.Text)})
		}
		line := storage.StockDocLine{ProductID: p.ID, Quantity: q}
		if f.kind == storage.DocCount {
			line = storage.StockDocLine{ProductID: p.ID, Counted: q}
		}
		if f.kind == storage.DocReceive && strings.TrimSpace(l.Cost.Text) != "" {
			c, err := parsePrice(l.Cost.Text)
			if err != nil {
				return doc, tr("stockdoc.bad_cost", "Line {{.Line}}: the purchase price {{.Text}} is not a number",
					map[string]any{"Line": i + 1, "Text": fmt.Sprintf("%q", l.Cost.Text)})
			}
			line.UnitCost, line.HasCost = c, true
		}
		doc.Lines = append(doc.Lines, line)
	}
	return doc, ""
}

// post records the document and moves its stock. UI goroutine.
func (f *StockDocForm) post() {
	doc, problem := f.document()
	if problem != "" {
		f.refuse(problem)
		return
	}
	f.Post.Disable()
	db := f.s.m.db
	f.s.m.work.Go(func() {
		var posted storage.StockDocument
		err := db.Update(context.Background(), func(tx *storage.Tx) error {
			var err error
			posted, err = tx.PostStockDocument(doc)
			return err
		})
		if err == nil {
			f.s.posted(posted)
		}
		uiDo(func() {
			f.Post.Enable()
			if err != nil {
				if storage.IsValidation(err) {
					f.refuse(visual(refusalText(err)))
					return
				}
				showProblem(f.s.m.Window, tr("doing.post_stockdoc", "post the document"), err)
				return
			}
			f.close()
		})
	})
}
