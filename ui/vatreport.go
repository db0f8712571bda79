package ui

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/core/invoicepdf"
	"mizan/storage"
)

// VATReportView shows a period's VAT by rate: taxable amounts and VAT of sales and of returns, and
// what is left after the returns; Export CSV saves it.
type VATReportView struct {
	Heading *widget.Label
	Table   *widget.Table
	Export  *FormButton
	// ExportPDF saves the report as a PDF (A4, Arabic and English).
	ExportPDF *FormButton
	Content   fyne.CanvasObject
	Dialog    dialog.Dialog

	m      *App
	report storage.VATReport
	rows   []storage.VATReportRow
}

// ShowVATReport reads the period's VAT report in the background and shows it in a dialog.
func (m *App) ShowVATReport(p storage.Period) {
	m.work.Go(func() {
		rep, err := m.db.VATReport(context.Background(), p)
		if err != nil {
			m.showProblem(tr("doing.vat_report", "make the VAT report"), err)
			return
		}
		uiDo(func() {
			v := newVATReportView(m, rep)
			m.Dashboard.Figures.LastReport = v
			v.Dialog.Show()
		})
	})
}

// vatRowLabel is a report row's label in the merchant's language.
func vatRowLabel(r storage.VATReportRow, last bool) string {
	switch {
	case last:
		return tr("vat.total", "Total")
	case r.Label == "Order discounts":
		return tr("vat.order_discounts", "Order discounts (on no line)")
	case r.Rate.IsNegative():
		return tr("vat.no_amount", "VAT on no amount")
	case !r.Known:
		return tr("vat.unknown_rate", "{{.Rate}}% (not a known rate)", map[string]any{"Rate": r.Rate.String()})
	}
	return r.Rate.String() + "%"
}

func newVATReportView(m *App, rep storage.VATReport) *VATReportView {
	v := &VATReportView{m: m, report: rep, rows: rep.Rows()}
	store := tr("figures.all_stores", "All stores")
	if rep.Connection != "" {
		store = visual(rep.Connection)
	}
	// The period, the store and the counts are lines of their own: mixed in one line, dates,
	// numbers and Arabic words read out of order.
	head := []string{rep.From.Format(dayLayout) + " – " + rep.To.Format(dayLayout) + "   " + rep.Currency, store,
		tr("vat.counts", "Sales invoices: {{.Sales}}, return invoices: {{.Returns}}", map[string]any{"Sales": rep.Sales, "Returns": rep.Returns})}
	if rep.OtherCurrency > 0 {
		head = append(head, visual(countText("figures.other_currency", "{{.Count}} invoices in other currencies are not summed.",
			rep.OtherCurrency)))
	}
	v.Heading = widget.NewLabel(strings.Join(head, "\n"))
	cols := []string{tr("vat.col.rate", "Rate"), tr("vat.col.sales_taxable", "Sales taxable"), tr("vat.col.sales_vat", "VAT on sales"),
		tr("vat.col.returns_taxable", "Returns taxable"), tr("vat.col.returns_vat", "VAT on returns"),
		tr("vat.col.net_taxable", "Net taxable"), tr("vat.col.net_vat", "Net VAT")}
	v.Table = newTable(
		func() (int, int) { return len(v.rows), len(cols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Alignment = fyne.TextAlignTrailing
			if id.Col == 0 {
				l.Alignment = fyne.TextAlignLeading
			}
			l.TextStyle.Bold = id.Row == len(v.rows)-1
			l.SetText(v.Cell(id.Row, id.Col))
		})
	v.Table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	}
	v.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 && id.Col < len(cols) {
			o.(*widget.Label).SetText(cols[id.Col])
		}
	}
	widths := []float32{230}
	width := widths[0]
	for i := 1; i < len(cols); i++ {
		widths = append(widths, 120)
		width += 120
	}
	setColumnWidths(v.Table, widths...)
	// The table asks for little room of its own: this keeps its columns and rows in view.
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(width+8*theme.Padding(), 40*float32(len(v.rows)+1)))
	v.Export = newFormButton(tr("vat.export", "Export CSV…"), theme.DocumentSaveIcon(), v.chooseExportFile)
	v.ExportPDF = newFormButton(tr("vat.export_pdf", "Save as PDF…"), theme.DocumentPrintIcon(), v.choosePDFFile)
	note := widget.NewLabel(tr("vat.note", "A line's rate is its VAT over its amount before VAT. Totals are the invoices' own: taxable = total - VAT."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	v.Content = container.NewBorder(v.Heading, container.NewVBox(note, container.NewHBox(v.Export, v.ExportPDF)), nil, nil, container.NewStack(room, tableView(v.Table)))
	v.Dialog = newCustomDialog(tr("vat.title", "VAT report"), tr("action.close", "Close"), v.Content, m.Window)
	return v
}

// Cell is the text the table shows at a row and column.
func (v *VATReportView) Cell(row, col int) string {
	r := v.rows[row]
	switch col {
	case 0:
		return vatRowLabel(r, row == len(v.rows)-1)
	case 1:
		return money(r.SalesTaxable)
	case 2:
		return money(r.SalesVAT)
	case 3:
		return money(r.ReturnsTaxable)
	case 4:
		return money(r.ReturnsVAT)
	case 5:
		return money(r.NetTaxable())
	case 6:
		return money(r.NetVAT())
	}
	return ""
}

// Rows is how many rows the report has (rates, order discounts, total).
func (v *VATReportView) Rows() int { return len(v.rows) }

// writeCSV writes the report as CSV: the command line's "mizan vat --format csv --bom".
func (v *VATReportView) writeCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(storage.VATReportCSVHeader); err != nil {
		return err
	}
	for _, r := range v.report.CSVRows() {
		if err := cw.Write(storage.SpreadsheetSafeRow(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ExportCSV writes the report to a CSV file at path, replacing it only once it is whole.
func (v *VATReportView) ExportCSV(path string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err = v.writeCSV(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// chooseExportFile asks where to save the CSV and writes it there.
func (v *VATReportView) chooseExportFile() {
	w := v.m.Window
	askSaveFile(w, fmt.Sprintf("vat-%s-%s.csv", v.report.From.Format(dayLayout), v.report.To.Format(dayLayout)), ".csv", tr("doing.export_vat", "export the VAT report"), func(wc fyne.URIWriteCloser) {
		err := v.writeCSV(wc)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			showProblem(w, tr("doing.export_vat", "export the VAT report"), err)
			return
		}
		showInformation(tr("export.done_title", "Export finished"),
			tr("vat.exported", "Saved the VAT report to {{.File}}.", map[string]any{"File": wc.URI().Name()}), w)
	})
}

// PDF prints the report (A4, Arabic and English) with the business's seller details. It reads the
// books: call it off the UI goroutine.
func (v *VATReportView) PDF(ctx context.Context) ([]byte, error) {
	seller, err := v.m.db.Seller(ctx, 0)
	if err != nil {
		return nil, err
	}
	return invoicepdf.RenderVATReport(v.report, seller, invoicepdf.Options{Lang: invoicepdf.Both})
}

// choosePDFFile asks where to save the PDF, then prints it there in the background.
func (v *VATReportView) choosePDFFile() {
	v.m.savePDF(invoicepdf.VATReportFileName(v.report), tr("doing.export_vat", "export the VAT report"), v.PDF,
		tr("export.done_title", "Export finished"), func(file string) string {
			return tr("vat.exported", "Saved the VAT report to {{.File}}.", map[string]any{"File": file})
		})
}
