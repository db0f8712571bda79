package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

func init() {
	Register(Command{
		Name:    "products list",
		Summary: "List the products with their prices and quantity in stock",
		Run:     runProductsList,
	})
	Register(Command{
		Name:    "products export",
		Args:    "[--format csv|json] [--out FILE] [--bom]",
		Summary: "Export every product with its quantity in each warehouse",
		Run:     runProductsExport,
	})
}

// stockByProduct is each product's quantity per warehouse id.
type stockByProduct map[int64]map[int64]decimal.Decimal

func loadStock(ctx context.Context, db *storage.DB) (stockByProduct, error) {
	rows, err := db.Stock(ctx)
	if err != nil {
		return nil, fmt.Errorf("read stock: %w", err)
	}
	s := stockByProduct{}
	for _, r := range rows {
		if s[r.ProductID] == nil {
			s[r.ProductID] = map[int64]decimal.Decimal{}
		}
		s[r.ProductID][r.WarehouseID] = s[r.ProductID][r.WarehouseID].Add(r.Quantity)
	}
	return s, nil
}

func (s stockByProduct) total(productID int64) decimal.Decimal {
	t := decimal.Zero
	for _, q := range s[productID] {
		t = t.Add(q)
	}
	return t
}

func runProductsList(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("products list", flag.ContinueOnError)
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	db, err := env.DB(ctx)
	if err != nil {
		return err
	}
	products, err := db.Products(ctx)
	if err != nil {
		return fmt.Errorf("read products: %w", err)
	}
	stock, err := loadStock(ctx, db)
	if err != nil {
		return err
	}
	if len(products) == 0 {
		fmt.Fprintln(env.Stdout, "No products yet.")
		return nil
	}
	t := newTable(env.Stdout, "CODE", "BARCODE", "NAME", "CATEGORY", "PURCHASE PRICE", "SALE PRICE", "QUANTITY")
	for _, p := range products {
		t.row(p.Code, p.Barcode, p.Name, p.Category, amount(p.PurchasePrice), amount(p.SalePrice), stock.total(p.ID).String())
	}
	return t.flush()
}

type productJSON struct {
	ID            int64                   `json:"id"`
	Code          string                  `json:"code"`
	Barcode       string                  `json:"barcode"`
	Name          string                  `json:"name"`
	Category      string                  `json:"category"`
	PurchasePrice string                  `json:"purchase_price"`
	SalePrice     string                  `json:"sale_price"`
	Quantity      string                  `json:"quantity"`
	Warehouses    []warehouseQuantityJSON `json:"warehouses"`
	CreatedAt     string                  `json:"created_at"`
	UpdatedAt     string                  `json:"updated_at"`
}

type warehouseQuantityJSON struct {
	Warehouse string `json:"warehouse"`
	Quantity  string `json:"quantity"`
}

func runProductsExport(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("products export", flag.ContinueOnError)
	var o exportFlags
	o.define(fs, "csv", "json")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if err := o.check("csv", "json"); err != nil {
		return err
	}
	db, err := env.DB(ctx)
	if err != nil {
		return err
	}
	products, err := db.Products(ctx)
	if err != nil {
		return fmt.Errorf("read products: %w", err)
	}
	warehouses, err := db.Warehouses(ctx)
	if err != nil {
		return fmt.Errorf("read warehouses: %w", err)
	}
	stock, err := loadStock(ctx, db)
	if err != nil {
		return err
	}
	err = writeOutput(env, o.out, func(w io.Writer) error {
		if o.format == "json" {
			out := make([]productJSON, 0, len(products))
			for _, p := range products {
				pj := productJSON{
					ID: p.ID, Code: p.Code, Barcode: p.Barcode, Name: p.Name, Category: p.Category,
					PurchasePrice: p.PurchasePrice.String(), SalePrice: p.SalePrice.String(),
					Quantity:   stock.total(p.ID).String(),
					Warehouses: make([]warehouseQuantityJSON, 0, len(warehouses)),
					CreatedAt:  utcTime(p.CreatedAt), UpdatedAt: utcTime(p.UpdatedAt),
				}
				for _, wh := range warehouses {
					pj.Warehouses = append(pj.Warehouses, warehouseQuantityJSON{
						Warehouse: wh.Name, Quantity: stock[p.ID][wh.ID].String(),
					})
				}
				out = append(out, pj)
			}
			return writeJSON(w, out)
		}
		header := []string{"id", "code", "barcode", "name", "category", "purchase_price", "sale_price",
			"created_at", "updated_at", "quantity"}
		for _, wh := range warehouses {
			header = append(header, "quantity: "+wh.Name)
		}
		rows := make([][]string, 0, len(products))
		for _, p := range products {
			row := []string{fmt.Sprint(p.ID), p.Code, p.Barcode, p.Name, p.Category, p.PurchasePrice.String(),
				p.SalePrice.String(), utcTime(p.CreatedAt), utcTime(p.UpdatedAt), stock.total(p.ID).String()}
			for _, wh := range warehouses {
				row = append(row, stock[p.ID][wh.ID].String())
			}
			rows = append(rows, row)
		}
		return writeCSV(w, o.bom, header, rows)
	})
	if err != nil {
		return err
	}
	if o.out != "" && o.out != "-" {
		fmt.Fprintf(env.Stderr, "Exported %d products to %s\n", len(products), o.out)
	}
	return nil
}
