// Package options reads a connection's options the same way for every platform: a yes or no, and
// the stock place (branch, location) an option names.
package options

import (
	"fmt"
	"strings"

	"mizan/core"
)

// YesNo reads a yes-or-no option: yes, true, 1 or on; no, false, 0 or off (letter case and
// surrounding spaces aside). Anything else is an error naming the platform and the option.
func YesNo(platform, key, value string) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(value)); v {
	case "yes", "true", "1", "on":
		return true, nil
	case "no", "false", "0", "off":
		return false, nil
	default:
		return false, fmt.Errorf("%s: option %s must be yes or no, not %q", platform, key, v)
	}
}

// Place is one of a store's stock places (a branch, an inventory location) as an option may name
// it: its id, its names (in every language the store gives; the first that is not empty is the
// one shown) and whether the store calls it its default.
type Place struct {
	ID      string
	Names   []string
	Default bool
}

func (p Place) label() string {
	for _, n := range p.Names {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	return ""
}

// Choose is the index of the place the option names: the first whose id is the option or one
// of whose names is (letter case and surrounding spaces aside); with no option, the store's
// default place, else its first. It is -1 when the store has no place; for an option naming a
// place the store lacks, the error (what, the kind of place, in it) lists those it has and wraps
// core.ErrNotFound.
func Choose(option string, places []Place, op, what string) (int, error) {
	option = strings.TrimSpace(option)
	if option == "" {
		for i, p := range places {
			if p.Default {
				return i, nil
			}
		}
		if len(places) == 0 {
			return -1, nil
		}
		return 0, nil
	}
	for i, p := range places {
		if p.ID == option {
			return i, nil
		}
		for _, n := range p.Names {
			if strings.EqualFold(strings.TrimSpace(n), option) {
				return i, nil
			}
		}
	}
	all := make([]string, 0, len(places))
	for _, p := range places {
		all = append(all, fmt.Sprintf("%s (%s)", p.label(), p.ID))
	}
	return -1, &core.StoreError{Op: op, Err: core.ErrNotFound,
		Message: fmt.Sprintf("the store has no %s %q (it has: %s)", what, option, strings.Join(all, ", "))}
}
