package woocommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

const stockFields = "id,type,parent_id,manage_stock,stock_quantity,variations,date_modified_gmt"

// Stock reads the quantity of every product and variation whose stock WooCommerce manages.
// WooCommerce changes stock without touching a product's modification date, so there is no
// filter by change: since is ignored and every tracked item is returned. Each page's ReadAt is
// the store's clock when it answered that page.
func (s *Store) Stock(ctx context.Context, _ time.Time, fn func(core.StockPage) error) error {
	const op = "list stock"
	q := url.Values{"orderby": {"id"}, "order": {"asc"}, "_fields": {stockFields}}
	return s.pages(ctx, op, "/products", q, func(rep reply, items []json.RawMessage) error {
		nodes := s.stockNodes(op, items)
		page := core.StockPage{ReadAt: rep.Date}
		var variable []*productNode
		for i := range nodes {
			n := &nodes[i]
			switch {
			case n.Type == "variable":
				variable = append(variable, n)
			case n.ManageStock.On && n.Type != "grouped" && n.Type != "external":
				page.Levels = append(page.Levels, core.StockLevel{ExternalID: n.ID.String(), Quantity: n.StockQuantity.Decimal,
					UpdatedAt: n.DateModifiedGMT.Time})
			}
		}
		if len(page.Levels) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		for _, p := range variable {
			vp, err := s.variationLevels(ctx, p)
			if err != nil {
				return err
			}
			if len(vp.Levels) > 0 {
				if err := fn(vp); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// stockNodes reads a page of stock items one by one. An item that cannot be read (a quantity out
// of range) is left out of the page with a warning: its stock is not read this run, as for an
// item a read did not reach, and the rest of the page is.
func (s *Store) stockNodes(op string, items []json.RawMessage) []productNode {
	nodes := make([]productNode, 0, len(items))
	for _, raw := range items {
		var n productNode
		if err := json.Unmarshal(raw, &n); err != nil {
			bad := unreadableProduct(raw, err)
			s.log.Warn("a stock item could not be read; its stock is left as it was", "op", op, "id", bad.ExternalID, "err", bad.Unreadable)
			continue
		}
		nodes = append(nodes, n)
	}
	return nodes
}

func (s *Store) variationLevels(ctx context.Context, p *productNode) (core.StockPage, error) {
	op := "list stock of product " + p.ID.String()
	q := url.Values{"orderby": {"id"}, "order": {"asc"}, "_fields": {stockFields}}
	var page core.StockPage
	err := s.pages(ctx, op, "/products/"+p.ID.String()+"/variations", q, func(rep reply, items []json.RawMessage) error {
		nodes := s.stockNodes(op, items)
		if rep.Date.After(page.ReadAt) {
			page.ReadAt = rep.Date
		}
		for _, n := range nodes {
			if n.ManageStock.On {
				page.Levels = append(page.Levels, core.StockLevel{ExternalID: n.ID.String(), StockRef: p.ID.String(),
					Quantity: n.StockQuantity.Decimal, UpdatedAt: n.DateModifiedGMT.Time})
			}
		}
		return nil
	})
	return page, err
}

// stockItem is one change being applied.
type stockItem struct {
	ch     core.StockChange
	id     wcID
	parent string // the variable product of a variation, "" for a simple product
	target decimal.Decimal
	cur    decimal.Decimal
	reread int
	lost   decimal.Decimal // sales overwritten by the last write, to take off again
	done   bool
	final  decimal.Decimal // the quantity the store was left with
}

// AdjustStock applies each change by read-compare-write, as WooCommerce can only set an absolute
// quantity:
//
//  1. list the orders placed in the last minutes (a baseline);
//  2. read the current quantities; one that differs from the change's Expected had a sale (or an
//     edit) since the engine read it, and the delta is applied to the value read, so that sale is
//     kept (reported as a re-read);
//  3. write read + delta with the batch endpoints (at most 100 objects per request);
//  4. read the quantities again, and list the orders placed since the baseline. A sale made after
//     the write shows as a drop from the written value; a sale the store took between the read
//     and the write was overwritten, and shows as an order whose quantity the drop does not
//     explain. Such items are read and written again without those units (another re-read), up to
//     Options.StockAttempts rounds.
//
// The one sale this cannot tell apart is one taken in the moment between the baseline listing
// and the read: it is kept by the write but counted again as overwritten.
func (s *Store) AdjustStock(ctx context.Context, changes []core.StockChange) ([]core.StockResult, error) {
	items := make([]*stockItem, 0, len(changes))
	for _, ch := range changes {
		op := "change stock of " + ch.ExternalID
		id := wcID(mustInt(ch.ExternalID))
		if id <= 0 {
			return nil, errf(op, "%q is not a WooCommerce product id", ch.ExternalID)
		}
		it := &stockItem{ch: ch, id: id, parent: ch.StockRef}
		if it.parent == ch.ExternalID {
			it.parent = ""
		}
		if ch.StockRef == "" {
			n, err := s.product(ctx, op, ch.ExternalID)
			if err != nil {
				return nil, err
			}
			if n.isVariation() {
				it.parent = n.ParentID.String()
			}
		}
		items = append(items, it)
	}
	accounted := map[string]bool{}
	_, windowStart, err := s.recentSales(ctx, time.Time{}, accounted)
	if err != nil {
		return nil, err
	}
	for round := 1; ; round++ {
		pending := pendingItems(items)
		if len(pending) == 0 {
			break
		}
		if round > s.stockAttempts {
			return nil, errf("change stock", "the store's quantities kept changing while they were written (%d rounds); they will be settled again next sync", s.stockAttempts)
		}
		read, err := s.readLevels(ctx, pending)
		if err != nil {
			return nil, err
		}
		for _, it := range pending {
			cur := read[it.id]
			switch {
			case round == 1:
				if !cur.Equal(it.ch.Expected) {
					it.reread++
					s.log.Info("stock changed in the store since it was read; applying the change to the current quantity",
						slog.String("item", it.ch.ExternalID), slog.String("expected", it.ch.Expected.String()), slog.String("current", cur.String()))
				}
				it.target = cur.Add(it.ch.Delta)
			default:
				it.target = cur.Sub(it.lost)
			}
			if it.target.IsNegative() && !cur.IsNegative() {
				it.target = decimal.Zero
			}
			it.cur = cur
		}
		if err := s.writeLevels(ctx, pending); err != nil {
			return nil, err
		}
		after, err := s.readLevels(ctx, pending)
		if err != nil {
			return nil, err
		}
		sold, _, err := s.recentSales(ctx, windowStart, accounted)
		if err != nil {
			return nil, err
		}
		for _, it := range pending {
			v := after[it.id]
			drop := it.target.Sub(v)
			lost := sold[it.id].Sub(drop)
			if lost.IsPositive() {
				it.lost = lost
				it.reread++
				s.log.Warn("a sale came in while the stock was written and was overwritten; writing it again",
					slog.String("item", it.ch.ExternalID), slog.String("units", lost.String()))
				continue
			}
			it.done, it.final = true, v
		}
	}
	out := make([]core.StockResult, 0, len(items))
	for _, it := range items {
		out = append(out, core.StockResult{ExternalID: it.ch.ExternalID, Quantity: it.final, Reread: it.reread})
	}
	return out, nil
}

func pendingItems(items []*stockItem) []*stockItem {
	var out []*stockItem
	for _, it := range items {
		if !it.done {
			out = append(out, it)
		}
	}
	return out
}

// readLevels reads the current quantities of items: simple products with /products?include=,
// variations with /products/{parent}/variations?include=.
func (s *Store) readLevels(ctx context.Context, items []*stockItem) (map[wcID]decimal.Decimal, error) {
	out := map[wcID]decimal.Decimal{}
	for parent, group := range groupByParent(items) {
		path, op := "/products", "read stock"
		if parent != "" {
			path, op = "/products/"+url.PathEscape(parent)+"/variations", "read stock of product "+parent
		}
		for start := 0; start < len(group); start += perPage {
			part := group[start:min(start+perPage, len(group))]
			ids := make([]wcID, len(part))
			for i, it := range part {
				ids[i] = it.id
			}
			var nodes []productNode
			q := url.Values{"include": {idList(ids)}, "per_page": {strconv.Itoa(perPage)}, "_fields": {stockFields}}
			if _, err := s.call(ctx, op, http.MethodGet, path, q, nil, &nodes); err != nil {
				return nil, err
			}
			for _, n := range nodes {
				out[n.ID] = n.StockQuantity.Decimal
			}
			for _, it := range part {
				if _, ok := out[it.id]; !ok {
					return nil, &core.StoreError{Op: op, Message: fmt.Sprintf("product %s is not in the store any more", it.ch.ExternalID), Err: core.ErrNotFound}
				}
			}
		}
	}
	return out, nil
}

// writeLevels sets each item's quantity to its target with the batch endpoints.
func (s *Store) writeLevels(ctx context.Context, items []*stockItem) error {
	for parent, group := range groupByParent(items) {
		path, op := "/products/batch", "write stock"
		if parent != "" {
			path, op = "/products/"+url.PathEscape(parent)+"/variations/batch", "write stock of product "+parent
		}
		for start := 0; start < len(group); start += maxBatch {
			part := group[start:min(start+maxBatch, len(group))]
			update := make([]any, len(part))
			for i, it := range part {
				update[i] = map[string]any{"id": it.id, "manage_stock": true, "stock_quantity": decimalJSON(it.target)}
			}
			var rep batchReply
			if _, err := s.call(ctx, op, http.MethodPost, path, nil, map[string]any{"update": update}, &rep); err != nil {
				return err
			}
			for _, r := range rep.Update {
				if r.Error != nil {
					return s.itemErr(op, r.Error)
				}
			}
		}
	}
	return nil
}

func groupByParent(items []*stockItem) map[string][]*stockItem {
	out := map[string][]*stockItem{}
	for _, it := range items {
		out[it.parent] = append(out[it.parent], it)
	}
	return out
}

// stockReducing are the statuses in which WooCommerce has taken an order's items out of stock.
var stockReducing = map[string]bool{"processing": true, "on-hold": true, "completed": true}

// recentSales lists orders created at or after from (the last few minutes by the store's clock
// when from is zero) and sums the units they took out of stock per product or variation,
// leaving out order lines already in accounted, which it then extends. It returns the sums and
// the window start it used.
func (s *Store) recentSales(ctx context.Context, from time.Time, accounted map[string]bool) (map[wcID]decimal.Decimal, time.Time, error) {
	if from.IsZero() {
		from = s.storeNow().Add(-5 * time.Minute)
	}
	sold := map[wcID]decimal.Decimal{}
	q := url.Values{"after": {gmtParam(from)}, "dates_are_gmt": {"true"}, "orderby": {"id"}, "order": {"asc"},
		"status": {"processing,on-hold,completed"}, "_fields": {"id,status,line_items"}}
	const op = "list recent orders"
	err := s.pages(ctx, op, "/orders", q, func(_ reply, items []json.RawMessage) error {
		orders, err := decodeItems[orderNode](op, items)
		if err != nil {
			return err
		}
		for _, o := range orders {
			if !stockReducing[strings.ToLower(o.Status)] {
				continue
			}
			for _, l := range o.LineItems {
				key := o.ID.String() + ":" + l.ID.String()
				if accounted[key] {
					continue
				}
				accounted[key] = true
				id := l.VariationID
				if id == 0 {
					id = l.ProductID
				}
				qty := l.Quantity.Decimal
				if r := metaString(l.MetaData, "_reduced_stock"); r != "" {
					if d, err := decimal.NewFromString(r); err == nil {
						qty = d
					}
				}
				sold[id] = sold[id].Add(qty)
			}
		}
		return nil
	})
	return sold, from, err
}
