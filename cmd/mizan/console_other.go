//go:build !windows

package main

// useParentConsole does nothing here: only Windows starts a program built for the window
// without its terminal's standard streams.
func useParentConsole(args []string) {}
