package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"

	"mizan/storage"
)

func init() {
	Register(Command{Name: "check", Summary: "Check the books' file for damage; exits 1 when it is damaged",
		Help: `Runs SQLite's full integrity check on mizan.db, reading it only (it works while Mizan is
open), and says OK or lists what is wrong. Damaged books are best restored from a backup.`,
		Run: runCheck})
}

// maxProblems is how many of the integrity check's findings are listed.
const maxProblems = 20

func runCheck(ctx context.Context, env *Env, args []string) error {
	flags := flag.NewFlagSet("check", flag.ContinueOnError)
	if err := flagsOnly(flags, args); err != nil {
		return err
	}
	dir, err := env.DataDir()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, storage.FileName)
	problems, err := storage.Check(ctx, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("there are no books in %s", dir)
	}
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		fmt.Fprintf(env.Stdout, "OK: the books in %s passed the full integrity check.\n", cleanCell(path))
		return nil
	}
	w := env.Stdout
	fmt.Fprintf(w, "DAMAGED: the books in %s failed the integrity check (%d %s):\n", cleanCell(path), len(problems),
		plural(len(problems), "problem", "problems"))
	for i, p := range problems {
		if i == maxProblems {
			fmt.Fprintf(w, "  … and %d more\n", len(problems)-maxProblems)
			break
		}
		fmt.Fprintf(w, "  %s\n", cleanCell(p))
	}
	fmt.Fprintln(w, "Close Mizan, keep a copy of the damaged mizan.db (and mizan.db-wal, if there is one),")
	fmt.Fprintln(w, "then put back mizan.db from your latest backup and run mizan check again.")
	return &ExitError{Code: exitError}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
