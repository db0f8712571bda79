package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"mizan/storage"
)

func init() {
	Register(Command{
		Name:    "stock",
		Args:    "[--warehouse NAME] [--format table|csv|json] [--out FILE] [--bom]",
		Summary: "Show the quantity of each product in each warehouse",
		Help: `Lists every product that has had stock movements, per warehouse. A quantity below zero
means the books have recorded more going out than coming in.`,
		Run: runStock,
	})
}

type stockJSON struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Warehouse string `json:"warehouse"`
	Quantity  string `json:"quantity"`
}

func runStock(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("stock", flag.ContinueOnError)
	warehouse := fs.String("warehouse", "", "show only the warehouse with this `NAME`")
	var o exportFlags
	o.define(fs, "table", "csv", "json")
	db, err := flagsThenBooks(ctx, env, fs, args, o.check)
	if err != nil {
		return err
	}
	rows, err := db.Stock(ctx)
	if err != nil {
		return fmt.Errorf("read stock: %w", err)
	}
	if name := strings.TrimSpace(*warehouse); name != "" {
		wh, err := findWarehouse(ctx, db, name)
		if err != nil {
			return err
		}
		kept := rows[:0]
		for _, r := range rows {
			if r.WarehouseID == wh.ID {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	return writeOutput(env, o.out, func(w io.Writer) error {
		switch o.format {
		case "json":
			out := make([]stockJSON, 0, len(rows))
			for _, r := range rows {
				out = append(out, stockJSON{Code: r.Code, Name: r.Name, Warehouse: r.Warehouse, Quantity: r.Quantity.String()})
			}
			return writeJSON(w, out)
		case "csv":
			out := make([][]string, 0, len(rows))
			for _, r := range rows {
				out = append(out, []string{r.Code, r.Name, r.Warehouse, r.Quantity.String()})
			}
			return writeCSV(w, o.bom, []string{"code", "name", "warehouse", "quantity"}, out)
		default:
			if len(rows) == 0 {
				_, err := fmt.Fprintln(w, "No stock recorded yet.")
				return err
			}
			t := newTable(w, "CODE", "NAME", "WAREHOUSE", "QUANTITY")
			for _, r := range rows {
				t.row(r.Code, r.Name, r.Warehouse, r.Quantity.String())
			}
			return t.flush()
		}
	})
}

// findWarehouse finds a warehouse by name, ignoring case and surrounding spaces.
func findWarehouse(ctx context.Context, db *storage.DB, name string) (storage.Warehouse, error) {
	all, err := db.Warehouses(ctx)
	if err != nil {
		return storage.Warehouse{}, fmt.Errorf("read warehouses: %w", err)
	}
	names := make([]string, 0, len(all))
	for _, w := range all {
		if strings.EqualFold(w.Name, name) {
			return w, nil
		}
		names = append(names, fmt.Sprintf("%q", w.Name))
	}
	return storage.Warehouse{}, fmt.Errorf("no warehouse is named %q (the warehouses are %s)", name, strings.Join(names, ", "))
}
