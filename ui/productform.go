package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

// ProductForm adds a product to the books or edits one. The next sync (or Push now) takes it
// to every connected store, as each connection's field ownership allows.
type ProductForm struct {
	Name, Code, Barcode      *FormEntry
	Category                 *FormSelectEntry // chosen from the books' categories, or a new one typed
	PurchasePrice, SalePrice *FormEntry
	Problem                  *widget.Label // what was refused, naming the field
	Save, Cancel             *FormButton
	Content                  fyne.CanvasObject
	editing                  storage.Product // ID 0 for a new product
	dialog                   dialog.Dialog
	s                        *ProductsScreen
}

// productFieldName is a product field as the form labels it, for refusals that name it.
func productFieldName(field string) string { return visual(productFieldText(field)) }

// productFieldText is productFieldName in logical order, for a sentence that names it.
func productFieldText(field string) string {
	switch field {
	case "name":
		return trText("field.name", "Name")
	case "code":
		return trText("product.field.code", "Code (SKU)")
	case "barcode":
		return trText("product.field.barcode", "Barcode")
	case "category":
		return trText("col.category", "Category")
	case "purchase_price":
		return trText("product.field.purchase_price", "Purchase price")
	case "sale_price":
		return trText("product.field.sale_price", "Sale price")
	}
	return field
}

// OpenProductForm opens the form for a new product (id 0) or for the product id. UI goroutine.
func (s *ProductsScreen) OpenProductForm(id int64) {
	f := &ProductForm{s: s}
	f.Name, f.Code, f.Barcode = newFormEntry(), newFormEntry(), newFormEntry()
	f.PurchasePrice, f.SalePrice = newFormEntry(), newFormEntry()
	f.Category = newFormSelectEntry(nil)
	f.Category.SetPlaceHolder(tr("product.category_hint", "Choose one, or type a new category"))
	f.PurchasePrice.SetPlaceHolder("0.00")
	f.SalePrice.SetPlaceHolder("0.00")
	f.Problem = widget.NewLabel("")
	f.Problem.Wrapping = fyne.TextWrapWord
	f.Problem.Importance = widget.DangerImportance
	f.Problem.Hide()
	title := tr("product.new", "New product")
	for _, r := range s.all {
		if r.p.ID == id && id != 0 {
			f.editing = r.p
			title = tr("product.edit_title", "Edit {{.Code}}", map[string]any{"Code": r.p.Code})
			f.Name.SetText(r.p.Name)
			f.Code.SetText(r.p.Code)
			f.Barcode.SetText(r.p.Barcode)
			f.Category.SetText(r.p.Category)
			f.PurchasePrice.SetText(r.p.PurchasePrice.String())
			f.SalePrice.SetText(r.p.SalePrice.String())
		}
	}
	grid := container.New(layout.NewFormLayout(),
		keyLabel(productFieldName("name")), f.Name,
		keyLabel(productFieldName("code")), f.Code,
		keyLabel(productFieldName("barcode")), f.Barcode,
		keyLabel(productFieldName("category")), f.Category,
		keyLabel(productFieldName("purchase_price")), f.PurchasePrice,
		keyLabel(productFieldName("sale_price")), f.SalePrice)
	f.Save = newFormButton(tr("action.save", "Save"), theme.DocumentSaveIcon(), f.save)
	f.Save.Importance = widget.HighImportance
	f.Cancel = newFormButton(tr("action.cancel", "Cancel"), nil, f.close)
	note := widget.NewLabel(tr("product.sync_note", "Connected stores get the product on the next sync, or at once with Push now."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	f.Content = container.NewVBox(grid, note, f.Problem, container.NewHBox(layout.NewSpacer(), f.Cancel, f.Save))
	f.dialog = newCustomDialogWithoutButtons(title, f.Content, s.m.Window)
	f.dialog.Resize(fyne.NewSize(560, 0))
	s.Form = f
	f.dialog.Show()
	s.m.Window.Canvas().Focus(f.Name)
	db := s.m.db
	s.m.work.Go(func() {
		cats, err := db.Categories(context.Background())
		if err != nil {
			return
		}
		names := make([]string, len(cats))
		for i, c := range cats {
			names[i] = c.Name
		}
		uiDo(func() { f.Category.SetOptions(names) })
	})
}

func (f *ProductForm) close() {
	f.dialog.Hide()
	if f.s.Form == f {
		f.s.Form = nil
	}
}

// refuse shows why the product was not saved (msg, in logical order), naming the field.
func (f *ProductForm) refuse(field, msg string) {
	if field != "" {
		msg = productFieldText(field) + ": " + msg
	}
	f.Problem.SetText(visual(msg))
	f.Problem.Show()
	f.dialog.Resize(fyne.NewSize(560, 0))
}

// parsePrice reads a price as typed: empty is zero; Arabic-Indic digits and a comma between
// thousands are accepted.
func parsePrice(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(westernDigits(s))
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return decimal.Zero, nil
	}
	return decimal.NewFromString(s)
}

// westernDigits turns Arabic-Indic digits and the Arabic decimal separator into ASCII ones.
func westernDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		case r == '٫':
			return '.'
		case r == '٬':
			return ','
		}
		return r
	}, s)
}

func (f *ProductForm) save() {
	p := f.editing
	p.Name, p.Code, p.Barcode, p.Category = f.Name.Text, f.Code.Text, f.Barcode.Text, f.Category.Text
	for _, x := range []struct {
		field string
		text  string
		dst   *decimal.Decimal
	}{{"purchase_price", f.PurchasePrice.Text, &p.PurchasePrice}, {"sale_price", f.SalePrice.Text, &p.SalePrice}} {
		d, err := parsePrice(x.text)
		if err != nil {
			f.refuse(x.field, trText("product.not_a_number", "{{.Text}} is not a number", map[string]any{"Text": fmt.Sprintf("%q", x.text)}))
			return
		}
		*x.dst = d
	}
	f.Save.Disable()
	db := f.s.m.db
	f.s.m.work.Go(func() {
		var saved storage.Product
		err := db.Update(context.Background(), func(tx *storage.Tx) error {
			var err error
			if p.ID == 0 {
				saved, err = tx.CreateProduct(p)
			} else {
				saved, err = tx.UpdateProduct(p)
			}
			return err
		})
		if err == nil {
			f.s.load(context.Background())
		}
		uiDo(func() {
			f.Save.Enable()
			if err != nil {
				if storage.IsValidation(err) {
					f.refuse(storage.InvalidField(err), refusalText(err))
					return
				}
				showProblem(f.s.m.Window, tr("doing.save_product", "save the product"), err)
				return
			}
			f.close()
			f.s.SelectProduct(saved.ID)
		})
	})
}
