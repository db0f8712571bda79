package ui

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// The CSV export has the columns, in the order, of the command line's "mizan invoices export
// --format csv" (cmd/mizan/cli/invoices.go): one row per invoice line with the invoice's columns
// repeated; amounts are exact decimal strings and dates RFC 3339 in UTC. The file starts with a
// UTF-8 byte order mark (the CLI's --bom) so spreadsheet programs show Arabic text correctly.
// TELL-ME(storage): if the CLI's writer moves into storage, this copy goes.
var invoiceCSVHeader = []string{
	"number", "type", "date", "branch", "warehouse", "client_name", "client_email", "client_phone", "currency",
	"line_code", "line_name", "line_quantity", "line_unit_price", "line_discount", "line_tax", "line_total",
	"subtotal", "discount", "shipping", "other_charges", "tax", "total", "tax_inclusive", "original_number",
	"source_connection", "source_platform", "source_external_id", "source_order_name",
}

// exportBatch is how many invoices the export reads at a time.
const exportBatch = 500

func invoiceCSVRows(inv storage.Invoice) [][]string {
	date := ""
	if !inv.IssueDate.IsZero() {
		date = inv.IssueDate.UTC().Format(time.RFC3339)
	}
	original := ""
	if inv.Type == storage.ReturnInvoice {
		original = inv.OriginalNumber
	}
	var src storage.Source
	if inv.Source.ExternalID != "" {
		src = inv.Source
	}
	row := func(code, name, qty, price, disc, tax, total string) []string {
		return []string{
			inv.Number, string(inv.Type), date, inv.BranchName, inv.WarehouseName, inv.Client.Name, inv.Client.Email,
			inv.Client.Phone, inv.Currency,
			code, name, qty, price, disc, tax, total,
			inv.Subtotal.String(), inv.Discount.String(), inv.Shipping.String(), inv.OtherCharges.String(),
			inv.Tax.String(), inv.Total.String(), strconv.FormatBool(inv.TaxInclusive), original,
			src.Connection, src.Platform, src.ExternalID, src.OrderName,
		}
	}
	if len(inv.Lines) == 0 {
		return [][]string{row("", "", "", "", "", "", "")}
	}
	rows := make([][]string, 0, len(inv.Lines))
	for _, l := range inv.Lines {
		rows = append(rows, row(l.ProductCode, l.Description, l.Quantity.String(), l.UnitPrice.String(),
			l.Discount.String(), l.Tax.String(), l.Total.String()))
	}
	return rows
}

// writeInvoicesCSV writes the invoices f selects (ignoring its limit), in the order they were
// issued, reading the books a batch at a time.
func writeInvoicesCSV(ctx context.Context, db *storage.DB, f storage.InvoiceFilter, w io.Writer) (invoices, lines int, err error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return 0, 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(invoiceCSVHeader); err != nil {
		return 0, 0, err
	}
	for offset := 0; ; offset += exportBatch {
		f.Limit, f.Offset = exportBatch, offset
		batch, err := db.FullInvoices(ctx, f)
		if err != nil {
			return invoices, lines, err
		}
		for _, inv := range batch {
			for _, r := range invoiceCSVRows(inv) {
				if err := cw.Write(storage.SpreadsheetSafeRow(r)); err != nil {
					return invoices, lines, err
				}
			}
			invoices++
			lines += len(inv.Lines)
		}
		if len(batch) < exportBatch {
			break
		}
	}
	cw.Flush()
	return invoices, lines, cw.Error()
}

// ExportCSV writes the invoices the list shows (its current search and filters) to a CSV file at
// path, replacing it only once the whole file is written. It runs on the caller's goroutine.
func (s *InvoicesScreen) ExportCSV(ctx context.Context, path string) (invoices, lines int, err error) {
	f := s.shownFilter()
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if invoices, lines, err = writeInvoicesCSV(ctx, s.m.db, f, bw); err != nil {
		return invoices, lines, err
	}
	if err = bw.Flush(); err != nil {
		return invoices, lines, err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return invoices, lines, err
	}
	if err = tmp.Close(); err != nil {
		return invoices, lines, err
	}
	return invoices, lines, os.Rename(tmp.Name(), path)
}

// shownFilter is the filter of the search the list shows (or is about to show).
func (s *InvoicesScreen) shownFilter() storage.InvoiceFilter {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.want
	f.Limit, f.Offset = 0, 0
	return f
}

// chooseExportFile asks where to save the CSV, then exports in the background.
func (s *InvoicesScreen) chooseExportFile() {
	askSaveFile(s.m.Window, fmt.Sprintf("invoices-%s.csv", time.Now().Format(dayLayout)), ".csv",
		tr("doing.export", "export the invoices"), s.exportTo)
}

// exportTo streams the export into a file the save dialog opened, off the UI goroutine.
func (s *InvoicesScreen) exportTo(wc fyne.URIWriteCloser) {
	f := s.shownFilter()
	bar := widget.NewProgressBarInfinite()
	busy := newCustomDialogWithoutButtons(tr("export.busy", "Exporting invoices…"), bar, s.m.Window)
	busy.Show()
	s.m.work.arm()
	go func() {
		defer s.m.work.done()
		bw := bufio.NewWriter(wc)
		n, lines, err := writeInvoicesCSV(context.Background(), s.m.db, f, bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		name := wc.URI().Name()
		uiDo(func() {
			busy.Hide()
			if err != nil {
				showProblem(s.m.Window, tr("doing.export", "export the invoices"), err)
				return
			}
			showInformation(tr("export.done_title", "Export finished"),
				tr("export.done", "Exported {{.Invoices}} ({{.Lines}}) to {{.File}}.", map[string]any{"File": name,
					"Invoices": countText("invoices.count", "{{.Count}} invoices", n), "Lines": countText("export.lines", "{{.Count}} lines", lines)}), s.m.Window)
		})
	}()
}
