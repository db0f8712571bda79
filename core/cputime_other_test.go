//go:build !unix

package core_test

import "time"

// cpuTime is the CPU time the process has used, where the system tells it; else 0.
func cpuTime() time.Duration { return 0 }
