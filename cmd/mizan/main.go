// Command mizan is the Mizan desktop back office. With no subcommand it opens the window; with
// one (mizan products list, mizan invoices export, …) it runs headless for scripts.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mizan/cmd/mizan/cli"
	"mizan/storage"
	"mizan/ui"
)

// AppID matches FyneApp.toml.
const AppID = "app.mizan.desktop"

func main() {
	args := os.Args[1:]
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if cli.IsCommand(args) {
		os.Exit(cli.Run(ctx, args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(runGUI(ctx, args))
}

func runGUI(ctx context.Context, args []string) int {
	a := app.NewWithID(AppID)
	dir, err := cli.DataDir(args, os.Getenv)
	if err != nil {
		return fatalWindow(a, "Mizan cannot find where to keep its data", err)
	}
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		if errors.Is(err, storage.ErrLocked) {
			return fatalWindow(a, "Mizan is already open", err)
		}
		return fatalWindow(a, "Mizan cannot open its books", err)
	}
	defer db.Close()
	m := ui.NewMain(a, db)
	if err := m.Refresh(ctx); err != nil {
		dialog.ShowError(err, m.Window)
	}
	m.Window.ShowAndRun()
	return 0
}

// fatalWindow shows what went wrong in a window of its own (the user may have started Mizan from
// a menu, with no terminal to read) and exits non-zero when it is closed.
func fatalWindow(a fyne.App, title string, err error) int {
	fmt.Fprintln(os.Stderr, "mizan:", err)
	w := a.NewWindow("Mizan")
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewButton("Close", a.Quit), nil, nil, msg))
	w.Resize(fyne.NewSize(520, 200))
	w.ShowAndRun()
	return 1
}
