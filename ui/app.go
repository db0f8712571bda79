// Package ui is Mizan's desktop interface. It draws the books and drives the sync engine;
// it never creates the Fyne app itself (cmd/mizan does), so every screen tests without a display.
//
// Screens read the books off the UI goroutine, on one worker that runs their queries in order,
// and hand results to widgets with fyne.Do. The widgets tests drive are exported fields.
package ui

import (
	"context"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/assets"
	"mizan/core"
	"mizan/storage"
)

// Screen names a screen of the main window.
type Screen string

// The screens, in navigation order.
const (
	ScreenDashboard   Screen = "dashboard"
	ScreenInvoices    Screen = "invoices"
	ScreenTreasury    Screen = "treasury"
	ScreenProducts    Screen = "products"
	ScreenStock       Screen = "stock"
	ScreenMaster      Screen = "master"
	ScreenMapping     Screen = "mapping"
	ScreenSyncLog     Screen = "synclog"
	ScreenConnections Screen = "connections"
	ScreenSettings    Screen = "settings"
)

// Screens lists every screen in navigation order.
var Screens = []Screen{ScreenDashboard, ScreenInvoices, ScreenTreasury, ScreenProducts, ScreenStock, ScreenMaster, ScreenMapping, ScreenSyncLog,
	ScreenConnections, ScreenSettings}

// Preference keys.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
	prefScreen = "window.screen"
)

// DefaultSize is the main window's size on first run: it fits a 1280×720 screen with the room
// the desktop's panels and the window's title bar take.
var DefaultSize = fyne.NewSize(1200, 640)

// Deps are what the window needs besides the books; cmd/mizan builds them.
type Deps struct {
	// Engine syncs the connected stores. When nil, an engine with no platforms and an in-memory
	// keyring is made, so the screens still open (they then offer no platform to connect).
	Engine *core.Engine
	// StartDemo, when set, starts the built-in demo store and connects it; the dashboard then
	// offers "Try the demo store". It runs off the UI goroutine.
	StartDemo func(ctx context.Context) error
	// OpenBrowser opens an address in the system's browser (connecting a store with OAuth);
	// nil uses the window toolkit's.
	OpenBrowser func(url string) error
	// RemoveDemo, when set, marks the window as the demo's: a banner says so and offers to leave
	// the demo, removing its books (never the merchant's own). It runs off the UI goroutine.
	RemoveDemo func(ctx context.Context) error
	// Now is the scheduler's clock (default time.Now); SchedulerTick is how often it looks for
	// connections due a sync (default 15 s). Tests shorten both.
	Now           func() time.Time
	SchedulerTick time.Duration
}

// App is the main window and the widgets tests drive.
type App struct {
	Window fyne.Window
	// Nav has one button per screen, in the sidebar.
	Nav     map[Screen]*widget.Button
	Current Screen

	// LeaveDemo is the demo banner's button (nil outside the demo).
	LeaveDemo *widget.Button

	Invoices    *InvoicesScreen
	Treasury    *TreasuryScreen
	Products    *ProductsScreen
	Stock       *StockScreen
	Master      *MasterScreen
	Dashboard   *DashboardScreen
	Mapping     *MappingScreen
	SyncLog     *SyncLogScreen
	Connections *ConnectionsScreen
	Settings    *SettingsScreen
	// OnProgress, when set, is called on the UI goroutine each time the screens have shown a
	// sync's progress.
	OnProgress func(connID int64, p core.Progress)

	app     fyne.App
	db      *storage.DB
	engine  *core.Engine
	deps    Deps
	work    *worker
	tasks   *tasks
	sched   *scheduler
	syncing map[int64]*syncState // UI goroutine only
	// activeIDs are the connections syncing, guarded by activeMu (Close reads them).
	activeIDs map[int64]bool
	openedAt  time.Time
	content   *fyne.Container
	screens   map[Screen]fyne.CanvasObject
	titles    map[Screen]string
}

// NewApp builds the main window for the books in db. Call Refresh to load them.
func NewApp(a fyne.App, db *storage.DB, deps Deps) *App {
	setupTranslations()
	// Background results wait until the event loop runs (see uiDo).
	a.Lifecycle().SetOnStarted(uiLoopStarted)
	a.Lifecycle().SetOnStopped(uiLoopStopped)
	a.Settings().SetTheme(newTheme())
	a.SetIcon(assets.Icon)
	if deps.Engine == nil {
		deps.Engine = core.New(db, core.NewMemorySecrets(), core.NewPlatforms(), core.Options{})
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}

	m := &App{app: a, db: db, engine: deps.Engine, deps: deps, work: newWorker(), tasks: newTasks(),
		syncing: map[int64]*syncState{}, Window: a.NewWindow("Mizan"), Nav: map[Screen]*widget.Button{}}
	m.openedAt = deps.Now()
	m.Window.SetIcon(assets.Icon)
	m.Invoices = newInvoicesScreen(m)
	m.Treasury = newTreasuryScreen(m)
	m.Products = newProductsScreen(m)
	m.Stock = newStockScreen(m)
	m.Master = newMasterScreen(m)
	m.Dashboard = newDashboardScreen(m)
	m.Mapping = newMappingScreen(m)
	m.SyncLog = newSyncLogScreen(m)
	m.Connections = newConnectionsScreen(m)
	m.Settings = newSettingsScreen(m)

	m.screens = map[Screen]fyne.CanvasObject{
		ScreenDashboard: m.Dashboard.Content, ScreenInvoices: m.Invoices.Content, ScreenProducts: m.Products.Content,
		ScreenMapping: m.Mapping.Content, ScreenSyncLog: m.SyncLog.Content, ScreenConnections: m.Connections.Content,
		ScreenSettings: m.Settings.Content, ScreenStock: m.Stock.Content, ScreenMaster: m.Master.Content,
		ScreenTreasury: m.Treasury.Content,
	}
	icons := map[Screen]fyne.Resource{
		ScreenDashboard: theme.HomeIcon(), ScreenInvoices: theme.DocumentIcon(), ScreenProducts: theme.StorageIcon(),
		ScreenMapping: theme.ListIcon(), ScreenSyncLog: theme.HistoryIcon(), ScreenConnections: theme.ComputerIcon(),
		ScreenSettings: theme.SettingsIcon(), ScreenStock: theme.FolderOpenIcon(), ScreenMaster: theme.AccountIcon(),
		ScreenTreasury: theme.ContentPasteIcon(),
	}
	m.titles = map[Screen]string{
		ScreenDashboard: tr("dashboard.title", "Dashboard"), ScreenInvoices: tr("invoices.title", "Invoices"),
		ScreenProducts: tr("products.title", "Products & stock"), ScreenMapping: tr("mapping.title", "Product mapping"),
		ScreenSyncLog: tr("synclog.title", "Sync log"), ScreenConnections: tr("connections.title", "Connections"),
		ScreenSettings: tr("settings.title", "Settings"),
		ScreenStock:    tr("stockdocs.title", "Stock documents"), ScreenMaster: tr("master.nav", "Warehouses & clients"),
		ScreenTreasury: tr("treasury.title", "Treasury"),
	}
	nav := container.NewVBox()
	name := canvas.NewText("Mizan", theme.Color(theme.ColorNamePrimary))
	name.TextSize = theme.TextHeadingSize()
	name.TextStyle.Bold = true
	nav.Add(container.NewPadded(name))
	for _, s := range Screens {
		s := s
		b := widget.NewButtonWithIcon(m.titles[s], icons[s], func() { m.Show(s) })
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
	var top fyne.CanvasObject
	if deps.RemoveDemo != nil {
		top = m.demoBanner(deps.RemoveDemo)
	}
	// A screen taller than the window scrolls rather than making the window taller than the screen.
	m.Window.SetContent(mirrorContent(container.NewBorder(top, nil, container.NewHBox(sidebar, widget.NewSeparator()), nil,
		container.NewVScroll(m.content))))

	prefs := a.Preferences()
	m.Window.Resize(fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWidth, float64(DefaultSize.Width))),
		float32(prefs.FloatWithFallback(prefHeight, float64(DefaultSize.Height)))))
	m.Window.SetCloseIntercept(func() {
		m.saveWindowSize()
		m.Window.Close()
	})
	// The first run opens on the dashboard (which offers to connect a store or try the demo);
	// later runs open where the merchant left off.
	start := Screen(prefs.StringWithFallback(prefScreen, string(ScreenDashboard)))
	if _, ok := m.screens[start]; !ok {
		start = ScreenDashboard
	}
	m.Show(start)
	m.registerShortcuts()
	m.sched = startScheduler(m, deps.SchedulerTick)
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
	m.Window.SetTitle(tr("window.title", "Mizan — {{.Screen}}", map[string]any{"Screen": m.titles[s]}))
	if s == ScreenMapping {
		m.Mapping.shown()
	}
	m.app.Preferences().SetString(prefScreen, string(s))
}

// Refresh reloads every screen from the books (after a sync, say). It waits until the data is read
// and returns the first error; widgets are updated through fyne.Do. Call it from any goroutine.
func (m *App) Refresh(ctx context.Context) error {
	err := m.reload(ctx)
	if queueUI && ctx.Err() == nil {
		drainUI()
	}
	return err
}

// reload is Refresh for the window's own background goroutines (a sync that ended): it leaves
// the widgets' updates to the UI goroutine, which in widget tests is the test's own.
func (m *App) reload(ctx context.Context) error {
	done := make(chan error, 1)
	m.work.Go(func() {
		var errs []error
		for _, load := range []func(context.Context) error{m.Invoices.load, m.Treasury.load, m.Products.load, m.Dashboard.load,
			m.Connections.load, m.SyncLog.load, m.Mapping.loadConnections, m.Settings.load, m.Stock.load, m.Master.load} {
			if err := load(ctx); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			done <- errs[0]
			return
		}
		done <- nil
	})
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Idle waits until the screens have no database work, store call or sync running or queued.
func (m *App) Idle() {
	for {
		drainUI()
		m.tasks.Wait()
		m.work.Idle()
		if !drainUI() && m.tasks.Count() == 0 {
			return
		}
	}
}

// Close stops the scheduler, cancels the syncs running and waits for the background work to
// finish; the caller closes the books after.
func (m *App) Close() {
	if !queueUI {
		// The window's event loop has ended: results of the work being stopped below must not
		// touch its widgets any more.
		uiLoopStopped()
	}
	m.sched.Stop()
	m.Connections.cancelOAuth()
	for _, id := range m.runningIDs() {
		m.engine.Cancel(id)
	}
	m.Idle()
	m.work.Close()
}

// showProblem reports an error from background work on the main window.
func (m *App) showProblem(doing string, err error) {
	uiDo(func() { showProblem(m.Window, doing, err) })
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
	uiDo(func() { m.OpenInvoice(rets[0].OriginalID) })
	return nil
}

// demoBanner tells the merchant this window shows the demo store's books, and offers to leave it.
func (m *App) demoBanner(remove func(ctx context.Context) error) fyne.CanvasObject {
	msg := widget.NewLabel(tr("demo.banner", "You are trying Mizan with the demo store: a made-up shop whose shopper places an order every few seconds. Its books are kept apart from yours."))
	msg.Wrapping = fyne.TextWrapWord
	m.LeaveDemo = widget.NewButtonWithIcon(tr("demo.leave", "Leave and remove the demo"), theme.LogoutIcon(), func() {
		showConfirm(tr("demo.leave.title", "Leave the demo?"),
			tr("demo.leave.confirm", "The demo's books and its store are removed. Your own books are not touched."),
			func(ok bool) {
				if !ok {
					return
				}
				m.LeaveDemo.Disable()
				go func() {
					if err := remove(context.Background()); err != nil {
						m.showProblem(tr("demo.leave.doing", "Leaving the demo"), err)
						uiDo(m.LeaveDemo.Enable)
					}
				}()
			}, m.Window)
	})
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHover))
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, nil, m.LeaveDemo, msg)))
}
