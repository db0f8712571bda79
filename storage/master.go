package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// The records every set of books starts with, in English (see DefaultNames).
const (
	DefaultBranchName    = "Main branch"
	DefaultWarehouseName = "Main warehouse"
	DefaultClientName    = "Walk-in customer"
)

// FirstNames are the names of the branch, warehouse and client new books start with.
type FirstNames struct {
	Branch, Warehouse, Client string
}

// DefaultNames are the first records' names in a language, given as a locale's language code
// ("ar", "ar_SA.UTF-8", "en_GB"): Arabic or, for any other, English.
func DefaultNames(language string) FirstNames {
	if l := strings.ToLower(language); l == "ar" || strings.HasPrefix(l, "ar_") || strings.HasPrefix(l, "ar-") || strings.HasPrefix(l, "ar.") {
		return FirstNames{Branch: "الفرع الرئيسي", Warehouse: "المستودع الرئيسي", Client: "عميل نقدي"}
	}
	return FirstNames{Branch: DefaultBranchName, Warehouse: DefaultWarehouseName, Client: DefaultClientName}
}

// seed makes the first branch, warehouse and client of books that have none, named as names
// says (in English where it says nothing).
func (d *DB) seed(ctx context.Context, names FirstNames) error {
	english := DefaultNames("en")
	if names.Branch == "" {
		names.Branch = english.Branch
	}
	if names.Warehouse == "" {
		names.Warehouse = english.Warehouse
	}
	if names.Client == "" {
		names.Client = english.Client
	}
	return d.Update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM branches`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		b, err := tx.CreateBranch("MAIN", names.Branch)
		if err != nil {
			return err
		}
		if _, err := tx.CreateWarehouse(names.Warehouse, b.ID); err != nil {
			return err
		}
		_, err = tx.CreateClient(Client{Name: names.Client})
		return err
	})
}

var branchCode = regexp.MustCompile(`^[A-Z0-9]{1,10}$`)

// CreateBranch adds a branch. Its code (1–10 capital letters or digits) prefixes its document numbers.
func (t *Tx) CreateBranch(code, name string) (Branch, error) {
	return atomicOp(t, func() (Branch, error) { return t.createBranch(code, name) })
}

func (t *Tx) createBranch(code, name string) (Branch, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	name = strings.TrimSpace(name)
	if !branchCode.MatchString(code) {
		return Branch{}, refuseField("code", "branch_code", code)
	}
	if name == "" {
		return Branch{}, refuseField("name", "branch_name_required")
	}
	res, err := t.Exec(`INSERT INTO branches(code, name, created_at) VALUES (?, ?, ?)`, code, name, formatTime(t.now))
	if isUniqueViolation(err) {
		return Branch{}, refuse("branch_taken", code, name)
	}
	if err != nil {
		return Branch{}, fmt.Errorf("create branch: %w", err)
	}
	id, _ := res.LastInsertId()
	return Branch{ID: id, Code: code, Name: name}, nil
}

// CreateWarehouse adds a warehouse, optionally tied to a branch (0 for none).
func (t *Tx) CreateWarehouse(name string, branchID int64) (Warehouse, error) {
	return atomicOp(t, func() (Warehouse, error) { return t.createWarehouse(name, branchID) })
}

func (t *Tx) createWarehouse(name string, branchID int64) (Warehouse, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Warehouse{}, refuseField("name", "warehouse_name_required")
	}
	if branchID != 0 {
		if _, err := t.Branch(branchID); err != nil {
			return Warehouse{}, err
		}
	}
	res, err := t.Exec(`INSERT INTO warehouses(name, branch_id, created_at) VALUES (?, ?, ?)`, name, nullIfZero(branchID), formatTime(t.now))
	if isUniqueViolation(err) {
		return Warehouse{}, refuseField("name", "warehouse_name_taken", name)
	}
	if err != nil {
		return Warehouse{}, fmt.Errorf("create warehouse: %w", err)
	}
	id, _ := res.LastInsertId()
	return Warehouse{ID: id, Name: name, BranchID: branchID}, nil
}

// Branch reads one branch.
func (t *Tx) Branch(id int64) (Branch, error) {
	var b Branch
	err := t.QueryRow(`SELECT id, code, name FROM branches WHERE id = ?`, id).Scan(&b.ID, &b.Code, &b.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return b, refuse("branch_missing", id)
	}
	return b, err
}

// Warehouse reads one warehouse.
func (t *Tx) Warehouse(id int64) (Warehouse, error) {
	var w Warehouse
	var branch sql.NullInt64
	err := t.QueryRow(`SELECT id, name, branch_id FROM warehouses WHERE id = ?`, id).Scan(&w.ID, &w.Name, &branch)
	if errors.Is(err, sql.ErrNoRows) {
		return w, refuse("warehouse_missing", id)
	}
	w.BranchID = branch.Int64
	return w, err
}

// categoryID finds or creates a category by name; an empty name is no category.
func (t *Tx) categoryID(name string) (any, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	var id int64
	err := t.QueryRow(`SELECT id FROM categories WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		res, err := t.Exec(`INSERT INTO categories(name) VALUES (?)`, name)
		if err != nil {
			return nil, fmt.Errorf("create category: %w", err)
		}
		id, _ = res.LastInsertId()
		return id, nil
	}
	return id, err
}

// Branches lists the branches by name.
func (d *DB) Branches(ctx context.Context) ([]Branch, error) {
	return queryList(ctx, d, `SELECT id, code, name FROM branches ORDER BY id`, func(r scanner) (Branch, error) {
		var b Branch
		return b, r.Scan(&b.ID, &b.Code, &b.Name)
	})
}

// Warehouses lists the warehouses.
func (d *DB) Warehouses(ctx context.Context) ([]Warehouse, error) {
	return queryList(ctx, d, `SELECT id, name, COALESCE(branch_id, 0) FROM warehouses ORDER BY id`, func(r scanner) (Warehouse, error) {
		var w Warehouse
		return w, r.Scan(&w.ID, &w.Name, &w.BranchID)
	})
}

// Categories lists the categories by name.
func (d *DB) Categories(ctx context.Context) ([]Category, error) {
	return queryList(ctx, d, `SELECT id, name FROM categories ORDER BY name`, func(r scanner) (Category, error) {
		var c Category
		return c, r.Scan(&c.ID, &c.Name)
	})
}

type scanner interface{ Scan(...any) error }

func queryList[T any](ctx context.Context, d *DB, query string, scan func(scanner) (T, error), args ...any) ([]T, error) {
	rows, err := d.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RenameWarehouse gives a warehouse a new name (unique among warehouses).
func (t *Tx) RenameWarehouse(id int64, name string) (Warehouse, error) {
	return atomicOp(t, func() (Warehouse, error) {
		w, err := t.Warehouse(id)
		if err != nil {
			return w, err
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return w, refuseField("name", "warehouse_name_required")
		}
		_, err = t.Exec(`UPDATE warehouses SET name = ? WHERE id = ?`, name, id)
		if isUniqueViolation(err) {
			return w, refuseField("name", "warehouse_name_taken", name)
		}
		if err != nil {
			return w, fmt.Errorf("rename warehouse %q: %w", w.Name, err)
		}
		w.Name = name
		return w, nil
	})
}

// RenameBranch gives a branch a new name (unique among branches). Its code, which prefixes the
// numbers of its invoices, stays.
func (t *Tx) RenameBranch(id int64, name string) (Branch, error) {
	return atomicOp(t, func() (Branch, error) {
		b, err := t.Branch(id)
		if err != nil {
			return b, err
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return b, refuseField("name", "branch_name_required")
		}
		_, err = t.Exec(`UPDATE branches SET name = ? WHERE id = ?`, name, id)
		if isUniqueViolation(err) {
			return b, refuseField("name", "branch_name_taken", name)
		}
		if err != nil {
			return b, fmt.Errorf("rename branch %q: %w", b.Name, err)
		}
		b.Name = name
		return b, nil
	})
}
