package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

// A refusal of a warehouse, a branch or a client reads in the window's language on Warehouses &
// clients, naming the field, around the merchant's own words: a warehouse's name taken, a branch
// without a name, a client's phone another client has.
func TestRecordRefusalsInArabic(t *testing.T) {
	inLanguage(t, "ar")
	m, db := openApp(t, t.TempDir())
	if err := db.Update(context.Background(), func(tx *storage.Tx) error {
		_, err := tx.AddClient(storage.Client{Name: "سارة", Phone: "0501234567"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	test.Tap(m.Nav[ScreenMaster])
	m.Idle()
	for _, c := range []struct {
		name string
		open func()
		fill func(f *RecordForm)
		want string
	}{
		{"a warehouse's name taken", func() { test.Tap(m.Master.AddWarehouse) },
			func(f *RecordForm) { test.Type(f.Name, storage.DefaultWarehouseName) },
			`الاسم: يوجد مستودع باسم "Main warehouse"`},
		{"a branch without a name", func() { test.Tap(m.Master.AddBranch) },
			func(f *RecordForm) { test.Type(f.Code, "JED") },
			"الاسم: الفرع يحتاج إلى اسم"},
		{"a client's phone taken", func() { test.Tap(m.Master.AddClient) },
			func(f *RecordForm) {
				test.Type(f.Name, "سارة الأخرى")
				test.Type(f.Phone, "+966 50 123 4567")
			},
			"الجوال: رقم الجوال هذا مسجل للعميل سارة"},
		{"a client's email not an address", func() { test.Tap(m.Master.AddClient) },
			func(f *RecordForm) { test.Type(f.Name, "نورة"); test.Type(f.Email, "noura@") },
			`البريد الإلكتروني: العميل "نورة": "noura@" ليس عنوان بريد إلكتروني`},
	} {
		c.open()
		m.Idle()
		f := m.Master.Form
		if f == nil {
			t.Fatalf("%s: no form opened", c.name)
		}
		c.fill(f)
		test.Tap(f.Save)
		m.Idle()
		if m.Master.Form != f || !f.Problem.Visible() || f.Problem.Text != visual(c.want) {
			t.Errorf("%s: %q, want %q in reading order", c.name, f.Problem.Text, c.want)
		}
		test.Tap(f.Cancel)
		m.Idle()
	}
}

// A product the books cannot delete, and goods a requisition cannot take out, are refused in the
// window's language in the error dialog, around the product's code.
func TestProductAndRequisitionRefusalsInArabic(t *testing.T) {
	inLanguage(t, "ar")
	_, db := openApp(t, t.TempDir())
	var p storage.Product
	if err := db.Update(context.Background(), func(tx *storage.Tx) error {
		var err error
		if p, err = tx.CreateProduct(storage.Product{Code: "OUD-12", Name: "عود كمبودي"}); err != nil {
			return err
		}
		_, err = tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: 1,
			Lines: []storage.RequisitionLine{{ProductID: p.ID, Quantity: decimal.NewFromInt(2)}}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		do   func(tx *storage.Tx) error
		want string
	}{
		{"a product with stock movements", func(tx *storage.Tx) error { return tx.DeleteProduct(p.ID) },
			`للمنتج "OUD-12" حركات مخزون، فلا يمكن حذفه: أرشفه بدلًا من ذلك`},
		{"taking out more than there is", func(tx *storage.Tx) error {
			_, err := tx.PostRequisition(storage.Requisition{Kind: storage.Outbound, WarehouseID: 1,
				Lines: []storage.RequisitionLine{{ProductID: p.ID, Quantity: decimal.NewFromInt(3)}}})
			return err
		}, `لا يكفي "OUD-12" في المخزون: صرف 3 يترك -1`},
	} {
		err := db.Update(context.Background(), c.do)
		if got := explain("x", err).Todo; err == nil || got != visual(c.want) {
			t.Errorf("%s: %q (%v), want %q in reading order", c.name, got, err, c.want)
		}
	}
}

// The New… form of a connection's warehouse refuses in the window's language too.
func TestQuickAddRefusalsInArabic(t *testing.T) {
	inLanguage(t, "ar")
	e := memoryEnv(t, Deps{})
	m := e.m
	f := openNewConnection(t, m)
	test.Tap(f.NewWarehouse)
	if f.Quick == nil {
		t.Fatal("New… opened no form")
	}
	test.Type(f.Quick.Name, storage.DefaultWarehouseName)
	test.Tap(f.Quick.Create)
	m.Idle()
	if f.Quick == nil {
		t.Fatal("a warehouse's name taken closed the form")
	}
	if want := `يوجد مستودع باسم "Main warehouse"`; f.Quick.Status.Text != visual(want) {
		t.Fatalf("a warehouse's name taken: %q, want %q in reading order", f.Quick.Status.Text, want)
	}
}
