package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestDashboardCalendarsOnlyForAChosenPeriod: the figures' From and To days and their calendar
// buttons can be used only while "Chosen period" is picked; today and this month have no days to
// choose, and a tap on a calendar then opens nothing.
func TestDashboardCalendarsOnlyForAChosenPeriod(t *testing.T) {
	m, _ := openApp(t, seededDir(t, 3))
	m.Show(ScreenDashboard)
	m.Idle()
	p := m.Dashboard.Figures
	for _, period := range []string{"", "Today", "Chosen period", "This month", "Chosen period", "Today"} {
		if period != "" {
			pick(t, m.Window.Canvas(), p.Period, period)
			m.Idle()
		} else {
			period = p.Period.Selected
		}
		chosen := period == "Chosen period"
		for _, day := range []*DatePicker{p.FromDay, p.ToDay} {
			if day.Entry.Disabled() == chosen || day.Button.Disabled() == chosen {
				t.Fatalf("%s: the day's entry disabled %v, its calendar button disabled %v", period, day.Entry.Disabled(), day.Button.Disabled())
			}
			test.Tap(day.Button)
			if opened := day.Calendar != nil; opened != chosen {
				t.Fatalf("%s: a tap on the calendar button opened a calendar: %v", period, opened)
			}
			day.Close()
		}
	}
}
