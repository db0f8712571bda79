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

// pageScan is how many matches InvoicePage reads in one pass before it counts the rest apart.
var pageScan = 2000

// InvoicePage reads a page of up to limit invoices a filter selects (from its offset, newest
// first) and counts all it selects, as the invoice list shows them, from one snapshot of the
// books. It reads the ids of up to pageScan matches from the offset on: when there are fewer, that
// one pass over the invoices gave both the page and the count. A search that matches few invoices
// (and so reads every invoice to find them, as a text of one or two characters does) reads them
// once instead of twice. Only when there are more is the rest counted apart; the page itself was
// found among the first matches, which a search matching many finds early.
func (d *DB) InvoicePage(ctx context.Context, f InvoiceFilter, limit int) (page []Invoice, count int, err error) {
	if limit <= 0 {
		return nil, 0, fmt.Errorf("invoice page: the page size must be positive, not %d", limit)
	}
	err = d.View(ctx, func(tx *Tx) error {
		where, args := f.where()
		const order = ` ORDER BY i.issue_date DESC, i.id DESC`
		rows, err := tx.Query(`SELECT i.id`+f.selectFrom()+where+order+` LIMIT ? OFFSET ?`,
			append(args, max(limit, pageScan), f.Offset)...)
		if err != nil {
			return fmt.Errorf("invoice page: %w", err)
		}
		var ids []any
		matched := 0
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("invoice page: %w", err)
			}
			if matched < limit {
				ids = append(ids, id)
			}
			matched++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("invoice page: %w", err)
		}
		switch {
		case matched < max(limit, pageScan) && (matched > 0 || f.Offset == 0):
			count = f.Offset + matched
		default: // more than one pass reads, or an offset past the end
			if err := tx.QueryRow(`SELECT COUNT(*)`+f.selectFrom()+where, args...).Scan(&count); err != nil {
				return fmt.Errorf("count invoices: %w", err)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		in := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
		rows, err = tx.Query(`SELECT `+invoiceCols+invoiceFrom+`WHERE i.id IN (`+in+`)`+order, ids...)
		if err != nil {
			return fmt.Errorf("invoice page: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			inv, err := scanInvoice(rows)
			if err != nil {
				return fmt.Errorf("invoice page: %w", err)
			}
			page = append(page, inv)
		}
		return rows.Err()
	})
	return page, count, err
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
