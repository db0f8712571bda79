package invoicepdf

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/carlos7ags/folio/barcode"
	"github.com/carlos7ags/folio/document"
	"github.com/carlos7ags/folio/font"
	folioimage "github.com/carlos7ags/folio/image"
	"github.com/carlos7ags/folio/layout"

	"mizan/assets/fonts"
	"mizan/storage"
)

// faces are the parsed fonts, shared by every print (each print embeds its own subset).
var faces struct {
	once                                 sync.Once
	arabic, arabicBold, latin, latinBold font.Face
	err                                  error
}

func loadFaces() error {
	faces.once.Do(func() {
		for _, f := range []struct {
			dst  *font.Face
			data []byte
			name string
		}{
			{&faces.arabic, fonts.ArabicRegular, "Noto Sans Arabic UI"},
			{&faces.arabicBold, fonts.ArabicBold, "Noto Sans Arabic UI Bold"},
			{&faces.latin, fonts.LatinRegular, "Noto Sans"},
			{&faces.latinBold, fonts.LatinBold, "Noto Sans Bold"},
		} {
			face, err := font.ParseTTF(f.data)
			if err != nil {
				faces.err = fmt.Errorf("read the font %s: %w", f.name, err)
				return
			}
			*f.dst = face
		}
	})
	return faces.err
}

// fontPair is the Arabic face and its Latin fallback of one weight, embedded in one document.
type fontPair struct {
	arabic, latin         *font.EmbeddedFont
	arabicFace, latinFace font.Face
	chain                 *font.Fallback // Arabic first, Latin for what it lacks
}

func newFontPair(arabic, latin font.Face) *fontPair {
	p := &fontPair{arabic: font.NewEmbeddedFont(arabic), latin: font.NewEmbeddedFont(latin), arabicFace: arabic, latinFace: latin}
	p.chain = font.NewFallback(p.arabic, p.latin)
	return p
}

// runs splits text into runs of one face each: Arabic letters in the Arabic face, Latin letters
// in the Latin one, and digits, spaces and punctuation in the face of the text around them when it
// has the glyph (the Arabic face has no ASCII punctuation such as parentheses), else in the other.
// Splitting by glyph rather than by script keeps "(" next to an Arabic word from printing as a box.
func (p *fontPair) runs(text string, size float64, color layout.Color) []layout.TextRun {
	var out []layout.TextRun
	var cur *font.EmbeddedFont
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, layout.TextRun{Text: b.String(), Embedded: cur, FontSize: size, Color: color})
			b.Reset()
		}
	}
	for _, r := range text {
		var face *font.EmbeddedFont
		switch {
		case unicode.Is(unicode.Arabic, r):
			face = p.arabic
		case unicode.IsLetter(r):
			face = p.latin
		case cur != nil && p.has(cur, r):
			face = cur
		case p.latinFace.GlyphIndex(r) != 0:
			face = p.latin
		default:
			face = p.arabic
		}
		if face != cur {
			flush()
			cur = face
		}
		b.WriteRune(r)
	}
	flush()
	if len(out) == 0 {
		out = append(out, layout.TextRun{Text: "", Embedded: p.latin, FontSize: size, Color: color})
	}
	return out
}

func (p *fontPair) has(ef *font.EmbeddedFont, r rune) bool {
	if ef == p.arabic {
		return p.arabicFace.GlyphIndex(r) != 0
	}
	return p.latinFace.GlyphIndex(r) != 0
}

// printer lays one document out.
type printer struct {
	doc     Document
	opt     Options
	regular *fontPair
	bold    *fontPair
	rtl     bool // Arabic leads: tables run right to left, text aligns right
	receipt bool
	rows    []row
}

var (
	ink    = layout.Gray(0.1)
	grey   = layout.Gray(0.4)
	rule   = layout.Gray(0.75)
	shade  = layout.Gray(0.93)
	accent = layout.RGB(0.05, 0.35, 0.3)
)

func newPrinter(doc Document, opt Options) (*printer, error) {
	if err := loadFaces(); err != nil {
		return nil, err
	}
	return &printer{doc: doc, opt: opt,
		regular: newFontPair(faces.arabic, faces.latin), bold: newFontPair(faces.arabicBold, faces.latinBold),
		rtl: opt.Lang != English, receipt: opt.Layout == Receipt, rows: rows(doc.Invoice)}, nil
}

// text is a paragraph in the document's direction.
func (p *printer) text(s string, size float64, bold bool, color layout.Color) *layout.Paragraph {
	f := p.regular
	if bold {
		f = p.bold
	}
	para := layout.NewStyledParagraph(f.runs(s, size, color)...)
	para.SetLeading(1.25)
	if p.rtl {
		para.SetDirection(layout.DirectionRTL)
		para.SetAlign(layout.AlignRight)
	} else {
		para.SetDirection(layout.DirectionLTR)
		para.SetAlign(layout.AlignLeft)
	}
	return para
}

// label is a caption in the chosen language(s): "عربي / English" on one line when both.
func (p *printer) label(ar, en string) string {
	switch p.opt.Lang {
	case Arabic:
		return ar
	case English:
		return en
	}
	return ar + " / " + en
}

// heading is a caption cell: Arabic over English when both are printed.
func (p *printer) heading(ar, en string, size float64, align layout.Align) layout.Element {
	var parts []string
	switch p.opt.Lang {
	case Arabic:
		parts = []string{ar}
	case English:
		parts = []string{en}
	default:
		parts = []string{ar, en}
		if ar == en {
			parts = parts[:1]
		}
	}
	div := layout.NewDiv()
	for _, s := range parts {
		div.Add(p.text(s, size, true, ink).SetAlign(align))
	}
	return div
}

// title is what the document is, in the chosen language(s).
func (p *printer) title() (ar, en string) {
	switch p.doc.Kind() {
	case CreditNote:
		return "إشعار دائن", "Credit Note"
	case Copy:
		if p.doc.Invoice.Type == storage.ReturnInvoice {
			return "نسخة إشعار دائن", "Credit Note (copy)"
		}
		return "نسخة فاتورة", "Invoice (copy)"
	case PlainInvoice:
		if p.doc.Invoice.Type == storage.ReturnInvoice {
			return "إشعار مرتجع", "Return Note"
		}
		return "فاتورة", "Invoice"
	}
	return "فاتورة ضريبية مبسطة", "Simplified Tax Invoice"
}

func (p *printer) write(w io.Writer) error {
	size := document.PageSizeA4
	margin := 36.0
	if p.receipt {
		// 80 mm wide, as long as the invoice needs.
		size = document.PageSize{Width: 226.77, Height: p.receiptHeight()}
		margin = 10
	}
	d := document.NewDocument(size)
	d.SetMargins(layout.Margins{Top: margin, Right: margin, Bottom: margin, Left: margin})
	// Shaped Arabic words are left without an /ActualText span: a reader that maps each glyph
	// back through the font's ToUnicode table then extracts them in logical order, where poppler
	// reverses the letters of an RTL word inside such a span.
	d.SetActualText(false)
	ar, en := p.title()
	d.Info.Title = en + " " + p.doc.Invoice.Number
	d.Info.Author = p.doc.Seller.NameEN
	if d.Info.Author == "" {
		d.Info.Author = p.doc.Seller.Name()
	}
	d.Info.Creator = "Mizan"
	d.Info.Producer = "Mizan"
	d.Info.CreationDate = p.doc.Invoice.CreatedAt

	var err error
	if p.receipt {
		err = p.receiptBody(d, ar, en)
	} else {
		err = p.a4Body(d, ar, en)
	}
	if err != nil {
		return err
	}
	_, err = d.WriteTo(w)
	return err
}

// receiptHeight estimates the roll length: the fixed parts plus each line.
func (p *printer) receiptHeight() float64 {
	h := 190.0
	if p.doc.HasQR() || p.doc.StoreQR() != "" {
		h += 140
	}
	if len(p.doc.Seller.Logo) > 0 {
		h += 60
	}
	if p.opt.Lang == Both {
		h += 90
	}
	for _, r := range p.rows {
		// The description wraps at about 36 characters of 8 pt bold on the roll's width.
		h += 26 + 11*float64(1+utf8.RuneCountInString(r.desc)/36)
	}
	return h
}

func (p *printer) table(widths []float64) *layout.Table {
	t := layout.NewTable()
	unit := make([]layout.UnitValue, len(widths))
	for i, w := range widths {
		unit[i] = layout.Pct(w)
	}
	t.SetColumnUnitWidths(unit)
	t.SetBorderCollapse(true)
	if p.rtl {
		t.SetDirection(layout.DirectionRTL)
	}
	return t
}

// cell adds a cell with text to a row.
func (p *printer) cell(r *layout.Row, s string, size float64, bold bool, align layout.Align) *layout.Cell {
	c := r.AddCellElement(p.text(s, size, bold, ink).SetAlign(align))
	c.SetBorders(layout.NoBorders())
	c.SetPadding(3)
	return c
}

// start and end are the sides where text begins and ends in the document's direction.
func (p *printer) start() layout.Align {
	if p.rtl {
		return layout.AlignRight
	}
	return layout.AlignLeft
}

func (p *printer) end() layout.Align {
	if p.rtl {
		return layout.AlignLeft
	}
	return layout.AlignRight
}

func (p *printer) logo(maxW, maxH float64) layout.Element {
	data := p.doc.Seller.Logo
	if len(data) == 0 {
		return nil
	}
	var img *folioimage.Image
	var err error
	if len(data) > 3 && data[0] == 0xFF && data[1] == 0xD8 {
		img, err = folioimage.NewJPEG(data)
	} else {
		img, err = folioimage.NewPNG(data)
	}
	if err != nil {
		return nil // a logo that cannot be read is left out rather than failing the invoice
	}
	return layout.NewImageElement(img).SetMaxSize(maxW, maxH).SetAlign(layout.AlignCenter)
}

// sellerLines are the seller's details under its name.
func (p *printer) sellerLines() []string {
	s := p.doc.Seller
	var out []string
	if p.opt.Lang != English && s.AddressAR != "" {
		out = append(out, s.AddressAR)
	}
	if p.opt.Lang != Arabic && s.AddressEN != "" {
		out = append(out, s.AddressEN)
	}
	if s.AddressAR == "" && s.AddressEN != "" && p.opt.Lang == Arabic {
		out = append(out, s.AddressEN)
	}
	if s.AddressEN == "" && s.AddressAR != "" && p.opt.Lang == English {
		out = append(out, s.AddressAR)
	}
	if s.VATNumber != "" {
		out = append(out, p.label("الرقم الضريبي", "VAT No.")+": "+s.VATNumber)
	}
	if s.CRNumber != "" {
		out = append(out, p.label("السجل التجاري", "CR No.")+": "+s.CRNumber)
	}
	return out
}

// sellerNames are the legal names to print, most prominent first.
// sellerBlock is the seller's names (the first larger) above their address and tax lines, as an
// invoice's and a report's heading show them.
func (p *printer) sellerBlock(names []string) *layout.Div {
	block := layout.NewDiv()
	for i, n := range names {
		size := 15.0
		if i > 0 {
			size = 12
		}
		block.Add(p.text(n, size, true, accent))
	}
	for _, l := range p.sellerLines() {
		block.Add(p.text(l, 9, false, grey))
	}
	return block
}

func (p *printer) sellerNames() []string {
	s := p.doc.Seller
	var out []string
	switch p.opt.Lang {
	case Arabic:
		out = append(out, s.Name())
	case English:
		if s.NameEN != "" {
			out = append(out, s.NameEN)
		} else {
			out = append(out, s.NameAR)
		}
	default:
		for _, n := range []string{s.NameAR, s.NameEN} {
			if n != "" {
				out = append(out, n)
			}
		}
	}
	if len(out) == 0 || out[0] == "" {
		out = []string{p.doc.Invoice.BranchName}
	}
	return out
}

// details are the document's own facts: number, date, the invoice it returns, client, order; each
// as its Arabic caption, its English caption and its value.
func (p *printer) details() [][3]string {
	inv := p.doc.Invoice
	out := [][3]string{
		{"رقم الفاتورة", "Invoice No.", inv.Number},
		{"التاريخ", "Date", inv.IssueDate.In(p.opt.Location).Format("2006-01-02 15:04")},
	}
	if inv.Type == storage.ReturnInvoice {
		out[0] = [3]string{"رقم الإشعار", "Note No.", inv.Number}
		out = append(out, [3]string{"الفاتورة الأصلية", "Original invoice", inv.OriginalNumber})
	}
	if inv.Client.Name != "" {
		out = append(out, [3]string{"العميل", "Customer", inv.Client.Name})
	}
	if inv.Source.OrderName != "" {
		out = append(out, [3]string{"طلب المتجر", "Store order", inv.Source.OrderName})
	}
	if n := strings.TrimSpace(inv.StoreDoc.Number); n != "" && p.doc.Kind() == Copy {
		if inv.Type == storage.ReturnInvoice {
			out = append(out, [3]string{"رقم إشعار المتجر", "Store's credit note No.", n})
		} else {
			out = append(out, [3]string{"رقم فاتورة المتجر", "Store's invoice No.", n})
		}
	}
	return out
}

// totals are the amounts under the lines: net of VAT, VAT, gross, with any order discount.
func (p *printer) totals() (rows [][2]string, grossLabel, gross string) {
	inv := p.doc.Invoice
	cur := " " + inv.Currency
	if !inv.Discount.IsZero() {
		rows = append(rows, [2]string{p.label("خصم", "Discount"), "-" + money(inv.Discount) + cur})
	}
	rows = append(rows,
		[2]string{p.label("الإجمالي بدون الضريبة", "Total excl. VAT"), money(inv.Total.Sub(inv.Tax)) + cur},
		[2]string{p.label("ضريبة القيمة المضافة", "VAT"), money(inv.Tax) + cur})
	return rows, p.label("الإجمالي شامل الضريبة", "Total incl. VAT"), money(inv.Total) + cur
}

// notes are what the merchant should know under the totals.
func (p *printer) notes() []string {
	var out []string
	switch p.doc.Kind() {
	case Copy:
		out = append(out, p.label("هذه نسخة: الفاتورة الضريبية يصدرها المتجر", "This is a copy: the tax invoice is issued by the store"))
	case PlainInvoice:
		out = append(out, p.label("ليست فاتورة ضريبية: الرقم الضريبي للبائع غير مسجل", "Not a tax invoice: the seller's VAT number is not set"))
	}
	if p.doc.Invoice.TaxInclusive {
		out = append(out, p.label("الأسعار شاملة ضريبة القيمة المضافة", "Prices include VAT"))
	}
	return out
}

func (p *printer) qr(width float64) (layout.Element, error) {
	text := p.doc.StoreQR() // a copy carries the store's own code, as the store gave it
	if text == "" {
		var err error
		if text, err = QRText(p.doc.QRFields()); err != nil {
			return nil, err
		}
	}
	bc, err := barcode.NewQR(text)
	if err != nil {
		return nil, fmt.Errorf("draw the QR code: %w", err)
	}
	return layout.NewBarcodeElement(bc, width).SetAlign(layout.AlignCenter).SetAltText("ZATCA QR"), nil
}

func (p *printer) a4Body(d *document.Document, titleAR, titleEN string) error {
	// The seller, with the logo on the other side.
	head := p.table([]float64{70, 30})
	r := head.AddRow()
	c := r.AddCellElement(p.sellerBlock(p.sellerNames()))
	c.SetBorders(layout.NoBorders())
	if logo := p.logo(140, 70); logo != nil {
		c := r.AddCellElement(logo)
		c.SetBorders(layout.NoBorders())
	} else {
		p.cell(r, "", 9, false, p.end())
	}
	d.Add(head)

	title := layout.NewDiv().SetSpaceBefore(10).SetSpaceAfter(8)
	title.Add(p.titleText(titleAR, titleEN, 17).SetAlign(layout.AlignCenter))
	d.Add(title)

	// The document's facts, two to a row.
	facts := p.details()
	meta := p.table([]float64{18, 32, 18, 32})
	for i := 0; i < len(facts); i += 2 {
		r := meta.AddRow()
		for j := i; j < i+2; j++ {
			if j < len(facts) {
				c := r.AddCellElement(p.heading(facts[j][0], facts[j][1], 8, p.start()))
				c.SetBorders(layout.NoBorders())
				c.SetPadding(3).SetBackground(shade)
				p.cell(r, facts[j][2], 9, false, p.start())
			} else {
				p.cell(r, "", 8, false, p.start())
				p.cell(r, "", 8, false, p.start())
			}
		}
	}
	d.Add(meta)
	d.Add(layout.NewDiv().SetSpaceAfter(10))

	// The lines.
	lines := p.table([]float64{4, 34, 8, 11, 10, 8, 11, 14})
	h := lines.AddHeaderRow()
	for _, col := range [][2]string{{"#", "#"}, {"الصنف", "Item"}, {"الكمية", "Qty"}, {"سعر الوحدة", "Unit price"},
		{"الخصم", "Discount"}, {"نسبة الضريبة", "VAT rate"}, {"مبلغ الضريبة", "VAT"}, {"الإجمالي", "Total"}} {
		align := p.end()
		if col[1] == "Item" || col[1] == "#" {
			align = p.start()
		}
		c := h.AddCellElement(p.heading(col[0], col[1], 7.5, align))
		c.SetBackground(shade).SetPadding(3)
		c.SetBorders(layout.CellBorders{Bottom: layout.SolidBorder(0.8, ink)})
	}
	for i, rw := range p.rows {
		r := lines.AddRow()
		cells := []string{fmt.Sprint(i + 1), rw.desc, rw.qty.String(), money(rw.unitPrice), money(rw.discount),
			percent(rw.rate), money(rw.vat), money(rw.total)}
		for j, s := range cells {
			align := p.end()
			if j < 2 {
				align = p.start()
			}
			c := p.cell(r, s, 8.5, false, align)
			c.SetBorders(layout.CellBorders{Bottom: layout.SolidBorder(0.4, rule)})
		}
	}
	d.Add(lines)
	d.Add(layout.NewDiv().SetSpaceAfter(10))

	// Totals, with the QR code beside them.
	foot := p.table([]float64{28, 7, 65})
	r = foot.AddRow()
	if p.doc.HasQR() || p.doc.StoreQR() != "" {
		qr, err := p.qr(120)
		if err != nil {
			return err
		}
		c := r.AddCellElement(qr)
		c.SetBorders(layout.NoBorders())
	} else {
		p.cell(r, "", 8, false, p.start())
	}
	p.cell(r, "", 8, false, p.start())
	c = r.AddCellElement(p.totalsTable(10))
	c.SetBorders(layout.NoBorders())
	d.Add(foot)

	for _, n := range p.notes() {
		d.Add(p.text(n, 9, false, grey).SetSpaceBefore(4))
	}
	if notes := strings.TrimSpace(p.doc.Invoice.Notes); notes != "" {
		d.Add(p.text(notes, 8, false, grey).SetSpaceBefore(8))
	}
	return nil
}

// titleText is the document's title in the chosen language(s).
func (p *printer) titleText(ar, en string, size float64) *layout.Paragraph {
	return p.text(p.label(ar, en), size, true, ink)
}

// totalsTable lists the totals, the gross last and bold.
func (p *printer) totalsTable(size float64) *layout.Table {
	rows, grossLabel, gross := p.totals()
	t := p.table([]float64{68, 32})
	for _, rw := range rows {
		r := t.AddRow()
		p.cell(r, rw[0], size-1, false, p.start())
		p.cell(r, rw[1], size-1, false, p.end())
	}
	r := t.AddRow()
	p.cell(r, grossLabel, size, true, p.start()).SetBackground(shade)
	p.cell(r, gross, size, true, p.end()).SetBackground(shade)
	return t
}

func (p *printer) receiptBody(d *document.Document, titleAR, titleEN string) error {
	centre := func(s string, size float64, bold bool, color layout.Color) {
		d.Add(p.text(s, size, bold, color).SetAlign(layout.AlignCenter))
	}
	if logo := p.logo(120, 50); logo != nil {
		d.Add(logo)
	}
	for i, n := range p.sellerNames() {
		size := 11.0
		if i > 0 {
			size = 9.5
		}
		centre(n, size, true, ink)
	}
	for _, l := range p.sellerLines() {
		centre(l, 7.5, false, grey)
	}
	d.Add(layout.NewLineSeparator())
	d.Add(layout.NewDiv().SetSpaceAfter(4))
	if p.opt.Lang == Both {
		centre(titleAR, 11, true, ink)
		centre(titleEN, 10, true, ink)
	} else {
		centre(p.label(titleAR, titleEN), 11, true, ink)
	}
	meta := p.table([]float64{45, 55})
	for _, f := range p.details() {
		r := meta.AddRow()
		p.cell(r, p.label(f[0], f[1]), 7, true, p.start()).SetPadding(1.5)
		p.cell(r, f[2], 7.5, false, p.end()).SetPadding(1.5)
	}
	d.Add(meta)
	d.Add(layout.NewLineSeparator())

	for _, rw := range p.rows {
		d.Add(p.text(rw.desc, 8, true, ink).SetSpaceBefore(3))
		t := p.table([]float64{40, 25, 35})
		r := t.AddRow()
		qty := rw.qty.String() + " × " + money(rw.unitPrice)
		if !rw.discount.IsZero() {
			qty += " - " + money(rw.discount)
		}
		p.cell(r, qty, 7.5, false, p.start()).SetPadding(1)
		p.cell(r, p.label("الضريبة", "VAT")+" "+percent(rw.rate), 7.5, false, layout.AlignCenter).SetPadding(1)
		p.cell(r, money(rw.total), 7.5, false, p.end()).SetPadding(1)
		d.Add(t)
	}
	d.Add(layout.NewLineSeparator())
	d.Add(p.totalsTable(8.5))
	for _, n := range p.notes() {
		centre(n, 7.5, false, grey)
	}
	if p.doc.HasQR() || p.doc.StoreQR() != "" {
		qr, err := p.qr(120)
		if err != nil {
			return err
		}
		d.Add(layout.NewDiv().SetSpaceAfter(6))
		d.Add(qr)
	}
	return nil
}
