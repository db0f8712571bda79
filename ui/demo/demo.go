// Package demo seeds realistic demo books — a Saudi coffee, dates and spices shop selling in its
// branches and through two online stores — for screenshots, trials and the UI's tests. It writes
// through storage's public API only.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// Options tune Seed.
type Options struct {
	// Invoices is how many sales invoices to issue (default 300); about one in ten gets a return.
	Invoices int
	// End is the day of the newest invoice (default: today); invoices spread over the year before.
	End time.Time
	// Days the invoices spread over (default 120).
	Days int
}

// Result says what Seed wrote.
type Result struct {
	Sales, Returns int
	Payments       int // payments received and paid back
}

var vat = decimal.RequireFromString("0.15")

type product struct {
	code, barcode, name, category string
	cost, price                   string
}

var products = []product{
	{"COF-ARB-250", "6281000010017", "قهوة عربية شقراء 250 جم", "قهوة", "18", "35"},
	{"COF-ARB-500", "6281000010024", "قهوة عربية بالهيل 500 جم", "قهوة", "34", "65"},
	{"COF-KHL-1", "6281000010031", "قهوة خولاني", "قهوة", "45", "85"},
	{"COF-ESP-1", "6281000010048", "إسبريسو محمص", "قهوة", "38", "69"},
	{"COF-TUR-1", "6281000010055", "قهوة تركية", "قهوة", "22", "39"},
	{"DAT-SKR-1", "6281000020016", "تمر سكري 1 كجم", "تمور", "28", "55"},
	{"DAT-AJW-1", "6281000020023", "تمر عجوة المدينة", "تمور", "60", "110"},
	{"DAT-KHL-1", "6281000020030", "تمر خلاص الأحساء", "تمور", "25", "48"},
	{"DAT-MJD-1", "6281000020047", "تمر مجدول", "تمور", "55", "98"},
	{"DAT-MAM-1", "6281000020054", "معمول بالتمر", "تمور", "15", "32"},
	{"TEA-GRN-1", "6281000030015", "شاي أخضر", "شاي", "9", "18"},
	{"TEA-BLK-1", "6281000030022", "شاي أسود فاخر", "شاي", "11", "22"},
	{"TEA-MNT-1", "6281000030039", "شاي بالنعناع", "شاي", "10", "20"},
	{"SPC-CRD-1", "6281000040014", "هيل حب", "بهارات", "40", "75"},
	{"SPC-SAF-1", "6281000040021", "زعفران إيراني", "بهارات", "70", "135"},
	{"SPC-CLV-1", "6281000040038", "قرنفل", "بهارات", "12", "24"},
	{"SPC-GNG-1", "6281000040045", "زنجبيل مطحون", "بهارات", "8", "16"},
	{"GFT-BOX-S", "6281000050013", "صندوق هدية صغير", "هدايا", "45", "95"},
	{"GFT-BOX-L", "6281000050020", "صندوق هدية كبير", "هدايا", "90", "185"},
	{"GFT-DLH-1", "6281000050037", "دلة نحاسية", "هدايا", "75", "149"},
	{"GFT-FNJ-6", "6281000050044", "طقم فناجين 6 قطع", "هدايا", "35", "69"},
	{"HNY-SDR-1", "6281000060012", "عسل سدر جبلي", "عسل", "120", "220"},
	{"HNY-SMR-1", "6281000060029", "عسل سمر", "عسل", "80", "150"},
	{"NUT-MIX-1", "6281000070011", "مكسرات مشكلة", "مكسرات", "30", "58"},
}

var firstNames = []string{"محمد", "عبدالله", "فهد", "خالد", "سلطان", "فيصل", "نورة", "سارة", "ريم", "هند",
	"عبدالرحمن", "تركي", "مشاعل", "لمى", "يوسف", "ماجد", "أمل", "بندر", "منيرة", "سعود"}
var lastNames = []string{"العتيبي", "القحطاني", "الشمري", "الدوسري", "الغامدي", "الزهراني", "المطيري", "الحربي",
	"السبيعي", "العنزي", "الشهري", "البقمي"}
var emailNames = []string{"m.otaibi", "abdullah.q", "fahad.s", "khalid.d", "sultan.g", "faisal.z", "noura.m", "sara.h",
	"reem.s", "hind.a", "a.rahman", "turki.sh", "mashael", "lama", "yousef", "majed", "amal", "bandar", "munira", "saud"}

type store struct{ connection, platform, prefix string }

var stores = []store{{"salla-main", "salla", "#"}, {"shopify-gulf", "shopify", "#SG"}}

// Seed opens (creating) the books in dir, seeds them and closes them again. The books' clock is
// moved along with the invoices, so stock movements carry the day their document was issued.
func Seed(ctx context.Context, dir string, o Options) (Result, error) {
	if o.Invoices == 0 {
		o.Invoices = 300
	}
	if o.Days == 0 {
		o.Days = 120
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	end := time.Date(o.End.Year(), o.End.Month(), o.End.Day(), 0, 0, 0, 0, time.Local)
	start := end.AddDate(0, 0, -o.Days)
	clock := start.Add(8 * time.Hour)
	db, err := storage.Open(ctx, dir, storage.Options{Now: func() time.Time { return clock }})
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(2026, 1))
	var res Result

	var ids []int64
	var clients []int64
	var jeddahBranch, jeddahWH int64
	err = db.Update(ctx, func(tx *storage.Tx) error {
		b, err := tx.CreateBranch("JED", "فرع جدة")
		if err != nil {
			return err
		}
		w, err := tx.CreateWarehouse("مستودع جدة", b.ID)
		if err != nil {
			return err
		}
		jeddahBranch, jeddahWH = b.ID, w.ID
		for _, p := range products {
			pr, err := tx.CreateProduct(storage.Product{Code: p.code, Barcode: p.barcode, Name: p.name, Category: p.category,
				PurchasePrice: decimal.RequireFromString(p.cost), SalePrice: decimal.RequireFromString(p.price)})
			if err != nil {
				return err
			}
			ids = append(ids, pr.ID)
		}
		for i := 0; i < 40; i++ {
			f, l := firstNames[i%len(firstNames)], lastNames[(i*7)%len(lastNames)]
			c, err := tx.CreateClient(storage.Client{Name: f + " " + l,
				Email: fmt.Sprintf("%s%d@example.sa", emailNames[i%len(emailNames)], i),
				Phone: fmt.Sprintf("05%d%07d", 3+i%6, 1000000+i*7919%9000000)})
			if err != nil {
				return err
			}
			clients = append(clients, c.ID)
		}
		// Opening stock, enough for the sales to come; its note is the engine's sentence, read in
		// the window's language.
		stockPer := decimal.NewFromInt(int64(40 + o.Invoices/8))
		for _, wh := range []int64{1, jeddahWH} {
			var lines []storage.RequisitionLine
			for _, id := range ids {
				lines = append(lines, storage.RequisitionLine{ProductID: id, Quantity: stockPer})
			}
			if _, err := tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: wh, Lines: lines,
				Note: "Opening stock", NoteWords: storage.NoteWords{Code: "note.opening"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("seed catalogue: %w", err)
	}

	type sold struct {
		id    int64
		lines []storage.InvoiceLine
	}
	perDay := float64(o.Invoices) / float64(o.Days)
	issued, order := 0, 10230
	for day := 0; issued < o.Invoices; day++ {
		date := start.AddDate(0, 0, day)
		if day >= o.Days {
			date = end
		}
		n := int(perDay*float64(day+1)) - issued
		if day >= o.Days-1 || n > o.Invoices-issued {
			n = o.Invoices - issued
		}
		if n <= 0 {
			continue
		}
		clock = date.Add(20 * time.Hour)
		var sales []sold
		err := db.Update(ctx, func(tx *storage.Tx) error {
			for k := 0; k < n; k++ {
				at := date.Add(time.Duration(9*60+rng.IntN(12*60)) * time.Minute)
				inv := storage.Invoice{BranchID: 1, WarehouseID: 1, ClientID: 1, Currency: "SAR", IssueDate: at}
				switch r := rng.IntN(10); {
				case r < 3: // walk-in customer at the main branch
				case r < 5: // a known client at the Jeddah branch
					inv.BranchID, inv.WarehouseID = jeddahBranch, jeddahWH
					inv.ClientID = clients[rng.IntN(len(clients))]
				default: // an online order
					st := stores[rng.IntN(len(stores))]
					order++
					inv.ClientID = clients[rng.IntN(len(clients))]
					inv.Source = storage.Source{Connection: st.connection, Platform: st.platform,
						ExternalID: fmt.Sprintf("%s-order-%d", st.platform, order), OrderName: fmt.Sprintf("%s%d", st.prefix, order)}
					ship := decimal.NewFromInt(25)
					inv.Charges = []storage.Charge{{Kind: storage.ChargeShipping, Description: "أرامكس", Amount: ship, Tax: ship.Mul(vat)}}
					if rng.IntN(6) == 0 {
						cod := decimal.NewFromInt(10)
						inv.Charges = append(inv.Charges, storage.Charge{Kind: storage.ChargeFee, Description: "رسوم الدفع عند الاستلام",
							Amount: cod, Tax: cod.Mul(vat)})
					}
					if rng.IntN(5) == 0 {
						inv.Discount = decimal.NewFromInt(int64(5 * (1 + rng.IntN(4))))
					}
				}
				used := map[int]bool{}
				for l := 0; l < 1+rng.IntN(4); l++ {
					pi := rng.IntN(len(products))
					if used[pi] {
						continue
					}
					used[pi] = true
					price := decimal.RequireFromString(products[pi].price)
					qty := decimal.NewFromInt(int64(1 + rng.IntN(3)))
					line := storage.InvoiceLine{ProductID: ids[pi], Quantity: qty, UnitPrice: price}
					if rng.IntN(8) == 0 {
						line.Discount = price.Mul(decimal.RequireFromString("0.1")).Round(2)
					}
					line.Tax = qty.Mul(price).Sub(line.Discount).Mul(vat).Round(2)
					inv.Lines = append(inv.Lines, line)
				}
				out, err := tx.IssueSalesInvoice(inv)
				if err != nil {
					return err
				}
				issued++
				if rng.IntN(10) == 0 {
					sales = append(sales, sold{out.ID, out.Lines})
				}
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("seed invoices of %s: %w", date.Format("2006-01-02"), err)
		}
		res.Sales = issued
		if len(sales) == 0 {
			continue
		}
		// Returns come back a day or two later.
		clock = date.AddDate(0, 0, 1+rng.IntN(2)).Add(11 * time.Hour)
		err = db.Update(ctx, func(tx *storage.Tx) error {
			for _, s := range sales {
				l := s.lines[rng.IntN(len(s.lines))]
				ret := storage.InvoiceLine{ProductID: l.ProductID, Quantity: decimal.NewFromInt(1), UnitPrice: l.UnitPrice,
					Tax: l.UnitPrice.Mul(vat).Round(2), Restock: rng.IntN(4) != 0}
				if l.Discount.IsPositive() {
					ret.Discount = l.Discount.Div(l.Quantity).Round(2)
					ret.Tax = l.UnitPrice.Sub(ret.Discount).Mul(vat).Round(2)
				}
				if _, err := tx.IssueReturnInvoice(storage.Invoice{OriginalID: s.id, IssueDate: clock,
					Lines: []storage.InvoiceLine{ret}, Notes: "إرجاع بطلب العميل"}); err != nil {
					return err
				}
				res.Returns++
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("seed returns: %w", err)
		}
	}
	clock = end
	return res, seedPayments(ctx, db, end, &res)
}
