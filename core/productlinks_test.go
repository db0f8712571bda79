package core_test

import (
	"errors"
	"testing"

	"mizan/core"
	"mizan/storage"
)

func TestProductLinksAndArchivedProducts(t *testing.T) {
	e := newEnv(t)
	var kept, archived storage.Product
	if err := e.db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if kept, err = tx.CreateProduct(storage.Product{Code: "NEW-1", Name: "بخور", SalePrice: d("20")}); err != nil {
			return err
		}
		if archived, err = tx.CreateProduct(storage.Product{Code: "OLD-1", Name: "Old soap", SalePrice: d("5")}); err != nil {
			return err
		}
		return tx.SetArchived(archived.ID, true)
	}); err != nil {
		t.Fatal(err)
	}
	state := func(p storage.Product) core.ProductLink {
		t.Helper()
		links, err := e.eng.ProductLinks(ctx, p.ID)
		if err != nil || len(links) != 1 {
			t.Fatalf("links of %s: %v %+v", p.Code, err, links)
		}
		return links[0]
	}
	if l := state(kept); l.State != core.ProductPending || l.Connection != "Test shop" {
		t.Errorf("a new product before a sync: %+v", l)
	}
	if l := state(archived); l.State != core.ProductAbsent {
		t.Errorf("an archived product: %+v", l)
	}
	// A failed creation shows as failed until a sync creates it.
	e.store.FailNext("CreateProduct", errors.New("the store is full"))
	e.sync()
	if l := state(kept); l.State != core.ProductFailed {
		t.Errorf("after a failed creation: %+v", l)
	}
	e.sync()
	if l := state(kept); l.State != core.ProductLinked || l.ExternalID == "" {
		t.Errorf("after the sync: %+v", l)
	}
	if _, found := e.store.ProductBySKU("OLD-1"); found {
		t.Error("the archived product was created in the store")
	}
	// An edit waits for the next sync, which sends it.
	kept.SalePrice = d("22.5")
	if err := e.db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.UpdateProduct(kept); return err }); err != nil {
		t.Fatal(err)
	}
	if l := state(kept); l.State != core.ProductPending {
		t.Errorf("after an edit: %+v", l)
	}
	e.sync()
	if sp, _ := e.store.ProductBySKU("NEW-1"); !sp.SalePrice.Equal(d("22.5")) {
		t.Errorf("the store's price: %s", sp.SalePrice)
	}
	if l := state(kept); l.State != core.ProductLinked {
		t.Errorf("after the edit's sync: %+v", l)
	}
}
