// Package shopifytest is an in-memory Shopify Admin GraphQL API (version
// 2025-01) for tests and for the built-in demo store.
//
// A Server holds one shop's state (locations, products, variants, inventory,
// customers, orders, refunds) and answers
//
//	POST /admin/api/{YYYY-MM}/graphql.json      (X-Shopify-Access-Token)
//	POST /admin/oauth/access_token              (client credentials grant)
//
// with bodies shaped like Shopify's. Documents are parsed and validated with
// gqlparser against an embedded subset of the Admin schema (schema.graphql,
// same names and types as the published schema) and, when Options.Schema is
// set, against that schema too; they are then executed generically (fragments,
// aliases, variables, @skip/@include, __typename), so a client gets exactly
// the fields it selected. Fields of the published schema that the subset does
// not have are reported with the extension code NOT_SUPPORTED_BY_TEST_SERVER
// when Options.Schema is set, and as Shopify's undefinedField error otherwise.
//
// Typical use:
//
//	s := shopifytest.NewServer(shopifytest.Options{Now: clock.Now})
//	s.Seed(shopifytest.SeedOptions{Products: 300, Orders: 500, Seed: 1})
//	hs := s.Start() // httptest server; point the client at hs.URL
//	defer hs.Close()
//
// Formats: IDs are GIDs (gid://shopify/Order/5900000000007); legacyResourceId
// and UnsignedInt64 are strings; DateTime is RFC 3339 UTC with seconds
// ("2026-03-01T10:00:00Z"); Money scalars (variant prices) have two decimals
// ("45.00"); Decimal scalars (MoneyV2.amount) are trimmed to at least one
// decimal ("45.0", "12.5", "29.99"). An empty SKU is "", an empty barcode null.
//
// Paging: connections take first/after or last/before (at most 250; neither
// is an error, as in Shopify), reverse and sortKey. Cursors are opaque keyset
// cursors: after a cursor means "strictly after that sort position", so an
// item whose sort value changes between pages can appear again or be skipped,
// as with the real API.
//
// Search syntax (query:): terms separated by spaces are ANDed ("AND" is
// accepted); "OR" separates alternatives, binding less tightly than AND
// (parentheses are not supported); -term and NOT term negate; field:value,
// field:>value, >=, <, <=; values may be quoted with ' or ". Dates without a
// zone are in the shop's time zone; a bare date with ':' matches that day.
// Products: id, title, handle, status (list allowed: status:active,draft),
// product_type, vendor, tag, sku, barcode, created_at, updated_at,
// inventory_total. Variants: id, product_id, sku, barcode, title,
// product_status, created_at, updated_at, inventory_quantity. Orders: id,
// name (#1001 or 1001), created_at, processed_at, updated_at, email,
// customer_id, financial_status, fulfillment_status, status
// (open/closed/cancelled), sku. Customers: id, email, phone, first_name,
// last_name, created_at, updated_at. Bulk operations (bulkOperations, from
// API 2026-01): status, operation_type, created_at, id. Unknown fields are
// ignored.
//
// Rate limit: see the cost rules in cost.go. Every executed response carries
// extensions.cost; a query requesting more than BucketOptions.SingleQueryMax
// gets MAX_COST_EXCEEDED; a query the bucket cannot pay for gets
// {"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED",...}}]}
// with HTTP 200 (or Options.ThrottleHTTPStatus). Stats counts requests.
//
// Inventory: each level has available and committed quantities; on_hand =
// available + committed (incoming, reserved, damaged, safety_stock and
// quality_control are always 0). Placing an order moves units from available
// to committed; fulfilling removes them from committed (on_hand drops);
// refunds and cancellations with a restocking type put units back into
// available (and take unfulfilled ones out of committed). Every inventory
// change bumps the variant's and the product's updatedAt.
//
// # Money model
//
// Every amount is a decimal in the shop currency (presentment money equals
// shop money). Rounding is to 2 decimal places, half away from zero (which is
// half-up for the non-negative amounts involved), applied at the points named
// below and nowhere else. For an order with lines i (unit price p_i, effective
// quantity q_i = ordered quantity minus units removed by an order edit), one
// optional discount code, shipping lines s (price S_s) and a single tax rate r
// (Saudi VAT, r = 0.15, title "VAT"):
//
//	original_i  = p_i × q_i                                  (exact)
//	D           = discount code total:
//	                fixed amount A: min(A, Σ original_i)
//	                percentage P:   round(Σ original_i × P/100)
//	alloc_i     = D spread over lines in proportion to original_i:
//	                round(D × original_i / Σ original), the last line with a
//	                non-zero original total takes D − Σ(other allocations)
//	                (so Σ alloc_i = D exactly)
//	net_i       = original_i − alloc_i   (LineItem discountedTotalSet(withCodeDiscounts: true);
//	                                      without the argument it is original_i)
//	tax_i       = taxesIncluded ? round(net_i × r/(1+r)) : round(net_i × r)
//	shipTax_s   = taxesIncluded ? round(S_s × r/(1+r))   : round(S_s × r)
//
//	subtotalPriceSet       = Σ net_i              (includes tax when taxesIncluded)
//	totalDiscountsSet      = D                    (= Σ alloc_i; shipping is never discounted)
//	cartDiscountAmountSet  = D
//	totalShippingPriceSet  = Σ S_s               (includes tax when taxesIncluded)
//	totalTaxSet            = Σ tax_i + Σ shipTax_s
//	totalPriceSet          = subtotal + shipping + (taxesIncluded ? 0 : totalTax)
//	taxLines               = one line {title "VAT", rate 0.15, ratePercentage 15.0}
//	                         whose priceSet is totalTax (no tax line when r = 0)
//
// Line item fields: originalUnitPriceSet = p_i; originalTotalSet = original_i;
// totalDiscountSet = alloc_i; discountAllocations = [alloc_i] (empty when 0);
// discountedUnitPriceSet = p_i (line-level discounts are not modelled);
// discountedUnitPriceAfterAllDiscountsSet = round(net_i / q_i); taxLines =
// [tax_i]. Shipping lines: originalPriceSet = discountedPriceSet = S_s;
// taxLines = [shipTax_s].
//
// Refunds. Refunding k of the q_i units of line i gives a refund line with
//
//	subtotalSet = round(net_i × k / q_i)      priceSet = round(net_i / q_i)
//	totalTaxSet = round(tax_i × k / q_i)
//
// except that the refund which takes a line to zero remaining units gets the
// exact remainders (net_i − Σ earlier subtotals, tax_i − Σ earlier taxes), so
// a line refunded in several steps adds up to the cent. A refunded shipping
// amount X (in the same basis as the shipping price, i.e. tax-inclusive when
// taxesIncluded) gets tax round(X × r/(1+r)) or round(X × r), or the exact
// remainder when X is all that is left. RefundShippingLine.subtotalAmountSet is
// X and taxAmountSet its tax. The money returned by a refund is
//
//	totalRefundedSet = Σ subtotal + X + (taxesIncluded ? 0 : Σ line tax + shipping tax)
//
// unless the refund is amount-only, in which case it is the given amount and no
// line, shipping or tax figure changes. Order-level "current" figures subtract
// what line and shipping refunds removed:
//
//	currentSubtotalPriceSet  = subtotal − Σ refunded line subtotals
//	currentShippingPriceSet  = shipping − Σ refunded shipping X
//	currentTotalTaxSet       = totalTax − Σ refunded line and shipping taxes
//	currentTotalDiscountsSet = D − Σ refunded discount shares (same pro-rata rule)
//	currentTotalPriceSet     = currentSubtotal + currentShipping + (taxesIncluded ? 0 : currentTax)
//	totalRefundedSet         = Σ refund totalRefundedSet (amount-only refunds included)
//	totalRefundedShippingSet = Σ X (+ its tax when taxes are excluded)
//	totalReceivedSet         = the paid amount (totalPrice when paid at checkout, else 0)
//	netPaymentSet            = totalReceived − totalRefunded
//	totalOutstandingSet      = max(0, currentTotal − (totalReceived − Σ line/shipping refund totals))
//
// Cancelling an order refunds every remaining unit (restock type CANCEL for
// unfulfilled units, NO_RESTOCK otherwise unless restocking is asked for) and
// the remaining shipping, so currentTotalPriceSet becomes 0.
//
// Order edits recompute the whole model with the new effective quantities
// (the same discount code applies again); originalTotalPriceSet keeps the
// total at checkout. Edits are refused once an order has refunds.
package shopifytest
