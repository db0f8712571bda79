package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/core"
	"mizan/storage"
)

// ConnectionsScreen lists the connected stores and adds, edits and removes them.
type ConnectionsScreen struct {
	New *widget.Button
	// Rows has one row per connection, by connection id.
	Rows map[int64]*ConnectionRow
	// Form is the add or edit form while it is shown (nil otherwise).
	Form    *ConnectionForm
	Status  *widget.Label
	Content fyne.CanvasObject

	m        *App
	conns    []core.Connection
	list     *fyne.Container
	listView fyne.CanvasObject
	cards    *fyne.Container
}

// ConnectionRow is one connection in the list.
type ConnectionRow struct {
	Name   *widget.Label
	Edit   *widget.Button
	Test   *widget.Button
	Remove *widget.Button
	// Payments opens the account each of the store's payment methods pays into.
	Payments *widget.Button
	// State says why a connection that needs reconnecting is not synced, and Reconnect opens
	// its form to connect it again; both are hidden otherwise.
	State     *widget.Label
	Reconnect *widget.Button
	conn      core.Connection
}

func newConnectionsScreen(m *App) *ConnectionsScreen {
	s := &ConnectionsScreen{m: m, Rows: map[int64]*ConnectionRow{}}
	s.New = widget.NewButtonWithIcon(tr("connections.add", "Add a connection"), theme.ContentAddIcon(), s.Add)
	s.New.Importance = widget.HighImportance
	if len(m.engine.Platforms()) == 0 {
		s.New.Disable()
	}
	s.Status = widget.NewLabel("")
	s.Status.Wrapping = fyne.TextWrapWord
	s.list = container.NewVBox()
	title := widget.NewLabelWithStyle(tr("connections.title", "Connections"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	s.listView = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, s.New, title), widget.NewSeparator()),
		s.Status, nil, nil, container.NewVScroll(s.list))
	s.cards = container.NewStack(s.listView)
	s.Content = s.cards
	return s
}

// load reads the connections. Worker.
func (s *ConnectionsScreen) load(ctx context.Context) error {
	conns, err := s.m.engine.Connections(ctx)
	if err != nil {
		s.m.showProblem(tr("doing.load_connections", "load the store connections"), err)
		return err
	}
	uiDo(func() { s.render(conns) })
	return nil
}

func (s *ConnectionsScreen) render(conns []core.Connection) {
	s.conns = conns
	s.Rows = map[int64]*ConnectionRow{}
	s.list.RemoveAll()
	if len(conns) == 0 {
		msg := tr("connections.none", "No store is connected yet. Add a connection to sync a store with your books.")
		if len(s.m.engine.Platforms()) == 0 {
			msg = tr("connections.no_platforms", "This build of Mizan has no store platforms to connect.")
		}
		l := widget.NewLabel(msg)
		l.Wrapping = fyne.TextWrapWord
		s.list.Add(l)
	}
	for _, c := range conns {
		c := c
		r := &ConnectionRow{conn: c}
		title := c.Platform
		if p, err := s.m.engine.Platforms().Get(c.Platform); err == nil {
			title = platformTitle(p)
		}
		r.Name = widget.NewLabelWithStyle(connectionLine(c.Name, title, c.StoreURL), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.Name.Truncation = fyne.TextTruncateEllipsis
		r.Edit = widget.NewButtonWithIcon(tr("action.edit", "Edit"), theme.DocumentCreateIcon(), func() { s.Edit(c) })
		r.Test = widget.NewButtonWithIcon(tr("connections.test", "Test connection"), theme.ConfirmIcon(), func() { s.testSaved(c) })
		r.Remove = widget.NewButtonWithIcon(tr("action.remove", "Remove"), theme.DeleteIcon(), func() { s.confirmRemove(c) })
		r.Remove.Importance = widget.DangerImportance
		r.Payments = widget.NewButtonWithIcon(tr("treasury.methods", "Payment methods"), theme.SettingsIcon(), func() { s.m.Treasury.ShowMethods(c.ID) })
		r.State, r.Reconnect = reconnectState(c, func() { s.Edit(c) })
		s.Rows[c.ID] = r
		s.list.Add(container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(r.Reconnect, r.Test, r.Payments, r.Edit, r.Remove), r.Name),
			r.State))
	}
	s.list.Refresh()
	s.syncChanged()
}

// reconnectState makes the label that says a connection needs reconnecting, and its Reconnect
// button; both are hidden when it does not.
func reconnectState(c core.Connection, reconnect func()) (*widget.Label, *widget.Button) {
	state := widget.NewLabel("")
	state.Wrapping = fyne.TextWrapWord
	state.Importance = widget.DangerImportance
	button := widget.NewButtonWithIcon(tr("connections.reconnect", "Reconnect"), theme.LoginIcon(), reconnect)
	button.Importance = widget.HighImportance
	if c.NeedsReconnect() {
		state.SetText(visual(tr("connections.needs_reconnect", "Needs reconnecting since {{.When}}: {{.Message}}",
			map[string]any{"When": localDateTime(c.ReconnectAt), "Message": c.Reconnect})))
	} else {
		state.Hide()
		button.Hide()
	}
	return state, button
}

// syncChanged: a connection cannot be removed while it syncs. UI goroutine.
func (s *ConnectionsScreen) syncChanged() {
	for id, r := range s.Rows {
		if s.m.Syncing(id) {
			r.Remove.Disable()
		} else {
			r.Remove.Enable()
		}
	}
}

// Add shows an empty form for a new connection. UI goroutine.
func (s *ConnectionsScreen) Add() {
	s.showForm(newConnectionForm(s, nil))
}

// ShowNewConnection opens Connections on the form for a new connection to the named platform (for
// screenshots and demos). UI goroutine.
func (m *App) ShowNewConnection(platform string) {
	m.Show(ScreenConnections)
	m.Connections.Add()
	for title, name := range m.Connections.Form.titles {
		if name == platform {
			m.Connections.Form.Platform.SetSelected(title)
		}
	}
}

// Edit shows a connection's settings for editing. Stored credentials are never shown. UI goroutine.
func (s *ConnectionsScreen) Edit(c core.Connection) {
	s.showForm(newConnectionForm(s, &c))
}

func (s *ConnectionsScreen) showForm(f *ConnectionForm) {
	s.stopOAuth()
	s.Form = f
	s.cards.Objects = []fyne.CanvasObject{f.Content}
	s.cards.Refresh()
	f.loadChoices(0, 0, 0)
}

// closeForm goes back to the list. UI goroutine.
func (s *ConnectionsScreen) closeForm() {
	s.stopOAuth()
	s.Form = nil
	s.cards.Objects = []fyne.CanvasObject{s.listView}
	s.cards.Refresh()
}

// ShowingList reports whether the list (rather than a form) is shown.
func (s *ConnectionsScreen) ShowingList() bool { return s.Form == nil }

func (s *ConnectionsScreen) confirmRemove(c core.Connection) {
	showConfirm(tr("connections.remove.title", "Remove {{.Name}}?", map[string]any{"Name": c.Name}),
		tr("connections.remove.body", "Mizan stops syncing this store and deletes its credentials. Its invoices, product links and sync log stay in your books: connecting the same store again picks them up, and nothing is imported twice."),
		func(ok bool) {
			if ok {
				s.Remove(c.ID)
			}
		}, s.m.Window)
}

// Remove removes a connection (the confirmation has been given). UI goroutine.
func (s *ConnectionsScreen) Remove(id int64) {
	s.m.tasks.Go(func() {
		err := s.m.engine.RemoveConnection(context.Background(), id)
		if err != nil {
			s.m.showProblem(tr("doing.remove_connection", "remove the connection"), err)
		}
		s.m.Refresh(context.Background())
	})
}

// testSaved tests a saved connection with its stored credentials. UI goroutine.
func (s *ConnectionsScreen) testSaved(c core.Connection) {
	s.Status.Importance = widget.MediumImportance
	s.Status.SetText(tr("connections.testing", "Asking the store…"))
	s.m.tasks.Go(func() {
		info, err := s.m.engine.TestConnection(context.Background(), c.ID)
		uiDo(func() {
			if err != nil {
				s.Status.Importance = widget.DangerImportance
				s.Status.SetText(tr("connections.test_failed", "The test failed: {{.Error}}", map[string]any{"Error": err.Error()}))
				showProblem(s.m.Window, tr("doing.test_connection", "connect to {{.Name}}", map[string]any{"Name": c.Name}), err)
				return
			}
			s.Status.Importance = widget.SuccessImportance
			s.Status.SetText(storeInfoText(info))
		})
	})
}

// storeInfoText says what a store answered to a connection test.
func storeInfoText(info core.StoreInfo) string {
	parts := []string{tr("connections.test_ok", "Connected to {{.Name}}", map[string]any{"Name": info.Name})}
	add := func(key, english, value string) {
		if value != "" {
			parts = append(parts, tr(key, english, map[string]any{"Value": value}))
		}
	}
	add("connections.info.currency", "currency {{.Value}}", info.Currency)
	add("connections.info.location", "stock location {{.Value}}", info.Location)
	add("connections.info.version", "API {{.Value}}", info.Version)
	add("connections.info.details", "{{.Value}}", info.Details)
	return strings.Join(parts, " · ")
}

// ConnectionForm adds or edits a connection.
type ConnectionForm struct {
	Title    *widget.Label
	Platform *widget.Select
	Name     *widget.Entry
	StoreURL *widget.Entry
	// Credentials are password entries by credential key; on edit they start empty, and an empty
	// entry keeps the stored credential.
	Credentials map[string]*widget.Entry
	// Options are the platform's settings by key.
	Options map[string]*widget.Entry
	// OAuth is the "connect in the browser" panel of a platform that connects with OAuth.
	OAuth *OAuthPanel

	Client, Warehouse, Branch          *widget.Select
	NewClient, NewWarehouse, NewBranch *widget.Button
	// ClientSearch narrows the default-client choices to the clients whose name, phone or email
	// has what is typed, and chooses the first of them.
	ClientSearch *widget.Entry
	// Quick is the "New…" form while it is open.
	Quick *QuickAdd

	StartDate    *widget.Entry
	States       *widget.CheckGroup
	Owners       map[core.Field]*widget.Select
	PushProducts *widget.Check
	PollMinutes  *widget.Entry

	Test       *widget.Button
	TestResult *widget.Label
	Save       *widget.Button
	Cancel     *widget.Button
	Status     *widget.Label
	Content    fyne.CanvasObject

	s        *ConnectionsScreen
	editing  *core.Connection
	platform core.Platform
	titles   map[string]string // platform title → name
	stateOf  map[string]string // order state as the merchant reads it → the platform's
	clients  map[string]int64
	whs      map[string]int64
	branches map[string]int64
	creds    *fyne.Container
	renewed  *renewedCreds // what the last test renewed, if anything
	opts     *fyne.Container
	states   *fyne.Container
}

func newConnectionForm(s *ConnectionsScreen, editing *core.Connection) *ConnectionForm {
	f := &ConnectionForm{s: s, editing: editing, titles: map[string]string{}, Credentials: map[string]*widget.Entry{},
		Options: map[string]*widget.Entry{}, Owners: map[core.Field]*widget.Select{}}
	if editing == nil {
		f.Title = widget.NewLabelWithStyle(tr("connections.new", "New connection"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	} else {
		f.Title = widget.NewLabelWithStyle(tr("connections.edit", "Edit {{.Name}}", map[string]any{"Name": editing.Name}),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	f.Title.SizeName = theme.SizeNameHeadingText

	var titles []string
	for _, name := range s.m.engine.Platforms().Names() {
		p, _ := s.m.engine.Platforms().Get(name)
		f.titles[platformTitle(p)] = name
		titles = append(titles, platformTitle(p))
	}
	f.Platform = widget.NewSelect(titles, func(title string) { f.platformChosen(f.titles[title]) })
	f.Name = widget.NewEntry()
	f.Name.SetPlaceHolder(tr("connections.name_hint", "A name for this store, e.g. My online shop"))
	f.StoreURL = widget.NewEntry()
	f.creds = container.NewVBox()
	f.opts = container.New(layout.NewFormLayout())
	f.states = container.NewVBox()

	f.Client = widget.NewSelect(nil, nil)
	f.ClientSearch = widget.NewEntry()
	f.ClientSearch.SetPlaceHolder(tr("connections.client_search", "Find by name, phone or email"))
	f.ClientSearch.OnChanged = f.searchClients
	f.Warehouse = widget.NewSelect(nil, nil)
	f.Branch = widget.NewSelect(nil, nil)
	f.NewClient = widget.NewButtonWithIcon(tr("action.new", "New…"), theme.ContentAddIcon(), func() { f.openQuick(quickClient) })
	f.NewWarehouse = widget.NewButtonWithIcon(tr("action.new", "New…"), theme.ContentAddIcon(), func() { f.openQuick(quickWarehouse) })
	f.NewBranch = widget.NewButtonWithIcon(tr("action.new", "New…"), theme.ContentAddIcon(), func() { f.openQuick(quickBranch) })

	f.StartDate = widget.NewEntry()
	f.StartDate.SetPlaceHolder(tr("connections.start_hint", "YYYY-MM-DD (empty: import every order)"))
	f.StartDate.Validator = validDay
	f.States = widget.NewCheckGroup(nil, nil)
	ownerNames := []string{ownerName(core.OwnerBoth), ownerName(core.OwnerStore), ownerName(core.OwnerBooks)}
	owners := container.New(layout.NewFormLayout())
	for _, fl := range core.ProductFieldList {
		sel := widget.NewSelect(ownerNames, nil)
		f.Owners[fl] = sel
		owners.Add(keyLabel(fieldName(fl)))
		owners.Add(sel)
	}
	f.PushProducts = widget.NewCheck(tr("connections.push_products", "Create in the store the products it lacks"), nil)
	f.PollMinutes = widget.NewEntry()
	f.PollMinutes.Validator = validMinutes

	f.Test = widget.NewButtonWithIcon(tr("connections.test", "Test connection"), theme.ConfirmIcon(), f.runTest)
	f.TestResult = widget.NewLabel("")
	f.TestResult.Wrapping = fyne.TextWrapWord
	f.Save = widget.NewButtonWithIcon(tr("action.save", "Save"), theme.DocumentSaveIcon(), f.save)
	f.Save.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(tr("action.cancel", "Cancel"), s.closeForm)
	f.Status = widget.NewLabel("")
	f.Status.Wrapping = fyne.TextWrapWord
	f.Status.Importance = widget.DangerImportance

	// Fill in the connection being edited, or the defaults of a new one.
	owned := core.DefaultOwners()
	poll := core.DefaultPollInterval
	f.PushProducts.SetChecked(true)
	if editing != nil {
		f.Name.SetText(editing.Name)
		f.StoreURL.SetText(editing.StoreURL)
		if !editing.StartDate.IsZero() {
			f.StartDate.SetText(editing.StartDate.In(time.Local).Format(dayLayout))
		}
		for fl := range owned {
			owned[fl] = editing.Owner(fl)
		}
		poll = editing.PollInterval
		f.PushProducts.SetChecked(editing.PushProducts)
	}
	for fl, sel := range f.Owners {
		sel.SetSelected(ownerName(owned[fl]))
	}
	f.PollMinutes.SetText(strconv.Itoa(int(poll / time.Minute)))
	switch {
	case editing != nil:
		if p, err := s.m.engine.Platforms().Get(editing.Platform); err == nil {
			f.Platform.SetSelected(platformTitle(p))
		}
		f.Platform.Disable()
	case len(titles) > 0:
		f.Platform.SetSelected(titles[0])
	}

	grid := container.New(layout.NewFormLayout(),
		keyLabel(tr("field.platform", "Platform")), f.Platform,
		keyLabel(tr("field.name", "Name")), f.Name,
		keyLabel(tr("field.store_url", "Store address")), f.StoreURL,
	)
	section := func(text string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	books := container.New(layout.NewFormLayout(),
		keyLabel(tr("field.default_client", "Default client (guest orders)")), container.NewBorder(nil, nil, nil, f.NewClient,
			container.NewGridWithColumns(2, f.ClientSearch, f.Client)),
		keyLabel(tr("field.default_warehouse", "Default warehouse")), container.NewBorder(nil, nil, nil, f.NewWarehouse, f.Warehouse),
		keyLabel(tr("field.default_branch", "Default branch")), container.NewBorder(nil, nil, nil, f.NewBranch, f.Branch),
		keyLabel(tr("field.start_date", "Integration start date")), newDatePicker(f.StartDate).Content,
		keyLabel(tr("field.poll", "Sync every (minutes)")), f.PollMinutes,
	)
	body := container.NewVBox(grid,
		section(tr("connections.credentials", "Credentials")), f.creds,
		container.NewHBox(f.Test), f.TestResult,
		section(tr("connections.options", "Platform options")), f.opts,
		section(tr("connections.books", "In your books")), books,
		section(tr("connections.states", "Order states that create invoices")), f.states,
		section(tr("connections.owners", "Who owns each product field")), owners, f.PushProducts,
	)
	top := container.NewVBox(f.Title, widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), f.Status, container.NewHBox(layout.NewSpacer(), f.Cancel, f.Save))
	f.Content = container.NewBorder(top, bottom, nil, nil, container.NewVScroll(container.NewPadded(body)))
	return f
}

func validMinutes(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return errors.New(tr("connections.bad_poll", "Write a whole number of minutes, 1 or more"))
	}
	return nil
}

func ownerName(o core.Owner) string {
	switch o {
	case core.OwnerStore:
		return tr("owner.store", "Store")
	case core.OwnerBooks:
		return tr("owner.books", "Books")
	}
	return tr("owner.both", "Both")
}

func fieldName(f core.Field) string {
	switch f {
	case core.FieldName:
		return tr("product_field.name", "Name")
	case core.FieldCode:
		return tr("product_field.code", "Code (SKU)")
	case core.FieldBarcode:
		return tr("product_field.barcode", "Barcode")
	case core.FieldCategory:
		return tr("product_field.category", "Category")
	case core.FieldPurchasePrice:
		return tr("product_field.purchase_price", "Purchase price")
	case core.FieldSalePrice:
		return tr("product_field.sale_price", "Sale price")
	case core.FieldQuantity:
		return tr("product_field.quantity", "Quantity")
	}
	return string(f)
}

// platformChosen lays out the chosen platform's credentials, options and order states.
func (f *ConnectionForm) platformChosen(name string) {
	p, err := f.s.m.engine.Platforms().Get(name)
	if err != nil {
		return
	}
	f.platform = p
	f.StoreURL.SetPlaceHolder(p.StoreURLHint)

	f.Credentials = map[string]*widget.Entry{}
	f.renewed = nil
	f.creds.RemoveAll()
	if f.OAuth != nil {
		f.OAuth.stop()
		f.OAuth = nil
	}
	credentials := p.Credentials
	if p.OAuth != nil {
		credentials = f.layOutOAuth(p)
	}
	var groups []string
	byGroup := map[string][]core.CredentialField{}
	for _, c := range credentials {
		if _, ok := byGroup[c.Group]; !ok {
			groups = append(groups, c.Group)
		}
		byGroup[c.Group] = append(byGroup[c.Group], c)
	}
	for i, g := range groups {
		if len(groups) > 1 {
			head := tr("connections.group_first", "Either:")
			if i > 0 {
				head = tr("connections.group_or", "Or:")
			}
			f.creds.Add(widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
		}
		grid := container.New(layout.NewFormLayout())
		for _, c := range byGroup[g] {
			label, help := credentialText(p.Name, c)
			e := widget.NewPasswordEntry()
			if f.editing != nil && containsString(f.editing.SecretKeys, c.Key) {
				e.SetPlaceHolder(tr("connections.unchanged", "unchanged — type to replace"))
			} else {
				e.SetPlaceHolder(help)
			}
			f.Credentials[c.Key] = e
			grid.Add(keyLabel(label))
			grid.Add(e)
		}
		f.creds.Add(grid)
	}
	f.creds.Refresh()

	f.Options = map[string]*widget.Entry{}
	f.opts.RemoveAll()
	for _, o := range p.Options {
		label, help := optionText(p.Name, o)
		e := widget.NewEntry()
		e.SetPlaceHolder(help)
		if f.editing != nil {
			e.SetText(f.editing.Options[o.Key])
		}
		if e.Text == "" {
			e.SetText(o.Default)
		}
		f.Options[o.Key] = e
		f.opts.Add(keyLabel(label))
		f.opts.Add(e)
	}
	f.opts.Refresh()

	chosen := p.DefaultStates
	if f.editing != nil && len(f.editing.InvoiceStates) > 0 {
		chosen = f.editing.InvoiceStates
	}
	// The states are shown in the merchant's words; the connection keeps the platform's.
	f.stateOf = map[string]string{}
	var labels, selected []string
	for _, st := range p.States {
		l := stateLabel(p.Name, st)
		f.stateOf[l] = st
		labels = append(labels, l)
	}
	for _, st := range chosen {
		l := stateLabel(p.Name, st)
		if _, ok := f.stateOf[l]; !ok {
			f.stateOf[l] = st // a state saved earlier that the platform no longer lists is kept
		}
		selected = append(selected, l)
	}
	// One state a line: side by side, a platform's ten states would widen the form past the
	// screen.
	f.States = widget.NewCheckGroup(labels, nil)
	f.States.SetSelected(selected)
	f.states.Objects = []fyne.CanvasObject{f.States}
	f.states.Refresh()
}

func containsString(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// loadChoices reads the books' clients, warehouses and branches into the dropdowns, choosing the
// given ids (or the connection's, or the first of each). UI goroutine.
func (f *ConnectionForm) loadChoices(client, warehouse, branch int64) {
	if f.editing != nil {
		if client == 0 {
			client = f.editing.ClientID
		}
		if warehouse == 0 {
			warehouse = f.editing.WarehouseID
		}
		if branch == 0 {
			branch = f.editing.BranchID
		}
	}
	keep := func(sel *widget.Select, ids map[string]int64) int64 {
		if sel.Selected != "" {
			return ids[sel.Selected]
		}
		return 0
	}
	if client == 0 {
		client = keep(f.Client, f.clients)
	}
	if warehouse == 0 {
		warehouse = keep(f.Warehouse, f.whs)
	}
	if branch == 0 {
		branch = keep(f.Branch, f.branches)
	}
	db := f.s.m.db
	f.s.m.work.Go(func() {
		ctx := context.Background()
		clients, err := db.Clients(ctx)
		var whs []storage.Warehouse
		var brs []storage.Branch
		if err == nil {
			whs, err = db.Warehouses(ctx)
		}
		if err == nil {
			brs, err = db.Branches(ctx)
		}
		uiDo(func() {
			if err != nil {
				showProblem(f.s.m.Window, tr("doing.load_choices", "load the clients, warehouses and branches"), err)
				return
			}
			var names []string
			var ids []int64
			for _, c := range clients {
				names, ids = append(names, c.Name), append(ids, c.ID)
			}
			f.clients = fillSelect(f.Client, names, ids, client)
			names, ids = nil, nil
			for _, w := range whs {
				names, ids = append(names, w.Name), append(ids, w.ID)
			}
			f.whs = fillSelect(f.Warehouse, names, ids, warehouse)
			names, ids = nil, nil
			for _, b := range brs {
				names, ids = append(names, b.Name), append(ids, b.ID)
			}
			f.branches = fillSelect(f.Branch, names, ids, branch)
		})
	})
}

// searchClients offers as default client only the clients whose name, phone (in any written
// form) or email has text, keeping the chosen one when it is among them. UI goroutine.
func (f *ConnectionForm) searchClients(text string) {
	current := f.clients[f.Client.Selected]
	db := f.s.m.db
	f.s.m.work.Go(func() {
		clients, err := db.SearchClients(context.Background(), text, 200)
		uiDo(func() {
			if err != nil {
				showProblem(f.s.m.Window, tr("doing.load_choices", "load the clients, warehouses and branches"), err)
				return
			}
			if f.ClientSearch.Text != text || len(clients) == 0 {
				return // typed on since, or nothing matches: the choices stay as they are
			}
			var names []string
			var ids []int64
			for _, c := range clients {
				names, ids = append(names, c.Name), append(ids, c.ID)
			}
			f.clients = fillSelect(f.Client, names, ids, current)
		})
	})
}

// fillSelect sets a dropdown's options (names made unique) and selects want, else the first.
func fillSelect(sel *widget.Select, names []string, ids []int64, want int64) map[string]int64 {
	out := map[string]int64{}
	var opts []string
	chosen := ""
	for i, n := range names {
		label := visual(n)
		if _, dup := out[label]; dup {
			label = fmt.Sprintf("%s (#%d)", label, ids[i])
		}
		out[label] = ids[i]
		opts = append(opts, label)
		if ids[i] == want {
			chosen = label
		}
	}
	sel.Options = opts
	if chosen == "" && len(opts) > 0 {
		chosen = opts[0]
	}
	sel.Selected = ""
	sel.SetSelected(chosen)
	return out
}

// input reads the form. UI goroutine.
func (f *ConnectionForm) input() (core.ConnectionInput, error) {
	in := core.ConnectionInput{Name: strings.TrimSpace(f.Name.Text), Platform: f.platform.Name,
		StoreURL: strings.TrimSpace(f.StoreURL.Text), Options: map[string]string{}, Credentials: map[string]string{},
		Owners: map[core.Field]core.Owner{}}
	if in.Platform == "" {
		return in, errors.New(tr("connections.need_platform", "Choose the store's platform."))
	}
	typed := f.typedCredentials()
	if f.renewed != nil && maps.Equal(typed, f.renewed.typed) {
		// A test renewed what was typed: the store may have spent it, so the renewal is used.
		in.Credentials = maps.Clone(f.renewed.creds)
	} else {
		in.Credentials = typed
		if err := f.oauthInput(in.Credentials); err != nil {
			return in, err
		}
	}
	for k, e := range f.Options {
		in.Options[k] = strings.TrimSpace(e.Text)
	}
	in.ClientID, in.WarehouseID, in.BranchID = f.clients[f.Client.Selected], f.whs[f.Warehouse.Selected], f.branches[f.Branch.Selected]
	if day := strings.TrimSpace(f.StartDate.Text); day != "" {
		t, err := time.ParseInLocation(dayLayout, day, time.Local)
		if err != nil {
			return in, errors.New(tr("connections.bad_start", "The integration start date is not a date: write it as YYYY-MM-DD."))
		}
		in.StartDate = t
	}
	in.InvoiceStates = nil
	for _, l := range f.States.Selected {
		if st, ok := f.stateOf[l]; ok {
			in.InvoiceStates = append(in.InvoiceStates, st)
		}
	}
	sort.Strings(in.InvoiceStates)
	if len(in.InvoiceStates) == 0 {
		return in, errors.New(tr("connections.need_states", "Choose at least one order state that creates invoices."))
	}
	for fl, sel := range f.Owners {
		switch sel.Selected {
		case ownerName(core.OwnerStore):
			in.Owners[fl] = core.OwnerStore
		case ownerName(core.OwnerBooks):
			in.Owners[fl] = core.OwnerBooks
		default:
			in.Owners[fl] = core.OwnerBoth
		}
	}
	push := f.PushProducts.Checked
	in.PushProducts = &push
	if err := validMinutes(f.PollMinutes.Text); err != nil {
		return in, err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(f.PollMinutes.Text))
	in.PollInterval = time.Duration(n) * time.Minute
	return in, nil
}

// typedCredentials returns the credentials typed in the form, by key. UI goroutine.
func (f *ConnectionForm) typedCredentials() map[string]string {
	out := map[string]string{}
	for k, e := range f.Credentials {
		if v := strings.TrimSpace(e.Text); v != "" {
			out[k] = v
		}
	}
	return out
}

// renewedCreds are credentials a test renewed: the store may have spent those typed (a
// single-use refresh token), so Save and the next test use the renewed ones instead, as long as
// the entries still hold what was typed. They are never shown.
type renewedCreds struct {
	typed map[string]string // the entries' text when the test began
	creds map[string]string // the credentials to use instead
}

func (f *ConnectionForm) fail(err error) {
	if storage.IsValidation(err) {
		// The books' or the engine's refusal, in the window's language when they worded it.
		f.Status.SetText(visual(refusalText(err)))
		return
	}
	f.Status.SetText(err.Error())
}

// save adds or updates the connection, off the UI goroutine (the keyring may be slow). UI goroutine.
func (f *ConnectionForm) save() {
	in, err := f.input()
	if err != nil {
		f.fail(err)
		return
	}
	f.Status.SetText("")
	f.Save.Disable()
	eng := f.s.m.engine
	editing := f.editing
	f.s.m.tasks.Go(func() {
		ctx := context.Background()
		var err error
		var saved core.Connection
		if editing == nil {
			saved, err = eng.AddConnection(ctx, in)
		} else {
			_, err = eng.UpdateConnection(ctx, editing.ID, in)
		}
		uiDo(func() {
			f.Save.Enable()
			if err != nil {
				f.fail(err)
				showProblem(f.s.m.Window, tr("doing.save_connection", "save the connection"), err)
				return
			}
			if saved.Reattached {
				showInformation(tr("connections.reattached.title", "Store history re-attached"),
					tr("connections.reattached.body", "Mizan already knew this store (as {{.Name}}). Its products, invoices, stock and sync log now belong to this connection again: nothing is imported twice.",
						map[string]any{"Name": saved.PreviousName}), f.s.m.Window)
			}
			if f.s.Form == f {
				f.s.closeForm()
			}
		})
		if err == nil {
			f.s.m.Refresh(ctx)
		}
	})
}

// runTest asks the store who it is with what the form holds; when editing with no credential
// typed, with the stored ones. UI goroutine.
func (f *ConnectionForm) runTest() {
	in, err := f.input()
	if err != nil {
		f.fail(err)
		return
	}
	f.TestResult.Importance = widget.MediumImportance
	f.TestResult.SetText(tr("connections.testing", "Asking the store…"))
	f.Test.Disable()
	eng := f.s.m.engine
	editing := f.editing
	typed := f.typedCredentials()
	f.s.m.tasks.Go(func() {
		ctx := context.Background()
		var info core.StoreInfo
		var creds map[string]string
		var err error
		if editing != nil && len(in.Credentials) == 0 {
			info, err = eng.TestConnection(ctx, editing.ID)
		} else {
			info, creds, err = eng.TestCredentials(ctx, in)
		}
		uiDo(func() {
			f.Test.Enable()
			renewed := creds != nil && !maps.Equal(creds, in.Credentials)
			if renewed && f.s.Form == f {
				f.renewed = &renewedCreds{typed: typed, creds: creds}
			}
			if err != nil {
				f.TestResult.Importance = widget.DangerImportance
				f.TestResult.SetText(tr("connections.test_failed", "The test failed: {{.Error}}", map[string]any{"Error": err.Error()}))
				showProblem(f.s.m.Window, tr("doing.test_store", "connect to the store"), err)
				return
			}
			f.TestResult.Importance = widget.SuccessImportance
			text := storeInfoText(info)
			if renewed {
				text += "\n" + tr("connections.renewed", "The store renewed the access token during the test: Save keeps the new one.")
			}
			f.TestResult.SetText(text)
		})
	})
}

type quickKind int

const (
	quickClient quickKind = iota
	quickWarehouse
	quickBranch
)

// QuickAdd is the small form that adds a client, warehouse or branch from the connection form.
type QuickAdd struct {
	Name   *FormEntry
	Code   *FormEntry // branches only
	Email  *FormEntry // clients only
	Phone  *FormEntry // clients only
	Create *FormButton
	Close  *FormButton
	Status *widget.Label
	dialog dialog.Dialog
}

func (f *ConnectionForm) openQuick(kind quickKind) {
	q := &QuickAdd{Name: newFormEntry(), Code: newFormEntry(), Email: newFormEntry(), Phone: newFormEntry(),
		Status: widget.NewLabel("")}
	q.Status.Importance = widget.DangerImportance
	q.Status.Wrapping = fyne.TextWrapWord
	grid := container.New(layout.NewFormLayout(), keyLabel(tr("field.name", "Name")), q.Name)
	var title string
	switch kind {
	case quickClient:
		title = tr("quick.client", "New client")
		grid.Add(keyLabel(tr("field.email", "Email")))
		grid.Add(q.Email)
		grid.Add(keyLabel(tr("field.phone", "Phone")))
		grid.Add(q.Phone)
	case quickWarehouse:
		title = tr("quick.warehouse", "New warehouse")
	case quickBranch:
		title = tr("quick.branch", "New branch")
		q.Code.SetPlaceHolder(tr("quick.code_hint", "Up to 10 letters A–Z or digits, used in invoice numbers"))
		grid.Add(keyLabel(tr("field.code", "Code")))
		grid.Add(q.Code)
	}
	q.Create = newFormButton(tr("action.create", "Create"), theme.ConfirmIcon(), func() { f.quickCreate(kind, q) })
	q.Create.Importance = widget.HighImportance
	q.Close = newFormButton(tr("action.cancel", "Cancel"), nil, func() {
		q.dialog.Hide()
		f.Quick = nil
	})
	body := container.NewVBox(grid, q.Status, container.NewHBox(layout.NewSpacer(), q.Close, q.Create))
	q.dialog = newCustomDialogWithoutButtons(title, body, f.s.m.Window)
	q.dialog.Resize(fyne.NewSize(460, 0))
	f.Quick = q
	q.dialog.Show()
}

// quickCreate writes the new record to the books and chooses it in its dropdown. UI goroutine.
func (f *ConnectionForm) quickCreate(kind quickKind, q *QuickAdd) {
	name, code := strings.TrimSpace(q.Name.Text), strings.ToUpper(strings.TrimSpace(q.Code.Text))
	email, phone := strings.TrimSpace(q.Email.Text), strings.TrimSpace(q.Phone.Text)
	branch := f.branches[f.Branch.Selected]
	q.Create.Disable()
	db := f.s.m.db
	f.s.m.work.Go(func() {
		var id int64
		err := db.Update(context.Background(), func(tx *storage.Tx) error {
			switch kind {
			case quickClient:
				c, err := tx.CreateClient(storage.Client{Name: name, Email: email, Phone: phone})
				id = c.ID
				return err
			case quickWarehouse:
				w, err := tx.CreateWarehouse(name, branch)
				id = w.ID
				return err
			default:
				b, err := tx.CreateBranch(code, name)
				id = b.ID
				return err
			}
		})
		uiDo(func() {
			q.Create.Enable()
			if err != nil {
				q.Status.SetText(visual(refusalText(err)))
				return
			}
			q.dialog.Hide()
			if f.Quick == q {
				f.Quick = nil
			}
			if kind == quickWarehouse {
				f.s.m.work.Go(func() { f.s.m.Products.load(context.Background()) })
			}
			switch kind {
			case quickClient:
				f.loadChoices(id, 0, 0)
			case quickWarehouse:
				f.loadChoices(0, id, 0)
			default:
				f.loadChoices(0, 0, id)
			}
		})
	})
}

// platformTitle is a platform's name as the merchant reads it.
func platformTitle(p core.Platform) string {
	switch p.Name {
	case "salla":
		return tr("platform.salla", "Salla")
	case "zid":
		return tr("platform.zid", "Zid")
	}
	return p.Title
}

// stateLabel is an order state of a platform in the merchant's words, as the platform's own
// dashboard names it; a state Mizan has no words for is shown as the platform sends it.
func stateLabel(platform, state string) string {
	switch platform + "/" + state {
	case "zid/new":
		return tr("state.zid.new", "New")
	case "zid/preparing":
		return tr("state.zid.preparing", "Preparing")
	case "zid/ready":
		return tr("state.zid.ready", "Ready")
	case "zid/indelivery":
		return tr("state.zid.indelivery", "Out for delivery")
	case "zid/delivered":
		return tr("state.zid.delivered", "Delivered")
	case "zid/canceled":
		return tr("state.zid.canceled", "Cancelled")
	case "salla/payment_pending":
		return tr("state.salla.payment_pending", "Awaiting payment")
	case "salla/under_review":
		return tr("state.salla.under_review", "Under review")
	case "salla/in_progress":
		return tr("state.salla.in_progress", "In progress")
	case "salla/completed":
		return tr("state.salla.completed", "Completed")
	case "salla/delivering":
		return tr("state.salla.delivering", "Being delivered")
	case "salla/delivered":
		return tr("state.salla.delivered", "Delivered")
	case "salla/shipped":
		return tr("state.salla.shipped", "Shipped")
	case "salla/canceled":
		return tr("state.salla.canceled", "Cancelled")
	case "salla/restoring":
		return tr("state.salla.restoring", "Being returned")
	case "salla/restored":
		return tr("state.salla.restored", "Returned")

	case "shopify/pending":
		return tr("state.shopify.pending", "Payment pending")
	case "shopify/authorized":
		return tr("state.shopify.authorized", "Authorized")
	case "shopify/partially_paid":
		return tr("state.shopify.partially_paid", "Partially paid")
	case "shopify/paid":
		return tr("state.shopify.paid", "Paid")
	case "shopify/partially_refunded":
		return tr("state.shopify.partially_refunded", "Partially refunded")
	case "shopify/refunded":
		return tr("state.shopify.refunded", "Refunded")
	case "shopify/voided":
		return tr("state.shopify.voided", "Voided")
	case "shopify/expired":
		return tr("state.shopify.expired", "Expired")

	case "woocommerce/pending":
		return tr("state.woocommerce.pending", "Pending payment")
	case "woocommerce/processing":
		return tr("state.woocommerce.processing", "Processing")
	case "woocommerce/on-hold":
		return tr("state.woocommerce.on-hold", "On hold")
	case "woocommerce/completed":
		return tr("state.woocommerce.completed", "Completed")
	case "woocommerce/cancelled":
		return tr("state.woocommerce.cancelled", "Cancelled")
	case "woocommerce/refunded":
		return tr("state.woocommerce.refunded", "Refunded")
	case "woocommerce/failed":
		return tr("state.woocommerce.failed", "Failed")
	}
	return state
}
