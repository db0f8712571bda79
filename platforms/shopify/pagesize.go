package shopify

// Page sizes
//
// A query may request at most 1000 cost points. Its requested cost counts every object it may
// return: 1 per object, and 2 plus first × (cost of one node) per connection, nested connections
// multiplying. The sizes below keep each document well under the limit (the figures are the
// requested costs measured against the test server, which applies Shopify's published rules;
// TestRequestedCosts checks them):
//
//	products          20 products × 8 variants                        862
//	product_variants  100 further variants of one product             503
//	orders            6 orders × (8 lines, 2 shipping lines, transactions,
//	                  refunds × (4 refunded lines, 1 refunded shipping)) 848
//	order_more        50 further lines and shipping lines of one order  805
//	refund_more       50 further refunded lines and shipping            555
//	stock             200 inventory levels                            803
//
// Products with more variants, and orders with more lines, shipping lines or refunded lines, get
// follow-up queries for that one object. Should a store still answer MAX_COST_EXCEEDED (its rules
// may change), the page that failed is asked for again with sizes scaled down by the ratio the
// error gives, and the smaller sizes are kept for the rest of the connection's life.

type pageSizes struct {
	Products, Variants                               int
	Orders, Lines, Shipping, RefundLines, RefundShip int
	Stock                                            int
	More                                             int // follow-up queries
}

var defaultPageSizes = pageSizes{
	Products: 20, Variants: 8,
	Orders: 6, Lines: 8, Shipping: 2, RefundLines: 4, RefundShip: 1,
	Stock: 200,
	More:  50,
}

// maxPage is the most a connection returns at once.
const maxPage = 250

func (s *Store) pageSizes() pageSizes {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sizes
}

// shrink scales the sizes chosen by pick down after a costExceeded answer. It reports false when
// nothing can shrink any more.
func (s *Store) shrink(e *costExceeded, doc string, pick func(*pageSizes) []*int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ratio := 0.5
	if e.cost > 0 && e.max > 0 && e.max < e.cost {
		ratio = float64(e.max) / float64(e.cost) * 0.9
	}
	changed := false
	for _, p := range pick(&s.sizes) {
		n := int(float64(*p) * ratio)
		if n < 1 {
			n = 1
		}
		if n < *p {
			*p = n
			changed = true
			// shrink the outermost size first: one level usually suffices
			break
		}
	}
	if changed {
		s.throttle.forget(doc)
	}
	return changed
}
