package zidtest

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"
)

// Names are a name in Arabic and English; either may be empty (Zid sends only the ones there
// are).
type Names struct{ Ar, En string }

// ProductInput is a product to add directly (as the merchant would in the dashboard).
type ProductInput struct {
	Name      Names
	SKU       string // for a product without variants
	Barcode   string
	Price     decimal.Decimal // as shown: with VAT (the store's default)
	SalePrice *decimal.Decimal
	Cost      *decimal.Decimal
	// Quantity is the stock at the default location; Stocks at other locations, by location id.
	Quantity int
	Stocks   map[string]int
	Infinite bool
	Category Names // created when new
	// Option names the option ("الحجم") when there are variants.
	Option   string
	Variants []VariantInput
}

// VariantInput is one value of the product's option, sold as its own product.
type VariantInput struct {
	Value     string
	SKU       string
	Barcode   string
	Price     decimal.Decimal
	SalePrice *decimal.Decimal
	Cost      *decimal.Decimal
	Quantity  int
	Stocks    map[string]int
	Infinite  bool
}

// AddProduct adds a product and returns its id and the ids of what is sold: the product's own
// id for a product without variants, else its variants' ids.
func (s *Server) AddProduct(in ProductInput) (string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addProduct(in)
}

func (s *Server) addProduct(in ProductInput) (string, []string) {
	now := s.clock.Now()
	p := &product{id: s.st.uuid("product"), structure: "standalone", name: names{ar: in.Name.Ar, en: in.Name.En}, sku: in.SKU,
		barcode: in.Barcode, price: in.Price, salePrice: in.SalePrice, cost: in.Cost, createdAt: now, updatedAt: now}
	if in.Category.Ar != "" || in.Category.En != "" {
		p.categories = []*category{s.category(names{ar: in.Category.Ar, en: in.Category.En})}
	}
	s.st.products = append(s.st.products, p)
	s.st.byID[p.id] = p
	if len(in.Variants) == 0 {
		s.stockRows(p, in.Quantity, in.Stocks, in.Infinite)
		return p.id, []string{p.id}
	}
	p.structure, p.option, p.sku = "parent", in.Option, ""
	if p.option == "" {
		p.option = "النوع"
	}
	p.price = in.Variants[0].Price
	var ids []string
	for _, v := range in.Variants {
		c := &product{id: s.st.uuid("product"), structure: "child", parent: p, sku: v.SKU, barcode: v.Barcode, price: v.Price,
			salePrice: v.SalePrice, cost: v.Cost, value: v.Value, createdAt: now, updatedAt: now}
		if p.name.ar != "" {
			c.name.ar = p.name.ar + " - " + v.Value
		}
		if p.name.en != "" {
			c.name.en = p.name.en + " - " + v.Value
		}
		s.stockRows(c, v.Quantity, v.Stocks, v.Infinite)
		p.children = append(p.children, c)
		s.st.products = append(s.st.products, c)
		s.st.byID[c.id] = c
		ids = append(ids, c.id)
	}
	return p.id, ids
}

// stockRows gives a sellable product a row at the default location and one at each other
// location named.
func (s *Server) stockRows(p *product, qty int, others map[string]int, infinite bool) {
	def := s.st.defaultLocation()
	p.stocks = append(p.stocks, &stock{id: s.st.uuid("stock"), location: def, qty: qty, infinite: infinite})
	for _, l := range s.st.locations {
		if q, has := others[l.id]; has && l != def {
			p.stocks = append(p.stocks, &stock{id: s.st.uuid("stock"), location: l, qty: q, infinite: infinite})
		}
	}
}

func (s *Server) category(n names) *category {
	for _, c := range s.st.categories {
		if c.name == n {
			return c
		}
	}
	c := &category{id: strconv.Itoa(1346690 + 7*len(s.st.categories)), name: n}
	s.st.categories = append(s.st.categories, c)
	return c
}

// AddLocation adds an inventory location and returns its id.
func (s *Server) AddLocation(name Names, city string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &location{id: s.st.uuid("location"), name: names{ar: name.Ar, en: name.En}, city: city, address: city}
	s.st.locations = append(s.st.locations, l)
	return l.id
}

// DefaultLocation is the default location's id.
func (s *Server) DefaultLocation() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.defaultLocation().id
}

// Locations lists the locations' ids, the default first.
func (s *Server) Locations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.st.locations {
		out = append(out, l.id)
	}
	return out
}

// SellableInfo is a read-only view of a product without variants or of one variant.
type SellableInfo struct {
	ID, ProductID string // the product's own id and, for a variant, its parent's (else the same)
	Name          Names  // the product's name (a variant: its parent's)
	Value         string // a variant's option value
	SKU, Barcode  string
	Price         decimal.Decimal // what a shopper pays: the sale price when there is one
	Cost          *decimal.Decimal
	Quantity      int            // at the default location
	Stocks        map[string]int // by location id
	Infinite      bool
	Categories    []Names // the product's (a variant: its parent's)
}

func (s *Server) infoOf(p *product) SellableInfo {
	in := SellableInfo{ID: p.id, ProductID: p.id, Name: Names{Ar: p.name.ar, En: p.name.en}, SKU: p.sku, Barcode: p.barcode,
		Price: p.unitPrice(), Cost: p.cost, Stocks: map[string]int{}, Infinite: p.infinite()}
	if p.parent != nil {
		in.ProductID, in.Value = p.parent.id, p.value
		in.Name = Names{Ar: p.parent.name.ar, En: p.parent.name.en}
	}
	for _, x := range p.stocks {
		in.Stocks[x.location.id] = x.qty
	}
	cats := p.categories
	if p.parent != nil {
		cats = p.parent.categories
	}
	for _, c := range cats {
		in.Categories = append(in.Categories, Names{Ar: c.name.ar, En: c.name.en})
	}
	if x := p.stockAt(s.st.defaultLocation()); x != nil {
		in.Quantity = x.qty
	}
	return in
}

// Sellables lists every product without variants and every variant, in creation order.
func (s *Server) Sellables() []SellableInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SellableInfo
	for _, p := range s.st.products {
		if p.sellable() {
			out = append(out, s.infoOf(p))
		}
	}
	return out
}

// Sellable looks up a product without variants or a variant by id.
func (s *Server) Sellable(id string) (SellableInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.st.byID[id]; p != nil && p.sellable() {
		return s.infoOf(p), true
	}
	return SellableInfo{}, false
}

// SellableBySKU looks one up by SKU.
func (s *Server) SellableBySKU(sku string) (SellableInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.st.products {
		if p.sellable() && sku != "" && p.sku == sku {
			return s.infoOf(p), true
		}
	}
	return SellableInfo{}, false
}

// Edit changes a product without variants or a variant by hand: any of its name (a
// variant's: its parent's, in the languages it has), price (clearing a sale price) and quantity at the
// default location.
func (s *Server) Edit(id string, name *string, price *decimal.Decimal, quantity *int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.byID[id]
	if p == nil || !p.sellable() {
		return fmt.Errorf("no product or variant %s", id)
	}
	if name != nil {
		// The new name goes to the languages the product has a name in.
		target := p
		if p.parent != nil {
			target = p.parent
		}
		if target.name.ar != "" || target.name.en == "" {
			target.name.ar = *name
		}
		if target.name.en != "" {
			target.name.en = *name
		}
		for _, c := range target.children {
			c.name = names{}
			if target.name.ar != "" {
				c.name.ar = target.name.ar + " - " + c.value
			}
			if target.name.en != "" {
				c.name.en = target.name.en + " - " + c.value
			}
		}
	}
	if price != nil {
		p.price, p.salePrice = *price, nil
	}
	if quantity != nil {
		row := p.stockAt(s.st.defaultLocation())
		if row == nil {
			row = &stock{id: s.st.uuid("stock"), location: s.st.defaultLocation()}
			p.stocks = append(p.stocks, row)
		}
		row.qty = *quantity
	}
	p.touch(s.clock.Now())
	return nil
}
