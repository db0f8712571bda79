package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/core"
)

// mappingColumns: state, store SKU, store name (stretches), store price, local code, local name.
var mappingColumns = []float32{100, 130, 220, 90, 130, 220}

// MappingScreen shows a connection's store products beside the books' products with their link
// state, and links, unlinks, imports and pushes them by hand.
type MappingScreen struct {
	Connection      *widget.Select
	Search          *widget.Entry
	Filter          *widget.Select
	Reload          *widget.Button
	SyncAllProducts *widget.Button
	Status          *widget.Label
	List            *widget.List
	// Detail describes the row selected; the actions below act on it.
	Detail *widget.Label
	Link   *widget.Button
	Unlink *widget.Button
	Import *widget.Button
	Push   *widget.Button
	// Chooser is the "Link to…" dialog while it is open.
	Chooser *LinkChooser
	Content fyne.CanvasObject

	m        *App
	conns    map[string]core.Connection // by shown name
	conn     core.Connection
	loadedID int64
	rows     []core.MappingRow
	visible  []int
	selected int // index into rows, -1 for none
	busy     bool
	syncing  bool
}

// LinkChooser picks the product to link the selected row to.
type LinkChooser struct {
	Product *FormSelect
	Link    *FormButton
	Close   *FormButton
	targets map[string]int // shown label → row index
	dialog  dialog.Dialog
}

func newMappingScreen(m *App) *MappingScreen {
	s := &MappingScreen{m: m, conns: map[string]core.Connection{}, selected: -1}
	s.Connection = widget.NewSelect(nil, func(name string) {
		if c, ok := s.conns[name]; ok && c.ID != s.conn.ID {
			s.conn = c
			s.load()
		}
	})
	s.Connection.PlaceHolder = tr("mapping.choose_connection", "Choose a connection")
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(tr("mapping.search", "Search code, SKU, barcode or name"))
	s.Search.OnChanged = func(string) { s.apply() }
	s.Filter = widget.NewSelect([]string{tr("filter.all_states", "All states"), linkStateName(core.LinkLinked),
		linkStateName(core.LinkStoreOnly), linkStateName(core.LinkLocalOnly), linkStateName(core.LinkConflict)},
		func(string) { s.apply() })
	s.Filter.SetSelectedIndex(0)
	s.Reload = widget.NewButtonWithIcon(tr("mapping.reload", "Reload"), theme.ViewRefreshIcon(), s.load)
	s.SyncAllProducts = widget.NewButtonWithIcon(tr("mapping.sync_all_products", "Sync all products"), theme.ViewRefreshIcon(), func() {
		if s.conn.ID != 0 {
			s.m.StartSync(s.conn, core.SyncRequest{Trigger: core.TriggerFull, FullProducts: true})
		}
	})
	s.Status = widget.NewLabel(tr("mapping.none", "Connect a store to match its products with yours."))
	s.Status.Truncation = fyne.TextTruncateEllipsis
	s.List = widget.NewList(func() int { return len(s.visible) }, s.newRow, s.updateRow)
	s.List.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.visible) {
			s.selected = s.visible[id]
		}
		s.updateActions()
	}
	s.Detail = widget.NewLabel(tr("mapping.pick", "Select a row to link, unlink, import or push it."))
	s.Detail.Wrapping = fyne.TextWrapWord
	s.Link = widget.NewButtonWithIcon(tr("mapping.link", "Link to…"), theme.ContentAddIcon(), s.openChooser)
	s.Unlink = widget.NewButtonWithIcon(tr("mapping.unlink", "Unlink"), theme.ContentRemoveIcon(), s.confirmUnlink)
	s.Import = widget.NewButtonWithIcon(tr("mapping.import", "Import"), theme.DownloadIcon(), func() {
		if r, ok := s.current(); ok {
			s.act(func(ctx context.Context) (core.RunSummary, error) {
				return s.m.engine.ImportProduct(ctx, s.conn.ID, r.Store.ExternalID)
			})
		}
	})
	s.Push = widget.NewButtonWithIcon(tr("mapping.push", "Push to store"), theme.UploadIcon(), func() {
		if r, ok := s.current(); ok {
			s.act(func(ctx context.Context) (core.RunSummary, error) {
				return s.m.engine.PushProduct(ctx, s.conn.ID, r.Local.ID)
			})
		}
	})
	s.updateActions()

	title := widget.NewLabelWithStyle(tr("mapping.title", "Product mapping"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	header := container.New(&columns{widths: mappingColumns, flex: 2},
		headerLabel(tr("col.state", "State")), headerLabel(tr("col.store_sku", "Store SKU")),
		headerLabel(tr("col.store_product", "Store product")), headerLabel(tr("col.price", "Price"), fyne.TextAlignTrailing),
		headerLabel(tr("col.code", "Code")), headerLabel(tr("col.books_product", "Product in the books")))
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.Reload, s.SyncAllProducts), title),
		container.NewBorder(nil, nil, nil, s.Filter, container.NewGridWithColumns(2, s.Connection, s.Search)),
		s.Status, widget.NewSeparator(), container.NewPadded(header))
	bottom := container.NewVBox(widget.NewSeparator(), s.Detail,
		container.NewHBox(s.Link, s.Unlink, s.Import, s.Push, layout.NewSpacer()))
	s.Content = container.NewBorder(top, bottom, nil, nil, s.List)
	return s
}

func linkStateName(st core.LinkState) string {
	switch st {
	case core.LinkLinked:
		return tr("link.linked", "Linked")
	case core.LinkStoreOnly:
		return tr("link.store_only", "Store only")
	case core.LinkLocalOnly:
		return tr("link.local_only", "Books only")
	case core.LinkConflict:
		return tr("link.conflict", "Conflict")
	}
	return string(st)
}

func (s *MappingScreen) newRow() fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, len(mappingColumns))
	for i := range cells {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		if i == 3 {
			l.Alignment = fyne.TextAlignTrailing
		}
		cells[i] = l
	}
	return container.New(&columns{widths: mappingColumns, flex: 2}, cells...)
}

func (s *MappingScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	set := func(i int, text string) { cells[i].(*widget.Label).SetText(text) }
	for i := range cells {
		set(i, "")
	}
	if id < 0 || id >= len(s.visible) {
		return
	}
	r := s.rows[s.visible[id]]
	state := cells[0].(*widget.Label)
	state.Importance = widget.MediumImportance
	if r.State == core.LinkConflict {
		state.Importance = widget.DangerImportance
	}
	set(0, linkStateName(r.State))
	if r.HasStore {
		set(1, r.Store.SKU)
		set(2, visual(r.Store.Name))
		set(3, money(r.Store.SalePrice))
	}
	if r.HasLocal {
		set(4, r.Local.Code)
		set(5, visual(r.Local.Name))
	}
}

// loadConnections fills the connection choice. Worker.
func (s *MappingScreen) loadConnections(ctx context.Context) error {
	conns, err := s.m.engine.Connections(ctx)
	if err != nil {
		return err
	}
	uiDo(func() {
		s.conns = map[string]core.Connection{}
		var names []string
		found := false
		for _, c := range conns {
			name := visual(c.Name)
			s.conns[name] = c
			names = append(names, name)
			if c.ID == s.conn.ID {
				s.conn, found = c, true
			}
		}
		s.Connection.Options = names
		if !found {
			s.conn, s.loadedID, s.rows, s.visible, s.selected = core.Connection{}, 0, nil, nil, -1
			s.Connection.ClearSelected()
			if len(names) > 0 {
				s.Connection.SetSelected(names[0]) // loads when the screen is shown
			} else {
				s.Status.SetText(tr("mapping.none", "Connect a store to match its products with yours."))
				s.List.Refresh()
			}
		} else {
			s.Connection.Selected = visual(s.conn.Name)
			s.Connection.Refresh()
		}
		s.updateActions()
	})
	return nil
}

// shown loads the chosen connection's mapping the first time the screen is shown. UI goroutine.
func (s *MappingScreen) shown() {
	if s.conn.ID != 0 && s.loadedID != s.conn.ID {
		s.load()
	}
}

// load reads the mapping of the chosen connection from the store and the books. UI goroutine.
func (s *MappingScreen) load() {
	if s.conn.ID == 0 {
		return
	}
	if s.m.Current != ScreenMapping && s.loadedID != s.conn.ID {
		return // read when the screen is shown
	}
	conn := s.conn
	s.Status.SetText(tr("mapping.loading", "Reading {{.Name}}'s products…", map[string]any{"Name": conn.Name}))
	s.busy = true
	s.updateActions()
	s.m.tasks.Go(func() {
		rows, err := s.m.engine.Mapping(context.Background(), conn.ID)
		uiDo(func() {
			if s.conn.ID != conn.ID {
				return
			}
			s.busy = false
			s.loadedID = conn.ID
			if err != nil {
				s.rows = nil
				s.Status.SetText(tr("mapping.failed", "Could not read the store's products"))
				showProblem(s.m.Window, tr("doing.load_mapping", "read the products of {{.Name}}", map[string]any{"Name": conn.Name}), err)
			} else {
				s.rows = rows
			}
			s.apply()
		})
	})
}

// apply shows the rows that match the search and the state filter. UI goroutine.
func (s *MappingScreen) apply() {
	if s.List == nil || s.Status == nil {
		return
	}
	q := strings.ToLower(strings.TrimSpace(s.Search.Text))
	var want core.LinkState
	switch s.Filter.SelectedIndex() {
	case 1:
		want = core.LinkLinked
	case 2:
		want = core.LinkStoreOnly
	case 3:
		want = core.LinkLocalOnly
	case 4:
		want = core.LinkConflict
	}
	counts := map[core.LinkState]int{}
	s.visible = s.visible[:0]
	for i, r := range s.rows {
		counts[r.State]++
		if want != "" && r.State != want {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(strings.Join([]string{r.Store.SKU, r.Store.Barcode, r.Store.Name,
			r.Local.Code, r.Local.Barcode, r.Local.Name}, "\x00")), q) {
			continue
		}
		s.visible = append(s.visible, i)
	}
	if s.loadedID != 0 && !s.busy {
		s.Status.SetText(tr("mapping.counts", "{{.Shown}} shown · {{.Linked}} linked · {{.Store}} store only · {{.Local}} books only · {{.Conflict}}",
			map[string]any{"Shown": len(s.visible), "Linked": counts[core.LinkLinked], "Store": counts[core.LinkStoreOnly],
				"Local": counts[core.LinkLocalOnly], "Conflict": countText("mapping.conflicts", "{{.Count}} conflicts", counts[core.LinkConflict])}))
	}
	s.selected = -1
	s.List.UnselectAll()
	s.List.Refresh()
	s.updateActions()
}

// Shown lists the rows shown, in order.
func (s *MappingScreen) Shown() []core.MappingRow {
	out := make([]core.MappingRow, len(s.visible))
	for i, j := range s.visible {
		out[i] = s.rows[j]
	}
	return out
}

// Select selects the shown row i, as a tap on it does. UI goroutine.
func (s *MappingScreen) Select(i int) { s.List.Select(i) }

func (s *MappingScreen) current() (core.MappingRow, bool) {
	if s.selected < 0 || s.selected >= len(s.rows) {
		return core.MappingRow{}, false
	}
	return s.rows[s.selected], true
}

// syncChanged: nothing is changed by hand while the connection syncs; when its sync ends, the
// mapping is read again. UI goroutine.
func (s *MappingScreen) syncChanged() {
	now := s.conn.ID != 0 && s.m.Syncing(s.conn.ID)
	if s.syncing && !now {
		s.loadedID = 0
		s.load()
	}
	s.syncing = now
	s.updateActions()
}

func (s *MappingScreen) updateActions() {
	for _, b := range []*widget.Button{s.Link, s.Unlink, s.Import, s.Push} {
		if b != nil {
			b.Disable()
		}
	}
	if s.Link == nil || s.Push == nil {
		return
	}
	if s.conn.ID == 0 || s.syncing {
		s.SyncAllProducts.Disable()
		s.Reload.Disable()
	} else {
		s.SyncAllProducts.Enable()
		s.Reload.Enable()
	}
	r, ok := s.current()
	if !ok {
		s.Detail.SetText(tr("mapping.pick", "Select a row to link, unlink, import or push it."))
		return
	}
	s.Detail.SetText(mappingDetail(r))
	if s.busy || s.syncing {
		return
	}
	bound := r.State == core.LinkLinked || (r.State == core.LinkConflict && r.HasStore && r.HasLocal) ||
		(r.State == core.LinkConflict && !r.HasStore)
	switch {
	case r.State == core.LinkStoreOnly:
		s.Link.Enable()
		s.Import.Enable()
	case r.State == core.LinkLocalOnly:
		s.Link.Enable()
		s.Push.Enable()
	case r.State == core.LinkConflict && r.HasStore && !r.HasLocal:
		s.Link.Enable()
		s.Import.Enable()
	case bound:
		s.Unlink.Enable()
	}
}

// mappingDetail says what the selected row joins: the store's product, the books' product and a
// note, put in reading order as one line.
func mappingDetail(r core.MappingRow) string {
	var parts []string
	if r.HasStore {
		parts = append(parts, trText("mapping.detail.store", "Store: {{.SKU}} {{.Name}}", map[string]any{"SKU": r.Store.SKU, "Name": r.Store.Name}))
	}
	if r.HasLocal {
		parts = append(parts, trText("mapping.detail.books", "Books: {{.Code}} {{.Name}}", map[string]any{"Code": r.Local.Code, "Name": r.Local.Name}))
	}
	if note := logPhrase(r.Say); note != "" { // in the window's language
		parts = append(parts, note)
	} else if r.Note != "" {
		parts = append(parts, r.Note)
	}
	return visual(strings.Join(parts, " · "))
}

// act runs a change made by hand, then reads the mapping and the books again. UI goroutine.
func (s *MappingScreen) act(do func(ctx context.Context) (core.RunSummary, error)) {
	s.busy = true
	s.updateActions()
	s.m.tasks.Go(func() {
		_, err := do(context.Background())
		uiDo(func() {
			s.busy = false
			if err != nil {
				showProblem(s.m.Window, tr("doing.mapping", "change the product mapping"), err)
			}
			s.loadedID = 0
			s.load()
		})
		s.m.Refresh(context.Background())
	})
}

// openChooser asks which product to link the selected row to: a books product for a store
// product, a store product for a books product. UI goroutine.
func (s *MappingScreen) openChooser() {
	r, ok := s.current()
	if !ok {
		return
	}
	c := &LinkChooser{targets: map[string]int{}}
	var labels []string
	for i, o := range s.rows {
		var label string
		switch {
		case r.HasStore && o.State == core.LinkLocalOnly:
			label = o.Local.Code + " — " + o.Local.Name
		case !r.HasStore && o.State == core.LinkStoreOnly:
			label = o.Store.SKU + " — " + o.Store.Name
			if o.Store.SKU == "" {
				label = o.Store.Name
			}
		default:
			continue
		}
		if _, dup := c.targets[label]; dup {
			label += " (" + itoa(i) + ")"
		}
		c.targets[label] = i
		labels = append(labels, label)
	}
	c.Product = newFormSelect(labels, nil)
	c.Product.PlaceHolder = tr("mapping.choose_product", "Choose the product")
	c.Link = newFormButton(tr("mapping.link_now", "Link"), theme.ConfirmIcon(), func() {
		i, ok := c.targets[c.Product.Selected]
		if !ok {
			return
		}
		o := s.rows[i]
		ext, local := r.Store.ExternalID, o.Local.ID
		if !r.HasStore {
			ext, local = o.Store.ExternalID, r.Local.ID
		}
		c.dialog.Hide()
		s.Chooser = nil
		s.act(func(ctx context.Context) (core.RunSummary, error) { return s.m.engine.Link(ctx, s.conn.ID, ext, local) })
	})
	c.Link.Importance = widget.HighImportance
	c.Close = newFormButton(tr("action.cancel", "Cancel"), nil, func() {
		c.dialog.Hide()
		s.Chooser = nil
	})
	what := tr("mapping.link_help", "Fields that differ are settled by their owner in the connection's settings; where the books win, the store is updated at once.")
	help := widget.NewLabel(what)
	help.Wrapping = fyne.TextWrapWord
	if len(labels) == 0 {
		help.SetText(tr("mapping.nothing_to_link", "There is no unlinked product on the other side to link to."))
		c.Link.Disable()
	}
	body := container.NewVBox(widget.NewLabel(s.Detail.Text), c.Product, help, container.NewHBox(layout.NewSpacer(), c.Close, c.Link))
	c.dialog = newCustomDialogWithoutButtons(tr("mapping.link_title", "Link by hand"), body, s.m.Window)
	c.dialog.Resize(fyne.NewSize(560, 0))
	s.Chooser = c
	c.dialog.Show()
}

func (s *MappingScreen) confirmUnlink() {
	r, ok := s.current()
	if !ok {
		return
	}
	msg := tr("mapping.unlink_body", "The two products stay as they are but no longer sync with each other.")
	if r.HasStore && r.HasLocal && r.Store.SKU != "" && strings.EqualFold(r.Store.SKU, r.Local.Code) {
		msg += " " + tr("mapping.unlink_same_code", "They have the same code, so the next sync links them again: change the code on one side to keep them apart.")
	}
	showConfirm(tr("mapping.unlink_title", "Unlink these products?"), msg, func(ok bool) {
		if ok {
			s.UnlinkSelected()
		}
	}, s.m.Window)
}

// UnlinkSelected unlinks the selected row (the confirmation has been given). UI goroutine.
func (s *MappingScreen) UnlinkSelected() {
	r, ok := s.current()
	if !ok {
		return
	}
	s.act(func(ctx context.Context) (core.RunSummary, error) {
		return s.m.engine.Unlink(ctx, s.conn.ID, r.Store.ExternalID)
	})
}
