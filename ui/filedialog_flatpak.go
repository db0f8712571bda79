//go:build flatpak

package ui

// nativeFileDialogs: the toolkit's flatpak builds show the desktop portal's file dialogs.
const nativeFileDialogs = true
