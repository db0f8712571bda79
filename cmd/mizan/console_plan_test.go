package main

import "testing"

func TestPlanConsole(t *testing.T) {
	const (
		missing    = streamMissing
		redirected = streamRedirected
		char       = streamCharacter
	)
	tests := []struct {
		name           string
		command        bool
		stdout, stderr streamKind
		want           consolePlan
	}{
		{"the window from the Start menu", false, missing, missing, consolePlan{}},
		{"the window from a terminal", false, char, char, consolePlan{}},
		{"a command typed in cmd.exe", true, missing, missing, consolePlan{attach: true, stdout: true, stderr: true}},
		{"mizan --version > out.txt", true, redirected, missing, consolePlan{attach: true, stderr: true}},
		{"mizan --version > out.txt 2>&1", true, redirected, redirected, consolePlan{}},
		{"mizan … | findstr, errors to a file", true, redirected, redirected, consolePlan{}},
		{"mizan … 2> err.txt", true, missing, redirected, consolePlan{attach: true, stdout: true}},
		{"mizan … > NUL", true, char, missing, consolePlan{attach: true, stderr: true}},
		{"a console the system passed along", true, char, char, consolePlan{attach: true}},
	}
	for _, tc := range tests {
		if got := planConsole(tc.command, tc.stdout, tc.stderr); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
