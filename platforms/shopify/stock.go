package shopify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

type stockData struct {
	Location *struct {
		ID              string          `json:"id"`
		Name            string          `json:"name"`
		InventoryLevels conn[levelNode] `json:"inventoryLevels"`
	} `json:"location"`
}

type levelNode struct {
	UpdatedAt stamp `json:"updatedAt"`
	levelQuantities
	Item struct {
		ID      string `json:"id"`
		Tracked bool   `json:"tracked"`
		Variant *struct {
			ID string `json:"id"`
		} `json:"variant"`
	} `json:"item"`
}

// Stock pages through the quantities at the stock location changed at or after since (all
// tracked items when since is zero). Each page's ReadAt is the store's clock when it answered.
// A read of all of them is done by a bulk operation (see bulk.go) unless bulk reads are off;
// one that cannot be done falls back to pages.
func (s *Store) Stock(ctx context.Context, since time.Time, fn func(core.StockPage) error) error {
	const op = "list stock"
	query := ""
	if !since.IsZero() {
		query = "updated_at:>='" + searchTime(since) + "'"
	} else if s.bulkThreshold() > 0 {
		err := s.stockBulk(ctx, fn)
		if !errors.Is(err, errBulkUnavailable) {
			return err
		}
		s.fallBack("stock", err)
	}
	after := ""
	for {
		var d stockData
		rep, err := s.callSized(ctx, op, docStock, func(sz pageSizes) map[string]any {
			return map[string]any{"location": nullable(s.knownLocation()), "first": sz.Stock,
				"after": nullable(after), "query": nullable(query)}
		}, func(sz *pageSizes) []*int { return []*int{&sz.Stock} }, func() any { d = stockData{}; return &d })
		if err != nil {
			return err
		}
		if _, err := s.rememberLocation(op, locationOf(d)); err != nil {
			return err
		}
		levels := d.Location.InventoryLevels
		page := core.StockPage{ReadAt: rep.Date}
		for _, l := range levels.Nodes {
			if !l.Item.Tracked || l.Item.Variant == nil {
				continue
			}
			page.Levels = append(page.Levels, core.StockLevel{ExternalID: l.Item.Variant.ID, StockRef: l.Item.ID,
				Quantity: l.available(), UpdatedAt: l.UpdatedAt.Time})
		}
		if len(page.Levels) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		if !levels.PageInfo.HasNextPage || levels.PageInfo.EndCursor == "" {
			return nil
		}
		after = levels.PageInfo.EndCursor
	}
}

func locationOf(d stockData) *locationData {
	if d.Location == nil {
		return nil
	}
	return &locationData{ID: d.Location.ID, Name: d.Location.Name, IsActive: true}
}

// knownLocation is the configured or already found stock location, "" for the primary one.
func (s *Store) knownLocation() string {
	if s.set.locationID != "" {
		return s.set.locationID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.location != nil {
		return s.location.ID
	}
	return ""
}

type adjustData struct {
	InventoryAdjustQuantities *struct {
		InventoryAdjustmentGroup *struct {
			Changes []struct {
				Name                string `json:"name"`
				Delta               num    `json:"delta"`
				QuantityAfterChange num    `json:"quantityAfterChange"`
				Item                *struct {
					ID string `json:"id"`
				} `json:"item"`
			} `json:"changes"`
		} `json:"inventoryAdjustmentGroup"`
		UserErrors []userError `json:"userErrors"`
	} `json:"inventoryAdjustQuantities"`
}

// AdjustStock moves each item's available quantity at the stock location by its delta with
// inventoryAdjustQuantities, one request per change so that each carries its own idempotency key:
// a retried request (same key) changes stock once, and a sale made meanwhile is kept because
// the change is relative.
func (s *Store) AdjustStock(ctx context.Context, changes []core.StockChange) ([]core.StockResult, error) {
	loc, err := s.locationID(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]core.StockResult, 0, len(changes))
	for _, ch := range changes {
		q, err := s.adjustOne(ctx, loc, ch)
		if err != nil {
			return out, err
		}
		out = append(out, core.StockResult{ExternalID: ch.ExternalID, Quantity: q})
	}
	return out, nil
}

func (s *Store) adjustOne(ctx context.Context, loc string, ch core.StockChange) (decimal.Decimal, error) {
	op := "adjust stock of " + ch.ExternalID
	if !ch.Delta.Equal(ch.Delta.Truncate(0)) {
		return decimal.Zero, &core.StoreError{Op: op, Message: fmt.Sprintf("Shopify counts whole units; cannot move stock by %s", ch.Delta)}
	}
	item := ch.StockRef
	if item == "" {
		var err error
		if item, err = s.inventoryItemOf(ctx, ch.ExternalID, loc); err != nil {
			return decimal.Zero, err
		}
	}
	if ch.Delta.IsZero() {
		return s.available(ctx, item, loc)
	}
	key := ch.Key
	if key == "" {
		key = randomKey()
	}
	vars := map[string]any{
		"key": key,
		"input": map[string]any{
			"name":                 "available",
			"reason":               "correction",
			"referenceDocumentUri": "gid://mizan/StockSync/" + url.PathEscape(key),
			"changes": []any{map[string]any{
				"delta": ch.Delta.IntPart(), "inventoryItemId": item, "locationId": loc,
			}},
		},
	}
	for activated := false; ; activated = true {
		var d adjustData
		if _, err := s.call(ctx, op, docInventoryAdjust, vars, &d); err != nil {
			return decimal.Zero, err
		}
		p := d.InventoryAdjustQuantities
		if p == nil {
			return decimal.Zero, &core.StoreError{Op: op, Message: "the store returned no result"}
		}
		if len(p.UserErrors) > 0 {
			if !activated && hasCode(p.UserErrors, "ITEM_NOT_STOCKED_AT_LOCATION") {
				// A tracked item not yet stocked here: stock it (at 0) and apply the change.
				if err := s.activate(ctx, item, loc); err != nil {
					return decimal.Zero, err
				}
				continue
			}
			return decimal.Zero, s.userErr(op, p.UserErrors)
		}
		if g := p.InventoryAdjustmentGroup; g != nil {
			for _, c := range g.Changes {
				if c.Name == "available" && c.Item != nil && c.Item.ID == item && c.QuantityAfterChange.Valid {
					return c.QuantityAfterChange.Decimal, nil
				}
			}
		}
		// The quantity after the change is not always reported: read it.
		return s.available(ctx, item, loc)
	}
}

func hasCode(errs []userError, code string) bool {
	for _, e := range errs {
		if e.Code == code {
			return true
		}
	}
	return false
}

func (s *Store) userErr(op string, errs []userError) error {
	var sentinel error
	for _, e := range errs {
		if e.Code == "INVALID_INVENTORY_ITEM" || e.Code == "PRODUCT_VARIANT_DOES_NOT_EXIST" || e.Code == "PRODUCT_DOES_NOT_EXIST" {
			sentinel = core.ErrNotFound
		}
	}
	return s.storeErr(op, 0, userErrorsMessage(errs), sentinel)
}

func (s *Store) activate(ctx context.Context, item, loc string) error {
	var d struct {
		InventoryActivate *struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"inventoryActivate"`
	}
	const op = "stock an item at the location"
	if _, err := s.call(ctx, op, docInventoryActivate, map[string]any{"item": item, "location": loc}, &d); err != nil {
		return err
	}
	if d.InventoryActivate != nil && len(d.InventoryActivate.UserErrors) > 0 {
		return s.userErr(op, d.InventoryActivate.UserErrors)
	}
	return nil
}

// available reads an item's available quantity at the location.
func (s *Store) available(ctx context.Context, item, loc string) (decimal.Decimal, error) {
	var d struct {
		InventoryItem *struct {
			InventoryLevel *levelQuantities `json:"inventoryLevel"`
		} `json:"inventoryItem"`
	}
	op := "read stock of " + item
	if _, err := s.call(ctx, op, docInventoryLevel, map[string]any{"item": item, "location": loc}, &d); err != nil {
		return decimal.Zero, err
	}
	if d.InventoryItem == nil {
		return decimal.Zero, &core.StoreError{Op: op, Message: "no such inventory item", Err: core.ErrNotFound}
	}
	return d.InventoryItem.InventoryLevel.available(), nil
}

// inventoryItemOf finds a variant's inventory item.
func (s *Store) inventoryItemOf(ctx context.Context, variantID, loc string) (string, error) {
	v, err := s.variant(ctx, variantID, loc)
	if err != nil {
		return "", err
	}
	return v.InventoryItem.ID, nil
}

// variant reads one variant with its product.
func (s *Store) variant(ctx context.Context, id, loc string) (*variantNode, error) {
	var d struct {
		ProductVariant *variantNode `json:"productVariant"`
	}
	op := "read product " + id
	if _, err := s.call(ctx, op, docVariant, map[string]any{"id": id, "location": loc}, &d); err != nil {
		return nil, err
	}
	if d.ProductVariant == nil {
		return nil, &core.StoreError{Op: op, Message: "no such product variant", Err: core.ErrNotFound}
	}
	return d.ProductVariant, nil
}

func randomKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(errors.New("shopify: no randomness for an idempotency key"))
	}
	return hex.EncodeToString(b[:])
}
