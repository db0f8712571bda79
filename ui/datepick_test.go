package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// A stock document's date is typed or picked on a calendar, in English and in Arabic: the
// calendar opens at the typed day's month, goes a month back, and the day tapped is written into
// the entry. Its weeks start on Sunday, at the right in Arabic, and its numbers read as written.
// Days after today cannot be picked, and a day after today typed by hand is refused.
func TestStockDocumentDatePicker(t *testing.T) {
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			rtl := language == "ar"
			m, _ := openApp(t, seededDir(t, 3))
			test.Tap(m.Nav[ScreenStock])
			m.Stock.OpenForm(storage.DocReceive)
			m.Idle()
			f := m.Stock.Form
			p := f.DatePick
			if got := f.Date.Text; got != time.Now().Format(dayLayout) {
				t.Fatalf("a new document is dated %q", got)
			}

			f.Date.SetText("٢٠٢٦-٠٣-١٠") // Arabic-Indic digits are read too
			overlays := len(m.Window.Canvas().Overlays().List())
			test.Tap(p.Button)
			cal := p.Calendar
			if cal == nil || m.Window.Canvas().Overlays().Top() == nil {
				t.Fatal("the calendar button showed no calendar")
			}
			if cal.Month.Format(dayLayout) != "2026-03-01" || cal.Title.Text != visual(monthName(time.March)+" 2026") {
				t.Fatalf("the calendar shows %s, titled %q", cal.Month.Format(dayLayout), cal.Title.Text)
			}
			if cal.Days[9].Importance != widget.HighImportance {
				t.Errorf("the entry's day, the 10th, does not stand out")
			}
			if rtl && !strings.Contains(cal.Title.Text, "مارس") {
				t.Errorf("the month in Arabic: %q", cal.Title.Text)
			}
			test.Tap(cal.Prev)
			if cal.Month.Format(dayLayout) != "2026-02-01" || len(cal.Days) != 28 {
				t.Fatalf("a month back: %s with %d days", cal.Month.Format(dayLayout), len(cal.Days))
			}
			m.Window.Canvas().Capture()
			// 1 February 2026 is a Sunday: the first day of its week, at the week's start.
			sun, mon := canvasX(m, cal.Days[0]), canvasX(m, cal.Days[1])
			if got := sun > mon; got != rtl {
				t.Errorf("Sunday the 1st is right of Monday the 2nd: %v (x %v and %v)", got, sun, mon)
			}
			if prev, next := canvasX(m, cal.Prev), canvasX(m, cal.Next); (prev > next) != rtl {
				t.Errorf("the previous month's button is right of the next's: %v", prev > next)
			}
			if cal.Days[13].Text != "14" {
				t.Errorf("the 14th reads %q", cal.Days[13].Text)
			}
			test.Tap(cal.Days[13])
			if f.Date.Text != "2026-02-14" || p.Calendar != nil || len(m.Window.Canvas().Overlays().List()) != overlays {
				t.Fatalf("after picking the 14th the date reads %q (calendar still open: %v)", f.Date.Text, p.Calendar != nil)
			}

			// Today's month: no later day can be picked, nor the next month.
			f.Date.SetText("")
			test.Tap(p.Button)
			cal = p.Calendar
			now := time.Now()
			if cal.Month.Month() != now.Month() || !cal.Next.Disabled() || cal.Days[now.Day()-1].Disabled() {
				t.Errorf("this month's calendar: %s, next month offered %v, today disabled %v", cal.Month.Format(dayLayout),
					!cal.Next.Disabled(), cal.Days[now.Day()-1].Disabled())
			}
			if now.Day() < len(cal.Days) && !cal.Days[now.Day()].Disabled() {
				t.Errorf("tomorrow can be picked")
			}
			p.Close()

			// Typed by hand, tomorrow is refused with the field named.
			f.Date.SetText(now.AddDate(0, 0, 1).Format(dayLayout))
			test.Type(f.Lines[0].Product, "COF")
			test.Tap(f.Post)
			m.Idle()
			want := tr("stockdoc.future_date", "Date: {{.Text}} is after today: date the document the day the goods moved",
				map[string]any{"Text": now.AddDate(0, 0, 1).Format(dayLayout)})
			if m.Stock.Form == nil || f.Problem.Text != want {
				t.Fatalf("tomorrow's document: form open %v, problem %q", m.Stock.Form != nil, f.Problem.Text)
			}
			f.close()
		})
	}
}

// Every day typed in the window has its calendar: the invoices' and the figures' periods and a
// connection's start date. A day picked on the invoices' calendar filters the list as one typed.
func TestEveryTypedDayHasACalendar(t *testing.T) {
	m, _ := openApp(t, seededDir(t, 3))
	calendars := func(o fyne.CanvasObject) []*FormButton {
		var out []*FormButton
		for _, p := range walk(o, fyne.Position{}, nil) {
			if b, ok := p.obj.(*FormButton); ok && b.Icon == theme.CalendarIcon() {
				out = append(out, b)
			}
		}
		return out
	}
	test.Tap(m.Nav[ScreenInvoices])
	m.Idle()
	if got := len(calendars(m.Invoices.listView)); got != 2 {
		t.Fatalf("the invoices' filters have %d calendars", got)
	}
	test.Tap(calendars(m.Invoices.listView)[0])
	top := m.Window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("the invoices' From calendar did not open")
	}
	var first *FormButton
	for _, p := range walk(top, fyne.Position{}, nil) {
		if b, ok := p.obj.(*FormButton); ok && b.Text == "1" && first == nil {
			first = b
		}
	}
	test.Tap(first)
	m.Idle()
	if want := time.Now().Format("2006-01-") + "01"; m.Invoices.From.Text != want {
		t.Errorf("the invoices' From after picking the 1st: %q, want %q", m.Invoices.From.Text, want)
	}
	test.Tap(m.Nav[ScreenStock])
	m.Idle()
	if got := len(calendars(m.Stock.Content)); got != 2 {
		t.Errorf("the stock documents' filters have %d calendars", got)
	}
	test.Tap(m.Nav[ScreenDashboard])
	m.Idle()
	if got := len(calendars(m.Dashboard.Content)); got != 2 {
		t.Errorf("the figures' period has %d calendars", got)
	}
	test.Tap(m.Nav[ScreenConnections])
	m.Connections.Add()
	m.Idle()
	if got := len(calendars(m.Window.Content())); got != 1 {
		t.Errorf("the connection form has %d calendars", got)
	}
}
