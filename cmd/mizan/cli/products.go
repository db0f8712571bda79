package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

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
	Register(Command{
		Name:    "products add",
		Args:    "--code CODE --name NAME [--barcode CODE] [--category NAME] [--purchase-price P] [--sale-price P]",
		Summary: "Add a product to the books; connected stores get it on the next sync",
		Run:     runProductsAdd,
	})
	Register(Command{
		Name:    "products edit",
		Args:    "CODE [--code NEW] [--name NAME] [--barcode CODE] [--category NAME] [--purchase-price P] [--sale-price P]",
		Summary: "Change a product's fields (only those given); connected stores get the change on the next sync",
		Help:    `An empty value clears the barcode or the category: --barcode "".`,
		Run:     runProductsEdit,
	})
}

// productFlags are the fields products add and edit take.
type productFlags struct {
	code, name, barcode, category, purchase, sale *string
}

func defineProductFlags(fs *flag.FlagSet, withCode bool) productFlags {
	var f productFlags
	if withCode {
		f.code = fs.String("code", "", "the product's code, its SKU in the stores (`CODE`)")
	} else {
		f.code = fs.String("code", "", "a new code (`CODE`)")
	}
	f.name = fs.String("name", "", "the product's `NAME`")
	f.barcode = fs.String("barcode", "", "its barcode (`CODE`)")
	f.category = fs.String("category", "", "its category (`NAME`; a new one is added)")
	f.purchase = fs.String("purchase-price", "", "its purchase price (`P`)")
	f.sale = fs.String("sale-price", "", "its sale price (`P`)")
	return f
}

// apply sets the fields given on the command line (all of them when set is nil) on p.
func (f productFlags) apply(p *storage.Product, set map[string]bool) error {
	given := func(name string) bool { return set == nil || set[name] }
	if given("code") {
		p.Code = *f.code
	}
	if given("name") {
		p.Name = *f.name
	}
	if given("barcode") {
		p.Barcode = *f.barcode
	}
	if given("category") {
		p.Category = *f.category
	}
	for _, x := range []struct {
		flag string
		text string
		dst  *decimal.Decimal
	}{{"purchase-price", *f.purchase, &p.PurchasePrice}, {"sale-price", *f.sale, &p.SalePrice}} {
		if !given(x.flag) || (set == nil && x.text == "") {
			continue
		}
		d, err := decimal.NewFromString(x.text)
		if err != nil {
			return Usagef("--%s %q is not a number", x.flag, x.text)
		}
		*x.dst = d
	}
	return nil
}

// fieldFlag names the flag for a field the books refused.
func fieldFlag(err error) string {
	if f := storage.InvalidField(err); f != "" {
		return "--" + strings.ReplaceAll(f, "_", "-") + ": "
	}
	return ""
}

func runProductsAdd(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("products add", flag.ContinueOnError)
	f := defineProductFlags(fs, true)
	var p storage.Product
	db, err := flagsThenBooks(ctx, env, fs, args, func() error { return f.apply(&p, nil) })
	if err != nil {
		return err
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		p, err = tx.CreateProduct(p)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s%w", fieldFlag(err), err)
	}
	fmt.Fprintf(env.Stdout, "Added %s (%s). Connected stores that take the books' products get it on the next sync.\n", p.Code, cleanCell(p.Name))
	return nil
}

func runProductsEdit(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("products edit", flag.ContinueOnError)
	f := defineProductFlags(fs, false)
	set := map[string]bool{}
	pos, db, err := argsThenBooks(ctx, env, fs, args, oneArg("give the code of the product to change"), func() error {
		if set = flagsGiven(fs); len(set) == 0 {
			return Usagef("nothing to change: give at least one of --code, --name, --barcode, --category, --purchase-price, --sale-price")
		}
		return nil
	})
	if err != nil {
		return err
	}
	var p storage.Product
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if p, err = tx.ProductByCode(pos[0]); errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("no product has the code %q", pos[0])
		} else if err != nil {
			return err
		}
		if err := f.apply(&p, set); err != nil {
			return err
		}
		p, err = tx.UpdateProduct(p)
		if err != nil {
			return fmt.Errorf("%s%w", fieldFlag(err), err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Changed %s (%s). Connected stores get the change on the next sync.\n", p.Code, cleanCell(p.Name))
	return nil
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
	db, err := flagsThenBooks(ctx, env, fs, args)
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
	db, err := flagsThenBooks(ctx, env, fs, args, o.check)
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
