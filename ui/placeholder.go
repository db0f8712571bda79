package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Placeholder is a screen whose data comes from the sync engine (core), which is not wired in
// yet. ENGINE: the Dashboard, Product mapping, Sync log and Connections screens replace their
// Placeholder when core's API lands. Until then each says honestly that no store is connected.
type Placeholder struct {
	Title   string
	Message *widget.Label
	Action  *widget.Button
	Content fyne.CanvasObject
}

func newPlaceholder(icon fyne.Resource, title, heading, message, action string, onAction func()) *Placeholder {
	p := &Placeholder{Title: title}
	img := canvas.NewImageFromResource(icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(64, 64))
	head := widget.NewLabelWithStyle(heading, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameSubHeadingText
	p.Message = widget.NewLabel(message)
	p.Message.Wrapping = fyne.TextWrapWord
	p.Message.Alignment = fyne.TextAlignCenter
	p.Action = widget.NewButton(action, onAction)
	p.Action.Importance = widget.HighImportance
	if onAction == nil {
		p.Action.Disable()
	}
	box := container.NewVBox(img, head, p.Message, container.NewCenter(p.Action))
	sized := container.New(layout.NewGridWrapLayout(fyne.NewSize(560, 320)), box)
	titleLabel := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	titleLabel.SizeName = theme.SizeNameHeadingText
	p.Content = container.NewBorder(container.NewVBox(titleLabel, widget.NewSeparator()), nil, nil, nil,
		container.NewCenter(sized))
	return p
}
