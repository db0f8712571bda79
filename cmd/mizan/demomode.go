package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"

	"fyne.io/fyne/v2"

	"mizan/cmd/mizan/cli"
	"mizan/cmd/mizan/demo"
	"mizan/core"
	"mizan/storage"
)

// The window's demo mode. `mizan --demo` opens the window on the demo's books (cli.DataDir picks
// the demo's directory) with the demo store running in this process; guiEngine starts it.

// inDemo reports whether this window is the demo's (mizan --demo).
func inDemo() bool { return cli.DemoMode(os.Args[1:]) }

// guiEngine builds the sync engine for the window's books. Normally that is newEngine(db) and
// stop does nothing. With --demo (db is then the demo's books) it first starts the demo store on
// loopback, connects it to the books as the connection demo.ConnectionName (added on first use,
// its address updated after) and starts the simulated shopper; the engine returned reads the demo
// token from memory, never from the keyring. Call stop once the window is closed and before the
// books are: it stops the shopper and the store.
func guiEngine(ctx context.Context, args []string, db *storage.DB) (eng *core.Engine, stop func(), err error) {
	if !cli.DemoMode(args) {
		return newEngine(db), func() {}, nil
	}
	s, err := demo.Start(ctx, demo.Options{Dir: db.Dir(), DB: db, Platforms: platforms(), HTTPClient: appHTTP,
		Log: appLog.With("demo", true), ShopperEvery: demo.DefaultShopperEvery})
	if err != nil {
		return nil, nil, fmt.Errorf("start the demo store: %w", err)
	}
	return s.Engine, func() {
		if err := s.Close(); err != nil {
			appLog.Warn("stop the demo store", "err", err.Error())
		}
	}, nil
}

// afterExit is what relaunchDemo or leaveDemo asked to do once the window has closed and its
// books are released.
var afterExit struct {
	sync.Mutex
	fn func() error
}

func setAfterExit(fn func() error) {
	afterExit.Lock()
	defer afterExit.Unlock()
	afterExit.fn = fn
}

// afterWindow runs what relaunchDemo or leaveDemo left to do; main calls it after the window
// has closed and its books are closed.
func afterWindow() error {
	afterExit.Lock()
	fn := afterExit.fn
	afterExit.fn = nil
	afterExit.Unlock()
	if fn == nil {
		return nil
	}
	return fn()
}

// relaunchDemo closes this window (quit is the app's Quit) and opens Mizan again in demo mode,
// on the same --data directory: the same binary run with --demo.
func relaunchDemo(quit func()) error {
	args := cli.RelaunchArgs(os.Args[1:], true)
	if _, err := os.Executable(); err != nil {
		return fmt.Errorf("start the demo: cannot find the mizan program: %w", err)
	}
	setAfterExit(func() error { return launch(args) })
	quit()
	return nil
}

// leaveDemo removes the demo's books and opens Mizan normally on the merchant's own books. From
// the demo window (quit is the app's Quit) the demo is removed once the window has closed;
// otherwise it is removed at once and the window stays open. The merchant's books are never
// touched.
func leaveDemo(quit func()) error {
	args := os.Args[1:]
	real, err := cli.RealDataDir(args, os.Getenv)
	if err != nil {
		return err
	}
	dir := demo.Dir(real)
	if !cli.DemoMode(args) {
		return demo.Remove(context.Background(), dir)
	}
	relaunch := cli.RelaunchArgs(args, false)
	setAfterExit(func() error {
		rmErr := demo.Remove(context.Background(), dir)
		if rmErr != nil {
			appLog.Warn("remove the demo", "dir", dir, "err", rmErr.Error())
		}
		return errors.Join(rmErr, launch(relaunch))
	})
	quit()
	return nil
}

// startDemoFunc is ui.Deps.StartDemo for the window of app a: it relaunches Mizan in demo mode
// (relaunchDemo) and quits this window. It may be called off the UI goroutine.
func startDemoFunc(a fyne.App) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		return relaunchDemo(func() { fyne.Do(a.Quit) })
	}
}

// removeDemoFunc removes the demo and opens Mizan on the merchant's own books (leaveDemo), for a
// "Leave the demo" action of the window of app a. It may be called off the UI goroutine.
func removeDemoFunc(a fyne.App) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		return leaveDemo(func() { fyne.Do(a.Quit) })
	}
}

// launch starts this program again with args, without waiting for it.
func launch(args []string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("start mizan again: %w", err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start mizan again: %w", err)
	}
	appLog.Info("started mizan again", "args", args, "child", cmd.Process.Pid)
	return cmd.Process.Release()
}
