package sallatest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// decOf reads a price that may come as a number or a string; nil when absent or null.
func decOf(m json.RawMessage) (*decimal.Decimal, bool) {
	s := strings.Trim(strings.TrimSpace(string(m)), `"`)
	if len(m) == 0 || s == "null" {
		return nil, true
	}
	if s == "" {
		return nil, true
	}
	d, err := decimal.NewFromString(s)
	if err != nil || d.IsNegative() {
		return nil, false
	}
	d = d.Round(2)
	return &d, true
}

func intOf(m json.RawMessage) (int, bool) {
	s := strings.Trim(strings.TrimSpace(string(m)), `"`)
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// productInput is the body of POST /products and PUT /products/{id}.
type productInput struct {
	Name        *string         `json:"name"`
	Description *string         `json:"description"`
	Price       json.RawMessage `json:"price"`
	SalePrice   json.RawMessage `json:"sale_price"`
	CostPrice   json.RawMessage `json:"cost_price"`
	Quantity    json.RawMessage `json:"quantity"`
	Unlimited   *bool           `json:"unlimited_quantity"`
	SKU         *string         `json:"sku"`
	GTIN        *string         `json:"gtin"`
	MPN         *string         `json:"mpn"`
	Status      *string         `json:"status"`
	ProductType string          `json:"product_type"`
	Categories  []json.Number   `json:"categories"`
	Options     []optionInput   `json:"options"`
	Barcode     *string         `json:"barcode"`
}

type optionInput struct {
	Name   string `json:"name"`
	Values []struct {
		Name     string          `json:"name"`
		Price    json.RawMessage `json:"price"`
		Quantity json.RawMessage `json:"quantity"`
	} `json:"values"`
}

func (s *Server) createProduct(r *http.Request) (answer, *apiError) {
	var in productInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return answer{}, errorf(http.StatusBadRequest, "bad_request", "The request body is not valid JSON.")
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return answer{}, invalid("name", "The name field is required.")
	}
	price, good := decOf(in.Price)
	if !good || price == nil {
		return answer{}, invalid("price", "The price field is required and must be a number.")
	}
	if in.ProductType != "" && in.ProductType != "product" {
		return answer{}, invalid("product_type", "Only product types are kept by this store.")
	}
	now := s.clock.Now()
	br := s.st.defaultBranch().id
	p := &product{id: s.st.id("product"), name: strings.TrimSpace(*in.Name), price: *price, status: "sale",
		stock: map[int64]int{}, createdAt: now, updatedAt: now}
	if in.SKU != nil && *in.SKU != "" && s.skuTaken(*in.SKU, nil) {
		return answer{}, invalid("sku", "The sku has already been taken.")
	}
	if e := s.applyProduct(p, in); e != nil {
		return answer{}, e
	}
	if len(in.Options) > 0 {
		combos := [][]*optionValue{{}}
		qtys := map[*optionValue]int{}
		for _, oi := range in.Options {
			o := &option{id: s.st.id("option"), name: oi.Name}
			var next [][]*optionValue
			for _, vi := range oi.Values {
				d, _ := decOf(vi.Price)
				v := &optionValue{id: s.st.id("value"), name: vi.Name}
				if d != nil {
					v.price = *d
				}
				if n, ok := intOf(vi.Quantity); ok {
					qtys[v] = n
				}
				o.values = append(o.values, v)
			}
			for _, c := range combos {
				for _, v := range o.values {
					next = append(next, append(append([]*optionValue(nil), c...), v))
				}
			}
			combos = next
			p.options = append(p.options, o)
		}
		for _, c := range combos {
			v := &sku{id: s.st.id("sku"), product: p, price: p.price, stock: map[int64]int{br: 0}, values: c, updatedAt: now}
			for _, val := range c {
				v.price = v.price.Add(val.price)
				if q, ok := qtys[val]; ok {
					v.stock[br] = q
				}
			}
			v.cost = p.cost
			p.skus = append(p.skus, v)
			s.st.skus[v.id] = v
		}
		p.stock = map[int64]int{}
	}
	s.st.products[p.id] = p
	return answer{status: http.StatusCreated, data: s.productJSON(p, true)}, nil
}

func (s *Server) skuTaken(code string, except any) bool {
	for _, x := range s.sellables() {
		if x.skuCode() == code && (except == nil || (x.v != nil && any(x.v) != except) || (x.v == nil && any(x.p) != except)) {
			return true
		}
	}
	return false
}

// applyProduct applies the fields a body carries to a product.
func (s *Server) applyProduct(p *product, in productInput) *apiError {
	if in.Name != nil {
		if strings.TrimSpace(*in.Name) == "" {
			return invalid("name", "The name field is required.")
		}
		p.name = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		p.description = *in.Description
	}
	if len(in.Price) > 0 {
		d, good := decOf(in.Price)
		if !good || d == nil {
			return invalid("price", "The price must be a number.")
		}
		p.price = *d
	}
	if len(in.SalePrice) > 0 {
		d, good := decOf(in.SalePrice)
		if !good {
			return invalid("sale_price", "The sale price must be a number.")
		}
		if d != nil && d.IsZero() {
			d = nil
		}
		p.salePrice = d
	}
	if len(in.CostPrice) > 0 {
		d, good := decOf(in.CostPrice)
		if !good {
			return invalid("cost_price", "The cost price must be a number.")
		}
		p.cost = d
	}
	if len(in.Quantity) > 0 && len(p.skus) == 0 {
		n, good := intOf(in.Quantity)
		if !good || n < 0 {
			return invalid("quantity", "The quantity must be a whole number of at least 0.")
		}
		p.stock[s.st.defaultBranch().id] = n
	}
	if in.Unlimited != nil {
		p.unlimited = *in.Unlimited
	}
	if in.SKU != nil {
		if *in.SKU != "" && s.skuTaken(*in.SKU, p) {
			return invalid("sku", "The sku has already been taken.")
		}
		p.sku = *in.SKU
	}
	if in.GTIN != nil {
		p.gtin = *in.GTIN
	}
	if in.Barcode != nil && in.GTIN == nil {
		p.gtin = *in.Barcode
	}
	if in.MPN != nil {
		p.mpn = *in.MPN
	}
	if in.Status != nil {
		switch *in.Status {
		case "sale", "out", "hidden":
			p.status = *in.Status
		default:
			return invalid("status", "The selected status is invalid.")
		}
	}
	if in.Categories != nil {
		p.categories = nil
		for _, c := range in.Categories {
			n, _ := strconv.ParseInt(c.String(), 10, 64)
			if s.st.categories[n] == nil {
				return invalid("categories", "The selected categories is invalid.")
			}
			p.categories = append(p.categories, n)
		}
	}
	return nil
}

func (s *Server) updateProduct(r *http.Request, p *product) *apiError {
	var in productInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return errorf(http.StatusBadRequest, "bad_request", "The request body is not valid JSON.")
	}
	if in.Options != nil {
		return invalid("options", "Options are changed through the product options endpoints.")
	}
	if e := s.applyProduct(p, in); e != nil {
		return e
	}
	p.updatedAt = s.clock.Now()
	return nil
}

// updateVariant answers PUT /products/variants/{id}: sku, barcode, price, sale_price,
// cost_price, stock_quantity, mpn, gtin.
func (s *Server) updateVariant(r *http.Request, v *sku) *apiError {
	var in struct {
		SKU       *string         `json:"sku"`
		Barcode   *string         `json:"barcode"`
		MPN       *string         `json:"mpn"`
		GTIN      *string         `json:"gtin"`
		Price     json.RawMessage `json:"price"`
		SalePrice json.RawMessage `json:"sale_price"`
		CostPrice json.RawMessage `json:"cost_price"`
		Stock     json.RawMessage `json:"stock_quantity"`
		Unlimited *bool           `json:"unlimited_quantity"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return errorf(http.StatusBadRequest, "bad_request", "The request body is not valid JSON.")
	}
	if in.SKU != nil {
		if *in.SKU != "" && s.skuTaken(*in.SKU, v) {
			return invalid("sku", "The sku has already been taken.")
		}
		v.sku = *in.SKU
	}
	if in.Barcode != nil {
		v.barcode = *in.Barcode
	}
	if in.MPN != nil {
		v.mpn = *in.MPN
	}
	if in.GTIN != nil {
		v.gtin = *in.GTIN
	}
	for _, f := range []struct {
		raw  json.RawMessage
		name string
		to   **decimal.Decimal
	}{{in.SalePrice, "sale_price", &v.salePrice}, {in.CostPrice, "cost_price", &v.cost}} {
		if len(f.raw) == 0 {
			continue
		}
		d, good := decOf(f.raw)
		if !good {
			return invalid(f.name, "The "+strings.ReplaceAll(f.name, "_", " ")+" must be a number.")
		}
		if d != nil && d.IsZero() && f.name == "sale_price" {
			d = nil
		}
		*f.to = d
	}
	if len(in.Price) > 0 {
		d, good := decOf(in.Price)
		if !good || d == nil {
			return invalid("price", "The price must be a number.")
		}
		v.price = *d
	}
	if len(in.Stock) > 0 {
		n, good := intOf(in.Stock)
		if !good || n < 0 {
			return invalid("stock_quantity", "The stock quantity must be a whole number of at least 0.")
		}
		v.stock[s.st.defaultBranch().id] = n
	}
	if in.Unlimited != nil {
		v.unlimited = *in.Unlimited
	}
	sellable{p: v.product, v: v}.touch(s.clock.Now())
	return nil
}
