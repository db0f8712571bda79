//go:build !flatpak

package ui

// nativeFileDialogs reports whether the toolkit hands file dialogs to the desktop (its flatpak
// builds use the desktop portal) instead of drawing its own.
const nativeFileDialogs = false
