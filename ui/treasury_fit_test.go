package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

// At the window's first size the Treasury screen fits, in English and in Arabic: the screen
// needs no more width than the window gives it, and a movement's number, date, invoice, amounts
// and currency are shown whole (only the client, the account and the method may be cut short).
func TestTreasuryFitsTheWindow(t *testing.T) {
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			e := memoryEnv(t, Deps{})
			conn := e.connect(t, "Shop", false)
			ctx := context.Background()
			err := e.db.Update(ctx, func(tx *storage.Tx) error {
				bank, err := tx.CreateTreasuryAccount(storage.TreasuryAccount{Name: "مصرف الراجحي", IBAN: "SA0380000000608010167519"})
				if err != nil {
					return err
				}
				return tx.MapPaymentMethod(conn.ID, "mada", bank.ID)
			})
			if err != nil {
				t.Fatal(err)
			}
			paidAt := time.Date(2026, 12, 3, 11, 42, 0, 0, time.UTC)
			price := decimal.RequireFromString("98765.43")
			for i, method := range []string{"Cash on Delivery (COD)", "mada", "Cash on Delivery (COD)", "mada"} {
				name := fmt.Sprintf("#%d", 1001+i)
				e.mem.PlaceOrder(core.StoreOrder{Name: name, Status: "paid", Currency: "SAR", PaymentMethod: method,
					Payments: []core.StorePayment{{ExternalID: name + "-tx", Method: method, Amount: price, PaidAt: paidAt}},
					Lines:    []core.StoreLine{{ExternalID: name + "-1", SKU: "COF-1", Name: "قهوة", Quantity: decimal.NewFromInt(1), UnitPrice: price}},
					Total:    price})
			}
			if _, err := e.eng.SyncNow(ctx, conn.ID, core.SyncRequest{}); err != nil {
				t.Fatal(err)
			}
			m := e.m
			if err := m.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			test.Tap(m.Nav[ScreenTreasury])
			m.Idle()
			m.Window.Resize(DefaultSize)
			s := m.Treasury
			if s.Movements.Length() != 4 {
				t.Fatalf("%d movements, want 4", s.Movements.Length())
			}
			if w := m.Window.Content().MinSize().Width; w > DefaultSize.Width {
				t.Errorf("the window needs %.0f points with the Treasury screen, more than its %.0f", w, DefaultSize.Width)
			}
			t.Logf("the window needs %.0f points, the screen %.0f of the %.0f it is given", m.Window.Content().MinSize().Width,
				s.Content.MinSize().Width, s.Content.Size().Width)
			if need, room := s.Content.MinSize().Width, s.Content.Size().Width; need > room {
				t.Errorf("the Treasury screen needs %.0f points, the window gives it %.0f", need, room)
			}
			// Every cell of a movement that must be read whole has the room its text needs.
			whole := map[int]string{0: "number", 1: "date", 3: "invoice", 6: "amount", 7: "balance", 8: "currency"}
			rows := 0
			for _, p := range walk(s.Movements, fyne.Position{}, nil) {
				row, ok := p.obj.(*fyne.Container)
				if !ok || len(row.Objects) != len(movementColumns) {
					continue
				}
				rows++
				for i, what := range whole {
					l := row.Objects[i].(*widget.Label)
					if need := widget.NewLabelWithStyle(l.Text, l.Alignment, l.TextStyle).MinSize().Width; need > l.Size().Width {
						t.Errorf("a movement's %s %q needs %.0f points, its column has %.0f", what, l.Text, need, l.Size().Width)
					}
				}
			}
			if rows == 0 {
				t.Fatal("no movement drawn")
			}
		})
	}
}
