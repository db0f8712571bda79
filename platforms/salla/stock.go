package salla

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"mizan/core"
)

// Stock reads the quantities at the stock branch from /products/quantities: one row per product
// without options or per variant, all tracked items every time (the endpoint has no "changed
// since" filter). Items with unlimited quantity are not counted and are left out. A row that
// cannot be read is left out of its page with a warning.
func (s *Store) Stock(ctx context.Context, since time.Time, fn func(core.StockPage) error) error {
	branchID, _, err := s.stockBranch(ctx)
	if err != nil {
		return err
	}
	q := url.Values{}
	if branchID != "" {
		q.Set("branch", branchID)
	}
	return s.pages(ctx, "read stock", "/products/quantities", q, func(rep reply, items []json.RawMessage) (bool, error) {
		page := core.StockPage{ReadAt: rep.Date}
		for _, raw := range items {
			var r quantityRow
			if err := json.Unmarshal(raw, &r); err != nil {
				s.log.Warn("a stock row could not be read and is left out", slog.String("err", unreadableReason(err)))
				continue
			}
			if bool(r.UnlimitedQuantity) || !r.Quantity.Valid {
				continue
			}
			id, ref := r.itemID()
			if id == "" {
				continue
			}
			page.Levels = append(page.Levels, core.StockLevel{ExternalID: id, StockRef: ref, Quantity: r.Quantity.Decimal})
		}
		if len(page.Levels) == 0 {
			return true, nil
		}
		return true, fn(page)
	})
}

// itemID is the store product a quantity row is about: the variant for a variant's row (the row
// names the variant), else the product.
func (r quantityRow) itemID() (id, ref string) {
	v := bytes.TrimSpace(r.Variant)
	isVariant := len(v) > 0 && !bytes.Equal(v, []byte("null")) && !bytes.Equal(v, []byte(`""`)) && !bytes.Equal(v, []byte("{}")) && !bytes.Equal(v, []byte("false"))
	var obj struct {
		ID sid `json:"id"`
	}
	if isVariant && v[0] == '{' {
		_ = json.Unmarshal(v, &obj)
	}
	if !isVariant {
		return r.ID.String(), refProduct
	}
	for _, c := range []sid{r.SKUID, r.VariantID, obj.ID} {
		if c != "" {
			return c.String(), refVariant
		}
	}
	return "", ""
}

// bulkItem is one change of /products/quantities/bulk. "identifer" is spelled as Salla spells it.
type bulkItem struct {
	IdentiferType string `json:"identifer_type"`
	Identifer     string `json:"identifer"`
	Quantity      int64  `json:"quantity"`
	Mode          string `json:"mode"`
	Branch        string `json:"branch,omitempty"`
}

// maxBulk bounds the changes sent in one bulk request.
const maxBulk = 50

// AdjustStock moves quantities at the stock branch by each change's Delta with Salla's relative
// bulk modes (increment, decrement), so a sale made in between is kept. Salla queues bulk
// changes, so the quantities after them are given as the engine's expected value plus the delta.
//
// A relative change must not be applied twice: a bulk request is sent once, and sent again only
// after a 429 (Salla refused it unapplied); a request whose answer was lost (a timeout, a 5xx)
// is reported as failed and not repeated, and the next sync's stock read shows whether it was
// applied.
func (s *Store) AdjustStock(ctx context.Context, changes []core.StockChange) ([]core.StockResult, error) {
	branchID, _, err := s.stockBranch(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]core.StockResult, len(changes))
	for start := 0; start < len(changes); start += maxBulk {
		end := min(start+maxBulk, len(changes))
		var items []bulkItem
		for i, c := range changes[start:end] {
			out[start+i] = core.StockResult{ExternalID: c.ExternalID, Quantity: c.Expected.Add(c.Delta)}
			if c.Delta.IsZero() {
				continue
			}
			if !c.Delta.IsInteger() {
				return nil, &core.StoreError{Op: "change stock of " + c.ExternalID, Message: fmt.Sprintf("Salla counts stock in whole units; %s is not one", c.Delta)}
			}
			mode := "increment"
			if c.Delta.IsNegative() {
				mode = "decrement"
			}
			ref := c.StockRef
			if ref != refProduct && ref != refVariant {
				ref = refVariant
			}
			items = append(items, bulkItem{IdentiferType: ref, Identifer: c.ExternalID, Quantity: c.Delta.Abs().IntPart(), Mode: mode, Branch: branchID})
		}
		if len(items) == 0 {
			continue
		}
		if err := s.bulk(ctx, items); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bulk sends one bulk change, again only after a 429.
func (s *Store) bulk(ctx context.Context, items []bulkItem) error {
	op := fmt.Sprintf("change stock of %d items", len(items))
	var err error
	for attempt := 1; attempt <= 6; attempt++ {
		_, err = s.callWith(ctx, s.writes, op, http.MethodPost, "/products/quantities/bulk", nil, map[string]any{"products": items}, nil)
		var se *core.StoreError
		if err == nil || !errors.As(err, &se) || se.Status != http.StatusTooManyRequests || ctx.Err() != nil {
			break
		}
		// The pacer holds the next request until the 429's Retry-After has passed.
	}
	if err != nil && errors.Is(err, core.ErrUnreachable) {
		return fmt.Errorf("%w (not repeated: Salla may have applied it; the next stock read shows the store's quantities)", err)
	}
	return err
}
