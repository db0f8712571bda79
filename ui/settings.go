package ui

import (
	"context"
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// SettingsScreen edits the seller details printed on invoices (the business's, or a branch's own
// values over them) and who issues each store's tax invoices.
type SettingsScreen struct {
	// Branch chooses whose details are edited: the business (first) or a branch.
	Branch *widget.Select
	// Fields are the text details by key (storage.SellerFields); each says what is wrong with it.
	Fields map[string]*widget.Entry
	// Logo says whether there is a logo; ChooseLogo and RemoveLogo change it on Save.
	Logo       *widget.Label
	ChooseLogo *widget.Button
	RemoveLogo *widget.Button
	Save       *widget.Button
	// Status says what was saved, or which field is wrong.
	Status *widget.Label
	// Issuers choose, per store connection (by name), who issues its tax invoices.
	Issuers map[string]*widget.Select
	Content fyne.CanvasObject

	m        *App
	branches []storage.Branch
	logo     []byte // the logo to save (nil: none)
	issuers  *fyne.Container
}

func newSettingsScreen(m *App) *SettingsScreen {
	s := &SettingsScreen{m: m, Fields: map[string]*widget.Entry{}, Issuers: map[string]*widget.Select{}}
	s.Branch = widget.NewSelect([]string{tr("settings.business", "The business (every branch)")}, nil)
	s.Branch.SetSelectedIndex(0)
	labels := map[string]string{
		"name_ar": tr("settings.name_ar", "Legal name (Arabic)"), "name_en": tr("settings.name_en", "Legal name (English)"),
		"vat_number": tr("settings.vat_number", "VAT registration number"), "cr_number": tr("settings.cr_number", "Commercial registration"),
		"address_ar": tr("settings.address_ar", "Address (Arabic)"), "address_en": tr("settings.address_en", "Address (English)"),
	}
	fields := container.New(layout.NewFormLayout())
	for _, f := range storage.SellerFields {
		if f.Key == "logo" {
			continue
		}
		key := f.Key
		e := widget.NewEntry()
		e.Validator = func(v string) error {
			_, err := storage.CheckSellerField(key, v)
			return err
		}
		if key == "vat_number" {
			e.SetPlaceHolder("3XXXXXXXXXXXXX3")
		}
		s.Fields[key] = e
		fields.Add(widget.NewLabel(labels[key]))
		fields.Add(e)
	}
	s.Logo = widget.NewLabel("")
	s.ChooseLogo = widget.NewButtonWithIcon(tr("settings.choose_logo", "Choose image…"), theme.FileImageIcon(), s.chooseLogo)
	s.RemoveLogo = widget.NewButtonWithIcon(tr("settings.remove_logo", "Remove"), theme.DeleteIcon(), func() {
		s.logo = nil
		s.showLogo()
	})
	fields.Add(widget.NewLabel(tr("settings.logo", "Logo")))
	fields.Add(container.NewHBox(s.Logo, s.ChooseLogo, s.RemoveLogo))
	s.Save = widget.NewButtonWithIcon(tr("action.save", "Save"), theme.DocumentSaveIcon(), s.save)
	s.Save.Importance = widget.HighImportance
	s.Status = widget.NewLabel("")
	s.Status.Wrapping = fyne.TextWrapWord
	s.issuers = container.New(layout.NewFormLayout())

	hint := widget.NewLabel(tr("settings.hint", "These details are printed on every invoice. A branch's own values replace the business's on that branch's invoices; leave a field empty to use the business's."))
	hint.Wrapping = fyne.TextWrapWord
	issuerHint := widget.NewLabel(tr("settings.issuer_hint", "Who issues the tax invoice of each store's sales: Mizan prints a simplified tax invoice with the QR code; when the store issues it, Mizan's invoice prints as a copy, so a sale is not reported twice."))
	issuerHint.Wrapping = fyne.TextWrapWord
	title := widget.NewLabelWithStyle(tr("settings.title", "Settings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	body := container.NewVBox(
		widget.NewLabelWithStyle(tr("settings.seller", "Seller details on invoices"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hint, container.NewHBox(widget.NewLabel(tr("settings.for", "For")),
			container.NewCenter(container.NewGridWrap(fyne.NewSize(360, s.Branch.MinSize().Height), s.Branch))), fields,
		container.NewHBox(s.Save, s.Status), widget.NewSeparator(),
		widget.NewLabelWithStyle(tr("settings.issuers", "Tax invoices of store sales"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		issuerHint, s.issuers)
	s.Content = container.NewBorder(container.NewVBox(title, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewPadded(body)))
	s.showLogo()
	s.Branch.OnChanged = func(string) { s.reload() }
	return s
}

// branchID is the branch chosen (0 for the business). UI goroutine.
func (s *SettingsScreen) branchID() int64 {
	i := s.Branch.SelectedIndex()
	if i <= 0 || i > len(s.branches) {
		return 0
	}
	return s.branches[i-1].ID
}

// load reads the branches, the chosen level's details and the connections' issuers.
func (s *SettingsScreen) load(ctx context.Context) error {
	branches, err := s.m.db.Branches(ctx)
	var issuers []storage.ConnectionIssuer
	if err == nil {
		issuers, err = s.m.db.InvoiceIssuers(ctx)
	}
	if err != nil {
		s.m.showProblem(tr("doing.load_settings", "load the settings"), err)
		return err
	}
	uiDo(func() {
		s.branches = branches
		opts := []string{tr("settings.business", "The business (every branch)")}
		for _, b := range branches {
			opts = append(opts, b.Code+" · "+b.Name)
		}
		i := s.Branch.SelectedIndex()
		s.Branch.Options = opts
		if i < 0 || i >= len(opts) {
			i = 0
		}
		changed := s.Branch.OnChanged
		s.Branch.OnChanged = nil
		s.Branch.SetSelectedIndex(i)
		s.Branch.OnChanged = changed
		s.Branch.Refresh()
		s.reload()
		s.renderIssuers(issuers)
	})
	return nil
}

// reload reads the chosen level's own details into the fields. UI goroutine.
func (s *SettingsScreen) reload() {
	id := s.branchID()
	s.m.work.Go(func() {
		seller, err := s.m.db.SellerOwn(context.Background(), id)
		uiDo(func() {
			if err != nil {
				showProblem(s.m.Window, tr("doing.load_settings", "load the settings"), err)
				return
			}
			if s.branchID() != id {
				return
			}
			for key, e := range s.Fields {
				e.SetText(seller.Get(key))
			}
			s.logo = seller.Logo
			s.showLogo()
			s.Status.SetText("")
		})
	})
}

func (s *SettingsScreen) showLogo() {
	if len(s.logo) == 0 {
		s.Logo.SetText(tr("settings.no_logo", "No logo"))
		s.RemoveLogo.Disable()
		return
	}
	s.Logo.SetText(tr("settings.logo_size", "An image of {{.KB}} KB", map[string]any{"KB": (len(s.logo) + 1023) / 1024}))
	s.RemoveLogo.Enable()
}

func (s *SettingsScreen) chooseLogo() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			showProblem(s.m.Window, tr("doing.read_logo", "read the logo"), err)
			return
		}
		if rc == nil {
			return
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, 2<<20))
		if err == nil {
			err = storage.CheckLogo(data)
		}
		if err != nil {
			showProblem(s.m.Window, tr("doing.read_logo", "read the logo"), err)
			return
		}
		s.logo = data
		s.showLogo()
	}, s.m.Window)
	d.SetFilter(fstorage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Show()
	if !nativeFileDialogs {
		d.Resize(fyne.NewSize(800, 560))
	}
}

// Check checks every field and says which is wrong (nil when all are right). UI goroutine.
func (s *SettingsScreen) Check() error {
	for _, f := range storage.SellerFields {
		if e, ok := s.Fields[f.Key]; ok {
			if _, err := storage.CheckSellerField(f.Key, e.Text); err != nil {
				return err
			}
		}
	}
	return storage.CheckLogo(s.logo)
}

// save writes every field of the chosen level in one transaction, or nothing when one is wrong.
func (s *SettingsScreen) save() {
	if err := s.Check(); err != nil {
		s.Status.SetText(visual(refusalText(err)))
		return
	}
	id := s.branchID()
	values := map[string]string{}
	for key, e := range s.Fields {
		values[key] = e.Text
	}
	logo := s.logo
	s.Save.Disable()
	s.m.work.Go(func() {
		err := s.m.db.Update(context.Background(), func(tx *storage.Tx) error {
			for _, f := range storage.SellerFields {
				if v, ok := values[f.Key]; ok {
					if err := tx.SetSeller(id, f.Key, v); err != nil {
						return err
					}
				}
			}
			return tx.SetSellerLogo(id, logo)
		})
		uiDo(func() {
			s.Save.Enable()
			if err != nil {
				if storage.IsValidation(err) {
					s.Status.SetText(visual(refusalText(err)))
					return
				}
				showProblem(s.m.Window, tr("doing.save_settings", "save the settings"), err)
				return
			}
			s.Status.SetText(tr("settings.saved", "Saved."))
			s.reload()
		})
	})
}

// issuerLabel names a connection in the list of who issues its invoices: its name and its
// platform, put in reading order as one line.
func issuerLabel(name, platform string) string { return visual(fmt.Sprintf("%s (%s)", name, platform)) }

func (s *SettingsScreen) renderIssuers(list []storage.ConnectionIssuer) {
	s.issuers.RemoveAll()
	s.Issuers = map[string]*widget.Select{}
	if len(list) == 0 {
		s.issuers.Add(widget.NewLabel(tr("settings.no_connections", "No store is connected.")))
		s.issuers.Add(widget.NewLabel(""))
	}
	mizan, store := tr("settings.issuer_mizan", "Mizan (simplified tax invoice with QR)"), tr("settings.issuer_store", "The store (Mizan prints a copy)")
	for _, c := range list {
		c := c
		sel := widget.NewSelect([]string{mizan, store}, nil)
		if c.Issuer == storage.IssuerStore {
			sel.SetSelectedIndex(1)
		} else {
			sel.SetSelectedIndex(0)
		}
		sel.OnChanged = func(string) {
			issuer := storage.IssuerMizan
			if sel.SelectedIndex() == 1 {
				issuer = storage.IssuerStore
			}
			s.m.work.Go(func() {
				err := s.m.db.Update(context.Background(), func(tx *storage.Tx) error { return tx.SetInvoiceIssuer(c.ConnectionID, issuer) })
				if err != nil {
					s.m.showProblem(tr("doing.save_settings", "save the settings"), err)
				}
			})
		}
		s.Issuers[c.Name] = sel
		s.issuers.Add(widget.NewLabel(issuerLabel(c.Name, c.Platform)))
		s.issuers.Add(sel)
	}
	s.issuers.Refresh()
}
