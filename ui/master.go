package ui

import (
	"context"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// MasterScreen keeps the books' warehouses, branches and clients: each can be added, renamed
// (clients edited) and looked up. Clients are searched by name, phone or email, and listed with
// their phone and email, which tell two of one name apart.
type MasterScreen struct {
	Tabs *Tabs

	Warehouses      *widget.List
	AddWarehouse    *widget.Button
	RenameWarehouse *widget.Button

	Branches     *widget.List
	AddBranch    *widget.Button
	RenameBranch *widget.Button

	ClientSearch *widget.Entry
	Clients      *widget.Table
	ClientCount  *widget.Label
	AddClient    *widget.Button
	EditClient   *widget.Button

	// Form is the add or rename form while it is open.
	Form    *RecordForm
	Content fyne.CanvasObject

	m          *App
	warehouses []storage.Warehouse
	branches   []storage.Branch
	clients    []storage.Client
	wSel, bSel int
	cSel       int
	mu         sync.Mutex
	search     string // the client search, for the worker
}

// RecordForm adds or renames a warehouse or branch, or adds or edits a client.
type RecordForm struct {
	Name, Code, Phone, Email *FormEntry
	// Branch ties a new warehouse to a branch (or to none).
	Branch       *FormSelect
	Problem      *widget.Label
	Save, Cancel *FormButton
	dialog       dialog.Dialog
}

func newMasterScreen(m *App) *MasterScreen {
	s := &MasterScreen{m: m, wSel: -1, bSel: -1, cSel: -1}
	label := func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	s.Warehouses = widget.NewList(func() int { return len(s.warehouses) }, label, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(s.warehouses) {
			o.(*widget.Label).SetText(visual(s.warehouseText(s.warehouses[i])))
		}
	})
	s.Warehouses.OnSelected = func(i widget.ListItemID) { s.wSel = i; s.RenameWarehouse.Enable() }
	s.AddWarehouse = widget.NewButtonWithIcon(tr("master.add_warehouse", "New warehouse"), theme.ContentAddIcon(), func() { s.openForm(formWarehouse, 0) })
	s.RenameWarehouse = widget.NewButtonWithIcon(tr("master.rename", "Rename"), theme.DocumentCreateIcon(), func() {
		if s.wSel >= 0 && s.wSel < len(s.warehouses) {
			s.openForm(formWarehouse, s.warehouses[s.wSel].ID)
		}
	})
	s.RenameWarehouse.Disable()

	s.Branches = widget.NewList(func() int { return len(s.branches) }, label, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(s.branches) {
			o.(*widget.Label).SetText(branchLine(s.branches[i]))
		}
	})
	s.Branches.OnSelected = func(i widget.ListItemID) { s.bSel = i; s.RenameBranch.Enable() }
	s.AddBranch = widget.NewButtonWithIcon(tr("master.add_branch", "New branch"), theme.ContentAddIcon(), func() { s.openForm(formBranch, 0) })
	s.RenameBranch = widget.NewButtonWithIcon(tr("master.rename", "Rename"), theme.DocumentCreateIcon(), func() {
		if s.bSel >= 0 && s.bSel < len(s.branches) {
			s.openForm(formBranch, s.branches[s.bSel].ID)
		}
	})
	s.RenameBranch.Disable()

	s.ClientSearch = widget.NewEntry()
	s.ClientSearch.SetPlaceHolder(tr("master.client_search", "Search name, phone or email"))
	s.ClientSearch.OnChanged = func(text string) {
		s.mu.Lock()
		s.search = text
		s.mu.Unlock()
		s.m.work.Go(func() { s.loadClients(context.Background()) })
	}
	s.ClientCount = widget.NewLabel("")
	s.Clients = newTable(func() (int, int) { return len(s.clients), 3 }, label, func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Row < 0 || id.Row >= len(s.clients) {
			l.SetText("")
			return
		}
		c := s.clients[id.Row]
		switch id.Col {
		case 0:
			l.SetText(visual(c.Name))
		case 1:
			l.SetText(c.Phone)
		case 2:
			l.SetText(c.Email)
		}
	})
	s.Clients.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.Clients.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		names := []string{tr("field.name", "Name"), tr("field.phone", "Phone"), tr("field.email", "Email")}
		if id.Col >= 0 && id.Col < len(names) {
			o.(*widget.Label).SetText(names[id.Col])
		}
	}
	setColumnWidths(s.Clients, 280, 200, 280)
	s.Clients.OnSelected = func(id widget.TableCellID) { s.cSel = id.Row; s.EditClient.Enable() }
	s.AddClient = widget.NewButtonWithIcon(tr("quick.client", "New client"), theme.ContentAddIcon(), func() { s.openForm(formClient, 0) })
	s.EditClient = widget.NewButtonWithIcon(tr("action.edit", "Edit"), theme.DocumentCreateIcon(), func() {
		if s.cSel >= 0 && s.cSel < len(s.clients) {
			s.openForm(formClient, s.clients[s.cSel].ID)
		}
	})
	s.EditClient.Disable()

	bar := func(objs ...fyne.CanvasObject) fyne.CanvasObject { return container.NewHBox(objs...) }
	s.Tabs = newTabs(
		container.NewTabItem(tr("master.clients", "Clients"),
			container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, s.ClientCount, bar(s.AddClient, s.EditClient)), s.ClientSearch),
				nil, nil, nil, tableView(s.Clients))),
		container.NewTabItem(tr("master.warehouses", "Warehouses"),
			container.NewBorder(bar(s.AddWarehouse, s.RenameWarehouse), nil, nil, nil, s.Warehouses)),
		container.NewTabItem(tr("master.branches", "Branches"),
			container.NewBorder(bar(s.AddBranch, s.RenameBranch), nil, nil, nil, s.Branches)),
	)
	title := widget.NewLabelWithStyle(tr("master.title", "Warehouses, branches & clients"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	s.Content = container.NewBorder(title, nil, nil, nil, s.Tabs)
	return s
}

// load reads the warehouses, branches and clients. Worker.
func (s *MasterScreen) load(ctx context.Context) error {
	whs, err := s.m.db.Warehouses(ctx)
	var brs []storage.Branch
	if err == nil {
		brs, err = s.m.db.Branches(ctx)
	}
	if err != nil {
		s.m.showProblem(tr("doing.load_master", "load the warehouses and branches"), err)
		return err
	}
	uiDo(func() {
		s.warehouses, s.branches = whs, brs
		s.Warehouses.Refresh()
		s.Branches.Refresh()
	})
	return s.loadClients(ctx)
}

// loadClients reads the clients matching the search. Worker.
func (s *MasterScreen) loadClients(ctx context.Context) error {
	s.mu.Lock()
	q := s.search
	s.mu.Unlock()
	clients, err := s.m.db.SearchClients(ctx, q, 500)
	if err != nil {
		s.m.showProblem(tr("doing.load_clients", "load the clients"), err)
		return err
	}
	uiDo(func() {
		s.clients = clients
		s.cSel = -1
		s.EditClient.Disable()
		s.Clients.UnselectAll()
		s.ClientCount.SetText(trn("master.client_count", "{{.Count}} clients", len(clients), map[string]any{"Count": len(clients)}))
		s.Clients.Refresh()
	})
	return nil
}

type recordKind int

const (
	formWarehouse recordKind = iota
	formBranch
	formClient
)

// openForm opens the form adding (id 0) or changing a record. UI goroutine.
func (s *MasterScreen) openForm(kind recordKind, id int64) {
	f := &RecordForm{Name: newFormEntry(), Code: newFormEntry(), Phone: newFormEntry(), Email: newFormEntry()}
	f.Problem = widget.NewLabel("")
	f.Problem.Wrapping = fyne.TextWrapWord
	f.Problem.Importance = widget.DangerImportance
	f.Problem.Hide()
	grid := container.New(layout.NewFormLayout(), keyLabel(tr("field.name", "Name")), f.Name)
	var title string
	// renaming names the form after the record being renamed, its name filled in.
	renaming := func(recordID int64, name string) {
		if recordID == id {
			title = tr("master.rename_title", "Rename {{.Name}}", map[string]any{"Name": name})
			f.Name.SetText(name)
		}
	}
	switch kind {
	case formWarehouse:
		title = tr("quick.warehouse", "New warehouse")
		for _, w := range s.warehouses {
			renaming(w.ID, w.Name)
		}
		if id == 0 {
			f.Branch = s.branchChoice()
			grid.Add(keyLabel(tr("field.branch", "Branch")))
			grid.Add(f.Branch)
		}
	case formBranch:
		title = tr("quick.branch", "New branch")
		for _, b := range s.branches {
			renaming(b.ID, b.Name)
		}
		if id == 0 {
			f.Code.SetPlaceHolder(tr("quick.code_hint", "Up to 10 letters A–Z or digits, used in invoice numbers"))
			grid.Add(keyLabel(tr("field.code", "Code")))
			grid.Add(f.Code)
		}
	case formClient:
		title = tr("quick.client", "New client")
		for _, c := range s.clients {
			if c.ID == id {
				title = tr("master.edit_client", "Edit {{.Name}}", map[string]any{"Name": c.Name})
				f.Name.SetText(c.Name)
				f.Phone.SetText(c.Phone)
				f.Email.SetText(c.Email)
			}
		}
		grid.Add(keyLabel(tr("field.phone", "Phone")))
		grid.Add(f.Phone)
		grid.Add(keyLabel(tr("field.email", "Email")))
		grid.Add(f.Email)
	}
	f.Save = newFormButton(tr("action.save", "Save"), theme.DocumentSaveIcon(), func() { s.save(kind, id, f) })
	f.Save.Importance = widget.HighImportance
	f.Cancel = newFormButton(tr("action.cancel", "Cancel"), nil, func() { s.closeForm(f) })
	f.dialog = newCustomDialogWithoutButtons(title, container.NewVBox(grid, f.Problem, container.NewHBox(layout.NewSpacer(), f.Cancel, f.Save)), s.m.Window)
	f.dialog.Resize(fyne.NewSize(480, 0))
	s.Form = f
	f.dialog.Show()
}

func (s *MasterScreen) closeForm(f *RecordForm) {
	f.dialog.Hide()
	if s.Form == f {
		s.Form = nil
	}
}

// save writes the record. A refusal is shown in the form, naming the field. UI goroutine.
func (s *MasterScreen) save(kind recordKind, id int64, f *RecordForm) {
	name, code := f.Name.Text, strings.ToUpper(strings.TrimSpace(f.Code.Text))
	c := storage.Client{ID: id, Name: name, Phone: f.Phone.Text, Email: f.Email.Text}
	var branchID int64
	if f.Branch != nil && f.Branch.SelectedIndex() > 0 && f.Branch.SelectedIndex() <= len(s.branches) {
		branchID = s.branches[f.Branch.SelectedIndex()-1].ID
	}
	f.Save.Disable()
	db := s.m.db
	s.m.work.Go(func() {
		err := db.Update(context.Background(), func(tx *storage.Tx) error {
			var err error
			switch {
			case kind == formWarehouse && id == 0:
				_, err = tx.CreateWarehouse(name, branchID)
			case kind == formWarehouse:
				_, err = tx.RenameWarehouse(id, name)
			case kind == formBranch && id == 0:
				_, err = tx.CreateBranch(code, name)
			case kind == formBranch:
				_, err = tx.RenameBranch(id, name)
			case id == 0:
				_, err = tx.AddClient(c)
			default:
				_, err = tx.EditClient(c)
			}
			return err
		})
		if err == nil {
			ctx := context.Background()
			s.load(ctx)
			if kind == formWarehouse {
				s.m.Products.load(ctx) // a warehouse is a column there
			}
		}
		uiDo(func() {
			f.Save.Enable()
			if err != nil {
				if storage.IsValidation(err) {
					msg := refusalText(err)
					if field := storage.InvalidField(err); field != "" {
						msg = recordFieldText(field) + ": " + msg
					}
					f.Problem.SetText(visual(msg))
					f.Problem.Show()
					return
				}
				showProblem(s.m.Window, tr("doing.save_record", "save it"), err)
				return
			}
			s.closeForm(f)
		})
	})
}

// recordFieldText is a record's field as its form labels it, in logical order, for a refusal that
// names it.
func recordFieldText(field string) string {
	switch field {
	case "phone":
		return trText("field.phone", "Phone")
	case "email":
		return trText("field.email", "Email")
	case "code":
		return trText("field.code", "Code")
	}
	return trText("field.name", "Name")
}

// branchChoice offers the branches a new warehouse can be tied to, first "No branch".
func (s *MasterScreen) branchChoice() *FormSelect {
	opts := []string{tr("master.no_branch", "No branch")}
	for _, b := range s.branches {
		opts = append(opts, visual(b.Name))
	}
	sel := newFormSelect(opts, nil)
	sel.SetSelectedIndex(0)
	return sel
}

// branchLine is a branch's row: its code and its name, put in reading order as one line.
func branchLine(b storage.Branch) string { return visual(b.Code + " · " + b.Name) }

// warehouseText is a warehouse's row: its name, and the branch it belongs to.
func (s *MasterScreen) warehouseText(w storage.Warehouse) string {
	for _, b := range s.branches {
		if b.ID == w.BranchID {
			return tr("master.warehouse_of", "{{.Name}} · {{.Branch}}", map[string]any{"Name": w.Name, "Branch": b.Name})
		}
	}
	return w.Name
}
