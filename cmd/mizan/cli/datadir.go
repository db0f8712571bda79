package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"mizan/cmd/mizan/demo"
	"mizan/cmd/mizan/logs"
)

// globals is the part of the command line before the command: the global flags.
type globals struct {
	data    string
	dataSet bool
	help    bool
	version bool
	demo    bool     // --demo: the demo's books (see package demo)
	rest    []string // the command and its arguments
	err     error    // the first global flag that could not be read
}

// parseGlobals reads the global flags up to the first argument that is not one. macOS's
// process-serial-number argument (-psn_…) that Finder may pass to an app is ignored.
func parseGlobals(args []string) globals {
	var g globals
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			g.rest = args[i+1:]
			return g
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			g.rest = args[i:]
			return g
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case strings.HasPrefix(a, "-psn_"):
		case name == "data":
			if !hasValue {
				if i+1 >= len(args) {
					g.setErr(errors.New("--data needs a directory"))
					continue
				}
				i++
				value = args[i]
			}
			if strings.TrimSpace(value) == "" {
				g.setErr(errors.New("--data needs a directory"))
				continue
			}
			g.data, g.dataSet = value, true
		case (name == "help" || name == "h") && !hasValue:
			g.help = true
		case name == "version" && !hasValue:
			g.version = true
		case name == "demo" && !hasValue:
			g.demo = true
		default:
			g.setErr(fmt.Errorf("unknown flag %s", a))
		}
	}
	return g
}

func (g *globals) setErr(err error) {
	if g.err == nil {
		g.err = err
	}
}

// IsCommand reports whether args (without the program name) ask for the command line rather than
// the window: a command, --help or --version, or anything the command line must refuse. Empty
// args, or only --data DIR and --demo, mean the window.
func IsCommand(args []string) bool {
	g := parseGlobals(args)
	return g.help || g.version || g.err != nil || len(g.rest) > 0
}

// DataDir resolves the data directory for args (without the program name): --data DIR or
// --data=DIR before the command wins, then the MIZAN_DATA environment variable, else the
// platform's per-user data directory (Linux: $XDG_DATA_HOME/mizan or ~/.local/share/mizan;
// macOS: ~/Library/Application Support/Mizan; Windows: %LocalAppData%\Mizan). With --demo it is
// the demo's directory beside that one (demo.Dir).
func DataDir(args []string, env func(string) string) (string, error) {
	g := parseGlobals(args)
	dir, err := resolveDataDir(g, env, runtime.GOOS)
	if err != nil || !g.demo {
		return dir, err
	}
	return demo.Dir(dir), nil
}

// RealDataDir is DataDir without --demo: where the merchant's own books are.
func RealDataDir(args []string, env func(string) string) (string, error) {
	return resolveDataDir(parseGlobals(args), env, runtime.GOOS)
}

// DemoMode reports whether args ask for the demo (--demo before any command).
func DemoMode(args []string) bool { return parseGlobals(args).demo }

// RelaunchArgs are the arguments that open the window again on the same data directory as args:
// --data DIR when args gave one, and --demo when demo is true.
func RelaunchArgs(args []string, demo bool) []string {
	g := parseGlobals(args)
	var out []string
	if g.dataSet {
		if abs, err := absDir(g.data); err == nil {
			out = append(out, "--data", abs)
		}
	}
	if demo {
		out = append(out, "--demo")
	}
	return out
}

func resolveDataDir(g globals, env func(string) string, goos string) (string, error) {
	if g.err != nil {
		return "", g.err
	}
	if g.dataSet {
		return absDir(g.data)
	}
	if d := strings.TrimSpace(env("MIZAN_DATA")); d != "" {
		return absDir(d)
	}
	return defaultDataDir(env, goos)
}

func absDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data directory %q: %w", dir, err)
	}
	return abs, nil
}

var errNoHome = errors.New("cannot tell where to keep the books: pass --data DIR or set MIZAN_DATA")

func defaultDataDir(env func(string) string, goos string) (string, error) {
	switch goos {
	case "windows":
		// %LocalAppData%, else %USERPROFILE%\AppData\Local; the logs go beside, in Mizan\Logs.
		base := logs.WindowsLocalAppData(env)
		if base == "" {
			return "", errNoHome
		}
		return base + `\Mizan`, nil
	case "darwin", "ios":
		home := env("HOME")
		if home == "" {
			return "", errNoHome
		}
		return filepath.Join(home, "Library", "Application Support", "Mizan"), nil
	default:
		// The XDG base directory spec says relative paths are to be ignored.
		if xdg := env("XDG_DATA_HOME"); filepath.IsAbs(xdg) {
			return filepath.Join(xdg, "mizan"), nil
		}
		home := env("HOME")
		if home == "" {
			return "", errNoHome
		}
		return filepath.Join(home, ".local", "share", "mizan"), nil
	}
}
