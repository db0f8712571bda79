package storage

import (
	"testing"
)

// benchmarkInvoices posts b.N three-line sales invoices, perTx of them in each transaction, and
// reports invoices per second.
func benchmarkInvoices(b *testing.B, perTx int) {
	f := newFixture(b)
	var third Product
	must(b, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		third, err = tx.CreateProduct(Product{Code: "DATES-1", Name: "تمر سكري", SalePrice: d("45")})
		return err
	}))
	inv := f.sale(
		InvoiceLine{ProductID: f.coffee.ID, Quantity: d("2"), UnitPrice: d("32"), Discount: d("4"), Tax: d("9")},
		InvoiceLine{ProductID: f.tea.ID, Quantity: d("1"), UnitPrice: d("12.5"), Tax: d("1.875")},
		InvoiceLine{ProductID: third.ID, Quantity: d("0.5"), UnitPrice: d("45"), Tax: d("3.375")},
	)
	inv.Charges = []Charge{{Kind: ChargeShipping, Amount: d("15"), Tax: d("2.25")}}
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(perTx, b.N-done)
		must(b, f.db.Update(ctx, func(tx *Tx) error {
			for i := 0; i < n; i++ {
				if _, err := tx.IssueSalesInvoice(inv); err != nil {
					return err
				}
			}
			return nil
		}))
		done += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invoices/s")
}

func BenchmarkInvoiceOnePerTx(b *testing.B) { benchmarkInvoices(b, 1) }
func BenchmarkInvoice250PerTx(b *testing.B) { benchmarkInvoices(b, 250) }
