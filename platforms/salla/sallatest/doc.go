// Package sallatest is an in-memory Salla store answering Salla's Merchant API v2 and its OAuth
// endpoints over HTTP at one loopback address, for tests and benchmarks.
//
// # Endpoints
//
// OAuth, under /oauth2 (accounts.salla.sa in production):
//
//	GET  /oauth2/auth       client_id, response_type=code, redirect_uri, scope, state → 302 to the
//	                        redirect address with code, scope and the state with its hyphens
//	                        stripped (the merchant approves at once). The redirect must equal
//	                        Options.RedirectURI, or be a loopback http address when none is set.
//	POST /oauth2/token      form: grant_type=authorization_code (code, redirect_uri) or
//	                        refresh_token (refresh_token); client_id and client_secret in the form
//	                        or as HTTP Basic. Answer {token_type, access_token, expires (absolute
//	                        Unix seconds), refresh_token, scope} (+ expires_in with
//	                        Options.ExpiresIn). A refresh spends its refresh token and revokes the
//	                        old access token; spending one again revokes the whole chain, the new
//	                        pair included (401 invalid_grant). Errors: {error, error_description,
//	                        message}.
//	GET  /oauth2/user/info  {status, success, data{id, name, …, merchant{id, name, plan, …}}}.
//
// The API, under /admin/v2 (api.salla.dev in production), with Authorization: Bearer:
//
//	GET  /products (page, per_page, keyword = name or SKU, status, category, format=light)
//	POST /products, GET|PUT /products/{id}, GET /products/sku/{sku}: categories, when given, is
//	     the product's whole list of category ids (an empty list: in none)
//	GET  /products/{id}/variants, GET|PUT /products/variants/{id}
//	GET  /products/quantities (branch, keyword): one row per product without options or variant
//	POST /products/quantities/bulk {products[{identifer_type id|variant_id|sku, identifer,
//	     quantity, mode overwrite|increment|decrement, unlimited_quantity, branch}]}
//	PUT  /products/quantities/variant/{id} {quantity}
//	GET  /categories (page, keyword = name at any level, status), POST /categories {name, status,
//	     parent_id, sort_order}: both need the categories scope (401 naming it otherwise)
//	GET  /branches, /branches/{id}, /customers, /customers/{id}
//	GET  /orders (page, per_page, sort_by id|total|updated_at|created_at -asc|-desc,
//	     status[] ids, from_date, to_date, customer_id, reference_id): short rows, no updated_at
//	GET  /orders/{id} (light unless Options.ExtendedDetail and no format=light)
//	GET  /orders/items?order_id=, /orders/{id}/histories, /orders/invoices?order_id=,
//	     /orders/statuses
//
// # Formats
//
// Every answer is {status, success, data}; lists add pagination{count, total, perPage,
// currentPage, totalPages, links{next, previous}} (links {} on a single page); per_page is 15
// by default and cut to 60. Errors are {status, success:false, error{code, message, fields}};
// an expired, revoked or unknown token gets 401 with code "Unauthorized". Money is {amount,
// currency} with amount a number; tax.percent and discounts[].discount are strings; order dates
// are {date "2006-01-02 15:04:05.000000", timezone_type 3, timezone "Asia/Riyadh"}; product and
// variant updated_at are "2006-01-02 15:04:05" in the store's time (+03:00) with no zone written
// (the docs do not say which zone; the double uses the store's, as its date objects do). Quirks of the docs kept on purpose: some products send
// quantity and stock_quantity as strings, and cost_price as a string or a number (a variant's
// as a money object); a variant's sale_price is {} when it has none; order items carry no
// product or variant id (only sku and option values); a guest's order has customer.id null.
//
// Where Salla's documents disagree, the double picks one and says so: user info has the data
// envelope (the docs page) although the app kit describes it without; invoices send sub_total,
// shipping, COD, discount and tax amounts as strings and total as a number, as the docs'
// example does; the quantities list gives a variant's row the product's id with the variant in
// variant{id, name} (the docs do not say which id it is).
//
// # Money
//
// See order.compute for the whole model. By default prices include VAT (15%), as Saudi stores
// show them, and the shopper pays exactly the shown prices less the coupon plus shipping and
// the COD fee (both as charged). The API shows the amounts without VAT: an item's
// price_without_tax is its price ÷ 1.15 rounded to the halala, sub_total their sum, discount
// the coupon's share per item ÷ 1.15, shipping_cost and cash_on_delivery ÷ 1.15; tax is what
// is left of the total, so the amounts add up to it exactly and the tax is within a few
// halalas of 15%. An order whose prices exclude VAT (OrderInput.PricesExcludeTax) adds
// round(15%) on top instead. Reaching completed issues the Tax Invoice (unless
// Options.NoInvoices); a partial return issues a Credit Note of its items (k of q units give
// back round(line total × k/q), the last one the exact rest) and, when asked, what is left of
// the shipping and COD fee; restored issues the Credit Note of whatever is left, so the notes
// add up to the invoice. Cancelling or restoring puts the order's remaining units back in
// stock.
//
// # Rate limit
//
// A leaky bucket of Options.RateLimit requests (Plus 120 by default; negative: off), draining
// at RateLimit/60 a second (Options.LeakPerSecond), on the wall clock (Options.RateNow). Every
// API answer has X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (the Unix
// second the bucket is empty); a request that does not fit gets 429 too_many_requests with
// Retry-After. Customers have their own bucket of 500 per 10 minutes.
//
// # Exported API
//
//	NewServer(Options) *Server; (*Server).Start() *httptest.Server
//	Clock, ClientID, ClientSecret, Requests, OAuthRequests, RequestsTo
//	IssueTokens, CurrentTokens, TokenState, ExpireTokens; Tokens; DefaultScope
//	InjectFaults(storetest.Fault…), ClearFaults, PendingFaults (paths after /admin/v2; a Path
//	    starting with /oauth2 aims at the OAuth endpoints; TokenExpires expires every token)
//	AddProduct(ProductInput) (id, variantIDs), AddBranch, DefaultBranch, AddStatus(name, parentSlug),
//	AddCustomer(CustomerInput), PlaceOrder(OrderInput), SetStatus(id, slugOrID),
//	CreditNote(id, []CreditLine, shipping, amount), Edit(id, name, price, quantity)
//	Orders() []OrderInfo, Sellables, Sellable(id), SellableBySKU, Stock(id, branch)
//	Seed(SeedOptions) SeedResult
//	NewHarness(t, HarnessOptions) *Harness — contract.Harness; DefaultCredentials and the
//	    Cred* keys; variant ids are a product's id (no options) or a sku's id
package sallatest
