// Package options reads a connection's options the same way for every platform.
package options

import (
	"fmt"
	"strings"
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
