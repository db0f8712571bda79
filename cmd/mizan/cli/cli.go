// Package cli is the command line of the mizan binary: reading the books (products, stock,
// invoices) and exporting them, without opening the window. Commands live in a registry so other
// packages can add their own with Register.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"mizan/cmd/mizan/demo"
)

// Version, Commit and Date identify the binary; `make build` sets them at link time with
// -ldflags "-X mizan/cmd/mizan/cli.Version=… -X mizan/cmd/mizan/cli.Commit=… -X mizan/cmd/mizan/cli.Date=…"
// (git describe, the commit, the build time). A plain go build leaves them empty and the Go
// toolchain's own record of the commit is shown instead, when it has one.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// Run runs the command named by args (without the program name) and returns the process's exit
// status: 0 on success, 1 when the command failed, 2 when the command line is wrong.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := parseGlobals(args)
	if g.err != nil {
		fmt.Fprintf(stderr, "mizan: %v\n\n", g.err)
		printUsage(stderr)
		return exitUsage
	}
	if g.help {
		return runHelp(g.rest, stdout, stderr)
	}
	if g.version {
		printVersion(stdout)
		return exitOK
	}
	if len(g.rest) == 0 {
		fmt.Fprintln(stderr, "mizan: no command given")
		fmt.Fprintln(stderr)
		printUsage(stderr)
		return exitUsage
	}
	cmd, cmdArgs, ok := lookup(g.rest)
	if !ok {
		return unknownCommand(g.rest, stdout, stderr)
	}

	if stdin == nil {
		stdin = strings.NewReader("")
	}
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv, Location: time.Local}
	env.realDir, env.dataDirErr = resolveDataDir(g, os.Getenv, runtime.GOOS)
	env.dataDir, env.demo = env.realDir, g.demo
	env.forCommand(cmd.Name)
	if g.demo && env.dataDirErr == nil {
		env.dataDir = demo.Dir(env.realDir)
	}
	start := time.Now()
	err := cmd.Run(ctx, env, cmdArgs)
	if cerr := env.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close the books: %w", cerr)
	}
	code := report(cmd, err, stdout, stderr)
	// Only the command's name is logged: its arguments are the user's business.
	attrs := []any{"command", cmd.Name, "exit", code, "took", time.Since(start).Round(time.Millisecond)}
	if err != nil && code != exitOK {
		logger().Warn("command failed", append(attrs, "err", err.Error())...)
	} else {
		logger().Info("command done", attrs...)
	}
	return code
}

// logger is the wired logger, or one that drops everything.
func logger() *slog.Logger {
	if wiring.Log != nil {
		return wiring.Log
	}
	return slog.New(slog.DiscardHandler)
}

func report(cmd Command, err error, stdout, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var help *helpRequest
	if errors.As(err, &help) {
		printCommandHelp(stdout, cmd, help.flags)
		return exitOK
	}
	var usage *UsageError
	if errors.As(err, &usage) {
		fmt.Fprintf(stderr, "mizan %s: %s\n\n", cmd.Name, usage.Msg)
		printCommandHelp(stderr, cmd, usage.flags)
		return exitUsage
	}
	var exit *ExitError
	if errors.As(err, &exit) {
		if exit.Err != nil {
			fmt.Fprintf(stderr, "mizan %s: %v\n", cmd.Name, exit.Err)
		}
		return exit.Code
	}
	fmt.Fprintf(stderr, "mizan %s: %v\n", cmd.Name, err)
	return exitError
}

func unknownCommand(args []string, stdout, stderr io.Writer) int {
	if sub := group(args[0]); len(sub) > 0 {
		if len(args) == 1 {
			fmt.Fprintf(stderr, "mizan %s: missing subcommand\n\n", args[0])
			printGroup(stderr, args[0], sub)
			return exitUsage
		}
		if a := args[1]; a == "-h" || a == "-help" || a == "--help" {
			printGroup(stdout, args[0], sub)
			return exitOK
		}
		fmt.Fprintf(stderr, "mizan %s: unknown subcommand %q\n\n", args[0], args[1])
		printGroup(stderr, args[0], sub)
		return exitUsage
	}
	fmt.Fprintf(stderr, "mizan: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return exitUsage
}

// runHelp prints help for the command named by args, or the general usage.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stdout)
		return exitOK
	}
	if cmd, rest, ok := lookup(args); ok && len(rest) == 0 {
		printCommandHelp(stdout, cmd, "")
		return exitOK
	}
	if sub := group(strings.Join(args, " ")); len(sub) > 0 {
		printGroup(stdout, strings.Join(args, " "), sub)
		return exitOK
	}
	fmt.Fprintf(stderr, "mizan help: unknown command %q\n\n", strings.Join(args, " "))
	printUsage(stderr)
	return exitUsage
}

func printVersion(w io.Writer) {
	fmt.Fprintln(w, VersionString())
}

// VersionString describes the binary: "mizan VERSION (commit COMMIT, built DATE)".
func VersionString() string {
	version, commit, date := Version, Commit, Date
	if commit == "" || date == "" {
		c, d, dirty := buildVCS()
		if commit == "" && c != "" {
			commit = c
			if dirty {
				commit += "-dirty"
			}
		}
		if date == "" {
			date = d
		}
	}
	if version == "" {
		version = "dev"
	}
	var parts []string
	if commit != "" {
		parts = append(parts, "commit "+commit)
	}
	if date != "" {
		parts = append(parts, "built "+date)
	}
	if len(parts) == 0 {
		parts = append(parts, "unknown build")
	}
	return fmt.Sprintf("mizan %s (%s, %s/%s, %s)", version, strings.Join(parts, ", "), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// buildVCS reads the commit the Go toolchain stamped into the binary (go build in a git checkout).
func buildVCS() (commit, date string, dirty bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "", false
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
			if len(commit) > 12 {
				commit = commit[:12]
			}
		case "vcs.time":
			date = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	return commit, date, dirty
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `Mizan keeps a merchant's books: products, stock, clients and invoices.

Usage:
  mizan [--data DIR]                    open the Mizan window
  mizan [--data DIR] COMMAND [ARGS...]  run a command instead

Commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	for _, c := range Commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Name, c.Summary)
	}
	tw.Flush()
	def := "the user data directory"
	if d, err := defaultDataDir(os.Getenv, runtime.GOOS); err == nil {
		def = d
	}
	fmt.Fprintf(w, `
Global flags (before the command):
  --data DIR   where the books are kept (default: $MIZAN_DATA, else %s)
  --demo       use the demo's books (DIR-demo) instead: the window then runs the demo store
  --help       show this help
  --version    show the version

Run "mizan help COMMAND" or "mizan COMMAND --help" for a command's arguments and flags.
`, def)
}

func printGroup(w io.Writer, prefix string, cmds []Command) {
	fmt.Fprintf(w, "Usage: mizan %s SUBCOMMAND\n\nSubcommands:\n", prefix)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	for _, c := range cmds {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Name, c.Summary)
	}
	tw.Flush()
}

func printCommandHelp(w io.Writer, c Command, flags string) {
	fmt.Fprintf(w, "Usage: mizan %s", c.Name)
	if c.Args != "" {
		fmt.Fprintf(w, " %s", c.Args)
	}
	fmt.Fprintf(w, "\n\n%s\n", c.Summary)
	if c.Help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Help))
	}
	if flags != "" {
		fmt.Fprintf(w, "\nFlags:\n%s", flags)
	}
}

func init() {
	Register(Command{
		Name:    "help",
		Args:    "[COMMAND]",
		Summary: "Show how to use mizan or one of its commands",
		Run: func(ctx context.Context, env *Env, args []string) error {
			if code := runHelp(args, env.Stdout, env.Stderr); code != exitOK {
				return &ExitError{Code: code}
			}
			return nil
		},
	})
	Register(Command{
		Name:    "version",
		Summary: "Show the version of mizan",
		Run: func(ctx context.Context, env *Env, args []string) error {
			printVersion(env.Stdout)
			return nil
		},
	})
}
