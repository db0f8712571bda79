// Command mizan is the Mizan desktop back office. With no subcommand it opens the window; with
// one (mizan products list, mizan invoices export, …) it runs headless for scripts.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"mizan/assets"
	"mizan/cmd/mizan/cli"
	"mizan/core"
	"mizan/storage"
	"mizan/ui"
)

// AppID matches FyneApp.toml.
const AppID = "app.mizan.desktop"

func main() {
	args := os.Args[1:]
	// On Windows a command typed in a terminal prints there (console_windows.go).
	useParentConsole(args)
	// SIGINT (Ctrl-C) and SIGTERM end a command's context: a sync stops between items, records
	// its run as cancelled and the books are closed; the window closes as if the user closed it.
	ctx, stop := cli.SignalContext(context.Background())
	closeLog := setUp() // wire.go: log file, platforms, keyring, HTTP client
	// Closing after a signal takes seconds; one that hangs (nothing a merchant can see, for a
	// window already gone) is ended after stuckGrace, its goroutines written to the log.
	closed := make(chan struct{})
	go cli.ExitIfStuck(ctx, closed, stuckGrace, func(stacks string) {
		fmt.Fprintf(os.Stderr, "mizan: still closing %s after the signal; stopping now\n", stuckGrace)
		appLog.Error("still closing after the signal; stopping now", "after", stuckGrace, "goroutines", stacks)
	}, os.Exit)
	var code int
	if cli.IsCommand(args) {
		code = cli.Run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
	} else {
		code = runGUI(ctx, args)
		// The window is closed and its books released: relaunch or remove the demo if asked.
		if err := afterWindow(); err != nil {
			fmt.Fprintln(os.Stderr, "mizan:", err)
			code = 1
		}
	}
	close(closed)
	stop()
	closeLog()
	os.Exit(code)
}

// stuckGrace is how long Mizan may take to close after SIGINT or SIGTERM.
const stuckGrace = 30 * time.Second

func runGUI(ctx context.Context, args []string) int {
	// The window toolkit keeps its cache under the user's cache directory but does not create
	// that directory when a fresh account has none yet.
	if dir, err := os.UserCacheDir(); err == nil {
		_ = os.MkdirAll(filepath.Join(dir, "fyne"), 0o700)
	}
	a := app.NewWithID(AppID)
	a.SetIcon(assets.Icon)
	dir, err := cli.DataDir(args, os.Getenv)
	if err != nil {
		return fatalWindow(a, ui.StageDataDir, err)
	}
	db, err := storage.Open(ctx, dir, storage.Options{Names: ui.FirstNames()})
	if err != nil {
		return fatalWindow(a, ui.StageOpen, err)
	}
	defer db.Close()
	eng, stopDemo, err := guiEngine(ctx, args, db)
	if err != nil {
		return fatalWindow(a, ui.StageOpen, err)
	}
	defer stopDemo()
	deps := ui.Deps{Engine: eng, StartDemo: startDemoFunc(a)}
	if inDemo() {
		deps.StartDemo, deps.RemoveDemo = nil, removeDemoFunc(a)
	}
	m := ui.NewApp(a, db, deps)
	defer m.Close()
	// MIZAN_SCREENSHOT_SCREEN opens a given screen (dashboard, invoices, products, mapping,
	// synclog, connections, settings; "connection-PLATFORM" opens the form for a new connection to
	// that platform; "invoice" opens the newest sales invoice that has a return), for
	// `make screenshots`.
	shot := strings.TrimSpace(os.Getenv("MIZAN_SCREENSHOT_SCREEN"))
	switch {
	case shot == "" || shot == "invoice":
	case strings.HasPrefix(shot, "connection-"):
		m.ShowNewConnection(strings.TrimPrefix(shot, "connection-"))
	default:
		m.Show(ui.Screen(shot))
	}
	go func() {
		if err := m.Refresh(ctx); err != nil {
			return // the screens have shown what went wrong
		}
		if shot == "invoice" {
			m.ShowInvoiceWithReturn(ctx)
		}
		if inDemo() && shot == "" {
			// The demo shows itself working: its first sync starts with the window.
			conns, err := eng.Connections(ctx)
			if err != nil {
				return
			}
			fyne.Do(func() {
				for _, c := range conns {
					m.StartSync(c, core.SyncRequest{Trigger: core.TriggerManual})
				}
			})
		}
	}()
	// A signal closes the window the way the user would, so the deferred closes above run.
	windowDone := make(chan struct{})
	defer close(windowDone)
	go func() {
		select {
		case <-ctx.Done():
			fyne.Do(a.Quit)
		case <-windowDone:
		}
	}()
	m.Window.ShowAndRun()
	return 0
}

// fatalWindow shows why Mizan cannot start in a window of its own (the user may have started
// Mizan from a menu, with no terminal to read) and exits non-zero when it is closed.
func fatalWindow(a fyne.App, stage ui.StartupStage, err error) int {
	fmt.Fprintln(os.Stderr, "mizan:", err)
	if errors.Is(err, storage.ErrLocked) {
		fmt.Fprintln(os.Stderr, "mizan: close the other Mizan (or wait for the mizan command to finish) and try again")
	}
	ui.StartupErrorWindow(a, stage, err).ShowAndRun()
	return 1
}
