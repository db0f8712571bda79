package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

func (p *Product) normalize() error {
	p.Code = strings.TrimSpace(p.Code)
	p.Barcode = strings.TrimSpace(p.Barcode)
	p.Name = strings.TrimSpace(p.Name)
	p.Category = strings.TrimSpace(p.Category)
	switch {
	case p.Code == "":
		return invalid("a product needs a code")
	case p.Name == "":
		return invalid("product %q needs a name", p.Code)
	case p.PurchasePrice.IsNegative():
		return invalid("product %q: purchase price %s is negative", p.Code, p.PurchasePrice)
	case p.SalePrice.IsNegative():
		return invalid("product %q: sale price %s is negative", p.Code, p.SalePrice)
	}
	return nil
}

// CreateProduct adds a product. Its code is unique, and so is its barcode when it has one.
func (t *Tx) CreateProduct(p Product) (Product, error) {
	return atomicOp(t, func() (Product, error) { return t.createProduct(p) })
}

func (t *Tx) createProduct(p Product) (Product, error) {
	if err := p.normalize(); err != nil {
		return Product{}, err
	}
	cat, err := t.categoryID(p.Category)
	if err != nil {
		return Product{}, err
	}
	now := formatTime(t.now)
	res, err := t.Exec(`INSERT INTO products(code, barcode, name, category_id, purchase_price, sale_price, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Code, nullIfEmpty(p.Barcode), p.Name, cat, decStr(p.PurchasePrice), decStr(p.SalePrice), now, now)
	if isUniqueViolation(err) {
		return Product{}, t.duplicateProduct(p, 0)
	}
	if err != nil {
		return Product{}, fmt.Errorf("create product %q: %w", p.Code, err)
	}
	p.ID, _ = res.LastInsertId()
	p.CreatedAt, p.UpdatedAt = t.now.UTC().Truncate(1e9), t.now.UTC().Truncate(1e9)
	return p, nil
}

func (t *Tx) duplicateProduct(p Product, self int64) error {
	if other, err := t.ProductByCode(p.Code); err == nil && other.ID != self {
		return invalid("product code %q is already used by %q", p.Code, other.Name)
	}
	if p.Barcode != "" {
		if other, err := t.ProductByBarcode(p.Barcode); err == nil && other.ID != self {
			return invalid("barcode %q is already used by product %q", p.Barcode, other.Code)
		}
	}
	return invalid("product %q duplicates another product", p.Code)
}

// UpdateProduct edits a product's fields (all of them, as given).
func (t *Tx) UpdateProduct(p Product) (Product, error) {
	return atomicOp(t, func() (Product, error) { return t.updateProduct(p) })
}

func (t *Tx) updateProduct(p Product) (Product, error) {
	if p.ID == 0 {
		return Product{}, invalid("no product given to edit")
	}
	if err := p.normalize(); err != nil {
		return Product{}, err
	}
	cat, err := t.categoryID(p.Category)
	if err != nil {
		return Product{}, err
	}
	res, err := t.Exec(`UPDATE products SET code = ?, barcode = ?, name = ?, category_id = ?, purchase_price = ?,
		sale_price = ?, updated_at = ? WHERE id = ?`,
		p.Code, nullIfEmpty(p.Barcode), p.Name, cat, decStr(p.PurchasePrice), decStr(p.SalePrice), formatTime(t.now), p.ID)
	if isUniqueViolation(err) {
		return Product{}, t.duplicateProduct(p, p.ID)
	}
	if err != nil {
		return Product{}, fmt.Errorf("edit product %q: %w", p.Code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Product{}, invalid("product %d does not exist", p.ID)
	}
	return t.Product(p.ID)
}

const productCols = `p.id, p.code, COALESCE(p.barcode, ''), p.name, COALESCE(c.name, ''), p.purchase_price, p.sale_price, p.created_at, p.updated_at`
const productFrom = ` FROM products p LEFT JOIN categories c ON c.id = p.category_id `

func scanProduct(r scanner) (Product, error) {
	var p Product
	err := r.Scan(&p.ID, &p.Code, &p.Barcode, &p.Name, &p.Category, dec{&p.PurchasePrice}, dec{&p.SalePrice},
		timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt})
	return p, err
}

func (t *Tx) productWhere(cond string, arg any) (Product, error) {
	p, err := scanProduct(t.QueryRow(`SELECT `+productCols+productFrom+`WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// Product reads a product by id.
func (t *Tx) Product(id int64) (Product, error) {
	p, err := t.productWhere("p.id = ?", id)
	if errors.Is(err, ErrNotFound) {
		return p, invalid("product %d does not exist", id)
	}
	return p, err
}

// ProductByCode finds a product by its exact code; ErrNotFound when there is none.
func (t *Tx) ProductByCode(code string) (Product, error) {
	return t.productWhere("p.code = ?", strings.TrimSpace(code))
}

// ProductByBarcode finds a product by its exact barcode; ErrNotFound when there is none.
func (t *Tx) ProductByBarcode(barcode string) (Product, error) {
	barcode = strings.TrimSpace(barcode)
	if barcode == "" {
		return Product{}, ErrNotFound
	}
	return t.productWhere("p.barcode = ?", barcode)
}

// Products lists every product by code.
func (d *DB) Products(ctx context.Context) ([]Product, error) {
	return queryList(ctx, d, `SELECT `+productCols+productFrom+`ORDER BY p.code`, scanProduct)
}

// Product reads one product by id.
func (d *DB) Product(ctx context.Context, id int64) (p Product, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		p, err = tx.Product(id)
		return err
	})
	return p, err
}

// View runs fn in a transaction that is always rolled back: for consistent reads.
func (d *DB) View(ctx context.Context, fn func(*Tx) error) error {
	stx, err := d.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer stx.Rollback()
	return fn(&Tx{ctx: ctx, tx: stx, db: d, now: d.now()})
}
