package main

// streamKind is how one of the process's standard streams is connected, as the system reports it.
type streamKind int

const (
	// streamMissing: no usable handle. A program built for the window (Windows' GUI subsystem)
	// that a terminal starts has no standard output of its own.
	streamMissing streamKind = iota
	// streamRedirected: a file or a pipe (mizan --version > out.txt, mizan … | findstr …).
	streamRedirected
	// streamCharacter: a console, or a character device such as NUL (mizan … > NUL).
	streamCharacter
)

// consolePlan is what a command run from a terminal does about the terminal's console.
type consolePlan struct {
	attach         bool // attach to the console of the process that started Mizan
	stdout, stderr bool // point that stream at the console
}

// planConsole decides, for a command line (not the window), whether to attach to the parent's
// console and which streams to point at it. A stream already sent to a file, a pipe, a console
// or NUL is kept, so redirections work as the user wrote them; a missing one is given the
// console. Attaching is wanted unless both streams are redirected: it also lets Ctrl-C in that
// console reach Mizan, and makes a console handle the system passed along usable. The window
// attaches nothing: started from the Start menu, it has no console and needs none.
func planConsole(command bool, stdout, stderr streamKind) consolePlan {
	if !command {
		return consolePlan{}
	}
	return consolePlan{
		attach: stdout != streamRedirected || stderr != streamRedirected,
		stdout: stdout == streamMissing,
		stderr: stderr == streamMissing,
	}
}
