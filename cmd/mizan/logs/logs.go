// Package logs is where Mizan writes its diagnostics: structured log/slog records in a file in the
// platform's per-user state directory, rotated by size. Attributes whose names say they hold a
// credential are replaced before they are written; the engine and the platforms already keep
// credential values out of what they log, so this is a second line of defence.
package logs

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// FileName is the current log file; older ones are FileName.1, FileName.2, …
const FileName = "mizan.log"

// Defaults of Options.
const (
	DefaultMaxSize = 5 << 20 // bytes per file
	DefaultKeep    = 4       // rotated files kept besides the current one
)

// Dir is the directory Mizan's logs go to:
//
//	Linux and others  $XDG_STATE_HOME/mizan/logs, else ~/.local/state/mizan/logs
//	macOS             ~/Library/Logs/Mizan
//	Windows           %LocalAppData%\Mizan\Logs (see WindowsLocalAppData)
//
// When none can be told (no home directory), it falls back to the user cache directory
// (os.UserCacheDir) and then to the system's temporary directory.
func Dir(env func(string) string, goos string) string {
	switch goos {
	case "windows":
		if base := WindowsLocalAppData(env); base != "" {
			return base + `\Mizan\Logs`
		}
	case "darwin", "ios":
		if home := env("HOME"); home != "" {
			return filepath.Join(home, "Library", "Logs", "Mizan")
		}
	default:
		// The XDG base directory spec says relative paths are to be ignored.
		if xdg := env("XDG_STATE_HOME"); filepath.IsAbs(xdg) {
			return filepath.Join(xdg, "mizan", "logs")
		}
		if home := env("HOME"); home != "" {
			return filepath.Join(home, ".local", "state", "mizan", "logs")
		}
	}
	if cache, err := os.UserCacheDir(); err == nil {
		return filepath.Join(cache, "mizan", "logs")
	}
	return filepath.Join(os.TempDir(), "mizan-logs")
}

// WindowsLocalAppData is the Windows user's folder for local application data, where Mizan's
// data directory and logs go, without a trailing separator: %LocalAppData%, else (a session
// started without it, such as some services and remote shells) %USERPROFILE%\AppData\Local,
// which is where Windows puts it; empty when neither is set. A value that is not an absolute
// Windows path (C:\… or \\server\share\…) is ignored, so the books never land in whatever the
// current directory happens to be. The user's name in it may hold spaces and any letters.
func WindowsLocalAppData(env func(string) string) string {
	if base := strings.TrimRight(strings.TrimSpace(env("LocalAppData")), `\/`); windowsAbs(base) {
		return base
	}
	if profile := strings.TrimRight(strings.TrimSpace(env("USERPROFILE")), `\/`); windowsAbs(profile) {
		return profile + `\AppData\Local`
	}
	return ""
}

// windowsAbs reports whether p is an absolute Windows path: a drive letter, a colon and a
// separator, or a UNC path. (filepath.IsAbs answers for the system Mizan runs on.)
func windowsAbs(p string) bool {
	if strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "//") {
		return len(p) > 2
	}
	return len(p) >= 3 && (p[0]|0x20) >= 'a' && (p[0]|0x20) <= 'z' && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// Options configure Open.
type Options struct {
	// MaxSize is the size in bytes at which the file is rotated (default DefaultMaxSize).
	MaxSize int64
	// Keep is how many rotated files are kept (default DefaultKeep).
	Keep int
	// Level is the lowest level written (default Info).
	Level slog.Leveler
}

// Open returns a logger writing text records to dir/mizan.log, and the file to close at exit.
func Open(dir string, o Options) (*slog.Logger, io.Closer, error) {
	r, err := NewRotator(filepath.Join(dir, FileName), o.MaxSize, o.Keep)
	if err != nil {
		return nil, nil, err
	}
	return New(r, o.Level), r, nil
}

// New returns a logger writing text records to w, with credential attributes redacted.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	if level == nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: redact}))
}

// Redacted replaces the value of an attribute that names a credential.
const Redacted = "[redacted]"

// secretWords are parts of attribute names that mark a credential.
var secretWords = []string{"token", "secret", "password", "passwd", "authorization", "api_key", "apikey",
	"consumer_key", "private_key", "cookie", "credential"}

func redact(groups []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindGroup {
		return a
	}
	key := strings.ToLower(a.Key)
	for _, w := range secretWords {
		if strings.Contains(key, w) {
			return slog.String(a.Key, Redacted)
		}
	}
	return a
}

// ParseLevel reads a level name (debug, info, warn, error); empty is Info.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if strings.TrimSpace(s) == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(strings.TrimSpace(s))); err != nil {
		return slog.LevelInfo, fmt.Errorf("log level %q: use debug, info, warn or error", s)
	}
	return l, nil
}

// ErrClosed is returned by a write to a closed Rotator.
var ErrClosed = errors.New("log file closed")
