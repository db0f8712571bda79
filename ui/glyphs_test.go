package ui

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/harfbuzz"

	"mizan/assets/fonts"
)

// drawable reports whether the window draws r from the fonts Mizan bundles: the Arabic font
// (the theme's) or the Latin one, in regular and bold. Any other character is drawn from
// whatever the machine has, or as a box.
func drawable(t *testing.T) func(r rune) bool {
	t.Helper()
	parse := func(data []byte) *font.Font {
		f, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return f.Font
	}
	families := [][]*font.Font{
		{parse(fonts.ArabicRegular), parse(fonts.ArabicBold)},
		{parse(fonts.LatinRegular), parse(fonts.LatinBold)},
	}
	return func(r rune) bool {
		if unicode.IsControl(r) || harfbuzz.IsDefaultIgnorable(r) {
			return true // never drawn
		}
	family:
		for _, fs := range families {
			for _, f := range fs {
				if _, ok := f.Cmap.Lookup(r); !ok {
					continue family
				}
			}
			return true
		}
		return false
	}
}

// Every character of every translation, and of every message the platforms, the engine, the
// books and the window write (their string literals), is drawn from the bundled fonts ("→" was not, and showed as a
// box in the window).
func TestEveryMessageIsInTheBundledFonts(t *testing.T) {
	has := drawable(t)
	check := func(where, s string) {
		var missing []string
		for _, r := range s {
			if !has(r) {
				missing = append(missing, strconv.QuoteRune(r))
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: %s is not in the bundled fonts: %q", where, strings.Join(missing, ", "), s)
		}
	}

	// The translations.
	for _, language := range []string{"en", "ar"} {
		data, err := translations.ReadFile("translations/" + language + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var all map[string]any
		if err := json.Unmarshal(data, &all); err != nil {
			t.Fatal(err)
		}
		for key, v := range all {
			switch v := v.(type) {
			case string:
				check(language+".json "+key, v)
			case map[string]any: // plural forms
				for form, text := range v {
					if s, ok := text.(string); ok {
						check(language+".json "+key+"."+form, s)
					}
				}
			}
		}
	}

	// The string literals of the platforms, the engine, the books and the window (not their
	// tests nor the platforms' test stores).
	literals := 0
	for _, root := range []string{"../platforms", "../core", "../storage", "."} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != root && strings.HasSuffix(d.Name(), "test") {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == "bidi.go" {
				return nil // bidi.go's strings are sets of characters it looks for, never drawn
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Errorf("%s: %v", fset.Position(lit.Pos()), err)
					return true
				}
				literals++
				check(fset.Position(lit.Pos()).String(), s)
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if literals < 1000 {
		t.Errorf("only %d string literals read", literals)
	}
}
