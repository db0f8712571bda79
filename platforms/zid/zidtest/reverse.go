package zidtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// reverseOrder is a return the merchant opened: its units are credited and restocked when it
// is refunded.
type reverseOrder struct {
	id       string
	order    *order
	lines    []CreditLine
	location *location
	partial  bool
	note     *creditNote // once refunded
	refund   struct {
		id, method string
		amount     decimal.Decimal
	}
}

// reverseBody is POST /v1/managers/store/reverse-orders. The SDK sends JSON; order_id and
// order_product_id come as numbers or strings.
type reverseBody struct {
	OrderID   json.Number `json:"order_id"`
	IsPartial any         `json:"is_partial"`
	Location  string      `json:"inventory_location_id"`
	Products  []struct {
		OrderProductID json.Number `json:"order_product_id"`
		Quantity       json.Number `json:"quantity"`
	} `json:"products"`
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x == "1" || strings.EqualFold(x, "true")
	}
	return false
}

// routeReverse answers POST /v1/managers/store/reverse-orders (open a return: the whole order,
// or with is_partial the products[{order_product_id, quantity}] given; the order becomes
// reverse_in_progress) and POST …/reverse-orders/refund (order_reverse_id, amount,
// payment_method: the return's credit note is issued, its units restocked at
// inventory_location_id, the order partially_reversed or reversed). Called with s.mu held.
func (s *Server) routeReverse(r *http.Request, path string) (answer, *apiError) {
	if r.Method != http.MethodPost {
		return answer{}, errorf(http.StatusMethodNotAllowed, "method_not_allowed", "The %s method is not supported for this route.", r.Method)
	}
	switch strings.TrimSuffix(path, "/") {
	case "/v1/managers/store/reverse-orders":
		var b reverseBody
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			return answer{}, invalid("order_id", "The order id field is required.")
		}
		id, _ := b.OrderID.Int64()
		o := s.st.orders[id]
		if o == nil {
			return answer{}, invalid("order_id", "The selected order id is invalid.")
		}
		if !o.reached(StatusDelivered) || o.status == StatusReversed || o.status == StatusReverseInProgress {
			return answer{}, invalid("order_id", "The order can not be reversed.")
		}
		ro := &reverseOrder{id: s.st.uuid("reverse-order"), order: o, location: o.location, partial: truthy(b.IsPartial)}
		if b.Location != "" {
			if ro.location = s.st.location(b.Location); ro.location == nil {
				return answer{}, invalid("inventory_location_id", "The selected inventory location id is invalid.")
			}
		}
		if ro.partial {
			for _, p := range b.Products {
				opID, _ := p.OrderProductID.Int64()
				q, _ := p.Quantity.Int64()
				line := -1
				for i, it := range o.items {
					if it.opID == opID {
						line = i
					}
				}
				if line < 0 || q <= 0 || int(q) > o.items[line].quantity-o.items[line].returned {
					return answer{}, invalid("products", "The selected products are invalid.")
				}
				ro.lines = append(ro.lines, CreditLine{Line: line, Quantity: int(q), Restock: true})
			}
			if len(ro.lines) == 0 {
				return answer{}, invalid("products", "The products field is required when is partial is 1.")
			}
		} else {
			for i, it := range o.items {
				if left := it.quantity - it.returned; left > 0 {
					ro.lines = append(ro.lines, CreditLine{Line: i, Quantity: left, Restock: true})
				}
			}
		}
		s.st.reverses = append(s.st.reverses, ro)
		s.setStatus(o, StatusReverseInProgress, s.clock.Now())
		return answer{status: http.StatusCreated, body: map[string]any{"order_reverse": s.reverseJSON(ro)}}, nil
	case "/v1/managers/store/reverse-orders/refund":
		id := refundField(r, "order_reverse_id")
		var ro *reverseOrder
		for _, x := range s.st.reverses {
			if x.id == id {
				ro = x
			}
		}
		if ro == nil {
			return answer{}, invalid("order_reverse_id", "The selected order reverse id is invalid.")
		}
		if ro.note != nil {
			return answer{}, invalid("order_reverse_id", "The reverse order is already refunded.")
		}
		cn, err := s.creditNote(ro.order, ro.lines, !ro.partial, decimal.Zero, ro.location, s.clock.Now())
		if err != nil {
			return answer{}, invalid("order_reverse_id", "%s", err.Error())
		}
		ro.note = cn
		ro.refund.id, ro.refund.method = s.st.uuid("refund"), refundField(r, "payment_method")
		ro.refund.amount, _ = decimal.NewFromString(refundField(r, "amount"))
		return ok(map[string]any{"order_reverse": s.reverseJSON(ro)}), nil
	}
	return answer{}, errorf(http.StatusNotFound, "not_found", "The requested URL was not found.")
}

// refundField reads a field of the refund request, sent as a form (as the SDK does) or as
// JSON.
func refundField(r *http.Request, key string) string {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if r.Form == nil {
			var b map[string]any
			_ = json.NewDecoder(r.Body).Decode(&b)
			r.Form = map[string][]string{}
			for k, v := range b {
				switch x := v.(type) {
				case string:
					r.Form.Set(k, x)
				case float64:
					r.Form.Set(k, strconv.FormatFloat(x, 'f', -1, 64))
				}
			}
		}
		return r.Form.Get(key)
	}
	return r.FormValue(key)
}

// reverseJSON is a reverse order as the SDK's model has it: its products with their order line
// and reversed quantity, reverse_total and refund_total (numbers, with VAT), and the refund once
// made.
func (s *Server) reverseJSON(ro *reverseOrder) map[string]any {
	products := []any{}
	for _, l := range ro.lines {
		it := ro.order.items[l.Line]
		products = append(products, map[string]any{"id": uuidOf("reverse-product", ro.id+"/"+strconv.FormatInt(it.opID, 10)),
			"order_reverse_id": ro.id, "order_product_id": it.opID, "product_uuid": it.of.id, "quantity": l.Quantity,
			"reversed_quantity": l.Quantity, "received_quantity": 0, "not_received_quantity": 0, "damaged_quantity": 0})
	}
	var total decimal.Decimal
	if ro.note != nil {
		total = ro.note.money.total()
	} else if _, money, err := credit(ro.order, ro.lines, !ro.partial, decimal.Zero); err == nil {
		total = money.total()
	}
	out := map[string]any{"id": ro.id, "store_id": strconv.FormatInt(s.opt.StoreID, 10), "order_id": ro.order.id,
		"is_partial": ro.partial, "inventory_location_id": ro.location.id, "products": products,
		"reverse_total": num(total), "refund_total": num(total), "refund": nil, "shipment_status": nil,
		"available_refund_payment_methods": []any{map[string]any{"name": "نقدي", "code": "cash"},
			map[string]any{"name": "تحويل بنكي", "code": "bank_transfer"}}}
	if ro.note != nil {
		out["refund"] = map[string]any{"id": ro.refund.id, "amount": num(ro.refund.amount), "payment_method": ro.refund.method,
			"notes": nil, "created_at": orderTime(ro.note.at), "updated_at": orderTime(ro.note.at)}
	}
	return out
}

// reverseTotals answers POST /v1/managers/reverse-credit-note/totals (X-Manager-Token, a form:
// order_id, is_partial, products[i][order_product_id], products[i][quantity]): {"invoice": […]}
// with what the credit note would give back, values as numbers as the SDK's model has them.
func (s *Server) reverseTotals(r *http.Request) (answer, *apiError) {
	id, _ := strconv.ParseInt(r.FormValue("order_id"), 10, 64)
	o := s.st.orders[id]
	if o == nil {
		return answer{}, invalid("order_id", "The selected order id is invalid.")
	}
	partial := r.FormValue("is_partial") == "1" || strings.EqualFold(r.FormValue("is_partial"), "true")
	var lines []CreditLine
	if partial {
		for i := 0; ; i++ {
			op := r.FormValue(fmt.Sprintf("products[%d][order_product_id]", i))
			if op == "" {
				break
			}
			opID, _ := strconv.ParseInt(op, 10, 64)
			q, _ := strconv.Atoi(r.FormValue(fmt.Sprintf("products[%d][quantity]", i)))
			line := -1
			for k, it := range o.items {
				if it.opID == opID {
					line = k
				}
			}
			if line < 0 {
				return answer{}, invalid("products", "The selected products are invalid.")
			}
			lines = append(lines, CreditLine{Line: line, Quantity: q})
		}
	} else {
		for i, it := range o.items {
			if left := it.quantity - it.returned; left > 0 {
				lines = append(lines, CreditLine{Line: i, Quantity: left})
			}
		}
	}
	_, money, err := credit(o, lines, !partial, decimal.Zero)
	if err != nil {
		return answer{}, invalid("products", "%s", err.Error())
	}
	return ok(map[string]any{"invoice": invoiceLines(money, lang(r), true)}), nil
}
