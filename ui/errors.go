package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mizan/core"
	"mizan/storage"
)

// problem is an error told to the user: what happened, and what to do about it.
type problem struct {
	Title, What, Todo string
}

// explain turns an error from reading the books into words for the user. doing says what Mizan
// was doing ("load the invoices").
func explain(doing string, err error) problem {
	if p, ok := knownProblem(err); ok {
		if p.Title == "" {
			p.Title = tr("error.title", "Mizan could not {{.Doing}}", map[string]any{"Doing": doing})
		}
		return p
	}
	p := problem{Title: tr("error.title", "Mizan could not {{.Doing}}", map[string]any{"Doing": doing}), What: err.Error()}
	if storage.IsValidation(err) {
		// The refusal itself says what to correct, in the window's language when the books worded it.
		p.Todo, p.What = visual(refusalText(err)), ""
	} else {
		p.Todo = tr("error.io.todo", "Check that the disk is not full and that the data folder is still there, then try again. If it keeps happening, restart Mizan.")
	}
	return p
}

// knownProblem explains the errors that mean the same wherever they happen (the keyring, a store,
// books open elsewhere). A problem without a title takes the caller's.
func knownProblem(err error) (problem, bool) { return knownProblemIn(err, tr) }

// knownProblemIn is knownProblem in the words of the tr it is given: the package's tr (text put in
// reading order for the window, which lays runs out left to right) or trText (logical order, for a
// desktop notification, which the system puts in reading order itself).
func knownProblemIn(err error, tr func(key, english string, data ...any) string) (problem, bool) {
	var p problem
	var keyErr *core.KeyringError
	var storeErr *core.StoreError
	var missing *core.MissingCredentialError
	switch {
	case errors.As(err, &missing):
		p.Title = tr("error.missing_credential.title", "A store's password or token is missing")
		p.What = err.Error()
		p.Todo = tr("error.missing_credential.todo", "The system keyring no longer has what connects Mizan to {{.Name}} (the keyring was reset or replaced, or the books came from another computer). In Connections, choose Edit on {{.Name}} and enter its credentials again, or Reconnect it; its books are not touched.",
			map[string]any{"Name": missing.Connection})
	case errors.As(err, &keyErr):
		p.Title = tr("error.keyring.title", "The system keyring cannot be used")
		p.What = keyErr.Cause
		p.Todo = keyErr.Advice + ". " + tr("error.keyring.todo", "Mizan keeps store passwords and tokens only in the system keyring, never in its data folder.")
	case errors.Is(err, core.ErrKeyringUnavailable):
		p.Title = tr("error.keyring.title", "The system keyring cannot be used")
		p.What = err.Error()
		p.Todo = tr("error.keyring.todo", "Mizan keeps store passwords and tokens only in the system keyring, never in its data folder.")
	case errors.Is(err, core.ErrBusy):
		p.Title = tr("error.busy.title", "This store is syncing now")
		p.What = err.Error()
		p.Todo = tr("error.busy.todo", "Wait for the sync to finish (or cancel it on the Dashboard), then try again.")
	case errors.Is(err, core.ErrReconnect):
		p.Title = tr("error.reconnect.title", "The store needs to be connected again")
		p.What = err.Error()
		p.Todo = tr("error.reconnect.todo", "Mizan does not sync this store until it is connected again: choose Reconnect on it in Connections.")
	case errors.Is(err, core.ErrUnauthorized):
		p.Title = tr("error.unauthorized.title", "The store refused the credentials")
		p.What = err.Error()
		p.Todo = tr("error.unauthorized.todo", "Check the token or app keys in Connections: they may be mistyped, revoked, or the app uninstalled from the store. Enter them again and use Test connection.")
	case errors.Is(err, core.ErrUnreachable):
		p.Title = tr("error.unreachable.title", "The store could not be reached")
		p.What = err.Error()
		p.Todo = tr("error.unreachable.todo", "Check your internet connection and the store address in Connections, then try again. If the store is down, Mizan syncs it once it is back.")
	case errors.As(err, &storeErr):
		p.Title = tr("error.store.title", "The store refused a request")
		p.What = err.Error()
		p.Todo = tr("error.store.todo", "What the store said is above. Check the connection's settings and the store's admin, then try again.")
	case errors.Is(err, core.ErrNotFound):
		p.What = err.Error()
		p.Todo = tr("error.not_found.todo", "It is no longer in the store. Reload the screen to see the store as it is now.")
	case errors.Is(err, storage.ErrDamaged):
		p.Title = tr("error.damaged.title", "Mizan's books are damaged")
		p.What = err.Error()
		var dmg *storage.DamagedError
		if errors.As(err, &dmg) {
			p.What = dmg.Summary() + "."
		}
		p.Todo = tr("error.damaged.todo", "Mizan has not changed them. Quit Mizan, keep a copy of the damaged mizan.db, then put back the copy from your latest backup. \"mizan check\" in a terminal lists what is wrong.")
	case errors.Is(err, storage.ErrLocked):
		p.Title = tr("error.locked.title", "Mizan is already open")
		p.What = tr("error.locked.what", "These books are open in another Mizan window, or a mizan command is still running on them.")
		p.Todo = tr("error.locked.todo", "Switch to the other Mizan window, or close it (or wait for the command to finish) and start Mizan again.")
	default:
		return p, false
	}
	return p, true
}

// content leads with what to do; what happened, in the words of the error, is folded below
// under Details for whoever wants it (or is asked for it).
func (p problem) content() fyne.CanvasObject {
	todo := widget.NewLabel(p.Todo)
	todo.Wrapping = fyne.TextWrapWord
	todo.TextStyle.Bold = true
	if p.What == "" {
		return container.NewVBox(todo)
	}
	what := widget.NewLabel(p.What)
	what.Wrapping = fyne.TextWrapWord
	details := widget.NewAccordion(widget.NewAccordionItem(tr("error.details", "Details"), what))
	return container.NewVBox(todo, details)
}

// showProblem shows err in a dialog on w, unless it is a cancellation (the user moved on).
func showProblem(w fyne.Window, doing string, err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	fyne.LogError("mizan: "+doing, err)
	p := explain(doing, err)
	d := newCustomDialog(p.Title, tr("action.close", "Close"), p.content(), w)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// StartupStage says what Mizan was doing when it could not start.
type StartupStage int

// The stages at which starting can fail.
const (
	StageDataDir StartupStage = iota // finding the data directory
	StageOpen                        // opening the books
)

// StartupErrorWindow builds a window that says why Mizan could not start and what to do about it;
// cmd/mizan shows it when there is no main window to show (the user may have started Mizan from a
// menu, with no terminal to read). Close quits the app.
func StartupErrorWindow(a fyne.App, stage StartupStage, err error) fyne.Window {
	setupTranslations()
	a.Settings().SetTheme(newTheme())
	p, known := knownProblem(err)
	switch {
	case known:
	case stage == StageDataDir:
		p = problem{
			Title: tr("error.datadir.title", "Mizan cannot find where to keep its data"),
			What:  err.Error(),
			Todo:  tr("error.datadir.todo", "Start Mizan with --data and a folder, or set MIZAN_DATA to the folder that holds your books."),
		}
	default:
		p = problem{
			Title: tr("error.open.title", "Mizan cannot open its books"),
			What:  err.Error(),
			Todo:  tr("error.open.todo", "Check that the data folder exists and that you may write to it. If the books were written by a newer Mizan, update Mizan; if the file is damaged, restore it from your backup."),
		}
	}
	w := a.NewWindow("Mizan")
	title := widget.NewLabelWithStyle(p.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.SetContent(container.NewBorder(title, container.NewHBox(widget.NewButton(tr("action.close", "Close"), a.Quit)),
		nil, nil, p.content()))
	w.Resize(fyne.NewSize(560, 240))
	return w
}
