package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/core"
	"mizan/core/invoicepdf"
	"mizan/storage"
)

// StockScreen lists the posted stock documents (goods received, issued, transferred, counted),
// shows the one selected with its lines, and posts new ones. A posted document is never edited:
// Reverse posts the document that undoes it.
type StockScreen struct {
	Search *widget.Entry
	Kind   *widget.Select // "" or a kind's name: the kinds listed
	// From and To keep the documents dated from and to a day (YYYY-MM-DD, typed or picked).
	From, To *widget.Entry
	Status   *widget.Label
	// New opens the form for a new document.
	New   *widget.Button
	Table *widget.Table
	// The selected document.
	DocTitle *WrapLabel
	Lines    *widget.Table
	Reverse  *widget.Button
	Export   *widget.Button
	// Print saves the selected document as a PDF, in Arabic and English.
	Print   *widget.Button
	Content fyne.CanvasObject
	// Form is the new document's form while it is open.
	Form *StockDocForm

	m *App
	// list is the documents the filter selects, read in pages as they are scrolled to; docs is
	// its first page, the newest.
	list     pager[storage.StockDocument]
	listed   storage.StockDocumentFilter // the filter list was read with
	docs     []storage.StockDocument
	reported bool // a page could not be read: said once, not for every page
	selected storage.StockDocument
	// want is the list's filter, set on the UI goroutine and read by the worker.
	mu   sync.Mutex
	want storage.StockDocumentFilter
}

// stockDocKindName is a kind of stock document in the merchant's words.
func stockDocKindName(k storage.StockDocKind) string { return visual(stockDocKindText(k)) }

// stockDocKindText is stockDocKindName in logical order, for a sentence it is part of.
func stockDocKindText(k storage.StockDocKind) string {
	switch k {
	case storage.DocReceive:
		return trText("stockdoc.receive", "Goods received")
	case storage.DocIssue:
		return trText("stockdoc.issue", "Goods issued")
	case storage.DocTransfer:
		return trText("stockdoc.transfer", "Transfer")
	case storage.DocCount:
		return trText("stockdoc.count", "Stock count")
	case storage.DocInbound:
		return trText("stockdoc.inbound", "Inbound requisition")
	case storage.DocOutbound:
		return trText("stockdoc.outbound", "Outbound requisition")
	case storage.DocAdjustment:
		return trText("stockdoc.adjustment", "Stock adjustment")
	}
	return string(k)
}

func newStockScreen(m *App) *StockScreen {
	s := &StockScreen{m: m}
	s.list.reset(0, nil)
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(tr("stockdocs.search", "Search number, note or store"))
	s.Search.OnChanged = func(string) { s.reload() }
	kinds := []string{tr("stockdocs.all_kinds", "All kinds")}
	for _, k := range storage.ListedDocKinds {
		kinds = append(kinds, stockDocKindName(k))
	}
	s.Kind = widget.NewSelect(kinds, func(string) { s.reload() })
	s.Kind.SetSelectedIndex(0)
	s.From, s.To = widget.NewEntry(), widget.NewEntry()
	s.From.SetPlaceHolder(tr("filter.from", "From YYYY-MM-DD"))
	s.To.SetPlaceHolder(tr("filter.to", "To YYYY-MM-DD"))
	for _, e := range []*widget.Entry{s.From, s.To} {
		e.OnChanged = func(text string) {
			if _, ok := parseDay(text); ok || strings.TrimSpace(text) == "" {
				s.reload() // a day half typed changes nothing yet
			}
		}
	}
	s.Status = widget.NewLabel("")
	s.New = widget.NewButtonWithIcon(tr("stockdocs.new", "New document"), theme.ContentAddIcon(), func() { s.OpenForm(storage.DocReceive) })
	s.New.Importance = widget.HighImportance

	s.Table = labelTable(func() (int, int) { return s.list.count, 8 }, s.updateDocCell, func(col int) (string, bool) {
		names := []string{tr("col.number", "Number"), tr("col.date", "Date"), tr("col.kind", "Kind"),
			tr("col.warehouse", "Warehouse"), tr("stockdocs.col.to", "To"), tr("stockdocs.col.source", "Store"),
			tr("stockdocs.col.lines", "Lines"), tr("stockdocs.col.note", "Note")}
		return nameAt(names, col), col == 6
	})
	setColumnWidths(s.Table, 110, 100, 160, 150, 130, 140, 60, 230)
	s.Table.OnSelected = func(id widget.TableCellID) {
		if d, ok, _ := s.list.get(id.Row); ok {
			s.Select(d.Kind, d.ID)
		}
	}

	s.DocTitle = NewWrapLabel(trText("stockdocs.pick", "Select a document to see its lines."))
	s.DocTitle.TextStyle = fyne.TextStyle{Bold: true}
	s.Lines = labelTable(func() (int, int) { return len(s.selected.Lines), 5 }, s.updateLineCell, func(col int) (string, bool) {
		names := []string{tr("col.code", "Code"), tr("col.product", "Product"), tr("col.quantity", "Qty"),
			tr("stockdocs.col.cost", "Purchase price"), tr("stockdocs.col.counted", "Counted (books had)")}
		return nameAt(names, col), col >= 2
	})
	setColumnWidths(s.Lines, 130, 300, 100, 140, 170)
	s.Reverse = widget.NewButtonWithIcon(tr("stockdocs.reverse", "Reverse"), theme.ContentUndoIcon(), s.confirmReverse)
	s.Export = widget.NewButtonWithIcon(tr("stockdocs.export", "Export CSV"), theme.DownloadIcon(), s.chooseExportFile)
	s.Print = widget.NewButtonWithIcon(tr("stockdocs.print", "Print / Save as PDF"), theme.DocumentPrintIcon(), s.choosePDFFile)
	s.Reverse.Disable()
	s.Export.Disable()
	s.Print.Disable()

	title := widget.NewLabelWithStyle(tr("stockdocs.title", "Stock documents"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	day := fyne.NewSize(190, s.Kind.MinSize().Height)
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(container.NewGridWrap(day, newDatePicker(s.From).Content),
		container.NewGridWrap(day, newDatePicker(s.To).Content), container.NewGridWrap(fyne.NewSize(200, s.Kind.MinSize().Height), s.Kind)), s.Search)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(s.Status, s.New), title), filters)
	detail := container.NewBorder(container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, container.NewHBox(s.Print, s.Export, s.Reverse), s.DocTitle)), nil, nil, nil, tableView(s.Lines))
	split := container.NewVSplit(tableView(s.Table), detail)
	split.Offset = 0.55
	s.Content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

func (s *StockScreen) updateDocCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 {
		l.SetText("")
		return
	}
	d, ok, known := s.list.get(id.Row)
	if !ok {
		l.SetText("")
		if !known {
			// Any cell on screen asks for its page (the first column may be scrolled away);
			// the number's cell says it is coming.
			if id.Col == 0 {
				l.SetText("…")
			}
			s.requestPage(id.Row / pageSize)
		}
		return
	}
	l.Alignment = fyne.TextAlignLeading
	switch id.Col {
	case 0:
		l.SetText(d.Number)
	case 1:
		l.SetText(localDate(d.Date))
	case 2:
		l.SetText(stockDocKindName(d.Kind))
	case 3:
		l.SetText(visual(d.Warehouse))
	case 4:
		l.SetText(visual(d.ToWarehouse))
	case 5:
		l.SetText(visual(d.Source))
	case 6:
		l.Alignment = fyne.TextAlignTrailing
		l.SetText(fmt.Sprint(d.LineCount))
	case 7:
		l.SetText(visual(docNote(d)))
	}
}

// docNote is a document's note with what reverses it or what it reverses.
func docNote(d storage.StockDocument) string {
	parts := []string{}
	if d.ReversesNumber != "" {
		parts = append(parts, tr("stockdocs.reverses", "reverses {{.Number}}", map[string]any{"Number": d.ReversesNumber}))
	}
	if note := docNoteText(d); note != "" {
		parts = append(parts, note)
	}
	if d.ReversedByNumber != "" {
		parts = append(parts, tr("stockdocs.reversed_by", "reversed by {{.Number}}", map[string]any{"Number": d.ReversedByNumber}))
	}
	return strings.Join(parts, " · ")
}

// docNoteText is a document's own note in the window's language, in logical order: what Mizan
// wrote on a document it recorded, translated; the merchant's note, or one written before the
// books kept its words, as written.
func docNoteText(d storage.StockDocument) string { return logPhrase(core.NotePhrase(d)) }

func (s *StockScreen) updateLineCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= len(s.selected.Lines) {
		l.SetText("")
		return
	}
	ln := s.selected.Lines[id.Row]
	l.Alignment = fyne.TextAlignTrailing
	switch id.Col {
	case 0:
		l.Alignment = fyne.TextAlignLeading
		l.SetText(ln.Code)
	case 1:
		l.Alignment = fyne.TextAlignLeading
		l.SetText(visual(ln.Name))
	case 2:
		l.SetText(quantity(ln.Quantity, s.selected.Kind == storage.DocCount || s.selected.Kind == storage.DocAdjustment))
	case 3:
		if ln.HasCost {
			l.SetText(money(ln.UnitCost))
		} else {
			l.SetText("")
		}
	case 4:
		if s.selected.Kind == storage.DocCount && s.selected.ReversesID == 0 {
			l.SetText(fmt.Sprintf("%s (%s)", quantity(ln.Counted, false), quantity(ln.Before, false)))
		} else {
			l.SetText("")
		}
	}
}

// filter is the list's filter as the widgets set it. UI goroutine.
func (s *StockScreen) filter() storage.StockDocumentFilter {
	f := storage.StockDocumentFilter{Search: s.Search.Text}
	if i := s.Kind.SelectedIndex(); i > 0 {
		f.Kind = storage.ListedDocKinds[i-1]
	}
	if day, ok := parseDay(s.From.Text); ok {
		f.From = day
	}
	if day, ok := parseDay(s.To.Text); ok {
		f.To = day.AddDate(0, 0, 1) // to the end of the day
	}
	return f
}

// reload reads the list again with the widgets' filter. UI goroutine.
func (s *StockScreen) reload() {
	if s.Status == nil || s.Kind == nil || s.To == nil {
		return // still being built
	}
	f := s.filter()
	s.mu.Lock()
	s.want = f
	s.mu.Unlock()
	s.m.work.Go(func() { s.loadWith(context.Background(), f) })
}

// load reads the documents with the filter last set. Worker.
func (s *StockScreen) load(ctx context.Context) error {
	s.mu.Lock()
	f := s.want
	s.mu.Unlock()
	return s.loadWith(ctx, f)
}

func (s *StockScreen) loadWith(ctx context.Context, f storage.StockDocumentFilter) error {
	docs, count, err := s.m.db.StockDocumentPage(ctx, f, pageSize)
	if err != nil {
		s.m.showProblem(tr("doing.load_stockdocs", "load the stock documents"), err)
		return err
	}
	uiDo(func() {
		s.list.reset(count, docs)
		s.listed, s.docs, s.reported = f, docs, false
		s.Status.SetText(trn("stockdocs.count", "{{.Count}} documents", count, map[string]any{"Count": count}))
		s.Table.UnselectAll()
		s.Table.Refresh()
		switch {
		case s.selected.ID != 0:
			s.Select(s.selected.Kind, s.selected.ID)
		case len(docs) > 0:
			s.Select(docs[0].Kind, docs[0].ID) // the newest, until another is chosen
		}
	})
	return nil
}

// requestPage reads a page of the list in the background. UI goroutine.
func (s *StockScreen) requestPage(page int) {
	if !s.list.start(page) {
		return
	}
	gen, f := s.list.gen, s.listed
	f.Offset = page * pageSize
	s.m.work.Go(func() {
		rows, _, err := s.m.db.StockDocumentPage(context.Background(), f, pageSize)
		uiDo(func() {
			if err != nil {
				s.list.failed(gen, page)
				if !s.reported {
					s.reported = true
					showProblem(s.m.Window, tr("doing.load_stockdocs", "load the stock documents"), err)
				}
				return
			}
			s.list.put(gen, page, rows)
			s.Table.Refresh()
		})
	})
}

// Select shows a document of a kind with its lines, read in the background (the merchant's
// documents and the requisitions and adjustments Mizan recorded are numbered apart). UI goroutine.
func (s *StockScreen) Select(kind storage.StockDocKind, id int64) {
	db := s.m.db
	s.m.work.Go(func() {
		doc, err := db.StockDocumentOf(context.Background(), kind, id)
		uiDo(func() {
			if err != nil {
				showProblem(s.m.Window, tr("doing.load_stockdoc", "load the stock document"), err)
				return
			}
			s.selected = doc
			s.DocTitle.SetText(stockDocTitleText(doc))
			s.Export.Enable()
			s.Print.Enable()
			// What Mizan recorded is corrected by a stock count, never reversed (see
			// StockDocKind.Automatic).
			if doc.ReversedByID == 0 && !doc.Kind.Automatic() {
				s.Reverse.Enable()
			} else {
				s.Reverse.Disable()
			}
			s.Lines.Refresh()
		})
	})
}

// stockDocTitle is a document's title line: its number, kind, date, warehouse or warehouses, its
// store and the document it reverses or is reversed by, put in reading order as one line.
func stockDocTitle(doc storage.StockDocument) string { return visual(stockDocTitleText(doc)) }

// stockDocTitleText is stockDocTitle in logical order, for a label that wraps it (WrapLabel).
func stockDocTitleText(doc storage.StockDocument) string {
	where := doc.Warehouse
	if doc.ToWarehouse != "" {
		where = trText("stockdocs.from_to", "{{.From}} to {{.To}}", map[string]any{"From": doc.Warehouse, "To": doc.ToWarehouse})
	}
	parts := []string{doc.Number, stockDocKindText(doc.Kind), localDate(doc.Date), where}
	if doc.Source != "" {
		parts = append(parts, trText("stockdocs.from_store", "from the store {{.Store}}", map[string]any{"Store": doc.Source}))
	}
	if doc.ReversesNumber != "" {
		parts = append(parts, trText("stockdocs.reverses", "reverses {{.Number}}", map[string]any{"Number": doc.ReversesNumber}))
	}
	if doc.ReversedByNumber != "" {
		parts = append(parts, trText("stockdocs.reversed_by", "reversed by {{.Number}}", map[string]any{"Number": doc.ReversedByNumber}))
	}
	if note := docNoteText(doc); note != "" {
		parts = append(parts, note)
	}
	return strings.Join(parts, "  ·  ")
}

// confirmReverse asks before posting the document that undoes the selected one. UI goroutine.
func (s *StockScreen) confirmReverse() {
	doc := s.selected
	if doc.ID == 0 || doc.Kind.Automatic() {
		return
	}
	showConfirm(tr("stockdocs.reverse_title", "Reverse {{.Number}}?", map[string]any{"Number": doc.Number}),
		tr("stockdocs.reverse_confirm", "A posted document is never changed. Reversing it posts a new document, dated today, that undoes its stock movements."),
		func(ok bool) {
			if ok {
				s.ReverseSelected()
			}
		}, s.m.Window)
}

// ReverseSelected posts the reversal of the selected document. UI goroutine.
func (s *StockScreen) ReverseSelected() {
	id, kind := s.selected.ID, s.selected.Kind
	s.Reverse.Disable()
	if kind.Automatic() {
		return
	}
	db := s.m.db
	s.m.work.Go(func() {
		var rev storage.StockDocument
		err := db.Update(context.Background(), func(tx *storage.Tx) error {
			var err error
			rev, err = tx.ReverseStockDocument(id, time.Time{}, "")
			return err
		})
		if err != nil {
			s.m.showProblem(tr("doing.reverse", "reverse the document"), err)
			uiDo(func() { s.Select(kind, id) })
			return
		}
		s.posted(rev)
	})
}

// posted reloads what a new document changed and shows it. Worker.
func (s *StockScreen) posted(doc storage.StockDocument) {
	ctx := context.Background()
	uiDo(func() { s.selected = storage.StockDocument{ID: doc.ID, Kind: doc.Kind} })
	s.load(ctx)
	s.m.Products.load(ctx)
}

// ExportSelected writes the selected document as CSV. Any goroutine.
func (s *StockScreen) ExportSelected(w io.Writer) error {
	return storage.WriteStockDocumentCSV(w, s.selected)
}

// chooseExportFile asks where to save the selected document as CSV. UI goroutine.
func (s *StockScreen) chooseExportFile() {
	doc := s.selected
	w := s.m.Window
	askSaveFile(w, doc.Number+".csv", ".csv", tr("doing.export_stockdoc", "export the document"), func(wc fyne.URIWriteCloser) {
		s.m.work.Go(func() {
			bw := bufio.NewWriter(wc)
			err := storage.WriteStockDocumentCSV(bw, doc)
			if err == nil {
				err = bw.Flush()
			}
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				s.m.showProblem(tr("doing.export_stockdoc", "export the document"), err)
			}
		})
	})
}

// PDF prints the selected document, in Arabic and English, with the seller's details of its
// warehouse's branch. Any goroutine but the UI's.
func (s *StockScreen) PDF(ctx context.Context, doc storage.StockDocument) ([]byte, error) {
	var branch int64
	if err := s.m.db.View(ctx, func(tx *storage.Tx) error {
		w, err := tx.Warehouse(doc.WarehouseID)
		branch = w.BranchID
		return err
	}); err != nil {
		return nil, err
	}
	seller, err := s.m.db.Seller(ctx, branch)
	if err != nil {
		return nil, err
	}
	doc.Note = docNoteText(doc) // the note Mizan wrote, in the window's language
	return invoicepdf.RenderStockDocument(doc, seller, invoicepdf.Options{Lang: invoicepdf.Both})
}

// choosePDFFile asks where to save the selected document as a PDF. UI goroutine.
func (s *StockScreen) choosePDFFile() {
	doc := s.selected
	if doc.ID == 0 {
		return
	}
	s.m.savePDF(invoicepdf.StockDocumentFileName(doc), tr("doing.print_stockdoc", "save the document as PDF"),
		func(ctx context.Context) ([]byte, error) { return s.PDF(ctx, doc) },
		tr("print.done_title", "Saved"), func(file string) string {
			return tr("stockdocs.print_done", "{{.Number}} was saved as {{.File}}.", map[string]any{"Number": doc.Number, "File": file})
		})
}
