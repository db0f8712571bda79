// Package zidtest is an in-memory Zid store answering Zid's Merchant API v1 and its OAuth
// endpoints over HTTP at one loopback address, for tests and benchmarks: the API under /v1
// (api.zid.sa in production) and OAuth under /oauth (oauth.zid.sa).
//
// # OAuth
//
//	GET  /oauth/authorize  client_id, redirect_uri, response_type=code, state → 302 to the
//	                       redirect address with a single-use code (10 minutes) and the state.
//	                       The redirect must equal Options.RedirectURI, or be a loopback http
//	                       address when none is set. Scopes are the app's, set in Zid's partner
//	                       dashboard.
//	POST /oauth/token      form: grant_type=authorization_code (code, redirect_uri) or
//	                       refresh_token (refresh_token and redirect_uri, both required);
//	                       client_id and client_secret in the form or as HTTP Basic. Answer
//	                       {token_type, expires_in (a year), access_token, Authorization (or
//	                       authorization with Options.LowercaseAuthorization), refresh_token}.
//	                       A refresh spends its refresh token and revokes the grant it belonged
//	                       to (the docs: "save all three new tokens"); a spent one is refused
//	                       with 400 invalid_grant, hint "Token has been revoked". Errors are
//	                       {error, error_description, hint, message}.
//
// # Credentials
//
// A grant is three tokens: the Authorization (sent as "Authorization: Bearer …"), the access
// token (the store's manager token) and the refresh token. The manager endpoints
// (/v1/managers/…) take the access token as X-Manager-Token; the product, location and
// reverse-order endpoints take it as Access-Token with Store-Id (the store's id) and
// Role: Manager (POST /v1/products/ also takes it as X-Manager-Token, as Zid's SDK sends it).
// A missing, unknown or expired token, or one of another grant, is 401; a wrong Store-Id or
// Role 403.
//
// # Endpoints
//
//	GET   /v1/managers/account/profile        {status, user{…, store{id, title, url, currency{code}}}}
//	GET   /v1/locations/                      DRF list of the inventory locations (the default first)
//	GET   /v1/products/                       DRF list: page, page_size (10; at most 50), ordering
//	                                          ([-]created_at, [-]updated_at; newest first), extended=true
//	                                          (variants inside their parents), structure, search,
//	                                          id__in, barcode. Variants are listed only inside their
//	                                          parents (or with structure=child).
//	POST  /v1/products/                       {name (text or {ar, en}), price, sku, sale_price, cost,
//	                                          barcode, quantity, is_infinite} → 201, stock at the
//	                                          default location
//	GET|PATCH /v1/products/{id}/              PATCH: any of those fields (sale_price null clears it)
//	POST  /v1/products/{id}/categories/       {"id": category id} → 201, the product filed under
//	                                          it; the answer is the category (id as text)
//	DELETE /v1/products/{id}/categories/{category_id}/  the product out of the category → {};
//	                                          404 when it is not in it
//	GET   /v1/managers/store/categories       {status, categories (each with sub_categories, id a
//	                                          number, name in the asked language and names{ar, en}),
//	                                          minimal_categories, products_count}: no pages
//	POST  /v1/managers/store/categories/add   a form (urlencoded or multipart): name[ar] and
//	                                          name[en] required, a name no category has yet (either
//	                                          language, letter case aside), parent_id → {status,
//	                                          category}
//	GET|PATCH|POST /v1/products/{id}/stocks/  list; bulk [{location, available_quantity,
//	                                          is_infinite}] → 204; a row at a new location → 201
//	GET|PATCH /v1/products/{id}/stocks/{stock_id}/   {available_quantity, is_infinite}: absolute
//	GET   /v1/managers/store/orders           page, per_page (10; at most 100), payload_type
//	                                          (simple: no products; default; tiny; print: default
//	                                          with zatca.qr_code_data, the QR text of the tax
//	                                          invoice, store_vat_settings, store_address,
//	                                          payment_method and order_credit_notes), order_id
//	                                          (ids, comma-separated), date_attribute
//	                                          (created_at, updated_at) with date_from/date_to
//	                                          ("2020-01-01T00:00:00.000+0000", or a date, UTC),
//	                                          order_status, payment_status, customer_id, order_by
//	                                          (created_at, updated_at, id), sort_by (desc, asc).
//	                                          {status, orders, grand_total, total_order_count,
//	                                          total_order_count_per_status, tax_settings}: no next link.
//	GET   /v1/managers/store/orders/{id}/view          {status, order (with histories), message}
//	GET   /v1/managers/store/orders/{id}/credit-notes  {code, message, payload{credit_notes,
//	                                                   returned_items}}
//	POST  /v1/managers/store/reverse-orders            {order_id, is_partial, products[{order_product_id,
//	                                                   quantity}], inventory_location_id} → 201, the
//	                                                   order reverse_in_progress
//	POST  /v1/managers/store/reverse-orders/refund     order_reverse_id, amount, payment_method: the
//	                                                   credit note is issued, the units restocked
//	POST  /v1/managers/reverse-credit-note/totals      (X-Manager-Token, a form) what a reversal would
//	                                                   give back: {"invoice": […]}
//
// DRF lists are {count, next, previous, results}; next and previous are absolute addresses
// written with http://, as the docs' examples show them. A page past the last is 404
// {"detail": "Invalid page."}. The product and location endpoints answer errors as Django REST
// framework does ({"detail": …}, or {field: [message]} with 400); the manager endpoints as
// {"status": "error", "message": {type, code, name, description}} (422 for a field).
//
// # Formats
//
// Ids: orders, customers and order lines are integers; products, variants, stocks, locations and
// credit notes UUID strings (an order's inventory_address.id without hyphens, as real answers
// show it); categories numeric strings. Names are {ar, en} with only the languages there are
// (the seed has Arabic-only products). Product prices and cost are numbers, cost null when
// unset, quantity null when unlimited; dates ISO-8601 UTC with microseconds and "Z". Orders:
// dates "YYYY-MM-DD HH:MM:SS" in UTC with no zone; order_total and payment.invoice[].value are
// 14-decimal strings beside *_string values ("1,234.50 SAR"); line prices and totals and
// transaction_amount are numbers; tax_amount a string. Variants the docs allow are served too:
// every sixth order (by id) sends order_total and the invoice values as numbers, every fifth
// its customer.id as a string. Status codes: new, preparing, ready,
// indelivery, delivered, canceled and cancelled (both spellings are served, as an order was
// given; a filter for either finds both; the counts say cancelled), reverse_in_progress,
// partially_reversed, reversed; names in Arabic unless Accept-Language asks for English.
// is_guest_customer is 0 or 1; a guest's order still carries a customer with an id.
//
// # Money
//
// See (*Server).compute. Prices include VAT (15%) by default. Zid keeps an amount without VAT with
// 11 decimals (a net price is the shown price ÷ 1.15 cut there) and derives the rest exactly, so
// amounts carry tails ("70.00000000001") and add up exactly: sub_totals_before_vat − coupon +
// shipping + cash_on_delivery = taxable_amount; vat = 15% of it; total = taxable + vat. The
// shopper pays the total to the halala. Shipping and the COD fee are VAT-able charges (shown
// without VAT, VAT added), as the store's tax settings say (is_shipping_fee_included_in_vat).
// The COD fee's invoice code, cash_on_delivery, is the double's guess: no example shows one.
// Credit notes carry the same invoice lines; k of a line's q units give back their price less
// round(share × k / q) of the coupon, the last units the exact rest, so a reversal's notes add
// up to the order exactly. An order reversed without a credit note (SetStatus reversed) has
// none.
//
// # Rate limit
//
// 60 requests per app per store on the product endpoints (/v1/products…) only, as Zid
// announces; the window is not stated, and the double takes a minute: a leaky bucket of 60
// draining one a second, on Options.RateNow (the wall clock). Past it: 429 with Retry-After
// and Django REST framework's {"detail": "Request was throttled. Expected available in N
// seconds."}. Zid documents no rate-limit headers, so none is sent.
//
// # Faults
//
// storetest's kinds; a Path starting with /oauth aims at the OAuth endpoints. Throttle and
// TooManyRequests are the 429 above; ChangesMidPaging moves the first order of a list page one
// status on (new → preparing → ready → indelivery; a later one gets a comment), which bumps its
// updated_at; TokenExpires expires every grant.
//
// Every answer has a Date header on the store's clock (Options.Clock).
//
// # Exported API
//
//	NewServer(Options) *Server; (*Server).Start() *httptest.Server
//	Clock, ClientID, ClientSecret, StoreID
//	Requests, OAuthRequests, RequestsTo, InjectFaults(storetest.Fault…), ClearFaults,
//	    PendingFaults (storetest.Traffic's)
//	IssueTokens, CurrentTokens, TokenState, ExpireTokens; Tokens
//	AddLocation, DefaultLocation, Locations, AddCategory, Categories, AddProduct(ProductInput) (id, sold ids),
//	    Edit, Sellables, Sellable, SellableBySKU
//	AddCustomer, PlaceOrder(OrderInput), SetStatus, CreditNote, Reverse, EditOrder, Orders
//	Seed(SeedOptions) SeedResult
//	NewHarness(t, HarnessOptions) *Harness — contract.Harness; DefaultCredentials and the
//	    Cred* keys (exactly the Zid client's credentials, the redirect address a refresh sends
//	    among them), DefaultOptions and OptStoreID (the store's id is a setting), App; a
//	    harness whose settings are not the ones its Platform registers fails the test;
//	    orders are named "#" + id; HarnessOptions.Invoiced are the statuses counted as paid
package zidtest
