// Package zidtest is an in-memory Zid store answering Zid's Merchant API v1 and its OAuth
// endpoints over HTTP at one loopback address, for tests and benchmarks: the API under /v1
// (api.zid.sa in production) and OAuth under /oauth (oauth.zid.sa).
//
// # Credentials
//
// A grant is three tokens: the Authorization (sent as "Authorization: Bearer …"), the access
// token (the store's manager token) and the refresh token. The manager endpoints
// (/v1/managers/…) take the access token as X-Manager-Token; the product, location and
// reverse-order endpoints take it as Access-Token with Store-Id (the store's id) and
// Role: Manager. A missing, unknown or expired token is 401, a wrong Store-Id or Role 403.
//
// # Endpoints
//
//	GET   /v1/managers/account/profile        the manager, with the store (id, title, currency)
//	GET   /v1/locations/                      DRF list of the inventory locations
//	GET   /v1/products/                       DRF list: page, page_size (10, at most 50), ordering,
//	                                          extended=true (variants inside parents), structure,
//	                                          search, id__in, barcode
//	POST  /v1/products/, GET|PATCH /v1/products/{id}/
//	GET|PATCH|POST /v1/products/{id}/stocks/, GET|PATCH /v1/products/{id}/stocks/{stock_id}/
package zidtest
