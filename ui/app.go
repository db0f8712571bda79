// Package ui is Mizan's desktop interface. It draws the books and (later) drives the sync engine;
// it never creates the Fyne app itself (cmd/mizan does), so every screen tests without a display.
//
// Screens read the books off the UI goroutine, on one worker that runs their queries in order,
// and hand results to widgets with fyne.Do. The widgets tests drive are exported fields.
package ui

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/assets"
	"mizan/storage"
)

// Screen names a screen of the main window.
type Screen string

// The screens, in navigation order.
const (
	ScreenDashboard   Screen = "dashboard"
	ScreenInvoices    Screen = "invoices"
	ScreenProducts    Screen = "products"
	ScreenMapping     Screen = "mapping"
	ScreenSyncLog     Screen = "synclog"
	ScreenConnections Screen = "connections"
)

// Screens lists every screen in navigation order.
var Screens = []Screen{ScreenDashboard, ScreenInvoices, ScreenProducts, ScreenMapping, ScreenSyncLog, ScreenConnections}

// Preference keys.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
	prefScreen = "window.screen"
)

// DefaultSize is the main window's size on first run.
var DefaultSize = fyne.NewSize(1200, 780)

// App is the main window and the widgets tests drive.
type App struct {
	Window fyne.Window
	// Nav has one button per screen, in the sidebar.
	Nav     map[Screen]*widget.Button
	Current Screen

	Invoices *InvoicesScreen
	Products *ProductsScreen
	// Dashboard, Mapping, SyncLog and Connections are empty states until the sync engine's API
	// lands (core): they say so rather than show made-up figures.
	Dashboard, Mapping, SyncLog, Connections *Placeholder

	app     fyne.App
	db      *storage.DB
	work    *worker
	content *fyne.Container
	screens map[Screen]fyne.CanvasObject
}

// NewApp builds the main window for the books in db. Call Refresh to load them.
func NewApp(a fyne.App, db *storage.DB) *App {
	setupTranslations()
	a.Settings().SetTheme(newTheme())
	a.SetIcon(assets.Icon)

	m := &App{app: a, db: db, work: newWorker(), Window: a.NewWindow("Mizan"), Nav: map[Screen]*widget.Button{}}
	m.Window.SetIcon(assets.Icon)
	m.Invoices = newInvoicesScreen(m)
	m.Products = newProductsScreen(m)
	m.Dashboard = newPlaceholder(theme.HomeIcon(), tr("dashboard.title", "Dashboard"),
		tr("empty.connect.title", "Connect a store"),
		tr("dashboard.empty", "No online store is connected yet. Once Mizan syncs with your stores, their orders, sales and stock alerts will be summed up here."),
		tr("action.go_connections", "Go to Connections"), func() { m.Show(ScreenConnections) })
	m.Mapping = newPlaceholder(theme.ListIcon(), tr("mapping.title", "Product mapping"),
		tr("empty.connect.title", "Connect a store"),
		tr("mapping.empty", "There are no store products to match yet. When a store is connected, its products are listed here so each can be matched with a product in your books."),
		tr("action.go_connections", "Go to Connections"), func() { m.Show(ScreenConnections) })
	m.SyncLog = newPlaceholder(theme.HistoryIcon(), tr("synclog.title", "Sync log"),
		tr("empty.connect.title", "Connect a store"),
		tr("synclog.empty", "Nothing has been synced yet. Every sync with your stores will be listed here with what it changed in your books."),
		tr("action.go_connections", "Go to Connections"), func() { m.Show(ScreenConnections) })
	m.Connections = newPlaceholder(theme.ComputerIcon(), tr("connections.title", "Connections"),
		tr("empty.connect.title", "Connect a store"),
		tr("connections.empty", "Connecting Shopify, WooCommerce, Salla and Zid stores comes in the next version of Mizan. Meanwhile your books work fully offline: invoices, products and stock are in the other screens."),
		tr("action.connect_soon", "Connect a store (coming soon)"), nil)

	m.screens = map[Screen]fyne.CanvasObject{
		ScreenDashboard: m.Dashboard.Content, ScreenInvoices: m.Invoices.Content, ScreenProducts: m.Products.Content,
		ScreenMapping: m.Mapping.Content, ScreenSyncLog: m.SyncLog.Content, ScreenConnections: m.Connections.Content,
	}
	icons := map[Screen]fyne.Resource{
		ScreenDashboard: theme.HomeIcon(), ScreenInvoices: theme.DocumentIcon(), ScreenProducts: theme.StorageIcon(),
		ScreenMapping: theme.ListIcon(), ScreenSyncLog: theme.HistoryIcon(), ScreenConnections: theme.ComputerIcon(),
	}
	titles := map[Screen]string{
		ScreenDashboard: m.Dashboard.Title, ScreenInvoices: tr("invoices.title", "Invoices"),
		ScreenProducts: tr("products.title", "Products & stock"), ScreenMapping: m.Mapping.Title,
		ScreenSyncLog: m.SyncLog.Title, ScreenConnections: m.Connections.Title,
	}
	nav := container.NewVBox()
	name := canvas.NewText("Mizan", theme.Color(theme.ColorNamePrimary))
	name.TextSize = theme.TextHeadingSize()
	name.TextStyle.Bold = true
	nav.Add(container.NewPadded(name))
	for _, s := range Screens {
		s := s
		b := widget.NewButtonWithIcon(titles[s], icons[s], func() { m.Show(s) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		m.Nav[s] = b
		nav.Add(b)
	}
	books := widget.NewLabel(tr("nav.books", "Books: {{.Dir}}", map[string]any{"Dir": filepath.Base(db.Dir())}))
	books.Truncation = fyne.TextTruncateEllipsis
	books.Importance = widget.LowImportance
	sidebar := container.NewBorder(nil, books, nil, nil, nav)

	m.content = container.NewStack()
	m.Window.SetContent(container.NewBorder(nil, nil, container.NewHBox(sidebar, widget.NewSeparator()), nil, m.content))

	prefs := a.Preferences()
	m.Window.Resize(fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWidth, float64(DefaultSize.Width))),
		float32(prefs.FloatWithFallback(prefHeight, float64(DefaultSize.Height)))))
	m.Window.SetCloseIntercept(func() {
		m.saveWindowSize()
		m.Window.Close()
	})
	start := Screen(prefs.StringWithFallback(prefScreen, string(ScreenInvoices)))
	if _, ok := m.screens[start]; !ok {
		start = ScreenInvoices
	}
	m.Show(start)
	return m
}

// saveWindowSize remembers the window's size for the next run.
func (m *App) saveWindowSize() {
	size := m.Window.Canvas().Size()
	if size.Width < 200 || size.Height < 200 {
		return
	}
	prefs := m.app.Preferences()
	prefs.SetFloat(prefWidth, float64(size.Width))
	prefs.SetFloat(prefHeight, float64(size.Height))
}

// Show switches the main window to a screen. Unknown names are ignored.
func (m *App) Show(s Screen) {
	obj, ok := m.screens[s]
	if !ok {
		return
	}
	m.Current = s
	for name, b := range m.Nav {
		if name == s {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
	m.content.Objects = []fyne.CanvasObject{obj}
	m.content.Refresh()
	m.app.Preferences().SetString(prefScreen, string(s))
}

// Refresh reloads every screen from the books (after a sync, say). It waits until the data is read
// and returns the first error; widgets are updated through fyne.Do. Call it from any goroutine.
func (m *App) Refresh(ctx context.Context) error {
	done := make(chan error, 1)
	m.work.Go(func() {
		err := m.Invoices.load(ctx)
		if err2 := m.Products.load(ctx); err == nil {
			err = err2
		}
		done <- err
	})
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Idle waits until the screens have no database work queued or running.
func (m *App) Idle() { m.work.Idle() }

// Close stops the background work once it has finished; the caller closes the books after.
func (m *App) Close() {
	m.work.Idle()
	m.work.Close()
}

// showProblem reports an error from background work on the main window.
func (m *App) showProblem(doing string, err error) {
	fyne.Do(func() { showProblem(m.Window, doing, err) })
}

// OpenInvoice switches to the Invoices screen and shows an invoice. UI goroutine.
func (m *App) OpenInvoice(id int64) {
	m.Show(ScreenInvoices)
	m.Invoices.stack = nil
	m.Invoices.Open(id)
}

// ShowInvoiceWithReturn opens the newest sales invoice that has a return (for screenshots and
// demos). Call it off the UI goroutine.
func (m *App) ShowInvoiceWithReturn(ctx context.Context) error {
	rets, err := m.db.Invoices(ctx, storage.InvoiceFilter{Type: storage.ReturnInvoice, Limit: 1})
	if err != nil || len(rets) == 0 {
		return err
	}
	fyne.Do(func() { m.OpenInvoice(rets[0].OriginalID) })
	return nil
}
