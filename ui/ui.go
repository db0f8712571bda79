// Package ui is Mizan's desktop interface. It draws the books and drives the engine; it never
// creates the Fyne app itself (cmd/mizan does), so every screen tests without a display.
package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// Main is the main window's content and the widgets tests drive.
type Main struct {
	Window   fyne.Window
	Tabs     *container.AppTabs
	Invoices *widget.List
	Products *widget.List

	db       *storage.DB
	invoices []storage.Invoice
	stock    []storage.StockRow
}

// NewMain builds the main window for the books in db.
func NewMain(a fyne.App, db *storage.DB) *Main {
	m := &Main{Window: a.NewWindow("Mizan"), db: db}
	m.Invoices = widget.NewList(
		func() int { return len(m.invoices) },
		func() fyne.CanvasObject { return widget.NewLabel("MAIN-INV-000000  2026-01-01  client name  0.00 SAR") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			inv := m.invoices[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s   %s   %s   %s %s", inv.Number, inv.IssueDate.Local().Format("2006-01-02"),
				inv.Client.Name, inv.Total.StringFixed(2), inv.Currency))
		})
	m.Products = widget.NewList(
		func() int { return len(m.stock) },
		func() fyne.CanvasObject { return widget.NewLabel("CODE  product name  warehouse  0") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			s := m.stock[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s   %s   %s   %s", s.Code, s.Name, s.Warehouse, s.Quantity))
		})
	m.Tabs = container.NewAppTabs(
		container.NewTabItem("Invoices", m.Invoices),
		container.NewTabItem("Products & stock", m.Products),
	)
	m.Window.SetContent(m.Tabs)
	m.Window.Resize(fyne.NewSize(1100, 720))
	return m
}

// Refresh reloads what the screens show from the books.
func (m *Main) Refresh(ctx context.Context) error {
	invs, err := m.db.Invoices(ctx, storage.InvoiceFilter{Limit: 1000})
	if err != nil {
		return fmt.Errorf("load invoices: %w", err)
	}
	stock, err := m.db.Stock(ctx)
	if err != nil {
		return fmt.Errorf("load stock: %w", err)
	}
	m.invoices, m.stock = invs, stock
	m.Invoices.Refresh()
	m.Products.Refresh()
	return nil
}
