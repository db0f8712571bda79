package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DatePicker is an entry where a day is typed as YYYY-MM-DD (in Western or Arabic-Indic digits),
// with a calendar button at its end: the button opens a month's calendar at the entry's day, or
// today, and a day picked is written into the entry as if it had been typed. In a right-to-left
// window the calendar is mirrored (the week starts at the right, the previous month is on the
// right); its numbers read left to right as everywhere.
//
// Fyne's own DateEntry writes the day in the format of the system's region (not the window's
// language), names the month in English and lays the week out left to right, so it is not used.
type DatePicker struct {
	Entry  *widget.Entry
	Button *FormButton
	// Content is the entry with the button at its end.
	Content fyne.CanvasObject
	// Latest, when set, gives the last day that may be picked: later days are shown but cannot be
	// tapped.
	Latest func() time.Time
	// Calendar is the month shown while the calendar is open; nil when it is closed.
	Calendar *MonthCalendar

	// Form is the entry as drawn for a dialog's form (newFormDatePicker): a FormEntry around Entry.
	// Nil otherwise.
	Form *FormEntry

	field fyne.CanvasObject // the entry as drawn: Entry, or Form
	popup *widget.PopUp
}

// newDatePicker makes a picker around an entry for a day.
func newDatePicker(entry *widget.Entry) *DatePicker {
	return datePickerOn(entry, entry)
}

// newFormDatePicker makes a picker around an entry of its own, for a dialog's form: Esc in the
// entry closes the dialog (FormEntry).
func newFormDatePicker() *DatePicker {
	e := newFormEntry()
	p := datePickerOn(e, &e.Entry)
	p.Form = e
	return p
}

// datePickerOn makes a picker around entry, drawn as field.
func datePickerOn(field fyne.CanvasObject, entry *widget.Entry) *DatePicker {
	p := &DatePicker{Entry: entry, field: field}
	p.Button = newFormButton("", theme.CalendarIcon(), p.Open)
	p.Button.Importance = widget.LowImportance
	p.Content = container.NewBorder(nil, nil, nil, p.Button, field)
	return p
}

// Day is the day the entry holds, in the computer's time zone; false when it holds none.
func (p *DatePicker) Day() (time.Time, bool) {
	return parseDay(p.Entry.Text)
}

// parseDay reads a day written YYYY-MM-DD, in the computer's time zone.
func parseDay(text string) (time.Time, bool) {
	day, err := time.ParseInLocation(dayLayout, strings.TrimSpace(westernDigits(text)), time.Local)
	return day, err == nil
}

// Open shows the calendar under the entry, at the month of the entry's day (or today's). UI
// goroutine.
func (p *DatePicker) Open() {
	c := fyne.CurrentApp().Driver().CanvasForObject(p.field)
	if c == nil || p.Entry.Disabled() {
		return // not shown, or its day is not to be chosen now
	}
	p.Close() // one calendar at a time
	month, ok := p.Day()
	if !ok {
		month = time.Now()
	}
	var latest time.Time
	if p.Latest != nil {
		latest = p.Latest()
	}
	p.Calendar = newMonthCalendar(month, latest, p.pick)
	if ok {
		p.Calendar.chosen = month
		p.Calendar.show(month) // the entry's day stands out
	}
	p.popup = widget.NewPopUp(mirrorDialog(p.Calendar.Content), c)
	setOverlayCloser(p.popup, p.Close) // Esc closes the calendar as a pick does
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.Content)
	size := p.popup.MinSize()
	x := at.X
	if rightToLeft() {
		x = at.X + p.Content.Size().Width - size.Width // under the entry's right end, where it starts
	}
	p.popup.ShowAtPosition(fyne.NewPos(max(x, 0), at.Y+p.Content.Size().Height))
}

// pick writes a day into the entry and closes the calendar. UI goroutine.
func (p *DatePicker) pick(day time.Time) {
	p.Entry.SetText(day.Format(dayLayout))
	p.Close()
}

// Close hides the calendar. UI goroutine.
func (p *DatePicker) Close() {
	if p.popup != nil {
		setOverlayCloser(p.popup, nil)
		p.popup.Hide()
		p.popup = nil
	}
	p.Calendar = nil
}

// MonthCalendar shows one month, its weeks starting on Sunday as a Saudi calendar's do, with
// buttons to the month before and after.
type MonthCalendar struct {
	Month      time.Time // the first of the month shown, in the computer's time zone
	Title      *widget.Label
	Prev, Next *FormButton
	// Days are the month's days, the first at Days[0].
	Days    []*FormButton
	Content fyne.CanvasObject

	latest time.Time // the last day that may be picked; zero for any
	chosen time.Time // the entry's day, if it has one
	picked func(time.Time)
	grid   *fyne.Container
}

func newMonthCalendar(day, latest time.Time, picked func(time.Time)) *MonthCalendar {
	c := &MonthCalendar{latest: latest, picked: picked}
	c.Title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	// The previous month is at the start of the line: on the right in a right-to-left window,
	// where its arrow points right.
	back, forward := theme.NavigateBackIcon(), theme.NavigateNextIcon()
	if rightToLeft() {
		back, forward = forward, back
	}
	c.Prev = newFormButton("", back, func() { c.show(c.Month.AddDate(0, -1, 0)) })
	c.Next = newFormButton("", forward, func() { c.show(c.Month.AddDate(0, 1, 0)) })
	c.Prev.Importance, c.Next.Importance = widget.LowImportance, widget.LowImportance
	c.grid = container.NewGridWithColumns(7)
	c.Content = container.NewBorder(container.NewBorder(nil, nil, c.Prev, c.Next, c.Title), nil, nil, nil, c.grid)
	c.show(day)
	return c
}

// show lays out the month of day. UI goroutine.
func (c *MonthCalendar) show(day time.Time) {
	c.Month = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.Local)
	c.Title.SetText(visual(monthName(c.Month.Month()) + " " + fmt.Sprint(c.Month.Year())))
	var cells []fyne.CanvasObject
	for _, name := range weekdayNames() {
		l := widget.NewLabelWithStyle(name, fyne.TextAlignCenter, fyne.TextStyle{})
		l.Importance = widget.LowImportance
		cells = append(cells, l)
	}
	for i := 0; i < int(c.Month.Weekday()); i++ {
		cells = append(cells, widget.NewLabel(""))
	}
	c.Days = nil
	today := time.Now()
	for d := c.Month; d.Month() == c.Month.Month(); d = d.AddDate(0, 0, 1) {
		b := newFormButton(fmt.Sprint(d.Day()), nil, func() { c.picked(d) })
		b.Importance = widget.LowImportance
		switch {
		case !c.chosen.IsZero() && sameDay(d, c.chosen):
			b.Importance = widget.HighImportance
		case sameDay(d, today):
			b.Importance = widget.MediumImportance
		}
		if !c.latest.IsZero() && d.After(c.latest) && !sameDay(d, c.latest) {
			b.Disable()
		}
		c.Days = append(c.Days, b)
		cells = append(cells, b)
	}
	c.grid.Objects = cells
	c.grid.Refresh()
	if !c.latest.IsZero() && c.Month.AddDate(0, 1, 0).After(c.latest) {
		c.Next.Disable() // the next month is all after the last day that may be picked
	} else {
		c.Next.Enable()
	}
}

func sameDay(a, b time.Time) bool {
	a, b = a.Local(), b.Local()
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// monthName is a month's name in the window's language.
func monthName(m time.Month) string {
	names := [...]string{
		trText("month.1", "January"), trText("month.2", "February"), trText("month.3", "March"),
		trText("month.4", "April"), trText("month.5", "May"), trText("month.6", "June"),
		trText("month.7", "July"), trText("month.8", "August"), trText("month.9", "September"),
		trText("month.10", "October"), trText("month.11", "November"), trText("month.12", "December"),
	}
	return names[m-1]
}

// weekdayNames are the short names of the days of the week, from Sunday.
func weekdayNames() []string {
	return []string{tr("weekday.0", "Sun"), tr("weekday.1", "Mon"), tr("weekday.2", "Tue"), tr("weekday.3", "Wed"),
		tr("weekday.4", "Thu"), tr("weekday.5", "Fri"), tr("weekday.6", "Sat")}
}
