package demo

import (
	"context"
	"fmt"

	"mizan/storage"
)

// BankAccount is the name of the demo's bank account, where the store's online payments go.
const BankAccount = "مصرف الراجحي — Al Rajhi Bank"

// bankIBAN is the demo bank account's made-up IBAN (its check digits hold).
const bankIBAN = "SA0380000000608010167519"

// onlineGateways are the gateways the demo store's orders are paid through at checkout: their
// money is paid into the bank. Cash on delivery is not among them: the courier brings that cash
// to the cash box, the account a method pays into until one is chosen.
var onlineGateways = []string{"shopify_payments", "mada", "tabby", "tamara"}

// setUpMoney gives new demo books a bank account and has the demo connection's online payment
// methods pay into it, as a merchant would choose in Treasury → Payment methods, so the demo's
// treasury shows card payments in the bank and cash on delivery in the cash box.
func setUpMoney(ctx context.Context, db *storage.DB, connID int64) error {
	err := db.Update(ctx, func(tx *storage.Tx) error {
		bank, err := tx.CreateTreasuryAccount(storage.TreasuryAccount{Name: BankAccount, Kind: storage.AccountBank, IBAN: bankIBAN})
		if err != nil {
			return err
		}
		for _, g := range onlineGateways {
			if err := tx.MapPaymentMethod(connID, g, bank.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: set up the demo's bank account: %w", err)
	}
	return nil
}
