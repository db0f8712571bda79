package core_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"mizan/core"
)

// pagedStore is the memory store with a look at its order pages: onPage(n) runs when the engine
// asks for page n (for n > 1, right after it was handed page n-1), and an error from it ends the
// paging as a store's error would.
type pagedStore struct {
	core.Store
	onPage func(n int) error
}

func (p *pagedStore) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	n := 0
	return p.Store.Orders(ctx, since, func(page []core.StoreOrder) error {
		n++
		if err := p.onPage(n); err != nil {
			return err
		}
		return fn(page)
	})
}

// newPagedEnv is newEnv with the store's order pages watched, 100 orders to a page.
func newPagedEnv(t *testing.T, onPage func(e *env, n int) error) *env {
	t.Helper()
	return newEnvWith(t, func(e *env, p *core.Platform) {
		e.store.PageSize = 100
		open := p.Open
		p.Open = func(cfg core.StoreConfig) (core.Store, error) {
			inner, err := open(cfg)
			if err != nil {
				return nil, err
			}
			return &pagedStore{Store: inner, onPage: func(n int) error { return onPage(e, n) }}, nil
		}
	})
}

// placeOrders places 120 orders a second apart (so the store pages them in that order): the
// 50th does not add up to its total and the 70th is in a state that is not invoiced, so the first
// page of 100 makes 98 invoices and the second 20.
func placeOrders(e *env) {
	_, _, tea := e.catalogue()
	for i := 1; i <= 120; i++ {
		o := orderOf(&core.StoreCustomer{ExternalID: fmt.Sprintf("Customer/%d", i%7), Name: fmt.Sprintf("Client %d", i%7)}, "", nil, line(tea, "1"))
		switch i {
		case 50:
			o.Total = o.Total.Add(d("0.01"))
		case 70:
			o.Status = "pending"
		}
		e.store.PlaceOrder(o)
		e.clock.Advance(time.Second)
	}
}

// TestOrdersPostedAPageAtATime: a page of orders is committed as a whole, while the store is
// asked for the next page; an order the books refuse takes nothing else of its page with it.
func TestOrdersPostedAPageAtATime(t *testing.T) {
	committedAtRead := -1
	seen := map[int]bool{}
	e := newPagedEnv(t, func(e *env, n int) error {
		if n != 2 {
			return nil
		}
		// Page 1 was handed over: it is being posted while page 2 is read. Watch the committed
		// invoices (another connection sees only what was committed) until page 1's are there.
		committedAtRead = e.count("invoices")
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
			got := e.count("invoices")
			seen[got] = true
			if got >= 98 {
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
		return nil
	})
	placeOrders(e)
	sum := e.sync()
	if sum.Counts.Invoices != 118 || sum.Counts.Errors != 1 || sum.Counts.OrdersSeen != 120 {
		t.Fatalf("sync: %+v %s", sum.Counts, sum.Message)
	}
	if committedAtRead != 0 {
		t.Errorf("when the store was asked for page 2, %d invoices were committed: page 1 was posted before the next page was read, not while", committedAtRead)
	}
	for n := range seen {
		if n != 0 && n != 98 {
			t.Errorf("%d invoices were committed at one moment: a page is committed whole, 0 or 98 (seen %v)", n, seen)
		}
	}
	if !e.logHas(core.Error, "#1050") || e.count("sync_retries") != 1 || !e.logHas(core.Info, "#1070") {
		t.Errorf("the refused and the waiting orders are not logged and queued as before:\n%s", e.logs)
	}
	// Every invoice has its binding and log entry, once.
	if b, l := e.count(`sync_bindings WHERE kind = 'order'`), e.count(`sync_log WHERE doc_type = 'sales_invoice'`); b != 118 || l != 118 {
		t.Errorf("%d order bindings and %d invoice log entries for 118 invoices", b, l)
	}
}

// TestOrdersPagingEndsCleanly: when the store fails on a later page, the pages read before it are
// posted and the failure logged; when the run is cancelled while a page is posted, the orders
// posted before the cancel are kept and the next sync posts the rest once. Either way the paging
// goroutine is gone when the sync returns.
func TestOrdersPagingEndsCleanly(t *testing.T) {
	t.Run("the store fails on page 2", func(t *testing.T) {
		e := newPagedEnv(t, func(e *env, n int) error {
			if n == 2 {
				return fmt.Errorf("list orders: %w", core.ErrUnreachable)
			}
			return nil
		})
		placeOrders(e)
		before := runtime.NumGoroutine()
		e.clock.Advance(time.Minute)
		_, err := e.eng.SyncNow(ctx, e.conn.ID, core.SyncRequest{})
		if !errors.Is(err, core.ErrUnreachable) {
			t.Fatalf("sync: %v, want the store's error", err)
		}
		if got := e.count("invoices"); got != 98 {
			t.Errorf("%d invoices after the store failed on page 2, want page 1's 98", got)
		}
		noLeak(t, before)
	})
	t.Run("cancelled while a page is posted", func(t *testing.T) {
		cancelled := false
		e := newPagedEnv(t, func(e *env, n int) error {
			if n == 2 && !cancelled {
				cancelled = true
				e.eng.Cancel(e.conn.ID) // page 1 is being posted
			}
			return nil
		})
		placeOrders(e)
		before := runtime.NumGoroutine()
		e.clock.Advance(time.Minute)
		sum, err := e.eng.SyncNow(ctx, e.conn.ID, core.SyncRequest{})
		if !errors.Is(err, context.Canceled) || sum.Outcome != core.OutcomeCancelled {
			t.Fatalf("sync: %v %s, want cancelled", err, sum.Outcome)
		}
		noLeak(t, before)
		kept := e.count("invoices")
		if kept > 98 || sum.Counts.Invoices != kept {
			t.Errorf("%d invoices kept, %d counted by the cancelled run", kept, sum.Counts.Invoices)
		}
		if b := e.count(`sync_bindings WHERE kind = 'order'`); b != kept {
			t.Errorf("%d invoices but %d order bindings", kept, b)
		}
		next := e.sync()
		if got := e.count("invoices"); got != 118 || next.Counts.Invoices != 118-kept {
			t.Errorf("after the next sync: %d invoices (%d posted by it, %d kept before)", got, next.Counts.Invoices, kept)
		}
	})
}

// noLeak waits for the goroutines to be back to before (a goroutine left running fails).
func noLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before the sync:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPageForgetsARefusedOrder: what an order refused half-way wrote and read is gone from its
// page. The first order's two lines are of a product the books lack, made from its first line and
// found bound by the second; the order does not add up, so its savepoint is undone. The second
// order, in the same page, makes the product again rather than using the one undone.
func TestPageForgetsARefusedOrder(t *testing.T) {
	e := newPagedEnv(t, func(*env, int) error { return nil })
	e.catalogue()
	gone := core.StoreLine{ProductID: "Variant/not-in-catalogue", SKU: "LINE-ONLY-1", Name: "Gift box", Quantity: d("1"), UnitPrice: d("23")}
	customer := &core.StoreCustomer{ExternalID: "Customer/9", Name: "نورة القحطاني"}
	refused := orderOf(customer, "", nil, gone, gone)
	refused.Total = refused.Total.Add(d("0.01"))
	e.store.PlaceOrder(refused)
	e.clock.Advance(time.Second)
	e.store.PlaceOrder(orderOf(customer, "", nil, gone))
	sum := e.sync()
	if sum.Counts.Invoices != 1 || sum.Counts.Errors != 1 {
		t.Fatalf("counts %+v: %s", sum.Counts, sum.Message)
	}
	p := e.product("LINE-ONLY-1")
	var lines int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM invoice_lines WHERE product_id = ?`, p.ID).Scan(&lines); err != nil || lines != 1 {
		t.Fatalf("%d invoice lines of the product made again (%v), want 1", lines, err)
	}
}

// repeatingStore hands each page of orders with its first order again at its end, as a store's
// paging may when an order changes while it is read.
type repeatingStore struct{ core.Store }

func (r *repeatingStore) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	return r.Store.Orders(ctx, since, func(page []core.StoreOrder) error {
		if len(page) > 0 {
			page = append(page[:len(page):len(page)], page[0])
		}
		return fn(page)
	})
}

// newRepeatingEnv is an env whose store hands over pages of 100 orders, each ending with its
// first order again.
func newRepeatingEnv(t *testing.T) *env {
	return newEnvWith(t, func(e *env, p *core.Platform) {
		e.store.PageSize = 100
		open := p.Open
		p.Open = func(cfg core.StoreConfig) (core.Store, error) {
			inner, err := open(cfg)
			if err != nil {
				return nil, err
			}
			return &repeatingStore{Store: inner}, nil
		}
	})
}

// TestPageNamesAnOrderTwice: the page reads its orders' bindings once as it begins; an order
// the page names again finds the invoice the page made for it, and nothing is posted twice.
func TestPageNamesAnOrderTwice(t *testing.T) {
	e := newRepeatingEnv(t)
	placeOrders(e)
	count := func() (n int) {
		t.Helper()
		if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM invoices`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	sum := e.sync()
	if sum.Counts.Invoices != 118 || sum.Counts.Errors != 1 || count() != 118 { // the 50th order's total
		t.Fatalf("counts %+v, %d invoices in the books, want 118: %s", sum.Counts, count(), sum.Message)
	}
	sum = e.sync()
	if sum.Counts.Invoices != 0 || count() != 118 {
		t.Fatalf("again: counts %+v, %d invoices in the books, want 0 and 118: %s", sum.Counts, count(), sum.Message)
	}
}

// TestPageNamesAPaymentTwice: the page reads which of its payments the books hold once as it
// begins; a payment the page names again (its order repeated) finds the payment the page
// recorded for it, and nothing is paid twice.
func TestPageNamesAPaymentTwice(t *testing.T) {
	e := newRepeatingEnv(t)
	_, _, tea := e.catalogue()
	for i := 1; i <= 3; i++ {
		o := orderOf(&core.StoreCustomer{ExternalID: "Customer/1", Name: "Client 1"}, "", nil, line(tea, "1"))
		o.Payments = []core.StorePayment{{ExternalID: fmt.Sprintf("tx-%d", i), Method: "mada", Amount: o.Total, PaidAt: e.clock.Now()}}
		e.store.PlaceOrder(o)
		e.clock.Advance(time.Second)
	}
	sum := e.sync()
	if sum.Counts.Invoices != 3 || sum.Counts.Errors != 0 || e.count("payments") != 3 || e.count("sync_payments") != 3 {
		t.Fatalf("counts %+v, %d payments in the books, want 3: %s", sum.Counts, e.count("payments"), sum.Message)
	}
	sum = e.sync()
	if sum.Counts.Errors != 0 || e.count("payments") != 3 {
		t.Fatalf("again: counts %+v, %d payments in the books, want 3: %s", sum.Counts, e.count("payments"), sum.Message)
	}
}
