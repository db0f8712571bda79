package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// In Arabic every dialog with content of its own is mirrored: a label is right of its field,
// Cancel right of the button that confirms, and a paragraph starts at the right. In English none
// of it is.
func TestArabicDialogsAreMirrored(t *testing.T) {
	type shown struct {
		label       string            // a field's label, drawn by keyLabel
		field       fyne.CanvasObject // the field it names
		cancel, act *FormButton       // Cancel and the button that confirms
		text        *widget.Label     // a label whose text starts at the right in Arabic
	}
	dialogs := []struct {
		name string
		open func(m *App) shown
	}{
		{"product", func(m *App) shown {
			m.Products.OpenProductForm(0)
			f := m.Products.Form
			return shown{label: productFieldName("sale_price"), field: f.SalePrice, cancel: f.Cancel, act: f.Save}
		}},
		{"stock document", func(m *App) shown {
			m.Stock.OpenForm(storage.StockDocKinds[0])
			f := m.Stock.Form
			return shown{label: tr("col.date", "Date"), field: f.Date, cancel: f.Cancel, act: f.Post}
		}},
		{"warehouse", func(m *App) shown {
			m.Master.openForm(formWarehouse, 0)
			f := m.Master.Form
			return shown{label: tr("field.name", "Name"), field: f.Name, cancel: f.Cancel, act: f.Save}
		}},
		{"client", func(m *App) shown {
			m.Master.openForm(formClient, 0)
			f := m.Master.Form
			return shown{label: tr("field.phone", "Phone"), field: f.Phone, cancel: f.Cancel, act: f.Save}
		}},
		{"treasury account", func(m *App) shown {
			m.Treasury.accountForm(storage.TreasuryAccount{Kind: storage.AccountBank})
			top := m.Window.Canvas().Overlays().Top()
			var s shown
			for _, p := range walk(top, fyne.Position{}, nil) {
				switch o := p.obj.(type) {
				case *FormEntry:
					if s.field == nil {
						s.field = o // the name
					}
				case *FormButton:
					switch o.Text {
					case tr("action.cancel", "Cancel"):
						s.cancel = o
					case tr("action.save", "Save"):
						s.act = o
					}
				}
			}
			s.label = tr("treasury.account_name", "Name")
			return s
		}},
		{"payment methods", func(m *App) shown {
			md := m.Treasury.ShowMethods(0)
			m.Idle()
			return shown{text: md.Empty}
		}},
		{"VAT report", func(m *App) shown {
			now := time.Now()
			m.ShowVATReport(storage.Period{From: now.AddDate(0, -1, 0), To: now, Location: time.UTC})
			m.Idle()
			return shown{text: m.Dashboard.Figures.LastReport.Heading}
		}},
	}
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			m, _ := openApp(t, seededDir(t, 3))
			rtl := language == "ar"
			right := func(a, b fyne.CanvasObject) bool { return canvasX(m, a) > canvasX(m, b) }
			for _, d := range dialogs {
				s := d.open(m)
				m.Idle()
				m.Window.Canvas().Capture()
				top := m.Window.Canvas().Overlays().Top()
				if top == nil {
					t.Fatalf("%s: no dialog shown", d.name)
				}
				if s.label != "" {
					var label fyne.CanvasObject
					for _, p := range drawn(top) {
						switch l := p.obj.(type) {
						case *widget.Label:
							if l.Text == visual(s.label) {
								label = l
							}
						case *canvas.Text: // a widget.Form's own label
							if l.Text == visual(s.label) && label == nil {
								label = l
							}
						}
					}
					if label == nil || s.field == nil {
						t.Fatalf("%s: no %q label and field; it shows %q", d.name, s.label, texts(top))
					}
					if got := right(label, s.field); got != rtl {
						t.Errorf("%s: the %q label is right of its field: %v", d.name, s.label, got)
					}
				}
				if s.cancel != nil || s.act != nil {
					if s.cancel == nil || s.act == nil {
						t.Fatalf("%s: no Cancel and confirm buttons; it shows %q", d.name, texts(top))
					}
					if got := right(s.cancel, s.act); got != rtl {
						t.Errorf("%s: Cancel is right of %q: %v", d.name, s.act.Text, got)
					}
				}
				if s.text != nil {
					if got := s.text.Alignment == fyne.TextAlignTrailing; got != rtl {
						t.Errorf("%s: %q is aligned %v", d.name, s.text.Text, s.text.Alignment)
					}
				}
				closeTopDialog(m.Window.Canvas())
				m.Idle()
				if o := m.Window.Canvas().Overlays().Top(); o != nil {
					o.Hide()
					m.Window.Canvas().Overlays().Remove(o)
				}
			}
		})
	}
}

// Every dialog with content of its own is made through newCustomDialog,
// newCustomDialogWithoutButtons or newFormDialog, which mirror it in a right-to-left language;
// one made by the toolkit's functions directly would not be. A question or a message is asked
// with showConfirm or showInformation, whose buttons hand Esc on; the toolkit's do not.
func TestDialogsAreMadeMirrored(t *testing.T) {
	direct := regexp.MustCompile(`dialog\.(New|Show)(Custom\w*|Form|Confirm|Information)\(`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "rtl.go" {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if direct.MatchString(line) {
				t.Errorf("%s:%d makes a dialog that is not mirrored: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}
