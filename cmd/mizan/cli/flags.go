package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// UsageError is a command line the command cannot make sense of: Run prints it with the command's
// usage and exits with status 2.
type UsageError struct {
	Msg   string
	flags string // the flag set's defaults, when the error came from parsing flags
}

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// ExitError makes Run exit with Code after printing Err (when not nil).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// helpRequest is returned by ParseFlags for -h or --help: Run prints the command's help to
// stdout and exits with status 0.
type helpRequest struct{ flags string }

func (*helpRequest) Error() string { return "help requested" }

// ParseFlags parses args with fs, allowing flags before, between and after positional arguments
// ("invoices show INV-1 --format json"); everything after "--" is positional. It returns the
// positional arguments. Errors are *UsageError, or a help request for -h/--help, both of which
// Run reports with the command's usage.
func ParseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.Init(fs.Name(), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	pos := []string{}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpRequest{flags: flagDefaults(fs)}
			}
			msg := err.Error()
			if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
				msg = "unknown flag --" + name
			}
			return nil, &UsageError{Msg: msg, flags: flagDefaults(fs)}
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func flagDefaults(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	// Show the flags the way the usage lines spell them; the flag package accepts either.
	lines := strings.SplitAfter(b.String(), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "  -") {
			lines[i] = "  --" + l[3:]
		}
	}
	return strings.Join(lines, "")
}

// noArgs refuses positional arguments for a command that takes none.
func noArgs(pos []string) error {
	if len(pos) > 0 {
		return Usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// oneOf checks a flag's value against its allowed values.
func oneOf(flagName, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	list := allowed[len(allowed)-1]
	if n := len(allowed); n > 1 {
		list = strings.Join(allowed[:n-1], ", ") + " or " + list
	}
	return Usagef("--%s must be %s, not %q", flagName, list, value)
}

// oneArg accepts exactly one positional argument; usage is the message for any other count.
func oneArg(usage string) func([]string) error {
	return func(pos []string) error {
		if len(pos) != 1 {
			return &UsageError{Msg: usage}
		}
		return nil
	}
}

// someArgs accepts one positional argument or more; usage is the message for none.
func someArgs(usage string) func([]string) error {
	return func(pos []string) error {
		if len(pos) == 0 {
			return &UsageError{Msg: usage}
		}
		return nil
	}
}

// parseArgs parses a command's flags and positional arguments, lets argsOK refuse positional
// arguments the command cannot take, then runs checks, in order, on the flags parsed. The first
// error is returned.
func parseArgs(fs *flag.FlagSet, args []string, argsOK func([]string) error, checks ...func() error) ([]string, error) {
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if err := argsOK(pos); err != nil {
		return nil, err
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

// flagsOnly is parseArgs for a command that takes no positional arguments.
func flagsOnly(fs *flag.FlagSet, args []string, checks ...func() error) error {
	_, err := parseArgs(fs, args, noArgs, checks...)
	return err
}

// flagsGiven are the names of the flags the command line set.
func flagsGiven(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// choiceFlag is a flag that takes one of a few values, the first by default.
type choiceFlag struct {
	name    string
	value   string
	allowed []string
}

func defineChoice(fs *flag.FlagSet, name, usage string, allowed ...string) *choiceFlag {
	c := &choiceFlag{name: name, allowed: allowed}
	fs.StringVar(&c.value, name, allowed[0], usage)
	return c
}

// check refuses a value that is not one of the allowed.
func (c *choiceFlag) check() error { return oneOf(c.name, c.value, c.allowed...) }
