//go:build windows

package main

import (
	"log"
	"os"

	"golang.org/x/sys/windows"

	"mizan/cmd/mizan/cli"
)

// mizan.exe is linked for the GUI subsystem, so no console window opens when it is started from
// the Start menu. The price is that a command typed in cmd.exe or PowerShell starts it with no
// standard output: without this, mizan.exe --version and every command would print nothing.
//
// Two limits remain that only a separate console program could lift: cmd.exe does not wait for a
// GUI-subsystem program, so its prompt comes back at once and the command's output is printed
// after it (PowerShell waits only when the output is piped or redirected), and %ERRORLEVEL% is
// not the command's exit status unless it is run with start /wait.

var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// attachParentProcess is ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = 0xFFFFFFFF

// useParentConsole gives a command run from a terminal that terminal's console: it attaches to
// the parent's console and points the standard streams that have no handle at it (see
// planConsole). Streams redirected to a file or a pipe are kept. The window (no command) and a
// command started without a console (a shortcut with arguments) are left as they are.
func useParentConsole(args []string) {
	plan := planConsole(cli.IsCommand(args), streamOf(windows.STD_OUTPUT_HANDLE), streamOf(windows.STD_ERROR_HANDLE))
	if !plan.attach {
		return
	}
	if ok, _, _ := procAttachConsole.Call(attachParentProcess); ok == 0 {
		return // no console to attach to: there is nowhere to print
	}
	if plan.stdout {
		if f := openConsoleOutput(windows.STD_OUTPUT_HANDLE, "/dev/stdout"); f != nil {
			os.Stdout = f
		}
	}
	if plan.stderr {
		if f := openConsoleOutput(windows.STD_ERROR_HANDLE, "/dev/stderr"); f != nil {
			os.Stderr = f
			log.SetOutput(f)
		}
	}
	// Credentials are read from standard input when it is piped; with none, a command reads
	// an empty input (and says what it expected) rather than failing on a missing handle.
	if streamOf(windows.STD_INPUT_HANDLE) == streamMissing {
		if f, err := os.Open(os.DevNull); err == nil {
			os.Stdin = f
		}
	}
}

// openConsoleOutput opens the attached console's output for one standard stream. Each stream has
// its own handle, so closing one never closes the other. Go writes to a console handle through
// WriteConsoleW, so Arabic names print as letters, not as bytes.
func openConsoleOutput(std uint32, name string) *os.File {
	h, err := windows.CreateFile(windows.StringToUTF16Ptr("CONOUT$"), windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil
	}
	_ = windows.SetStdHandle(std, h)
	return os.NewFile(uintptr(h), name)
}

// streamOf tells how a standard stream is connected.
func streamOf(std uint32) streamKind {
	h, err := windows.GetStdHandle(std)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return streamMissing
	}
	t, err := windows.GetFileType(h)
	if err != nil {
		return streamMissing
	}
	switch t {
	case windows.FILE_TYPE_DISK, windows.FILE_TYPE_PIPE:
		return streamRedirected
	case windows.FILE_TYPE_CHAR:
		return streamCharacter
	}
	return streamMissing
}
