package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core/invoicepdf"
	"mizan/storage"
)

func init() {
	for _, name := range []string{"stock show", "stock documents", "stock pdf"} {
		readOnlyCommands[name] = true // they only read: they work beside an open Mizan
	}
	lines := `Each line is CODE=QUANTITY, the product's code (or barcode) and the quantity`
	Register(Command{
		Name:    "stock receive",
		Args:    "[--warehouse NAME] [--date YYYY-MM-DD] [--note TEXT] CODE=QUANTITY[@PRICE]...",
		Summary: "Post goods received into a warehouse (a manual inbound requisition)",
		Help: lines + `, with the purchase price after @ when known:
  mizan stock receive --note "Supplier 12" OUD-12=10@78.25 TEA-1=24`,
		Run: func(ctx context.Context, env *Env, args []string) error {
			return runStockDoc(ctx, env, storage.DocReceive, args)
		},
	})
	Register(Command{
		Name:    "stock issue",
		Args:    "[--warehouse NAME] [--date YYYY-MM-DD] [--note TEXT] CODE=QUANTITY...",
		Summary: "Post goods taken out of a warehouse (a manual outbound requisition)",
		Help:    lines + `. A warehouse is never taken below zero.`,
		Run: func(ctx context.Context, env *Env, args []string) error {
			return runStockDoc(ctx, env, storage.DocIssue, args)
		},
	})
	Register(Command{
		Name:    "stock transfer",
		Args:    "--from NAME --to NAME [--date YYYY-MM-DD] [--note TEXT] CODE=QUANTITY...",
		Summary: "Post goods moved from one warehouse to another",
		Help:    lines + `. The warehouse goods leave is never taken below zero.`,
		Run: func(ctx context.Context, env *Env, args []string) error {
			return runStockDoc(ctx, env, storage.DocTransfer, args)
		},
	})
	Register(Command{
		Name:    "stock count",
		Args:    "[--warehouse NAME] [--date YYYY-MM-DD] [--note TEXT] CODE=COUNTED...",
		Summary: "Post a stock count: the difference from the books is booked as an adjustment",
		Help:    `Each line is CODE=COUNTED, the product's code (or barcode) and the quantity counted.`,
		Run: func(ctx context.Context, env *Env, args []string) error {
			return runStockDoc(ctx, env, storage.DocCount, args)
		},
	})
	Register(Command{
		Name:    "stock reverse",
		Args:    "NUMBER [--date YYYY-MM-DD] [--note TEXT]",
		Summary: "Post the document that undoes a posted stock document",
		Help:    `A posted stock document is never changed: a mistake is corrected by reversing it.`,
		Run:     runStockReverse,
	})
	Register(Command{
		Name:    "stock show",
		Args:    "NUMBER [--format table|csv|json] [--out FILE] [--bom]",
		Summary: "Show or export one stock document with its lines",
		Run:     runStockShow,
	})
	Register(Command{
		Name:    "stock pdf",
		Args:    "NUMBER... [--out DIR] [--lang ar|en|both]",
		Summary: "Print stock documents to PDF files on A4 pages, with the seller's details",
		Run:     runStockPDF,
	})
	Register(Command{
		Name:    "stock documents",
		Args:    "[--kind KIND] [--search TEXT] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json] [--out FILE] [--bom]",
		Summary: "List the posted stock documents and those the syncs recorded, newest first",
		Help: `KIND is receive, issue, transfer or count (the documents posted by hand), or inbound, outbound
or adjustment (the requisitions and adjustments a sync recorded, with the store they came from).`,
		Run: runStockDocuments,
	})
}

// docDate reads --date: a day in the computer's time zone; today is now, so the document's
// movements follow the day's others.
func docDate(env *Env, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	day, err := time.ParseInLocation("2006-01-02", s, env.Location)
	if err != nil {
		return time.Time{}, Usagef("--date %q is not a date such as 2026-03-01", s)
	}
	if now := time.Now().In(env.Location); now.Format("2006-01-02") == s {
		return now, nil
	}
	return day, nil
}

// findProduct finds a product by its exact code, else its barcode.
func findProduct(tx *storage.Tx, code string) (storage.Product, error) {
	p, err := tx.ProductByCode(code)
	if errors.Is(err, storage.ErrNotFound) {
		p, err = tx.ProductByBarcode(code)
	}
	if errors.Is(err, storage.ErrNotFound) {
		return p, fmt.Errorf("no product has the code or barcode %q", code)
	}
	return p, err
}

// docLine reads CODE=QUANTITY[@PRICE].
func docLine(tx *storage.Tx, kind storage.StockDocKind, arg string) (storage.StockDocLine, error) {
	code, rest, ok := strings.Cut(arg, "=")
	if !ok || strings.TrimSpace(code) == "" {
		return storage.StockDocLine{}, Usagef("%q is not a line: write CODE=QUANTITY", arg)
	}
	qtyText, priceText, hasPrice := strings.Cut(rest, "@")
	if hasPrice && kind != storage.DocReceive {
		return storage.StockDocLine{}, Usagef("%q: only goods received carry a purchase price", arg)
	}
	qty, err := decimal.NewFromString(strings.TrimSpace(qtyText))
	if err != nil {
		return storage.StockDocLine{}, Usagef("%q: %q is not a quantity", arg, qtyText)
	}
	p, err := findProduct(tx, strings.TrimSpace(code))
	if err != nil {
		return storage.StockDocLine{}, err
	}
	l := storage.StockDocLine{ProductID: p.ID, Quantity: qty}
	if kind == storage.DocCount {
		l = storage.StockDocLine{ProductID: p.ID, Counted: qty}
	}
	if hasPrice {
		if l.UnitCost, err = decimal.NewFromString(strings.TrimSpace(priceText)); err != nil {
			return l, Usagef("%q: %q is not a price", arg, priceText)
		}
		l.HasCost = true
	}
	return l, nil
}

func runStockDoc(ctx context.Context, env *Env, kind storage.StockDocKind, args []string) error {
	fs := flag.NewFlagSet("stock "+string(kind), flag.ContinueOnError)
	var warehouse, from, to *string
	if kind == storage.DocTransfer {
		from = fs.String("from", "", "the warehouse the goods leave (`NAME`)")
		to = fs.String("to", "", "the warehouse the goods go to (`NAME`)")
	} else {
		warehouse = fs.String("warehouse", "", "the warehouse (`NAME`; default: the first one)")
	}
	date := fs.String("date", "", "the document's date, `YYYY-MM-DD` (default: now)")
	note := fs.String("note", "", "a note: supplier, reason, reference (`TEXT`)")
	var day time.Time
	pos, db, err := argsThenBooks(ctx, env, fs, args, someArgs("give at least one line CODE=QUANTITY"), func() error {
		if kind == storage.DocTransfer && (strings.TrimSpace(*from) == "" || strings.TrimSpace(*to) == "") {
			return Usagef("a transfer needs --from and --to")
		}
		return nil
	}, func() (err error) {
		day, err = docDate(env, *date)
		return err
	})
	if err != nil {
		return err
	}
	doc := storage.StockDocument{Kind: kind, Date: day, Note: *note}
	if kind == storage.DocTransfer {
		src, err := findWarehouse(ctx, db, *from)
		if err != nil {
			return err
		}
		dst, err := findWarehouse(ctx, db, *to)
		if err != nil {
			return err
		}
		doc.WarehouseID, doc.ToWarehouseID = src.ID, dst.ID
	} else if name := strings.TrimSpace(*warehouse); name != "" {
		w, err := findWarehouse(ctx, db, name)
		if err != nil {
			return err
		}
		doc.WarehouseID = w.ID
	} else {
		whs, err := db.Warehouses(ctx)
		if err != nil || len(whs) == 0 {
			return fmt.Errorf("read warehouses: %v", err)
		}
		doc.WarehouseID = whs[0].ID
	}
	var posted storage.StockDocument
	err = db.Update(ctx, func(tx *storage.Tx) error {
		for _, a := range pos {
			l, err := docLine(tx, kind, a)
			if err != nil {
				return err
			}
			doc.Lines = append(doc.Lines, l)
		}
		var err error
		posted, err = tx.PostStockDocument(doc)
		return err
	})
	if err != nil {
		return err
	}
	where := posted.Warehouse
	if posted.ToWarehouse != "" {
		where += " → " + posted.ToWarehouse
	}
	lines := fmt.Sprintf("%d lines", len(posted.Lines))
	if len(posted.Lines) == 1 {
		lines = "1 line"
	}
	fmt.Fprintf(env.Stdout, "Posted %s (%s, %s, %s). Connected stores get the new quantities on the next sync.\n",
		posted.Number, lines, where, posted.Date.In(env.Location).Format("2006-01-02"))
	if kind == storage.DocCount {
		for _, l := range posted.Lines {
			fmt.Fprintf(env.Stdout, "  %s: counted %s, the books had %s: %s booked\n", l.Code, l.Counted, l.Before, signedQty(l.Quantity))
		}
	}
	return nil
}

func signedQty(d decimal.Decimal) string {
	if d.IsPositive() {
		return "+" + d.String()
	}
	return d.String()
}

func runStockReverse(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("stock reverse", flag.ContinueOnError)
	date := fs.String("date", "", "the reversal's date, `YYYY-MM-DD` (default: now)")
	note := fs.String("note", "", "a note (`TEXT`)")
	var day time.Time
	pos, db, err := argsThenBooks(ctx, env, fs, args, oneArg("give the number of the document to reverse"), func() (err error) {
		day, err = docDate(env, *date)
		return err
	})
	if err != nil {
		return err
	}
	orig, err := db.StockDocumentByNumber(ctx, pos[0])
	if err != nil {
		return err
	}
	if orig.Kind.Automatic() {
		return fmt.Errorf("%s was recorded by Mizan, not posted by hand, and is not reversed: to correct the stock, count it (mizan stock count)", orig.Number)
	}
	var rev storage.StockDocument
	if err := db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		rev, err = tx.ReverseStockDocument(orig.ID, day, *note)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Posted %s, which reverses %s.\n", rev.Number, orig.Number)
	return nil
}

type stockDocJSON struct {
	Number      string             `json:"number"`
	Kind        string             `json:"kind"`
	Date        string             `json:"date"`
	Warehouse   string             `json:"warehouse"`
	ToWarehouse string             `json:"to_warehouse,omitempty"`
	Reverses    string             `json:"reverses,omitempty"`
	ReversedBy  string             `json:"reversed_by,omitempty"`
	Note        string             `json:"note"`
	Source      string             `json:"source,omitempty"`
	Lines       []stockDocLineJSON `json:"lines,omitempty"`
	LineCount   int                `json:"line_count"`
}

type stockDocLineJSON struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Quantity string `json:"quantity"`
	UnitCost string `json:"unit_cost,omitempty"`
	Counted  string `json:"counted,omitempty"`
	Before   string `json:"before,omitempty"`
}

func docJSON(d storage.StockDocument) stockDocJSON {
	out := stockDocJSON{Number: d.Number, Kind: string(d.Kind), Date: utcTime(d.Date), Warehouse: d.Warehouse, ToWarehouse: d.ToWarehouse,
		Reverses: d.ReversesNumber, ReversedBy: d.ReversedByNumber, Note: d.Note, Source: d.Source, LineCount: d.LineCount}
	for _, l := range d.Lines {
		lj := stockDocLineJSON{Code: l.Code, Name: l.Name, Quantity: l.Quantity.String()}
		if l.HasCost {
			lj.UnitCost = l.UnitCost.String()
		}
		if d.Kind == storage.DocCount && d.ReversesID == 0 {
			lj.Counted, lj.Before = l.Counted.String(), l.Before.String()
		}
		out.Lines = append(out.Lines, lj)
	}
	return out
}

func runStockShow(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("stock show", flag.ContinueOnError)
	var o exportFlags
	o.define(fs, "table", "csv", "json")
	pos, db, err := argsThenBooks(ctx, env, fs, args, oneArg("give one document number"), o.check)
	if err != nil {
		return err
	}
	doc, err := db.StockDocumentByNumber(ctx, pos[0])
	if err != nil {
		return err
	}
	doc.LineCount = len(doc.Lines)
	return writeOutput(env, o.out, func(w io.Writer) error {
		switch o.format {
		case "json":
			return writeJSON(w, docJSON(doc))
		case "csv":
			if o.bom {
				if _, err := io.WriteString(w, utf8BOM); err != nil {
					return err
				}
			}
			return storage.WriteStockDocumentCSV(w, doc)
		}
		fmt.Fprintf(w, "%s  %s  %s  %s", doc.Number, doc.Kind, doc.Date.In(env.Location).Format("2006-01-02"), cleanCell(doc.Warehouse))
		if doc.ToWarehouse != "" {
			fmt.Fprintf(w, " → %s", cleanCell(doc.ToWarehouse))
		}
		fmt.Fprintln(w)
		if doc.Source != "" {
			fmt.Fprintf(w, "From the store %s\n", cleanCell(doc.Source))
		}
		if doc.ReversesNumber != "" {
			fmt.Fprintf(w, "Reverses %s\n", doc.ReversesNumber)
		}
		if doc.ReversedByNumber != "" {
			fmt.Fprintf(w, "Reversed by %s\n", doc.ReversedByNumber)
		}
		if doc.Note != "" {
			fmt.Fprintf(w, "Note: %s\n", cleanCell(doc.Note))
		}
		t := newTable(w, "CODE", "NAME", "QUANTITY", "PURCHASE PRICE", "COUNTED", "BOOKS HAD")
		for _, l := range doc.Lines {
			j := docJSON(storage.StockDocument{Kind: doc.Kind, ReversesID: doc.ReversesID, Lines: []storage.StockDocLine{l}}).Lines[0]
			t.row(l.Code, l.Name, j.Quantity, j.UnitCost, j.Counted, j.Before)
		}
		return t.flush()
	})
}

func runStockDocuments(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("stock documents", flag.ContinueOnError)
	kind := fs.String("kind", "", "only this `KIND`: receive, issue, transfer, count, inbound, outbound or adjustment")
	search := fs.String("search", "", "only documents whose number, note or store contains `TEXT`")
	from := fs.String("from", "", "only documents dated on or after this day, `YYYY-MM-DD`")
	to := fs.String("to", "", "only documents dated on or before this day, `YYYY-MM-DD`")
	var o exportFlags
	o.define(fs, "table", "csv", "json")
	if err := flagsOnly(fs, args, o.check); err != nil {
		return err
	}
	if *kind != "" {
		var kinds []string
		for _, k := range storage.ListedDocKinds {
			kinds = append(kinds, string(k))
		}
		if err := oneOf("kind", *kind, kinds...); err != nil {
			return err
		}
	}
	filter := storage.StockDocumentFilter{Kind: storage.StockDocKind(*kind), Search: *search}
	for _, end := range []struct {
		flag, text string
		day        *time.Time
		next       int
	}{{"--from", *from, &filter.From, 0}, {"--to", *to, &filter.To, 1}} {
		if s := strings.TrimSpace(end.text); s != "" {
			day, err := time.ParseInLocation("2006-01-02", s, env.Location)
			if err != nil {
				return Usagef("%s %q is not a date such as 2026-03-01", end.flag, s)
			}
			*end.day = day.AddDate(0, 0, end.next)
		}
	}
	db, err := env.DB(ctx)
	if err != nil {
		return err
	}
	docs, err := db.StockDocuments(ctx, filter)
	if err != nil {
		return fmt.Errorf("read stock documents: %w", err)
	}
	return writeOutput(env, o.out, func(w io.Writer) error {
		switch o.format {
		case "json":
			out := make([]stockDocJSON, 0, len(docs))
			for _, d := range docs {
				out = append(out, docJSON(d))
			}
			return writeJSON(w, out)
		case "csv":
			rows := make([][]string, 0, len(docs))
			for _, d := range docs {
				rows = append(rows, []string{d.Number, string(d.Kind), utcTime(d.Date), d.Warehouse, d.ToWarehouse,
					d.ReversesNumber, d.ReversedByNumber, fmt.Sprint(d.LineCount), d.Note, d.Source})
			}
			return writeCSV(w, o.bom, []string{"number", "kind", "date", "warehouse", "to_warehouse", "reverses", "reversed_by", "lines", "note", "source"}, rows)
		}
		if len(docs) == 0 {
			_, err := fmt.Fprintln(w, "No stock documents yet.")
			return err
		}
		t := newTable(w, "NUMBER", "KIND", "DATE", "WAREHOUSE", "TO", "LINES", "STORE", "NOTE")
		for _, d := range docs {
			note := d.Note
			if d.ReversesNumber != "" {
				note = strings.TrimSpace("reverses " + d.ReversesNumber + " " + note)
			}
			if d.ReversedByNumber != "" {
				note = strings.TrimSpace(note + " (reversed by " + d.ReversedByNumber + ")")
			}
			t.row(d.Number, string(d.Kind), d.Date.In(env.Location).Format("2006-01-02"), d.Warehouse, d.ToWarehouse, fmt.Sprint(d.LineCount), d.Source, note)
		}
		return t.flush()
	})
}

func runStockPDF(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("stock pdf", flag.ContinueOnError)
	var pf pdfFlags
	pf.define(fs)
	pos, err := parseArgs(fs, args, someArgs("which documents? Give their numbers, e.g. REC-000001 CNT-000002"))
	if err != nil {
		return err
	}
	lang, err := pf.check()
	if err != nil {
		return err
	}
	db, err := env.DB(ctx)
	if err != nil {
		return err
	}
	for _, number := range pos {
		doc, err := db.StockDocumentByNumber(ctx, number)
		if err != nil {
			return err
		}
		seller, err := stockDocSeller(ctx, db, doc)
		if err != nil {
			return err
		}
		pdf, err := invoicepdf.RenderStockDocument(doc, seller, invoicepdf.Options{Lang: lang, Location: env.loc()})
		if err != nil {
			return err
		}
		path, err := pf.write(invoicepdf.StockDocumentFileName(doc), pdf)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, path)
	}
	return nil
}

// stockDocSeller is the seller printed on a stock document: its warehouse's branch's details
// over the business's.
func stockDocSeller(ctx context.Context, db *storage.DB, doc storage.StockDocument) (storage.Seller, error) {
	var branch int64
	if err := db.View(ctx, func(tx *storage.Tx) error {
		w, err := tx.Warehouse(doc.WarehouseID)
		branch = w.BranchID
		return err
	}); err != nil {
		return storage.Seller{}, err
	}
	return db.Seller(ctx, branch)
}
