//go:build !linux

package work

import "time"

var wallStart = time.Now()

// cpuNow falls back to the wall clock where CLOCK_PROCESS_CPUTIME_ID is not wired up.
func cpuNow() time.Duration { return time.Since(wallStart) }
