package storage

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

// TestPropertyRandomOperations runs a long random mix of every operation, some of them invalid and
// some transactions rolled back on purpose, against a model of what stock should be. Throughout:
// each stock level equals the sum of its ledger and the model, every invoice's stored totals equal
// the sum of its parts, and every movement belongs to a document that exists.
func TestPropertyRandomOperations(t *testing.T) {
	ops := 10000
	if testing.Short() {
		ops = 1500
	}
	if s := os.Getenv("MIZAN_PROPERTY_OPS"); s != "" {
		ops, _ = strconv.Atoi(s)
	}
	seed := int64(20261126)
	if s := os.Getenv("MIZAN_PROPERTY_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("seed %d, %d operations", seed, ops)
	rng := rand.New(rand.NewSource(seed))
	db := openTest(t)
	m := &model{stock: map[[2]int64]decimal.Decimal{}, sold: map[int64]map[int64]decimal.Decimal{}}
	must(t, db.Update(ctx, func(tx *Tx) error {
		b, err := tx.CreateBranch("RUH", "Riyadh")
		if err != nil {
			return err
		}
		w, err := tx.CreateWarehouse("Riyadh store room", b.ID)
		m.branches, m.warehouses, m.clients = []int64{1, b.ID}, []int64{1, w.ID}, []int64{1}
		return err
	}))

	counts := map[string]int{}
	for i := 0; i < ops; {
		staged := m.fork()
		rollback := rng.Intn(20) == 0
		n := 1 + rng.Intn(3)
		var done []string
		err := db.Update(ctx, func(tx *Tx) error {
			for k := 0; k < n && i+k < ops; k++ {
				name, err := staged.randomOp(tx, rng)
				if err != nil && !IsValidation(err) {
					return fmt.Errorf("op %d %s: %w", i+k, name, err)
				}
				if err != nil {
					name += " refused"
					if os.Getenv("MIZAN_PROPERTY_VERBOSE") != "" {
						t.Logf("%s: %v", name, err)
					}
				}
				done = append(done, name)
			}
			if rollback {
				return errRollback
			}
			return nil
		})
		i += len(done)
		if err != nil && !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if err == nil {
			*m = *staged
		}
		for _, name := range done {
			counts[name]++
		}
		if i%2500 < len(done) || i >= ops {
			checkInvariants(t, db, m)
		}
	}
	t.Logf("operations: %v", counts)
	for _, op := range []string{"product", "edit product", "inbound", "outbound", "adjust", "client", "sale", "return",
		"outbound refused", "return refused", "sale refused"} {
		if counts[op] == 0 {
			t.Errorf("the mix never ran %q", op)
		}
	}
}

var errRollback = errors.New("rolled back on purpose")

type model struct {
	branches, warehouses, clients, products []int64
	stock                                   map[[2]int64]decimal.Decimal
	sales                                   []int64
	sold                                    map[int64]map[int64]decimal.Decimal // invoice → product → sold − returned
	invoiceWH                               map[int64]int64
	next                                    int
}

func (m *model) fork() *model {
	c := *m
	c.products = append([]int64(nil), m.products...)
	c.clients = append([]int64(nil), m.clients...)
	c.sales = append([]int64(nil), m.sales...)
	c.stock = make(map[[2]int64]decimal.Decimal, len(m.stock))
	for k, v := range m.stock {
		c.stock[k] = v
	}
	c.sold = make(map[int64]map[int64]decimal.Decimal, len(m.sold))
	for k, v := range m.sold {
		inner := make(map[int64]decimal.Decimal, len(v))
		for p, q := range v {
			inner[p] = q
		}
		c.sold[k] = inner
	}
	c.invoiceWH = make(map[int64]int64, len(m.invoiceWH))
	for k, v := range m.invoiceWH {
		c.invoiceWH[k] = v
	}
	return &c
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.Intn(len(xs))] }

func randQty(rng *rand.Rand) decimal.Decimal {
	if rng.Intn(4) == 0 {
		return decimal.New(int64(1+rng.Intn(40)), -1) // fractional (kg)
	}
	return decimal.NewFromInt(int64(1 + rng.Intn(6)))
}

func randMoney(rng *rand.Rand, max int) decimal.Decimal {
	return decimal.New(int64(rng.Intn(max*100)), -2)
}

func (m *model) randomOp(tx *Tx, rng *rand.Rand) (string, error) {
	m.next++
	if len(m.products) < 3 {
		return m.createProduct(tx, rng)
	}
	switch r := rng.Intn(100); {
	case r < 8:
		return m.createProduct(tx, rng)
	case r < 12:
		p, err := tx.Product(pick(rng, m.products))
		if err != nil {
			return "edit product", err
		}
		p.SalePrice = randMoney(rng, 200)
		p.Name = p.Name + "*"
		_, err = tx.UpdateProduct(p)
		return "edit product", err
	case r < 27:
		p, w, q := pick(rng, m.products), pick(rng, m.warehouses), randQty(rng)
		_, err := tx.PostRequisition(Requisition{Kind: Inbound, WarehouseID: w, Lines: []RequisitionLine{{ProductID: p, Quantity: q}}})
		if err == nil {
			m.add(p, w, q)
		}
		return "inbound", err
	case r < 35:
		p, w, q := pick(rng, m.products), pick(rng, m.warehouses), randQty(rng)
		_, err := tx.PostRequisition(Requisition{Kind: Outbound, WarehouseID: w, Lines: []RequisitionLine{{ProductID: p, Quantity: q}}})
		if err == nil {
			m.add(p, w, q.Neg())
		}
		return "outbound", err
	case r < 40:
		p, w, c := pick(rng, m.products), pick(rng, m.warehouses), decimal.NewFromInt(int64(rng.Intn(30)))
		delta, err := tx.Adjust(p, w, c, "count")
		if err == nil {
			m.add(p, w, delta)
		}
		return "adjust", err
	case r < 45:
		c, err := tx.CreateClient(Client{Name: fmt.Sprintf("عميل %d", m.next), Phone: fmt.Sprintf("05%08d", rng.Intn(1e8))})
		if err == nil {
			m.clients = append(m.clients, c.ID)
		}
		return "client", err
	case r < 80:
		return m.sale(tx, rng)
	default:
		return m.ret(tx, rng)
	}
}

func (m *model) createProduct(tx *Tx, rng *rand.Rand) (string, error) {
	code := fmt.Sprintf("P-%05d", m.next)
	if rng.Intn(15) == 0 && len(m.products) > 0 {
		code = "P-00001" // sometimes a duplicate code: refused
	}
	p, err := tx.CreateProduct(Product{Code: code, Name: "منتج " + code, SalePrice: randMoney(rng, 300), PurchasePrice: randMoney(rng, 150)})
	if err == nil {
		m.products = append(m.products, p.ID)
	}
	return "product", err
}

func (m *model) sale(tx *Tx, rng *rand.Rand) (string, error) {
	inv := Invoice{BranchID: pick(rng, m.branches), WarehouseID: pick(rng, m.warehouses), ClientID: pick(rng, m.clients),
		Currency: "SAR", TaxInclusive: rng.Intn(2) == 0}
	for n := 1 + rng.Intn(4); n > 0; n-- {
		q, price := randQty(rng), randMoney(rng, 300)
		l := InvoiceLine{ProductID: pick(rng, m.products), Quantity: q, UnitPrice: price, Tax: price.Mul(q).Mul(decimal.New(15, -2)).Round(2)}
		if rng.Intn(3) == 0 {
			l.Discount = q.Mul(price).Mul(decimal.New(int64(rng.Intn(50)), -2)).Round(2)
		}
		if rng.Intn(30) == 0 {
			l.UnitPrice = decimal.NewFromInt(-1) // refused
		}
		inv.Lines = append(inv.Lines, l)
	}
	if rng.Intn(2) == 0 {
		inv.Charges = append(inv.Charges, Charge{Kind: ChargeShipping, Amount: randMoney(rng, 40), Tax: randMoney(rng, 6)})
	}
	if rng.Intn(5) == 0 {
		inv.Charges = append(inv.Charges, Charge{Kind: ChargeFee, Description: "COD", Amount: randMoney(rng, 10)})
	}
	if rng.Intn(4) == 0 {
		inv.Discount = randMoney(rng, 20)
	}
	out, err := tx.IssueSalesInvoice(inv)
	if err != nil {
		return "sale", err
	}
	m.sales = append(m.sales, out.ID)
	m.sold[out.ID] = map[int64]decimal.Decimal{}
	m.invoiceWH[out.ID] = out.WarehouseID
	for _, l := range out.Lines {
		m.add(l.ProductID, out.WarehouseID, l.Quantity.Neg())
		m.sold[out.ID][l.ProductID] = m.sold[out.ID][l.ProductID].Add(l.Quantity)
	}
	return "sale", nil
}

func (m *model) ret(tx *Tx, rng *rand.Rand) (string, error) {
	if len(m.sales) == 0 {
		return m.sale(tx, rng)
	}
	orig := pick(rng, m.sales)
	var lines []InvoiceLine
	for p, left := range m.sold[orig] {
		if rng.Intn(2) == 0 {
			continue
		}
		q := left
		if rng.Intn(3) == 0 {
			q = q.Add(decimal.NewFromInt(1)) // more than is left: refused
		} else if left.GreaterThan(decimal.NewFromInt(1)) {
			q = decimal.NewFromInt(1)
		}
		if !q.IsPositive() {
			continue
		}
		lines = append(lines, InvoiceLine{ProductID: p, Quantity: q, UnitPrice: decimal.New(1, -2), Restock: rng.Intn(4) != 0})
	}
	if len(lines) == 0 {
		lines = []InvoiceLine{{Description: "amount refund", Quantity: decimal.NewFromInt(1), UnitPrice: decimal.New(1, -2)}}
	}
	out, err := tx.IssueReturnInvoice(Invoice{OriginalID: orig, Lines: lines})
	if err != nil {
		return "return", err
	}
	for _, l := range out.Lines {
		if l.ProductID == 0 {
			continue
		}
		m.sold[orig][l.ProductID] = m.sold[orig][l.ProductID].Sub(l.Quantity)
		if l.Restock {
			m.add(l.ProductID, out.WarehouseID, l.Quantity)
		}
	}
	return "return", nil
}

func (m *model) add(p, w int64, q decimal.Decimal) {
	k := [2]int64{p, w}
	m.stock[k] = m.stock[k].Add(q)
}

func checkInvariants(t *testing.T, db *DB, m *model) {
	t.Helper()
	ledger := map[[2]int64]decimal.Decimal{}
	moves, err := db.AllMovements(ctx)
	must(t, err)
	for _, mv := range moves {
		k := [2]int64{mv.ProductID, mv.WarehouseID}
		ledger[k] = ledger[k].Add(mv.Quantity)
	}
	var orphans int
	must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM stock_movements m
		LEFT JOIN requisitions r ON m.source_type = 'requisition' AND r.id = m.source_id
		LEFT JOIN invoices i ON m.source_type IN ('sales_invoice', 'return_invoice') AND i.id = m.source_id
		LEFT JOIN adjustments a ON m.source_type = 'adjustment' AND a.id = m.source_id
		WHERE COALESCE(r.id, i.id, a.id) IS NULL`).Scan(&orphans))
	if orphans != 0 {
		t.Fatalf("%d movements point at no document", orphans)
	}
	levels, err := db.Stock(ctx)
	must(t, err)
	seen := map[[2]int64]bool{}
	for _, l := range levels {
		k := [2]int64{l.ProductID, l.WarehouseID}
		seen[k] = true
		if !l.Quantity.Equal(ledger[k]) {
			t.Fatalf("product %s in %s: level %s, ledger sum %s", l.Code, l.Warehouse, l.Quantity, ledger[k])
		}
		if !l.Quantity.Equal(m.stock[k]) {
			t.Fatalf("product %s in %s: level %s, model %s", l.Code, l.Warehouse, l.Quantity, m.stock[k])
		}
	}
	for k, q := range m.stock {
		if !seen[k] && !q.IsZero() {
			t.Fatalf("model has %s of %v that the books lack", q, k)
		}
	}
	for k, q := range ledger {
		if !seen[k] && !q.IsZero() {
			t.Fatalf("ledger has %s of %v with no stock level", q, k)
		}
	}
	invs, err := db.FullInvoices(ctx, InvoiceFilter{})
	must(t, err)
	for _, inv := range invs {
		stored := inv
		stored.Lines = append([]InvoiceLine(nil), inv.Lines...)
		inv.ComputeTotals()
		for i := range inv.Lines {
			if !inv.Lines[i].Total.Equal(stored.Lines[i].Total) {
				t.Fatalf("%s line %d: stored total %s, parts make %s", inv.Number, i+1, stored.Lines[i].Total, inv.Lines[i].Total)
			}
		}
		for _, pair := range [][2]decimal.Decimal{{inv.Subtotal, stored.Subtotal}, {inv.Tax, stored.Tax}, {inv.Shipping, stored.Shipping},
			{inv.OtherCharges, stored.OtherCharges}, {inv.Total, stored.Total}} {
			if !pair[0].Equal(pair[1]) {
				t.Fatalf("%s: stored %s, parts make %s", inv.Number, pair[1], pair[0])
			}
		}
		want := stored.Subtotal.Sub(stored.Discount).Add(stored.Shipping).Add(stored.OtherCharges)
		if !stored.TaxInclusive {
			want = want.Add(stored.Tax)
		}
		if !want.Equal(stored.Total) {
			t.Fatalf("%s: total %s is not subtotal − discount + charges + tax = %s", inv.Number, stored.Total, want)
		}
	}
}
