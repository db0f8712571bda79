package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tabs is a bar of tabs over the content of the tab chosen, for the window's screens. Fyne's
// AppTabs lays its bar out itself, from the left edge whatever the language; the bar here is a row
// of the window's own, which the window's mirroring lays out from the right edge in a
// right-to-left language, the first tab rightmost (TestTabBarsAreTabs keeps the window's tab bars
// made here).
type Tabs struct {
	widget.BaseWidget
	Items []*container.TabItem
	// Buttons are the tabs of the bar, in the order of Items.
	Buttons []*widget.Button
	// OnSelected hears of the tab chosen, by a tap or by Select.
	OnSelected func(*container.TabItem)

	current int
	marks   []*canvas.Rectangle // the line under each tab, coloured under the tab chosen
	root    *fyne.Container
}

// newTabs is a bar of items' tabs, the first chosen.
func newTabs(items ...*container.TabItem) *Tabs {
	t := &Tabs{Items: items, current: -1}
	bar := container.NewHBox()
	content := container.NewStack()
	for i, it := range items {
		b := widget.NewButtonWithIcon(it.Text, it.Icon, func() { t.SelectIndex(i) })
		b.Importance = widget.LowImportance
		mark := canvas.NewRectangle(color.Transparent)
		mark.SetMinSize(fyne.NewSize(0, 2*theme.Size(theme.SizeNameSeparatorThickness)))
		t.Buttons = append(t.Buttons, b)
		t.marks = append(t.marks, mark)
		bar.Add(container.NewBorder(nil, mark, nil, nil, b))
		if it.Content != nil {
			it.Content.Hide()
			content.Add(it.Content)
		}
	}
	t.root = container.NewBorder(container.NewVBox(bar, widget.NewSeparator()), nil, nil, nil, content)
	t.ExtendBaseWidget(t)
	t.SelectIndex(0)
	return t
}

// CreateRenderer draws the bar over the chosen tab's content.
func (t *Tabs) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(t.root)
}

// Selected is the tab chosen; nil when there is none.
func (t *Tabs) Selected() *container.TabItem {
	if t.current < 0 || t.current >= len(t.Items) {
		return nil
	}
	return t.Items[t.current]
}

// Select chooses the tab item.
func (t *Tabs) Select(item *container.TabItem) {
	for i, it := range t.Items {
		if it == item {
			t.SelectIndex(i)
		}
	}
}

// SelectIndex chooses the i-th tab: its content is shown and its tab marked.
func (t *Tabs) SelectIndex(i int) {
	if i < 0 || i >= len(t.Items) || i == t.current {
		return
	}
	t.current = i
	primary := theme.Color(theme.ColorNamePrimary)
	for j, it := range t.Items {
		mark, b := t.marks[j], t.Buttons[j]
		if j == i {
			mark.FillColor = primary
			b.Importance = widget.MediumImportance
		} else {
			mark.FillColor = color.Transparent
			b.Importance = widget.LowImportance
		}
		mark.Refresh()
		b.Refresh()
		if it.Content == nil {
			continue
		}
		if j == i {
			it.Content.Show()
		} else {
			it.Content.Hide()
		}
	}
	if t.OnSelected != nil {
		t.OnSelected(t.Items[i])
	}
}
