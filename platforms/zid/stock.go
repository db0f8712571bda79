package zid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

// levelsFresh is how long the quantities read with a full catalogue read stand for Stock.
const levelsFresh = 2 * time.Minute

// Stock reads the quantities at the stock location: every tracked item every time (Zid's list
// has no "stock changed since" filter), from the product pages, or from the full catalogue read
// this connection has just made. Items with unlimited stock are left out.
func (s *Store) Stock(ctx context.Context, since time.Time, fn func(core.StockPage) error) error {
	s.mu.Lock()
	levels, at := s.levels, s.levelsAt
	s.mu.Unlock()
	if levels != nil && s.storeNow().Sub(at) < levelsFresh {
		for _, page := range levels {
			if err := fn(page); err != nil {
				return err
			}
		}
		return nil
	}
	locID, _, err := s.stockLocation(ctx)
	if err != nil {
		return err
	}
	return s.productPages(ctx, "read stock", url.Values{"ordering": {"-updated_at"}}, func(at time.Time, items []json.RawMessage) (bool, error) {
		page := core.StockPage{ReadAt: at}
		for _, raw := range items {
			for _, sp := range s.readProduct(raw, locID) {
				if sp.Unreadable == "" && sp.TracksStock && sp.ExternalID != "" {
					page.Levels = append(page.Levels, core.StockLevel{ExternalID: sp.ExternalID, StockRef: sp.StockRef, Quantity: sp.Quantity, UpdatedAt: sp.UpdatedAt})
				}
			}
		}
		if len(page.Levels) == 0 {
			return true, nil
		}
		return true, fn(page)
	})
}

// stockRow is a product's stock row: GET /v1/products/{id}/stocks/{stock_id}/ and its PATCH.
type stockRow = stock

// maxRereads bounds how often a change reads the quantity again when it moves under it.
const maxRereads = 5

// AdjustStock moves quantities at the stock location by each change's Delta. Zid only sets
// absolute quantities, so each change reads the item's current quantity there, reads it again
// when it differs from what the books expected (a sale came in between) until two reads agree,
// and writes current + Delta at once: a sale made before the read is kept in it. An item
// without a stock row at the location gets one.
//
// Zid documents no relative and no conditional stock write (the stock row's PATCH, the bulk
// PATCH of a product's rows, the location's stock-update and the product's PATCH all take an
// absolute available_quantity, with no version or expected value to check), so a sale made in
// the store between the last read and the write is overwritten by it. That window is kept as
// narrow as the API allows: each read waits until the pacer of Zid's product limit has room for
// it and the write together, so that the write follows the read's answer at once instead of
// waiting its turn under the limit (at the limit, a second or more).
func (s *Store) AdjustStock(ctx context.Context, changes []core.StockChange) ([]core.StockResult, error) {
	locID, _, err := s.stockLocation(ctx)
	if err != nil {
		return nil, err
	}
	s.dropLevels()
	out := make([]core.StockResult, len(changes))
	for i, c := range changes {
		res := core.StockResult{ExternalID: c.ExternalID, Quantity: c.Expected.Add(c.Delta)}
		if c.Delta.IsZero() {
			out[i] = res
			continue
		}
		if !c.Delta.IsInteger() {
			return nil, &core.StoreError{Op: "change stock of " + c.ExternalID, Message: fmt.Sprintf("Zid counts stock in whole units; %s is not one", c.Delta)}
		}
		cur, row, err := s.stockBeforeWrite(ctx, c.ExternalID, c.StockRef, locID)
		if err != nil {
			return nil, err
		}
		for !cur.Equal(c.Expected) && res.Reread < maxRereads {
			res.Reread++
			again, r2, err := s.stockBeforeWrite(ctx, c.ExternalID, row, locID)
			if err != nil {
				return nil, err
			}
			settled := again.Equal(cur)
			cur, row = again, r2
			if settled {
				break
			}
		}
		want := cur.Add(c.Delta)
		op := "change stock of " + c.ExternalID
		var got stockRow
		if row == "" {
			body := map[string]any{"location": locID, "available_quantity": want.IntPart(), "is_infinite": false}
			_, err = s.do(ctx, request{op: op, scheme: catalog, method: http.MethodPost, path: "/products/" + url.PathEscape(c.ExternalID) + "/stocks/", body: body}, &got)
		} else {
			body := map[string]any{"available_quantity": want.IntPart(), "is_infinite": false}
			_, err = s.do(ctx, request{op: op, scheme: catalog, method: http.MethodPatch,
				path: "/products/" + url.PathEscape(c.ExternalID) + "/stocks/" + url.PathEscape(row) + "/", body: body}, &got)
		}
		if err != nil {
			return nil, err
		}
		res.Quantity = want
		if got.AvailableQuantity.Valid {
			res.Quantity = got.AvailableQuantity.Decimal
		}
		out[i] = res
	}
	return out, nil
}

// stockBeforeWrite reads an item's quantity at the location once the product endpoints' pacer
// has room for the read and the write that may follow it back to back: its stock row there
// alone when the row is known (GET /v1/products/{id}/stocks/{stock_id}/, the smallest answer Zid
// documents for it), else the product (currentStock), as for a row gone or at another location.
func (s *Store) stockBeforeWrite(ctx context.Context, id, rowID, locID string) (decimal.Decimal, string, error) {
	if err := s.products.Room(ctx, 2); err != nil {
		return decimal.Zero, "", err
	}
	if rowID != "" {
		var row stockRow
		_, err := s.do(ctx, request{op: "read the stock of " + id, scheme: catalog, method: http.MethodGet,
			path: "/products/" + url.PathEscape(id) + "/stocks/" + url.PathEscape(rowID) + "/"}, &row)
		switch {
		case err == nil && row.Location.ID.String() == locID && row.ID.String() == rowID:
			q, err := counted(id, row.IsInfinite, row.AvailableQuantity.Decimal)
			return q, rowID, err
		case err != nil && !errors.Is(err, core.ErrNotFound):
			return decimal.Zero, "", err
		}
		if err := s.products.Room(ctx, 2); err != nil {
			return decimal.Zero, "", err
		}
	}
	return s.currentStock(ctx, id, locID)
}

// currentStock reads an item's quantity at the location and its stock row there ("" when it has
// none: nothing there).
func (s *Store) currentStock(ctx context.Context, id, locID string) (decimal.Decimal, string, error) {
	var p product
	if _, err := s.do(ctx, request{op: "read the stock of " + id, scheme: catalog, method: http.MethodGet, path: "/products/" + url.PathEscape(id) + "/"}, &p); err != nil {
		return decimal.Zero, "", err
	}
	for _, st := range p.Stocks {
		if st.Location.ID.String() == locID {
			q, err := counted(id, st.IsInfinite, st.AvailableQuantity.Decimal)
			return q, st.ID.String(), err
		}
	}
	return decimal.Zero, "", nil
}

// counted is an item's quantity at a location as its stock row gives it; an unlimited row counts
// none, and no quantity can be set from it.
func counted(id string, infinite bool, available decimal.Decimal) (decimal.Decimal, error) {
	if infinite {
		return decimal.Zero, &core.StoreError{Op: "change stock of " + id, Message: "Zid counts no stock for this item at the location (unlimited)"}
	}
	return available, nil
}
