package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"mizan/cmd/mizan/demo"
	"mizan/core"
	"mizan/platforms/shopify"
)

func init() {
	Register(Command{Name: "demo", Args: "[--sync [--new-orders N]] [--remove] [--addr HOST:PORT] [--every 5s]",
		Summary: "Try Mizan on a demo Shopify store, in books of its own (DIR-demo)",
		Help: `The demo runs a Shopify store inside mizan on this computer (about 200 products and 1,000
orders, Arabic and English names) and connects it to the demo's own books, in a directory next to
yours (the data directory with "-demo" appended). Your own books are never touched.

  mizan demo --sync     seed the store, sync it into the demo's books, show what came in, exit
  mizan demo            keep the store running with a shopper placing an order every few
                        seconds, and sync every 15 seconds, until interrupted (Ctrl-C)
  mizan demo --remove   delete the demo's books
  mizan --demo          open the window on the demo, with the store running

The store is the same each time the demo starts: the same products, orders and ids, and the
orders the shopper placed before.`,
		Run: runDemo})
	Register(Command{Name: "demo-store", Args: "[--addr 127.0.0.1:PORT] [--every 5s]",
		Summary: "Serve the demo Shopify store alone, until interrupted",
		Help: `Serves the seeded demo store (without books) for another program, or for a connection you add
yourself with "mizan connections add --platform shopify --store URL". It prints the address and the
access token to use. The store lives in memory: what is done to it is forgotten when it stops.`,
		Run: runDemoStore})
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	sync := fs.Bool("sync", false, "sync the demo store once, show a summary and exit")
	remove := fs.Bool("remove", false, "delete the demo's books")
	newOrders := fs.Int("new-orders", 0, "with --sync: the shopper places this many orders before the sync")
	addr := fs.String("addr", "", "address the store listens on (default 127.0.0.1 and a free port)")
	every := fs.Duration("every", demo.DefaultShopperEvery, "how often the shopper places an order (0: never)")
	syncEvery := fs.Duration("sync-every", 15*time.Second, "how often the running demo syncs")
	if err := flagsOnly(fs, args); err != nil {
		return err
	}
	if *sync && *remove {
		return Usagef("give --sync or --remove, not both")
	}
	if *newOrders < 0 || *newOrders > 1000 {
		return Usagef("--new-orders must be between 0 and 1000")
	}
	if env.dataDirErr != nil {
		return env.dataDirErr
	}
	dir := demo.Dir(env.realDir)
	if *remove {
		if err := demo.Remove(ctx, dir); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Removed the demo (%s). Your books in %s are untouched.\n", dir, env.realDir)
		return nil
	}
	warnIfReachable(env.Stderr, "demo", *addr)
	o := demoOptions(dir, *addr)
	if !*sync {
		o.ShopperEvery = *every
	}
	s, err := demo.Start(ctx, o)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(env.Stdout, "Demo store: %s (%s)\n", s.Store.URL(), describeStore(s.Store))
	if *sync {
		for i := 0; i < *newOrders; i++ {
			if _, err := s.Store.PlaceOrder(); err != nil {
				fmt.Fprintf(env.Stderr, "the shopper could not place an order: %v\n", err)
			}
		}
		start := time.Now()
		sum, err := s.Sync(ctx, core.SyncRequest{})
		if err != nil {
			return fmt.Errorf("sync the demo store: %w", err)
		}
		printDemoSummary(env.Stdout, sum, time.Since(start))
		fmt.Fprintf(env.Stdout, "The demo's books are in %s: open them with \"mizan --demo\", remove them with \"mizan demo --remove\".\n", dir)
		if sum.Counts.Errors > 0 || sum.Outcome == core.OutcomeFailed {
			return &ExitError{Code: exitError, Err: errors.New("some items failed: see \"mizan --demo log\"")}
		}
		return nil
	}
	fmt.Fprintf(env.Stdout, "Books: %s. A shopper places an order every %s; syncing every %s. Ctrl-C stops.\n", dir, *every, *syncEvery)
	if *syncEvery < time.Second {
		*syncEvery = time.Second
	}
	t := time.NewTicker(*syncEvery)
	defer t.Stop()
	for {
		start := time.Now()
		sum, err := s.Sync(ctx, core.SyncRequest{})
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			fmt.Fprintf(env.Stdout, "%s sync failed: %v\n", start.Format("15:04:05"), err)
		default:
			fmt.Fprintf(env.Stdout, "%s %s (%.1fs)\n", start.Format("15:04:05"), sum.Message, time.Since(start).Seconds())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func demoOptions(dir, addr string) demo.Options {
	o := demo.Options{Dir: dir, HTTPClient: wiring.HTTPClient, Log: wiring.Log, Store: demo.StoreOptions{Addr: addr}}
	if wiring.Platforms != nil {
		o.Platforms = wiring.Platforms()
	}
	return o
}

func describeStore(st *demo.Store) string {
	n := st.Seeded()
	return fmt.Sprintf("%d products with %d variants, %d customers, %d orders", n.Products, n.Variants, n.Customers, n.Orders)
}

func printDemoSummary(w io.Writer, sum core.RunSummary, took time.Duration) {
	n := sum.Counts
	fmt.Fprintf(w, "Synced in %.1fs (run %d, %s): %s\n", took.Seconds(), sum.ID, sum.Outcome, sum.Message)
	fmt.Fprintf(w, "  products:  %d imported, %d linked, %d updated\n", n.ProductsCreated, n.ProductsLinked, n.ProductsUpdated)
	fmt.Fprintf(w, "  clients:   %d created\n", n.Clients)
	fmt.Fprintf(w, "  invoices:  %d sales invoices (%d orders seen)\n", n.Invoices, n.OrdersSeen)
	fmt.Fprintf(w, "  returns:   %d return invoices\n", n.Returns)
	fmt.Fprintf(w, "  stock:     %d adjustments, %d levels pushed\n", n.Adjustments, n.StockPushed)
	fmt.Fprintf(w, "  errors:    %d (warnings: %d)\n", n.Errors, n.Warnings)
}

func runDemoStore(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("demo-store", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	every := fs.Duration("every", 0, "place a shopper's order this often (0: never)")
	if err := flagsOnly(fs, args); err != nil {
		return err
	}
	st, err := demo.OpenStore("", demo.StoreOptions{Addr: *addr, Log: wiring.Log})
	if err != nil {
		return err
	}
	defer st.Close()
	warnIfReachable(env.Stderr, "demo-store", *addr)
	fmt.Fprintf(env.Stdout, "Demo Shopify store: %s (%s)\n", st.URL(), describeStore(st))
	fmt.Fprintf(env.Stdout, "Access token: %s (made up for the demo: it opens nothing else)\n", demo.Token)
	fmt.Fprintf(env.Stdout, "GraphQL endpoint: %s/admin/api/%s/graphql.json\n", st.URL(), shopify.DefaultAPIVersion)
	fmt.Fprintf(env.Stdout, "Serving until interrupted (Ctrl-C).\n")
	if *every > 0 {
		go st.RunShopper(ctx, *every)
	}
	<-ctx.Done()
	fmt.Fprintln(env.Stdout, "Demo store stopped.")
	return nil
}

// warnIfReachable warns when the demo store is told to listen where other computers can reach
// it: it answers anyone who has its token, and that token is published.
func warnIfReachable(w io.Writer, cmd, addr string) {
	if addr == "" {
		return // the default: 127.0.0.1
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return // the store refuses it with its own error
	}
	ip := net.ParseIP(host)
	switch {
	case strings.EqualFold(host, "localhost"), ip != nil && ip.IsLoopback():
		return
	case host == "" || ip != nil && ip.IsUnspecified():
		fmt.Fprintf(w, "mizan %s: warning: the demo store listens on every network interface (%s), so any computer that can reach this one can use it with the demo's published token. Give --addr 127.0.0.1:PORT to keep it on this computer.\n", cmd, addr)
	default:
		fmt.Fprintf(w, "mizan %s: warning: the demo store listens on %s, which other computers may reach, and they can use it with the demo's published token. Give --addr 127.0.0.1:PORT to keep it on this computer.\n", cmd, addr)
	}
}
