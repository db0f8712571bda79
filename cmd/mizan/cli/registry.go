package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Command is one subcommand of the mizan binary. Its Name is one or more words ("stock",
// "invoices list", "connections add"); commands sharing a first word form a group that
// "mizan GROUP" lists.
type Command struct {
	// Name is the command's words, separated by single spaces.
	Name string
	// Args is the synopsis printed after the name in usage, e.g. "NUMBER [--format text|json]".
	Args string
	// Summary is the one line shown in the command list.
	Summary string
	// Help is an optional longer description shown by "mizan help NAME" and "NAME --help".
	Help string
	// Run executes the command. args are the arguments after the command's name; parse them
	// with ParseFlags. Returning a *UsageError (see Usagef) exits with status 2 and prints the
	// command's usage; an *ExitError exits with its code; any other error exits with status 1.
	// The books, when Run opened them through env.DB, are closed after Run returns.
	Run func(ctx context.Context, env *Env, args []string) error
}

var registry struct {
	sync.Mutex
	commands map[string]Command
}

// Register adds a command to the binary. It panics on an empty or malformed name, a missing Run,
// or a name already registered: all are programming errors, found at start-up.
func Register(c Command) {
	name := strings.Join(strings.Fields(c.Name), " ")
	if name == "" || name != c.Name || strings.HasPrefix(name, "-") {
		panic(fmt.Sprintf("cli.Register: bad command name %q", c.Name))
	}
	if c.Run == nil {
		panic(fmt.Sprintf("cli.Register: command %q has no Run", c.Name))
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.commands == nil {
		registry.commands = map[string]Command{}
	}
	if _, dup := registry.commands[name]; dup {
		panic(fmt.Sprintf("cli.Register: command %q registered twice", c.Name))
	}
	registry.commands[name] = c
}

// Commands lists the registered commands by name.
func Commands() []Command {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Command, 0, len(registry.commands))
	for _, c := range registry.commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// lookup finds the command named by the longest prefix of args and returns it with the
// arguments that follow its name.
func lookup(args []string) (Command, []string, bool) {
	registry.Lock()
	defer registry.Unlock()
	for n := len(args); n > 0; n-- {
		if c, ok := registry.commands[strings.Join(args[:n], " ")]; ok {
			return c, args[n:], true
		}
	}
	return Command{}, nil, false
}

// group lists the commands whose name starts with the words of prefix.
func group(prefix string) []Command {
	var out []Command
	for _, c := range Commands() {
		if strings.HasPrefix(c.Name, prefix+" ") {
			out = append(out, c)
		}
	}
	return out
}
