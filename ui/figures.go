package ui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// FiguresPanel is the dashboard's figures: sales, returns, net, VAT collected, orders and the
// average order for today, this month or a chosen period, for all stores or one, and a chart of
// each day's sales. Days are counted in the computer's time zone, as the invoice list counts them.
type FiguresPanel struct {
	Period   *widget.Select // today, this month, a chosen period
	From, To *widget.Entry  // the chosen period's days (YYYY-MM-DD)
	// FromDay and ToDay are From and To with their calendar buttons.
	FromDay, ToDay *DatePicker
	Store          *widget.Select // all stores or one store connection
	Show           *widget.Button // applies a chosen period
	// The figures.
	Sales, Returns, Net, VAT, Orders, Average *widget.Label
	Note                                      *widget.Label // the period shown, invoices in other currencies
	Chart                                     *DayChart
	VATReport                                 *widget.Button
	Content                                   fyne.CanvasObject
	// LastReport is the VAT report shown last (UI goroutine).
	LastReport *VATReportView

	m      *App
	mu     sync.Mutex
	stores []string // the Store options after "All stores": connection names
	want   figureChoice
	shown  storage.Figures
	period storage.Period
}

// The period choices, by index of FiguresPanel.Period's options.
const (
	periodToday = iota
	periodMonth
	periodChosen
)

func newFiguresPanel(m *App) *FiguresPanel {
	p := &FiguresPanel{m: m}
	p.Period = widget.NewSelect([]string{tr("figures.today", "Today"), tr("figures.this_month", "This month"),
		tr("figures.chosen", "Chosen period")}, func(string) { p.periodChanged() })
	p.From, p.To = widget.NewEntry(), widget.NewEntry()
	p.From.SetPlaceHolder("YYYY-MM-DD")
	p.To.SetPlaceHolder("YYYY-MM-DD")
	p.Show = widget.NewButton(tr("figures.show", "Show"), func() { p.reload() })
	p.Store = widget.NewSelect([]string{tr("figures.all_stores", "All stores")}, func(string) { p.reload() })
	p.VATReport = widget.NewButtonWithIcon(tr("figures.vat_report", "VAT report"), theme.DocumentIcon(), func() {
		if c, err := p.choice(); err != nil {
			showProblem(m.Window, tr("doing.vat_report", "make the VAT report"), err)
		} else {
			m.ShowVATReport(c.period())
		}
	})
	figure := func(caption string) (*widget.Label, fyne.CanvasObject) {
		value := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		value.SizeName = theme.SizeNameSubHeadingText
		head := widget.NewLabel(caption)
		head.Importance = widget.LowImportance
		return value, container.NewVBox(head, value)
	}
	var cells []fyne.CanvasObject
	for _, f := range []struct {
		l       **widget.Label
		caption string
	}{
		{&p.Sales, tr("figures.sales", "Sales")}, {&p.Returns, tr("figures.returns", "Returns")},
		{&p.Net, tr("figures.net", "Net")}, {&p.VAT, tr("figures.vat", "VAT collected")},
		{&p.Orders, tr("figures.orders", "Orders")}, {&p.Average, tr("figures.average", "Average order")},
	} {
		var cell fyne.CanvasObject
		*f.l, cell = figure(f.caption)
		cells = append(cells, cell)
	}
	p.Note = widget.NewLabel("")
	p.Note.Importance = widget.LowImportance
	p.Note.Wrapping = fyne.TextWrapWord
	p.want = figureChoice{which: periodMonth}
	p.FromDay, p.ToDay = newDatePicker(p.From), newDatePicker(p.To)
	from, to := p.FromDay, p.ToDay
	p.Period.SetSelectedIndex(periodMonth) // before Chart exists: reads nothing yet
	p.Chart = NewDayChart()
	day := fyne.NewSize(120+from.Button.MinSize().Width, p.From.MinSize().Height) // room for YYYY-MM-DD and the calendar
	picker := container.NewHBox(p.Period, container.NewGridWrap(day, from.Content), widget.NewLabel("–"),
		container.NewGridWrap(day, to.Content), p.Show, p.Store, layout.NewSpacer(), p.VATReport)
	title := widget.NewLabelWithStyle(tr("figures.title", "Figures"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.Content = container.NewVBox(container.NewBorder(nil, nil, title, nil, picker),
		container.NewGridWithColumns(6, cells...), p.Chart, p.Note, widget.NewSeparator())
	return p
}

// figureChoice is what the picker chooses, kept for the background reads.
type figureChoice struct {
	which    int       // periodToday, periodMonth or periodChosen
	from, to time.Time // a chosen period's days
	store    string    // a store connection's name; empty for all stores
}

// period is the choice's period as of now: today and this month move with the clock.
func (c figureChoice) period() storage.Period {
	now := time.Now().In(time.Local)
	out := storage.Period{Location: time.Local, Connection: c.store}
	switch c.which {
	case periodToday:
		out.From, out.To = now, now
	case periodChosen:
		out.From, out.To = c.from, c.to
	default:
		out.From, out.To = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.Local), now
	}
	return out
}

// periodChanged enables the days (and their calendars) for a chosen period and shows the others
// at once. UI goroutine.
func (p *FiguresPanel) periodChanged() {
	chosen := p.Period.SelectedIndex() == periodChosen
	for _, w := range []interface {
		Enable()
		Disable()
	}{p.From, p.To, p.FromDay.Button, p.ToDay.Button, p.Show} {
		if chosen {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if chosen {
		if p.From.Text == "" || p.To.Text == "" { // start from the month
			pr := figureChoice{which: periodMonth}.period()
			p.From.SetText(pr.From.Format(dayLayout))
			p.To.SetText(pr.To.Format(dayLayout))
		}
		return
	}
	if p.Chart != nil { // built
		p.reload()
	}
}

// choice reads the picker. UI goroutine.
func (p *FiguresPanel) choice() (figureChoice, error) {
	c := figureChoice{which: p.Period.SelectedIndex()}
	if i := p.Store.SelectedIndex(); i > 0 {
		p.mu.Lock()
		if i-1 < len(p.stores) {
			c.store = p.stores[i-1]
		}
		p.mu.Unlock()
	}
	if c.which != periodChosen {
		return c, nil
	}
	var err error
	if c.from, err = time.ParseInLocation(dayLayout, strings.TrimSpace(p.From.Text), time.Local); err != nil {
		return c, &userError{tr("figures.bad_from", "The first day is not a date in the form YYYY-MM-DD.")}
	}
	if c.to, err = time.ParseInLocation(dayLayout, strings.TrimSpace(p.To.Text), time.Local); err != nil {
		return c, &userError{tr("figures.bad_to", "The last day is not a date in the form YYYY-MM-DD.")}
	}
	if c.to.Before(c.from) {
		return c, &userError{tr("figures.bad_order", "The period ends before it starts.")}
	}
	return c, nil
}

// userError is a mistake in what the user typed; its message says what to change.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

// reload reads the figures the picker chooses in the background. UI goroutine.
func (p *FiguresPanel) reload() {
	c, err := p.choice()
	if err != nil {
		showProblem(p.m.Window, tr("doing.figures", "show the figures"), err)
		return
	}
	p.mu.Lock()
	p.want = c
	p.mu.Unlock()
	p.m.work.Go(func() { p.read(context.Background(), c.period()) })
}

// load reads the stores the books have invoices from, and the figures of the period last chosen.
// Worker.
func (p *FiguresPanel) load(ctx context.Context) error {
	stores, err := p.m.db.FigureConnections(ctx)
	if err != nil {
		p.m.showProblem(tr("doing.figures", "show the figures"), err)
		return err
	}
	p.mu.Lock()
	p.stores = stores
	want := p.want
	p.mu.Unlock()
	uiDo(func() {
		opts := []string{tr("figures.all_stores", "All stores")}
		selected := opts[0]
		for _, s := range stores {
			opts = append(opts, visual(s))
			if s == want.store {
				selected = visual(s)
			}
		}
		p.Store.Options = opts
		p.Store.Selected = selected // without OnChanged: the figures are read below
		p.Store.Refresh()
	})
	if want.store != "" && !slices.Contains(stores, want.store) {
		want.store = ""
	}
	return p.read(ctx, want.period())
}

// read sums the period's figures and shows them. Worker.
func (p *FiguresPanel) read(ctx context.Context, period storage.Period) error {
	f, err := p.m.db.Figures(ctx, period)
	if err != nil {
		p.m.showProblem(tr("doing.figures", "show the figures"), err)
		return err
	}
	uiDo(func() { p.render(period, f) })
	return nil
}

// render shows figures. UI goroutine.
func (p *FiguresPanel) render(period storage.Period, f storage.Figures) {
	p.mu.Lock()
	p.shown, p.period = f, period
	p.mu.Unlock()
	cur := " " + f.Currency
	p.Sales.SetText(money(f.Sales) + cur)
	p.Returns.SetText(money(f.Returns) + cur)
	p.Net.SetText(money(f.Net) + cur)
	p.VAT.SetText(money(f.VAT) + cur)
	p.Orders.SetText(itoa(f.Orders))
	p.Average.SetText(money(f.AverageOrder) + cur)
	note := tr("figures.note", "{{.From}} – {{.To}}, {{.Returns}}; amounts include VAT.", map[string]any{"From": period.From.Format(dayLayout),
		"To": period.To.Format(dayLayout), "Returns": countText("figures.returns_count", "{{.Count}} return invoices", f.ReturnsCount)})
	if f.OtherCurrency > 0 {
		note += " " + trn("figures.other_currency", "{{.Count}} invoices in other currencies are not summed.", f.OtherCurrency,
			map[string]any{"Count": f.OtherCurrency})
	}
	p.Note.SetText(note)
	p.Chart.SetDays(f.Days)
}

// Shown is the figures the panel shows and their period.
func (p *FiguresPanel) Shown() (storage.Figures, storage.Period) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.shown, p.period
}

// DayChart draws each day's sales as a bar, and its returns as a red bar in front of it, all
// scaled to the highest day's sales.
type DayChart struct {
	widget.BaseWidget
	days []storage.DayFigures
	bars *fyne.Container
}

// NewDayChart makes an empty chart.
func NewDayChart() *DayChart {
	c := &DayChart{}
	c.bars = container.New(&barsLayout{c: c})
	c.ExtendBaseWidget(c)
	return c
}

// SetDays shows these days. UI goroutine.
func (c *DayChart) SetDays(days []storage.DayFigures) {
	c.days = days
	var objs []fyne.CanvasObject
	for range days {
		sale := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		ret := canvas.NewRectangle(theme.Color(theme.ColorNameError))
		objs = append(objs, sale, ret)
	}
	c.bars.Objects = objs
	c.bars.Refresh()
}

// Bars is how many days the chart draws.
func (c *DayChart) Bars() int { return len(c.days) }

// CreateRenderer draws the bars on a faint background.
func (c *DayChart) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	return widget.NewSimpleRenderer(container.NewStack(bg, c.bars))
}

// barsLayout places a sales and a returns rectangle per day, bottom-aligned, side by side.
type barsLayout struct{ c *DayChart }

func (l *barsLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(200, 120) }

func (l *barsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	days := l.c.days
	if len(days) == 0 || len(objs) != 2*len(days) {
		return
	}
	top := days[0].Sales
	for _, d := range days {
		if d.Sales.GreaterThan(top) {
			top = d.Sales
		}
		if d.Returns.GreaterThan(top) {
			top = d.Returns
		}
	}
	// Heights only: the amounts themselves stay decimal.
	max, _ := top.Float64()
	w := size.Width / float32(len(days))
	gap := w / 5
	if gap > 4 {
		gap = 4
	}
	for i, d := range days {
		for j, v := range []float64{d.Sales.InexactFloat64(), d.Returns.InexactFloat64()} {
			h := float32(0)
			if max > 0 && v > 0 {
				h = size.Height * float32(v/max)
			}
			bw := w - gap
			if bw < 1 {
				bw = 1
			}
			x := float32(i) * w
			if j == 1 { // returns: a narrower bar in front
				bw /= 2
				x += bw / 2
			}
			objs[2*i+j].Resize(fyne.NewSize(bw, h))
			objs[2*i+j].Move(fyne.NewPos(x, size.Height-h))
		}
	}
}
