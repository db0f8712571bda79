package storage

import (
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// RegisterFunction lets the books' SQL call fn, a function of the row's values written in Go
// (text arrives as string, integers as int64), by name in any books opened after: call it from an
// init function. fn must always give the same answer for the same arguments, be safe to call from
// several queries at once, and keep no string it is given past its return (strings are read in
// place, not copied).
func RegisterFunction(name string, args int, fn func(args []driver.Value) (driver.Value, error)) error {
	err := sqlite.RegisterFunction(name, &sqlite.FunctionImpl{NArgs: int32(args), Deterministic: true, VolatileArgs: true,
		Scalar: func(_ *sqlite.FunctionContext, values []driver.Value) (driver.Value, error) { return fn(values) }})
	if err != nil {
		return fmt.Errorf("register SQL function %s: %w", name, err)
	}
	return nil
}
