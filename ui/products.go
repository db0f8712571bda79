package ui

import (
	"context"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

// ProductsScreen lists products with their quantity in each warehouse, and the stock ledger of
// the product selected.
type ProductsScreen struct {
	Search *widget.Entry
	Status *widget.Label
	// Table has a column per warehouse after the product's code, name and price, and a total.
	Table       *widget.Table
	LedgerTitle *widget.Label
	Ledger      *widget.Table
	Content     fyne.CanvasObject

	// New opens the form for a new product (also Ctrl+N), Edit the form for the selected one.
	New, Edit *widget.Button
	// Archive deletes the selected product when nothing refers to it and archives it otherwise;
	// on an archived product it restores it.
	Archive *widget.Button
	// PushNow syncs every connection now, so books-side changes reach the stores at once.
	PushNow *widget.Button
	// ShowArchived lists archived products too.
	ShowArchived *widget.Check
	// Links says, for the selected product, whether each store has it, waits for a sync, or failed.
	Links *widget.Label
	// Form is the product form while it is open.
	Form *ProductForm

	m          *App
	all        []productRow
	shown      []int // indexes into all that match the search
	warehouses []storage.Warehouse
	whNames    map[int64]string
	selected   int64 // product whose ledger is shown
	ledger     []ledgerRow
	// withArchived mirrors ShowArchived for the worker.
	withArchived atomic.Bool
}

type productRow struct {
	p     storage.Product
	qty   map[int64]decimal.Decimal // by warehouse
	total decimal.Decimal
	match string // lower-cased code, barcode, name, category
}

type ledgerRow struct {
	m       storage.Movement
	balance decimal.Decimal // the warehouse's level after the movement
}

// Fixed columns of the products table before the warehouse columns.
const productFixedCols = 4 // code, name, category, sale price

func newProductsScreen(m *App) *ProductsScreen {
	s := &ProductsScreen{m: m, whNames: map[int64]string{}}
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(tr("products.search", "Search code, barcode, name or category"))
	s.Search.OnChanged = func(string) { s.applySearch() }
	s.Status = widget.NewLabel(tr("products.loading", "Loading products…"))
	s.New = widget.NewButtonWithIcon(tr("product.new", "New product"), theme.ContentAddIcon(), func() { s.OpenProductForm(0) })
	s.New.Importance = widget.HighImportance
	s.Edit = widget.NewButtonWithIcon(tr("action.edit", "Edit"), theme.DocumentCreateIcon(), func() {
		if s.selected != 0 {
			s.OpenProductForm(s.selected)
		}
	})
	s.Archive = widget.NewButtonWithIcon(tr("product.archive", "Delete or archive"), theme.DeleteIcon(), s.archiveSelected)
	s.PushNow = widget.NewButtonWithIcon(tr("product.push_now", "Push now"), theme.UploadIcon(), s.pushNow)
	s.ShowArchived = widget.NewCheck(tr("product.show_archived", "Show archived"), func(on bool) {
		s.withArchived.Store(on)
		s.m.work.Go(func() { s.load(context.Background()) })
	})
	s.Links = widget.NewLabel("")
	s.Links.Wrapping = fyne.TextWrapWord
	s.Edit.Disable()
	s.Archive.Disable()

	s.Table = labelTable(func() (int, int) { return len(s.shown), productFixedCols + len(s.warehouses) + 1 },
		s.updateProductCell, func(col int) (string, bool) { return s.productHeader(col), col >= productFixedCols-1 })
	s.Table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(s.shown) {
			s.SelectProduct(s.all[s.shown[id.Row]].p.ID)
		}
	}

	s.LedgerTitle = widget.NewLabelWithStyle(tr("ledger.pick", "Select a product to see its stock movements."),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Ledger = labelTable(func() (int, int) { return len(s.ledger), 6 }, s.updateLedgerCell, func(col int) (string, bool) {
		names := []string{tr("col.date", "Date"), tr("col.kind", "Kind"), tr("col.quantity", "Qty"),
			tr("col.document", "Document"), tr("col.warehouse", "Warehouse"), tr("col.balance", "Balance")}
		return nameAt(names, col), col == 2 || col == 5
	})
	setColumnWidths(s.Ledger, 150, 110, 90, 190, 200, 90)

	title := widget.NewLabelWithStyle(tr("products.title", "Products & stock"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	actions := container.NewHBox(s.New, s.Edit, s.Archive, s.PushNow, s.ShowArchived)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, s.Status, title), actions, s.Search)
	ledger := container.NewBorder(container.NewVBox(widget.NewSeparator(), s.LedgerTitle, s.Links), nil, nil, nil, tableView(s.Ledger))
	split := container.NewVSplit(tableView(s.Table), ledger)
	split.Offset = 0.6
	s.Content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

// labelTable is a table of one-line labels that end in an ellipsis where they do not fit, under a
// row of bold ones and with no header column: header names a column and says whether it aligns
// to the end (figures do).
func labelTable(size func() (int, int), update func(widget.TableCellID, fyne.CanvasObject), header func(col int) (string, bool)) *widget.Table {
	t := newTable(size,
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		update)
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		name, end := header(id.Col)
		l := o.(*widget.Label)
		l.Alignment = fyne.TextAlignLeading
		if end {
			l.Alignment = fyne.TextAlignTrailing
		}
		l.SetText(name)
	}
	return t
}

// nameAt is names[i], or nothing past them.
func nameAt(names []string, i int) string {
	if i < 0 || i >= len(names) {
		return ""
	}
	return names[i]
}

func (s *ProductsScreen) productHeader(col int) string {
	switch col {
	case 0:
		return tr("col.code", "Code")
	case 1:
		return tr("col.product", "Product")
	case 2:
		return tr("col.category", "Category")
	case 3:
		return tr("col.price", "Price")
	}
	if i := col - productFixedCols; i < len(s.warehouses) {
		return visual(s.warehouses[i].Name)
	}
	return tr("col.total_qty", "Total")
}

func (s *ProductsScreen) updateProductCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= len(s.shown) {
		l.SetText("")
		return
	}
	r := s.all[s.shown[id.Row]]
	l.Alignment = fyne.TextAlignTrailing
	l.TextStyle.Bold = false
	var text string
	switch {
	case id.Col == 0:
		l.Alignment, text = fyne.TextAlignLeading, r.p.Code
	case id.Col == 1:
		l.Alignment, text = fyne.TextAlignLeading, visual(r.p.Name)
		if r.p.Archived {
			text = tr("product.archived_name", "{{.Name}} (archived)", map[string]any{"Name": r.p.Name})
		}
	case id.Col == 2:
		l.Alignment, text = fyne.TextAlignLeading, visual(r.p.Category)
	case id.Col == 3:
		text = money(r.p.SalePrice)
	case id.Col-productFixedCols < len(s.warehouses):
		if q, ok := r.qty[s.warehouses[id.Col-productFixedCols].ID]; ok {
			text = quantity(q, false)
		} else {
			text = "–"
		}
	default:
		text = quantity(r.total, false)
		l.TextStyle.Bold = true
	}
	l.SetText(text)
}

func (s *ProductsScreen) updateLedgerCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= len(s.ledger) {
		l.SetText("")
		return
	}
	r := s.ledger[id.Row]
	l.Alignment = fyne.TextAlignLeading
	switch id.Col {
	case 0:
		l.SetText(localDate(r.m.Date))
	case 1:
		l.SetText(movementKindName(r.m.Kind))
	case 2:
		l.Alignment = fyne.TextAlignTrailing
		l.SetText(quantity(r.m.Quantity, true))
	case 3:
		l.SetText(r.m.SourceRef)
	case 4:
		l.SetText(visual(s.whNames[r.m.WarehouseID]))
	case 5:
		l.Alignment = fyne.TextAlignTrailing
		l.SetText(quantity(r.balance, false))
	}
}

// load reads the catalogue and stock levels. Worker.
func (s *ProductsScreen) load(ctx context.Context) error {
	var products []storage.Product
	var err error
	if s.showArchived() {
		products, err = s.m.db.Products(ctx)
	} else {
		products, err = s.m.db.ActiveProducts(ctx)
	}
	var warehouses []storage.Warehouse
	var stock []storage.StockRow
	if err == nil {
		warehouses, err = s.m.db.Warehouses(ctx)
	}
	if err == nil {
		stock, err = s.m.db.Stock(ctx)
	}
	if err != nil {
		s.m.showProblem(tr("doing.load_products", "load the products"), err)
		return err
	}
	byID := make(map[int64]int, len(products))
	rows := make([]productRow, len(products))
	for i, p := range products {
		byID[p.ID] = i
		rows[i] = productRow{p: p, qty: map[int64]decimal.Decimal{},
			match: strings.ToLower(strings.Join([]string{p.Code, p.Barcode, p.Name, p.Category}, "\x00"))}
	}
	for _, st := range stock {
		if i, ok := byID[st.ProductID]; ok {
			rows[i].qty[st.WarehouseID] = st.Quantity
			rows[i].total = rows[i].total.Add(st.Quantity)
		}
	}
	uiDo(func() {
		s.all, s.warehouses = rows, warehouses
		s.whNames = map[int64]string{}
		for _, w := range warehouses {
			s.whNames[w.ID] = w.Name
		}
		widths := []float32{120, 240, 130, 90}
		for range warehouses {
			widths = append(widths, 140)
		}
		widths = append(widths, 80)
		setColumnWidths(s.Table, widths...)
		s.applySearch()
		listed := false
		for _, r := range rows {
			listed = listed || r.p.ID == s.selected
		}
		switch {
		case listed:
			s.SelectProduct(s.selected)
		case s.selected != 0:
			// The product is no longer listed (deleted, or archived while archived ones are hidden).
			s.selected = 0
			s.ledger = nil
			s.Ledger.Refresh()
			s.Links.SetText("")
			s.LedgerTitle.SetText(tr("ledger.pick", "Select a product to see its stock movements."))
			s.Edit.Disable()
			s.Archive.Disable()
		}
	})
	return nil
}

// applySearch shows the products whose code, barcode, name or category contains the search text.
func (s *ProductsScreen) applySearch() {
	q := strings.ToLower(strings.TrimSpace(s.Search.Text))
	s.shown = s.shown[:0]
	for i, r := range s.all {
		if q == "" || strings.Contains(r.match, q) {
			s.shown = append(s.shown, i)
		}
	}
	s.Status.SetText(trn("products.count", "{{.Count}} products", len(s.shown), map[string]any{"Count": len(s.shown)}))
	s.Table.UnselectAll()
	s.Table.Refresh()
}

// SelectProduct shows a product's stock ledger, read in the background. UI goroutine.
func (s *ProductsScreen) SelectProduct(id int64) {
	s.selected = id
	var p storage.Product
	for _, r := range s.all {
		if r.p.ID == id {
			p = r.p
		}
	}
	s.Edit.Enable()
	s.Archive.Enable()
	if p.Archived {
		s.Archive.SetText(tr("product.restore", "Restore"))
	} else {
		s.Archive.SetText(tr("product.archive", "Delete or archive"))
	}
	s.LedgerTitle.SetText(tr("ledger.loading", "Loading stock movements…"))
	db, eng := s.m.db, s.m.engine
	s.m.work.Go(func() {
		moves, err := db.Movements(context.Background(), id)
		links, lerr := eng.ProductLinks(context.Background(), id)
		uiDo(func() {
			if s.selected == id {
				s.Links.SetText(linksText(links, lerr))
			}
		})
		uiDo(func() {
			if s.selected != id {
				return
			}
			if err != nil {
				s.LedgerTitle.SetText(tr("ledger.failed", "Could not load the stock movements"))
				showProblem(s.m.Window, tr("doing.load_ledger", "load the stock movements"), err)
				return
			}
			levels := map[int64]decimal.Decimal{}
			s.ledger = make([]ledgerRow, len(moves))
			for i, mv := range moves {
				levels[mv.WarehouseID] = levels[mv.WarehouseID].Add(mv.Quantity)
				s.ledger[i] = ledgerRow{m: mv, balance: levels[mv.WarehouseID]}
			}
			s.LedgerTitle.SetText(ledgerTitle(p))
			s.Ledger.Refresh()
			scrollToTop(s.Ledger)
		})
	})
}

// ledgerTitle names the product whose stock movements are shown: its code and its name, put in
// reading order as one line.
func ledgerTitle(p storage.Product) string { return visual(p.Code + "  ·  " + p.Name) }

// newShortcut is Ctrl+N: the form for a new product, on the Products screen, from any screen.
func (s *ProductsScreen) newShortcut() {
	if s.Form == nil {
		s.m.Show(ScreenProducts)
		s.OpenProductForm(0)
	}
}

func (s *ProductsScreen) showArchived() bool { return s.withArchived.Load() }

// refusalText is a refusal of the books (a validation error) in the window's language, in logical
// order: its sentence translated around the merchant's own words when the books worded it (a
// duplicate code, a negative price, not enough stock), else its text.
func refusalText(err error) string { return logPhrase(core.PhraseOf(err)) }

// linksText says in a line per store how the product stands there, each line put in reading order
// as one line.
func linksText(links []core.ProductLink, err error) string {
	if err != nil {
		return tr("product.links_failed", "Could not read the product's stores: {{.Err}}", map[string]any{"Err": err.Error()})
	}
	if len(links) == 0 {
		return tr("product.no_stores", "No store is connected.")
	}
	var lines []string
	for _, l := range links {
		var state string
		note := logPhrase(l.Say) // why, in the window's language (a failure: its sync log sentence)
		if note == "" {
			note = l.Note
		}
		switch l.State {
		case core.ProductLinked:
			state = trText("product.state.linked", "linked")
		case core.ProductPending:
			state = trText("product.state.pending", "pending: {{.Note}}", map[string]any{"Note": note})
		case core.ProductFailed:
			state = trText("product.state.failed", "failed: {{.Note}}", map[string]any{"Note": note})
		default:
			state = trText("product.state.absent", "not in the store: {{.Note}}", map[string]any{"Note": note})
		}
		lines = append(lines, visual(l.Connection+": "+state))
	}
	return strings.Join(lines, "\n")
}

// archiveSelected deletes the selected product when nothing refers to it, and archives it when it
// has a history; an archived product is restored. UI goroutine.
func (s *ProductsScreen) archiveSelected() {
	id := s.selected
	var p storage.Product
	for _, r := range s.all {
		if r.p.ID == id {
			p = r.p
		}
	}
	if id == 0 {
		return
	}
	db := s.m.db
	run := func(restore bool) {
		s.m.work.Go(func() {
			var archived bool
			err := db.Update(context.Background(), func(tx *storage.Tx) error {
				if restore {
					return tx.SetArchived(id, false)
				}
				used, err := tx.ProductInUse(id)
				if err != nil || used == "" {
					if err == nil {
						err = tx.DeleteProduct(id)
					}
					return err
				}
				archived = true
				return tx.SetArchived(id, true)
			})
			if err == nil {
				s.load(context.Background())
			}
			uiDo(func() {
				if err != nil {
					showProblem(s.m.Window, tr("doing.archive_product", "archive the product"), err)
					return
				}
				if archived {
					s.Status.SetText(tr("product.archived_done", "{{.Code}} has a history, so it was archived rather than deleted", map[string]any{"Code": p.Code}))
				}
			})
		})
	}
	if p.Archived {
		run(true)
		return
	}
	showConfirm(tr("product.archive_title", "Delete or archive {{.Code}}?", map[string]any{"Code": p.Code}),
		tr("product.archive_confirm", "A product with stock movements, invoices or a store's link is archived: it keeps its history but is offered for nothing new and never created in a store. One without a history is deleted."),
		func(ok bool) {
			if ok {
				run(false)
			}
		}, s.m.Window)
}

// pushNow syncs every connection now, so what changed in the books reaches the stores. UI goroutine.
func (s *ProductsScreen) pushNow() {
	eng := s.m.engine
	s.m.work.Go(func() {
		conns, err := eng.Connections(context.Background())
		uiDo(func() {
			if err != nil {
				showProblem(s.m.Window, tr("doing.push", "push the products"), err)
				return
			}
			for _, c := range conns {
				if !c.NeedsReconnect() {
					s.m.StartSync(c, core.SyncRequest{})
				}
			}
		})
	})
}
