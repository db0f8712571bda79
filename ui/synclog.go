package ui

import (
	"context"
	"image/color"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/core"
)

// maxOrderNumbers is how many store orders "Sync orders by number" takes at once.
const maxOrderNumbers = 100

// entryColumns: time, level, kind, store reference, message (stretches).
var entryColumns = []float32{130, 80, 80, 130, 300}

// SyncLogScreen lists sync runs, newest first, and the log of the run selected.
type SyncLogScreen struct {
	Connection *widget.Select
	Runs       *widget.List
	Level      *widget.Select
	Search     *widget.Entry
	Entries    *widget.List
	// Detail shows the entry selected in full, wrapped in reading order.
	Detail *WrapLabel
	// Open opens the entry's document in the books, or shows its store reference.
	Open  *widget.Button
	Retry *widget.Button
	// Orders takes store order numbers, one per line (or separated by commas or spaces).
	Orders       *widget.Entry
	SyncOrders   *widget.Button
	OrdersStatus *widget.Label
	Status       *widget.Label
	Content      fyne.CanvasObject

	m        *App
	debounce *debouncer
	conns    map[string]core.Connection
	byID     map[int64]core.Connection
	runs     []core.RunSummary
	entries  []core.LogEntry
	runID    int64 // run shown
	entry    int   // entry selected, -1 for none
	follow   bool  // select the newest run on the next load
	// ordersConn is the connection whose "Sync orders by number" run OrdersStatus tells of.
	ordersConn int64

	mu       sync.Mutex
	wantConn int64 // the connection filter, read by the worker
}

func newSyncLogScreen(m *App) *SyncLogScreen {
	s := &SyncLogScreen{m: m, debounce: &debouncer{w: m.work, delay: searchDebounce}, conns: map[string]core.Connection{},
		byID: map[int64]core.Connection{}, entry: -1}
	s.Connection = widget.NewSelect([]string{tr("filter.all_connections", "All connections")}, func(name string) {
		s.mu.Lock()
		s.wantConn = s.conns[name].ID
		s.mu.Unlock()
		if s.Runs != nil {
			s.follow = true
			s.m.work.Go(func() { s.load(context.Background()) })
		}
	})
	s.Connection.SetSelectedIndex(0)
	s.Runs = widget.NewList(func() int { return len(s.runs) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id < 0 || id >= len(s.runs) {
			l.SetText("")
			return
		}
		r := s.runs[id]
		l.Importance = outcomeImportance(r.Outcome)
		l.SetText(runLine(r))
	})
	s.Runs.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.runs) && s.runs[id].ID != s.runID {
			s.runID = s.runs[id].ID
			s.loadEntries()
		}
	}
	s.Level = widget.NewSelect([]string{tr("filter.all_levels", "All levels"), levelName(core.Info), levelName(core.Warning),
		levelName(core.Error)}, func(string) { s.loadEntries() })
	s.Level.SetSelectedIndex(0)
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(tr("synclog.search", "Search messages and store references"))
	s.Search.OnChanged = func(string) { s.loadEntriesAfterTyping() }
	s.Entries = widget.NewList(func() int { return len(s.entries) }, func() fyne.CanvasObject {
		cells := make([]fyne.CanvasObject, len(entryColumns))
		for i := range cells {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			cells[i] = l
		}
		return container.New(&columns{widths: entryColumns, flex: 4}, cells...)
	}, s.updateEntry)
	s.Entries.OnSelected = func(id widget.ListItemID) {
		s.entry = id
		s.updateActions()
	}
	s.Detail = NewWrapLabel("")
	s.Open = widget.NewButtonWithIcon(tr("synclog.open", "Open document"), theme.DocumentIcon(), s.openEntry)
	s.Retry = widget.NewButtonWithIcon(tr("synclog.retry", "Retry"), theme.ViewRefreshIcon(), s.retryEntry)
	s.Retry.Importance = widget.HighImportance
	s.Orders = widget.NewMultiLineEntry()
	s.Orders.SetPlaceHolder(tr("synclog.orders_hint", "Store order numbers, one per line (up to 100), e.g. #1001"))
	s.Orders.SetMinRowsVisible(2)
	s.SyncOrders = widget.NewButtonWithIcon(tr("synclog.sync_orders", "Sync orders by number"), theme.DownloadIcon(), s.syncOrders)
	s.OrdersStatus = widget.NewLabel("")
	s.OrdersStatus.Wrapping = fyne.TextWrapWord
	s.Status = widget.NewLabel("")
	s.updateActions()

	title := widget.NewLabelWithStyle(tr("synclog.title", "Sync log"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	header := container.New(&columns{widths: entryColumns, flex: 4}, headerLabel(tr("col.time", "Time")),
		headerLabel(tr("col.level", "Level")), headerLabel(tr("col.kind", "Kind")), headerLabel(tr("col.store_ref", "Store reference")),
		headerLabel(tr("col.message", "Message")))
	// The runs pane keeps room for runsShown rows: the split cannot squeeze it smaller.
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(0, runsShown*runRowHeight(s.Runs)))
	runsPane := container.NewBorder(widget.NewLabelWithStyle(tr("synclog.runs", "Runs, newest first"), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true}), nil, nil, nil, container.NewStack(room, s.Runs))
	entriesTop := container.NewVBox(container.NewBorder(nil, nil, nil, s.Level, s.Search), container.NewPadded(header))
	entriesBottom := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, container.NewHBox(s.Open, s.Retry), s.Detail))
	entriesRoom := canvas.NewRectangle(color.Transparent)
	entriesRoom.SetMinSize(fyne.NewSize(0, entriesShown*runRowHeight(s.Entries)))
	entriesPane := container.NewBorder(entriesTop, entriesBottom, nil, nil, container.NewStack(entriesRoom, s.Entries))
	split := container.NewVSplit(runsPane, entriesPane)
	split.Offset = 0 // the entries are what is read most: they take what the runs' rows leave
	orders := container.NewBorder(nil, nil, nil, container.NewVBox(s.SyncOrders), s.Orders)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(s.Status, s.Connection), title), widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), orders, s.OrdersStatus)
	s.OrdersStatus.Hide() // until there is something to say
	s.Content = container.NewBorder(top, bottom, nil, nil, split)
	return s
}

// runLine is a run's row in the sync log: when, which store, what started it, how it ended and
// what it did, put in reading order as one line.
func runLine(r core.RunSummary) string {
	return visual(strings.Join([]string{localDateTime(r.StartedAt), r.Connection, triggerText(r.Trigger),
		outcomeText(r.Outcome), runCountsText(r)}, "  ·  "))
}

func triggerName(t core.Trigger) string { return visual(triggerText(t)) }

// triggerText is triggerName in logical order, for a sentence it is part of.
func triggerText(t core.Trigger) string {
	switch t {
	case core.TriggerManual:
		return trText("trigger.manual", "Sync now")
	case core.TriggerSchedule:
		return trText("trigger.schedule", "scheduled")
	case core.TriggerRetry:
		return trText("trigger.retry", "retry")
	case core.TriggerNumbers:
		return trText("trigger.numbers", "orders by number")
	case core.TriggerFull:
		return trText("trigger.full", "all products")
	case core.TriggerMapping:
		return trText("trigger.mapping", "product mapping")
	}
	return string(t)
}

func levelName(l core.Level) string { return visual(levelText(l)) }

// levelText is levelName in logical order.
func levelText(l core.Level) string {
	switch l {
	case core.Info:
		return trText("level.info", "Info")
	case core.Warning:
		return trText("level.warning", "Warning")
	case core.Error:
		return trText("level.error", "Error")
	}
	return string(l)
}

func (s *SyncLogScreen) updateEntry(id widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	set := func(i int, text string) { cells[i].(*widget.Label).SetText(text) }
	if id < 0 || id >= len(s.entries) {
		for i := range cells {
			set(i, "")
		}
		return
	}
	e := s.entries[id]
	lvl := cells[1].(*widget.Label)
	lvl.Importance = widget.MediumImportance
	switch e.Level {
	case core.Error:
		lvl.Importance = widget.DangerImportance
	case core.Warning:
		lvl.Importance = widget.WarningImportance
	}
	set(0, localDateTime(e.At))
	set(1, levelName(e.Level))
	set(2, kindName(e.Kind))
	set(3, e.StoreRef)
	set(4, visual(logLine(e)))
}

// load reads the runs (and the log of the run shown). Worker.
func (s *SyncLogScreen) load(ctx context.Context) error {
	conns, err := s.m.engine.Connections(ctx)
	s.mu.Lock()
	connID := s.wantConn
	s.mu.Unlock()
	var runs []core.RunSummary
	if err == nil {
		runs, err = s.m.engine.Runs(ctx, connID, 200)
	}
	if err != nil {
		s.m.showProblem(tr("doing.load_log", "load the sync log"), err)
		return err
	}
	uiDo(func() {
		s.setConnections(conns)
		s.runs = runs
		keep := false
		for _, r := range runs {
			if r.ID == s.runID {
				keep = true
			}
		}
		if (!keep || s.follow) && len(runs) > 0 {
			s.runID = runs[0].ID
		} else if !keep {
			s.runID = 0
		}
		s.follow = false
		s.Status.SetText(trn("synclog.count", "{{.Count}} runs", len(runs), map[string]any{"Count": len(runs)}))
		s.Runs.Refresh()
		for i, r := range runs {
			if r.ID == s.runID {
				s.Runs.Select(i)
			}
		}
		s.loadEntries()
	})
	return nil
}

func (s *SyncLogScreen) setConnections(conns []core.Connection) {
	s.conns = map[string]core.Connection{}
	s.byID = map[int64]core.Connection{}
	opts := []string{tr("filter.all_connections", "All connections")}
	for _, c := range conns {
		name := visual(c.Name)
		s.conns[name] = c
		s.byID[c.ID] = c
		opts = append(opts, name)
	}
	keep := s.Connection.Selected
	if _, ok := s.conns[keep]; !ok {
		keep = opts[0]
	}
	s.Connection.Options = opts
	s.Connection.Selected = keep
	s.Connection.Refresh()
}

// loadEntries reads the log of the run shown with the level and search chosen. UI goroutine.
func (s *SyncLogScreen) loadEntries() {
	if s.Entries == nil {
		return
	}
	s.m.work.Go(s.entriesJob())
}

func (s *SyncLogScreen) loadEntriesAfterTyping() {
	if s.Entries == nil {
		return
	}
	s.debounce.Trigger(s.entriesJob())
}

// entriesJob reads the filter now, on the UI goroutine, and returns the query to run.
func (s *SyncLogScreen) entriesJob() func() {
	// The search finds the entries by what the window shows of them, in its language.
	f := core.LogFilter{RunID: s.runID, Search: strings.TrimSpace(s.Search.Text), Reading: logReading(), Limit: 5000}
	switch s.Level.SelectedIndex() {
	case 1:
		f.Level = core.Info
	case 2:
		f.Level = core.Warning
	case 3:
		f.Level = core.Error
	}
	return func() {
		var entries []core.LogEntry
		var err error
		if f.RunID != 0 {
			entries, err = s.m.engine.Log(context.Background(), f)
		}
		uiDo(func() {
			if f.RunID != s.runID {
				return
			}
			if err != nil {
				showProblem(s.m.Window, tr("doing.load_log", "load the sync log"), err)
				return
			}
			s.entries = entries
			s.entry = -1
			s.Entries.UnselectAll()
			s.Entries.Refresh()
			s.updateActions()
		})
	}
}

// Entries shown, in order (for tests and the detail line).
func (s *SyncLogScreen) Shown() []core.LogEntry { return s.entries }

// SelectEntry selects entry i, as a tap on it does. UI goroutine.
func (s *SyncLogScreen) SelectEntry(i int) { s.Entries.Select(i) }

func (s *SyncLogScreen) current() (core.LogEntry, bool) {
	if s.entry < 0 || s.entry >= len(s.entries) {
		return core.LogEntry{}, false
	}
	return s.entries[s.entry], true
}

// syncChanged: no retry for a connection while it syncs, and the orders' progress line goes once
// their run has ended (the run's outcome is then in the list of runs). UI goroutine.
func (s *SyncLogScreen) syncChanged() {
	if s.ordersConn != 0 && !s.m.Syncing(s.ordersConn) {
		s.ordersConn = 0
		s.OrdersStatus.SetText("")
		s.OrdersStatus.Hide()
	}
	s.updateActions()
}

// runsShown and entriesShown are how many runs and log entries the panes have room for, however
// small the window (a window too small for both scrolls the screen).
const (
	runsShown    = 8
	entriesShown = 3
)

// runRowHeight is the height of one row of a list, with the gap between rows.
func runRowHeight(l *widget.List) float32 {
	return l.CreateItem().MinSize().Height + theme.Padding()
}

func (s *SyncLogScreen) updateActions() {
	if s.Open == nil || s.Retry == nil || s.SyncOrders == nil {
		return
	}
	s.Open.Disable()
	s.Retry.Disable()
	if len(s.byID) == 0 {
		s.SyncOrders.Disable()
	} else {
		s.SyncOrders.Enable()
	}
	e, ok := s.current()
	if !ok {
		s.Detail.SetText(trText("synclog.pick", "Select an entry to open its document or retry it."))
		return
	}
	s.Detail.SetText(logLine(e)) // logical order: WrapLabel puts each line it wraps in reading order
	s.Open.Enable()
	if e.DocID != 0 && (e.DocType == "sales_invoice" || e.DocType == "return_invoice" || e.DocType == "product") {
		s.Open.SetText(tr("synclog.open", "Open document"))
	} else {
		s.Open.SetText(tr("synclog.show_ref", "Show store reference"))
		if e.StoreRef == "" && e.ExternalID == "" {
			s.Open.Disable()
		}
	}
	if _, retryable := core.RetryRequest(e); retryable && !s.m.Syncing(e.ConnectionID) {
		if _, known := s.byID[e.ConnectionID]; known {
			s.Retry.Enable()
		}
	}
}

// openEntry opens the entry's invoice or product, or shows its store reference. UI goroutine.
func (s *SyncLogScreen) openEntry() {
	e, ok := s.current()
	if !ok {
		return
	}
	switch {
	case e.DocID != 0 && (e.DocType == "sales_invoice" || e.DocType == "return_invoice"):
		s.m.OpenInvoice(e.DocID)
	case e.DocID != 0 && e.DocType == "product":
		s.m.Show(ScreenProducts)
		s.m.Products.SelectProduct(e.DocID)
	default:
		text := tr("synclog.ref", "Store reference: {{.Ref}}", map[string]any{"Ref": e.StoreRef})
		if e.ExternalID != "" {
			text += "\n" + tr("synclog.external", "Store ID: {{.ID}}", map[string]any{"ID": e.ExternalID})
		}
		if c, ok := s.byID[e.ConnectionID]; ok {
			text += "\n" + tr("synclog.in_store", "In the store {{.Name}} ({{.URL}})", map[string]any{"Name": c.Name, "URL": c.StoreURL})
		}
		showInformation(tr("synclog.ref_title", "Store reference"), text, s.m.Window)
	}
}

// retryEntry syncs the failed order of the entry selected again. UI goroutine.
func (s *SyncLogScreen) retryEntry() {
	e, ok := s.current()
	if !ok {
		return
	}
	c, ok := s.byID[e.ConnectionID]
	if !ok {
		return
	}
	req, retryable := core.RetryRequest(e)
	if !retryable {
		return
	}
	s.follow = true
	if s.m.StartSync(c, req) {
		s.Retry.Disable()
	}
}

// orderNumbers splits what was typed into order numbers.
func orderNumbers(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == ';' || r == ' ' || r == '\t' || r == '،'
	})
}

// syncOrders syncs the orders typed, by number. UI goroutine.
func (s *SyncLogScreen) syncOrders() {
	s.OrdersStatus.Importance = widget.DangerImportance
	s.OrdersStatus.Show()
	numbers := orderNumbers(s.Orders.Text)
	switch {
	case len(numbers) == 0:
		s.OrdersStatus.SetText(tr("synclog.orders_none", "Type the store order numbers to sync, one per line."))
		return
	case len(numbers) > maxOrderNumbers:
		s.OrdersStatus.SetText(trn("synclog.orders_too_many", "You typed {{.Count}} order numbers; at most 100 can be synced at once. Sync the first 100, then the rest.",
			len(numbers), map[string]any{"Count": len(numbers)}))
		return
	}
	c, ok := s.conns[s.Connection.Selected]
	if !ok {
		if len(s.byID) != 1 {
			s.OrdersStatus.SetText(tr("synclog.orders_connection", "Choose the store the orders are from in the connection list above."))
			return
		}
		for _, only := range s.byID {
			c = only
		}
	}
	if s.m.Syncing(c.ID) {
		s.OrdersStatus.SetText(tr("synclog.orders_busy", "{{.Name}} is syncing now; try again when it has finished.", map[string]any{"Name": c.Name}))
		return
	}
	s.follow = true
	if s.m.StartSync(c, core.SyncRequest{Trigger: core.TriggerNumbers, OrderNumbers: numbers}) {
		s.ordersConn = c.ID
		s.OrdersStatus.Importance = widget.MediumImportance
		s.OrdersStatus.SetText(trn("synclog.orders_started", "Syncing {{.Count}} orders from {{.Name}}…", len(numbers),
			map[string]any{"Count": len(numbers), "Name": c.Name}))
		s.Orders.SetText("")
	}
}
