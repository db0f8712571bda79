package storage

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// InvoiceFilter selects invoices for listing and export. Zero fields do not filter.
type InvoiceFilter struct {
	Search     string // part of the number, the client's name, or the store order name
	Type       InvoiceType
	Connection string
	BranchID   int64
	From, To   time.Time // issue date, inclusive
	Limit      int       // 0: no limit
	Offset     int
}

func (f InvoiceFilter) where() (string, []any) {
	var conds []string
	var args []any
	if s := strings.TrimSpace(f.Search); s != "" {
		cond, a := invoiceSearch(s)
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.Type != "" {
		conds = append(conds, `i.type = ?`)
		args = append(args, string(f.Type))
	}
	if f.Connection != "" {
		conds = append(conds, `i.source_connection = ?`)
		args = append(args, f.Connection)
	}
	if f.BranchID != 0 {
		conds = append(conds, `i.branch_id = ?`)
		args = append(args, f.BranchID)
	}
	if !f.From.IsZero() {
		conds = append(conds, `i.issue_date >= ?`)
		args = append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, `i.issue_date <= ?`)
		args = append(args, formatTime(f.To))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// selectFrom is the FROM clause that where's conditions need: the invoices alone. Every invoice has
// its branch, warehouse and client, so the count and the ids a filter selects are the same as with
// invoiceFrom's joins.
func (f InvoiceFilter) selectFrom() string { return ` FROM invoices i ` }

// Invoices lists invoice headers (no lines), newest first. A page (a limit) is chosen from the
// invoices alone before the page's rows are joined with their branch, warehouse and client.
func (d *DB) Invoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error) {
	where, args := f.where()
	const order = ` ORDER BY i.issue_date DESC, i.id DESC`
	q := `SELECT ` + invoiceCols + invoiceFrom + where + order
	if f.Limit > 0 {
		q = `SELECT ` + invoiceCols + invoiceFrom + `WHERE i.id IN (SELECT i.id` + f.selectFrom() + where + order +
			` LIMIT ? OFFSET ?)` + order
		args = append(args, f.Limit, f.Offset)
	}
	return queryList(ctx, d, q, scanInvoice, args...)
}

// CountInvoices counts the invoices a filter selects (ignoring its limit and offset).
func (d *DB) CountInvoices(ctx context.Context, f InvoiceFilter) (int, error) {
	where, args := f.where()
	var n int
	err := d.sql.QueryRowContext(ctx, `SELECT COUNT(*)`+f.selectFrom()+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count invoices: %w", err)
	}
	return n, nil
}

// FullInvoices lists whole invoices (with lines and charges) in number order, for export.
func (d *DB) FullInvoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error) {
	var out []Invoice
	err := d.View(ctx, func(tx *Tx) error {
		where, args := f.where()
		q := `SELECT ` + invoiceCols + invoiceFrom + where + ` ORDER BY i.id`
		if f.Limit > 0 {
			q += ` LIMIT ? OFFSET ?`
			args = append(args, f.Limit, f.Offset)
		}
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			inv, err := scanInvoice(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, inv)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if err := tx.fillInvoice(&out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Invoice reads a whole invoice by id.
func (d *DB) Invoice(ctx context.Context, id int64) (inv Invoice, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		inv, err = tx.Invoice(id)
		return err
	})
	return inv, err
}

// InvoiceByNumber reads a whole invoice by number; ErrNotFound when there is none.
func (d *DB) InvoiceByNumber(ctx context.Context, number string) (inv Invoice, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		inv, err = tx.InvoiceByNumber(number)
		return err
	})
	return inv, err
}

// ReturnsOf lists the return invoices issued against a sales invoice.
func (d *DB) ReturnsOf(ctx context.Context, salesID int64) ([]Invoice, error) {
	return queryList(ctx, d, `SELECT `+invoiceCols+invoiceFrom+`WHERE i.original_invoice_id = ? ORDER BY i.id`, scanInvoice, salesID)
}
