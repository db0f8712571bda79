package ui

import (
	"context"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/core"
)

// DashboardScreen shows each connection's state, with Sync now per connection and Sync all.
type DashboardScreen struct {
	SyncAll *widget.Button
	// Cards has one card per connection, by connection id.
	Cards map[int64]*ConnectionCard
	// The empty state, shown when no store is connected.
	ConnectStore *widget.Button
	TryDemo      *widget.Button
	EmptyMessage *widget.Label
	// Figures are the period's sales, returns and VAT, above the connections (ui/figures.go).
	Figures *FiguresPanel
	Content fyne.CanvasObject

	m     *App
	conns []core.Connection
	list  *fyne.Container
	empty fyne.CanvasObject
	body  *fyne.Container
}

// ConnectionCard is one connection on the dashboard.
type ConnectionCard struct {
	Name     *widget.Label
	LastSync *widget.Label
	Counts   *widget.Label
	NextSync *widget.Label
	Phase    *widget.Label
	Progress *widget.ProgressBar
	SyncNow  *widget.Button
	Cancel   *widget.Button
	// State and Reconnect show a connection that needs reconnecting (it is not synced until
	// then); hidden otherwise.
	State     *widget.Label
	Reconnect *widget.Button
	Content   fyne.CanvasObject

	conn core.Connection
}

func newDashboardScreen(m *App) *DashboardScreen {
	s := &DashboardScreen{m: m, Cards: map[int64]*ConnectionCard{}}
	s.SyncAll = widget.NewButtonWithIcon(tr("dashboard.sync_all", "Sync all"), theme.ViewRefreshIcon(), s.syncAll)
	s.SyncAll.Importance = widget.HighImportance
	s.SyncAll.Disable()

	s.ConnectStore = widget.NewButtonWithIcon(tr("dashboard.connect", "Connect your store"), theme.ContentAddIcon(), func() {
		m.Show(ScreenConnections)
		m.Connections.Add()
	})
	s.ConnectStore.Importance = widget.HighImportance
	s.TryDemo = widget.NewButtonWithIcon(tr("dashboard.try_demo", "Try the demo store"), theme.MediaPlayIcon(), s.tryDemo)
	if m.deps.StartDemo == nil {
		s.TryDemo.Hide()
	}
	if len(m.engine.Platforms()) == 0 {
		s.ConnectStore.Disable()
	}
	s.EmptyMessage = widget.NewLabel(tr("dashboard.empty", "No online store is connected yet. Connect your Shopify or WooCommerce store to bring its products, orders and refunds into your books, or try the demo store to see how syncing works."))
	s.EmptyMessage.Wrapping = fyne.TextWrapWord
	s.EmptyMessage.Alignment = fyne.TextAlignCenter
	s.empty = emptyState(theme.HomeIcon(), tr("empty.connect.title", "Connect a store"), s.EmptyMessage, s.ConnectStore, s.TryDemo)

	s.list = container.NewVBox()
	s.body = container.NewStack(s.empty)
	title := widget.NewLabelWithStyle(tr("dashboard.title", "Dashboard"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	s.Figures = newFiguresPanel(m)
	s.Content = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, s.SyncAll, title), widget.NewSeparator(),
		s.Figures.Content), nil, nil, nil, s.body)
	return s
}

// emptyState is a screen's message when it has nothing to show yet, with what to do about it.
func emptyState(icon fyne.Resource, heading string, message *widget.Label, actions ...fyne.CanvasObject) fyne.CanvasObject {
	img := canvas.NewImageFromResource(icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(64, 64))
	head := widget.NewLabelWithStyle(heading, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameSubHeadingText
	box := container.NewVBox(img, head, message, container.NewCenter(container.NewHBox(actions...)))
	return container.NewCenter(container.New(layout.NewGridWrapLayout(fyne.NewSize(600, 320)), box))
}

// load reads the connections and their newest runs. Worker.
func (s *DashboardScreen) load(ctx context.Context) error {
	conns, err := s.m.engine.Connections(ctx)
	var last map[int64]core.RunSummary
	if err == nil {
		last, err = s.m.lastRuns(ctx, conns)
	}
	if err != nil {
		s.m.showProblem(tr("doing.load_connections", "load the store connections"), err)
		return err
	}
	uiDo(func() { s.render(conns, last) })
	return s.Figures.load(ctx)
}

func (s *DashboardScreen) render(conns []core.Connection, last map[int64]core.RunSummary) {
	s.conns = conns
	s.Cards = map[int64]*ConnectionCard{}
	s.list.RemoveAll()
	for _, c := range conns {
		var lr *core.RunSummary
		if r, ok := last[c.ID]; ok {
			lr = &r
		}
		card := s.newCard(c, lr)
		s.Cards[c.ID] = card
		s.list.Add(card.Content)
	}
	if len(conns) == 0 {
		s.body.Objects = []fyne.CanvasObject{s.empty}
	} else {
		s.body.Objects = []fyne.CanvasObject{container.NewVScroll(s.list)}
	}
	s.body.Refresh()
	for _, c := range conns {
		s.syncChanged(c.ID)
	}
}

func (s *DashboardScreen) newCard(c core.Connection, last *core.RunSummary) *ConnectionCard {
	card := &ConnectionCard{conn: c}
	title := c.Platform
	if p, err := s.m.engine.Platforms().Get(c.Platform); err == nil {
		title = p.Title
	}
	card.Name = widget.NewLabelWithStyle(connectionLine(c.Name, title, c.StoreURL), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	card.Name.Truncation = fyne.TextTruncateEllipsis
	card.LastSync = widget.NewLabel(tr("dashboard.never", "Not synced yet"))
	card.Counts = widget.NewLabel("")
	card.Counts.Wrapping = fyne.TextWrapWord
	if last != nil {
		card.LastSync.SetText(tr("dashboard.last", "Last sync {{.When}}: {{.Outcome}}",
			map[string]any{"When": localDateTime(last.StartedAt), "Outcome": outcomeText(last.Outcome)}))
		card.LastSync.Importance = outcomeImportance(last.Outcome)
		card.Counts.SetText(runCounts(*last))
	}
	card.NextSync = widget.NewLabel(visual(tr("dashboard.next", "Next sync: {{.When}}",
		map[string]any{"When": localDateTime(s.m.nextSync(c, last))})))
	card.NextSync.Importance = widget.LowImportance
	card.Phase = widget.NewLabel("")
	card.Progress = widget.NewProgressBar()
	card.Progress.Hide()
	card.Phase.Hide()
	card.SyncNow = widget.NewButtonWithIcon(tr("dashboard.sync_now", "Sync now"), theme.ViewRefreshIcon(), func() {
		s.m.StartSync(card.conn, core.SyncRequest{Trigger: core.TriggerManual})
	})
	card.SyncNow.Importance = widget.HighImportance
	card.Cancel = widget.NewButtonWithIcon(tr("action.cancel", "Cancel"), theme.CancelIcon(), func() {
		s.m.engine.Cancel(card.conn.ID)
		card.Cancel.Disable()
		card.Phase.SetText(tr("phase.cancelling", "Cancelling…"))
	})
	card.Cancel.Hide()
	card.State, card.Reconnect = reconnectState(c, func() {
		s.m.Show(ScreenConnections)
		s.m.Connections.Edit(card.conn)
	})
	if c.NeedsReconnect() {
		card.SyncNow.Hide()
		card.NextSync.Hide()
	}
	buttons := container.NewHBox(card.Reconnect, card.SyncNow, card.Cancel)
	info := container.NewVBox(card.Name, card.State, card.LastSync, card.Counts, card.NextSync, card.Phase, card.Progress)
	card.Content = widget.NewCard("", "", container.NewBorder(nil, nil, nil, container.NewVBox(buttons), info))
	return card
}

// syncChanged shows whether a connection syncs now, and how far it has got. UI goroutine.
func (s *DashboardScreen) syncChanged(connID int64) {
	if card, ok := s.Cards[connID]; ok {
		if st, running := s.m.syncing[connID]; running {
			card.SyncNow.Disable()
			if card.Cancel.Hidden {
				card.Cancel.Enable()
			}
			card.Cancel.Show()
			card.Progress.Show()
			card.Phase.Show()
			card.Progress.SetValue(st.fraction)
			if !card.Cancel.Disabled() {
				text := phaseName(st.progress.Phase)
				if st.progress.Phase == "" {
					text = tr("phase.starting", "Starting…")
				}
				if st.progress.Total > 0 {
					text += "  " + itoa(st.progress.Done) + " / " + itoa(st.progress.Total)
				} else if st.progress.Done > 0 {
					text += "  " + itoa(st.progress.Done)
				}
				card.Phase.SetText(text)
			}
		} else {
			card.SyncNow.Enable()
			card.Cancel.Hide()
			card.Cancel.Enable()
			card.Progress.Hide()
			card.Phase.Hide()
		}
	}
	idle := 0
	for _, c := range s.conns {
		if !s.m.Syncing(c.ID) && !c.NeedsReconnect() {
			idle++
		}
	}
	if idle == 0 || len(s.m.syncing) > 0 {
		s.SyncAll.Disable()
	} else {
		s.SyncAll.Enable()
	}
}

// syncAll starts a sync of every connection not syncing yet. UI goroutine.
func (s *DashboardScreen) syncAll() {
	conns := append([]core.Connection(nil), s.conns...)
	sort.Slice(conns, func(i, j int) bool { return conns[i].Name < conns[j].Name })
	for _, c := range conns {
		if !c.NeedsReconnect() { // its card says why
			s.m.StartSync(c, core.SyncRequest{Trigger: core.TriggerManual})
		}
	}
}

// tryDemo starts the demo store and connects it. UI goroutine.
func (s *DashboardScreen) tryDemo() {
	start := s.m.deps.StartDemo
	if start == nil {
		return
	}
	s.TryDemo.Disable()
	s.m.tasks.Go(func() {
		err := start(context.Background())
		uiDo(func() {
			s.TryDemo.Enable()
			if err != nil {
				showProblem(s.m.Window, tr("doing.start_demo", "start the demo store"), err)
			}
		})
		s.m.Refresh(context.Background())
	})
}

// connectionLine names a connection: its name, its platform and its store's address, put in
// reading order as one line.
func connectionLine(name, platform, url string) string {
	return visual(strings.Join([]string{name, platform, url}, "  ·  "))
}

func outcomeName(o core.Outcome) string { return visual(outcomeText(o)) }

// outcomeText is outcomeName in logical order, for a sentence it is part of.
func outcomeText(o core.Outcome) string {
	switch o {
	case core.OutcomeRunning:
		return trText("outcome.running", "running")
	case core.OutcomeOK:
		return trText("outcome.ok", "done")
	case core.OutcomeWarnings:
		return trText("outcome.warnings", "done with warnings")
	case core.OutcomeErrors:
		return trText("outcome.errors", "done with errors")
	case core.OutcomeFailed:
		return trText("outcome.failed", "failed")
	case core.OutcomeCancelled:
		return trText("outcome.cancelled", "cancelled")
	case core.OutcomeInterrupted:
		return trText("outcome.interrupted", "interrupted (Mizan was stopped during it)")
	}
	return string(o)
}

func outcomeImportance(o core.Outcome) widget.Importance {
	switch o {
	case core.OutcomeErrors, core.OutcomeFailed:
		return widget.DangerImportance
	case core.OutcomeWarnings, core.OutcomeCancelled, core.OutcomeInterrupted:
		return widget.WarningImportance
	case core.OutcomeOK:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// runCounts sums up what a run did, in the merchant's language; a failed run says why.
func runCounts(r core.RunSummary) string { return visual(runCountsText(r)) }

// runCountsText is runCounts in logical order, for a sentence it is part of.
func runCountsText(r core.RunSummary) string {
	if r.Outcome == core.OutcomeFailed {
		if r.Say.Code != "" {
			return logPhrase(r.Say)
		}
		return r.Message
	}
	c := r.Counts
	var parts []string
	add := func(n int, text func() string) {
		if n > 0 {
			parts = append(parts, text())
		}
	}
	add(c.Invoices, func() string { return countText("invoices.count", "{{.Count}} invoices", c.Invoices) })
	add(c.Returns, func() string { return countText("run.returns", "{{.Count}} returns", c.Returns) })
	products := c.ProductsCreated + c.ProductsLinked
	add(products, func() string { return countText("run.products", "{{.Count}} products imported or linked", products) })
	pushed := c.StoreCreated + c.StoreUpdated + c.StockPushed
	add(pushed, func() string { return countText("run.pushed", "{{.Count}} updates sent to the store", pushed) })
	add(c.Errors, func() string { return countText("run.errors", "{{.Count}} errors", c.Errors) })
	add(c.Warnings, func() string { return countText("run.warnings", "{{.Count}} warnings", c.Warnings) })
	if len(parts) == 0 {
		return trText("run.nothing", "nothing new")
	}
	return strings.Join(parts, trText("run.sep", ", "))
}
