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
	readOnlyCommands["warehouses list"] = true // it only reads: it works beside an open Mizan
	Register(Command{
		Name:    "warehouses list",
		Args:    "[--format table|json]",
		Summary: "List the warehouses and the branch each belongs to",
		Run:     runWarehousesList,
	})
	Register(Command{
		Name:    "warehouses add",
		Args:    "--name NAME [--branch NAME|CODE]",
		Summary: "Add a warehouse, tied to a branch when one is given",
		Run:     runWarehousesAdd,
	})
}

type warehouseRowJSON struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Branch string `json:"branch"`
}

// branchNames are the branches' names by id.
func branchNames(ctx context.Context, db *storage.DB) (map[int64]string, error) {
	brs, err := db.Branches(ctx)
	if err != nil {
		return nil, fmt.Errorf("read branches: %w", err)
	}
	names := map[int64]string{}
	for _, b := range brs {
		names[b.ID] = b.Name
	}
	return names, nil
}

func runWarehousesList(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("warehouses list", flag.ContinueOnError)
	format := defineChoice(fs, "format", "output format: table or json", "table", "json")
	db, err := flagsThenBooks(ctx, env, fs, args, format.check)
	if err != nil {
		return err
	}
	whs, err := db.Warehouses(ctx)
	if err != nil {
		return fmt.Errorf("read warehouses: %w", err)
	}
	names, err := branchNames(ctx, db)
	if err != nil {
		return err
	}
	return writeOutput(env, "", func(w io.Writer) error {
		if format.value == "json" {
			out := make([]warehouseRowJSON, 0, len(whs))
			for _, wh := range whs {
				out = append(out, warehouseRowJSON{ID: wh.ID, Name: wh.Name, Branch: names[wh.BranchID]})
			}
			return writeJSON(w, out)
		}
		t := newTable(w, "NAME", "BRANCH")
		for _, wh := range whs {
			t.row(wh.Name, names[wh.BranchID])
		}
		return t.flush()
	})
}

func runWarehousesAdd(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("warehouses add", flag.ContinueOnError)
	name := fs.String("name", "", "the warehouse's `NAME`")
	branch := fs.String("branch", "", "the `BRANCH` (name or code) it belongs to")
	db, err := flagsThenBooks(ctx, env, fs, args)
	if err != nil {
		return err
	}
	var branchID int64
	if b := strings.TrimSpace(*branch); b != "" {
		br, ok, err := findBranch(ctx, db, b)
		if err != nil {
			return err
		}
		if !ok {
			return Usagef("no branch is named or coded %q (see them in Warehouses & clients)", b)
		}
		branchID = br.ID
	}
	var wh storage.Warehouse
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		wh, err = tx.CreateWarehouse(*name, branchID)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s%w", fieldFlag(err), err)
	}
	fmt.Fprintf(env.Stdout, "Added warehouse %s.\n", cleanCell(wh.Name))
	return nil
}
