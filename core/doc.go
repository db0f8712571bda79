// Package core is Mizan's sync engine: it drives the merchant's online stores through one Store
// interface and posts what it finds to the books. It knows no platform and no screen.
package core
