// Command mizan-seed writes demo books (a Saudi coffee, dates and spices shop: Arabic product and
// client names, SAR, 15% VAT, sales in two branches and two online stores, with returns and the
// payments behind them) into a data directory, for screenshots and trials:
//
//	mizan-seed [-invoices 300] DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"mizan/ui/demo"
)

func main() {
	n := flag.Int("invoices", 300, "how many sales invoices to issue")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: mizan-seed [-invoices N] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	res, err := demo.Seed(context.Background(), flag.Arg(0), demo.Options{Invoices: *n})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mizan-seed:", err)
		os.Exit(1)
	}
	fmt.Printf("seeded %s: %d sales invoices, %d returns, %d payments\n", flag.Arg(0), res.Sales, res.Returns, res.Payments)
}
