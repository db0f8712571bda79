package shopifytest

import (
	_ "embed"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// SchemaSDL is the subset of the Shopify Admin GraphQL schema (2025-01) that
// the in-memory server executes.
//
//go:embed schema.graphql
var SchemaSDL string

var (
	subsetOnce   sync.Once
	subsetSchema *ast.Schema
	subsetErr    error
)

// SubsetSchema returns the parsed embedded schema subset.
func SubsetSchema() (*ast.Schema, error) {
	subsetOnce.Do(func() {
		s, err := gqlparser.LoadSchema(&ast.Source{Name: "shopifytest/schema.graphql", Input: SchemaSDL})
		if err != nil {
			subsetErr = err
			return
		}
		subsetSchema = s
	})
	return subsetSchema, subsetErr
}

func mustSubsetSchema() *ast.Schema {
	s, err := SubsetSchema()
	if err != nil {
		panic("shopifytest: embedded schema does not load: " + err.Error())
	}
	return s
}
