package zid

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"mizan/core"
	"mizan/platforms/categories"
)

func (c categoryNode) parts() (string, []string, []categoryNode) {
	return c.ID.String(), []string{c.Name.Ar, c.Name.En, c.Names.Ar, c.Names.En}, c.Subs
}

// categoryID returns the id of the store's category named name (in either language, letter
// case aside), from the manager's category list (one request: it has no pages), created with
// that name in both languages when the store has none; once per name. It is "" for no name, and
// when Zid refuses the app its categories (a permission the app lacks in Zid's partner
// dashboard): products are then created without a category, and the merchant is told once in
// the log.
func (s *Store) categoryID(ctx context.Context, name string) (string, error) {
	return s.cats.ID(ctx, name, categories.Store{
		Find: func(ctx context.Context, name string) (string, error) {
			var list struct {
				Categories []categoryNode `json:"categories"`
			}
			if _, err := s.do(ctx, request{op: "find category " + name, scheme: manager, method: http.MethodGet,
				path: "/managers/store/categories"}, &list); err != nil {
				return "", err
			}
			return categories.Find(list.Categories, name, categoryNode.parts), nil
		},
		Create: func(ctx context.Context, name string) (string, error) {
			var out struct {
				Category categoryNode `json:"category"`
			}
			op := "create category " + name
			if _, err := s.do(ctx, request{op: op, scheme: manager, method: http.MethodPost, path: "/managers/store/categories/add",
				form: url.Values{"name[ar]": {name}, "name[en]": {name}}}, &out); err != nil {
				return "", err
			}
			if out.Category.ID.String() == "" {
				return "", &core.StoreError{Op: op, Message: "Zid's answer does not give the new category's id"}
			}
			return out.Category.ID.String(), nil
		},
		Refused: func(err error) {
			s.log.Warn("Zid refused Mizan's access to categories, so products made in the books are created without one; "+
				"allow the app to read and write products in Zid's partner dashboard", slog.String("err", err.Error()))
		},
	})
}

// fileUnder files a product under a category: POST /v1/products/{id}/categories/ with the
// category's id, a number as Zid's docs send it.
func (s *Store) fileUnder(ctx context.Context, productID, categoryID string) error {
	var id any = categoryID
	if strings.Trim(categoryID, "0123456789") == "" {
		id = json.Number(categoryID)
	}
	_, err := s.do(ctx, request{op: "file product " + productID + " under category " + categoryID, scheme: catalog, method: http.MethodPost,
		path: "/products/" + url.PathEscape(productID) + "/categories/", body: map[string]any{"id": id}}, nil)
	return err
}

// refile files a product under the books' category alone: under the store's category of that
// name (found or created as categoryID does) when it is not filed there yet, then out of every
// other category it is in (DELETE /v1/products/{id}/categories/{category_id}/), so that the
// product is never left in no category while it moves. An empty name takes it out of every
// category. When Zid refuses the app its categories, the product's categories are left as
// they are.
func (s *Store) refile(ctx context.Context, productID, name string) error {
	var p product
	if _, err := s.do(ctx, request{op: "read the categories of product " + productID, scheme: catalog, method: http.MethodGet,
		path: "/products/" + url.PathEscape(productID) + "/"}, &p); err != nil {
		return err
	}
	keep := ""
	if name = strings.TrimSpace(name); name != "" {
		id, err := s.categoryID(ctx, name)
		if err != nil || id == "" {
			return err
		}
		keep = id
		filed := false
		for _, c := range p.Categories {
			filed = filed || c.ID.String() == id
		}
		if !filed {
			if err := s.fileUnder(ctx, productID, id); err != nil {
				return err
			}
		}
	}
	for _, c := range p.Categories {
		id := c.ID.String()
		if id == "" || id == keep {
			continue
		}
		op := "take product " + productID + " out of category " + id
		_, err := s.do(ctx, request{op: op, scheme: catalog, method: http.MethodDelete,
			path: "/products/" + url.PathEscape(productID) + "/categories/" + url.PathEscape(id) + "/"}, nil)
		if err != nil && !errors.Is(err, core.ErrNotFound) { // not found: out of it already
			return err
		}
	}
	return nil
}
