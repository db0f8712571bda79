package invoicepdf

import (
	"bytes"
	"fmt"
	"time"

	"github.com/carlos7ags/folio/document"
	"github.com/carlos7ags/folio/layout"

	"mizan/storage"
)

// a4Report is a report printed on A4 pages around one table (a stock document, the VAT report).
type a4Report struct {
	info             string                         // the PDF's title
	arTitle, enTitle string                         // the title under the seller
	facts            func(p *printer) [][3]string   // under the title: each fact's Arabic and English caption and its value
	table            func(p *printer) *layout.Table // under the facts
	noteAR, noteEN   string                         // under the table
	what             string                         // what could not be printed, in an error
}

// renderA4Report prints a report in the chosen language(s) (the layout option is ignored, the
// time zone is the machine's unless chosen): the seller, the report's title, its facts, its
// table and its note.
func renderA4Report(r a4Report, seller storage.Seller, opt Options) ([]byte, error) {
	if opt.Lang == "" {
		opt.Lang = Both
	}
	if _, err := ParseLang(string(opt.Lang)); err != nil {
		return nil, err
	}
	opt.Layout = A4
	if opt.Location == nil {
		opt.Location = time.Local
	}
	p, err := newPrinter(Document{Seller: seller}, opt)
	if err != nil {
		return nil, err
	}
	d := document.NewDocument(document.PageSizeA4)
	d.SetMargins(layout.Margins{Top: 36, Right: 36, Bottom: 36, Left: 36})
	d.SetActualText(false) // as for invoices: Arabic words extract in logical order
	d.Info.Title = r.info
	d.Info.Author = seller.NameEN
	if d.Info.Author == "" {
		d.Info.Author = seller.Name()
	}
	d.Info.Creator, d.Info.Producer = "Mizan", "Mizan"

	names := p.sellerNames()
	if names[0] == "" {
		names = []string{"Mizan"}
	}
	d.Add(p.sellerBlock(names))
	title := layout.NewDiv().SetSpaceBefore(10).SetSpaceAfter(8)
	title.Add(p.titleText(r.arTitle, r.enTitle, 17).SetAlign(layout.AlignCenter))
	d.Add(title)

	meta := p.table([]float64{30, 70})
	for _, f := range r.facts(p) {
		row := meta.AddRow()
		c := row.AddCellElement(p.heading(f[0], f[1], 8, p.start()))
		c.SetBorders(layout.NoBorders())
		c.SetPadding(3).SetBackground(shade)
		p.cell(row, f[2], 9, false, p.start())
	}
	d.Add(meta)
	d.Add(layout.NewDiv().SetSpaceAfter(10))

	d.Add(r.table(p))
	note := layout.NewDiv().SetSpaceBefore(8)
	for _, l := range p.both(r.noteAR, r.noteEN) {
		note.Add(p.text(l, 8.5, false, grey))
	}
	d.Add(note)

	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("print %s: %w", r.what, err)
	}
	return buf.Bytes(), nil
}
