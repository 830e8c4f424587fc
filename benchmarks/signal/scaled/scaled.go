// Package scaled has one benchmark whose work is scaled by an environment variable,
// so that `make bench-signal` can slow it down by a known amount (25 %, 10 %)
// without changing its code. benchmarks/verdict_signal.py copies this package into
// a copy of the example module; side.go says which variable a commit reads.
package scaled

import (
	"math"
	"os"
	"strconv"
)

// baseLoops is the work of one operation at scale 1 (a few microseconds).
const baseLoops = 4000

// Loops is the work of one operation: baseLoops times the scale in $<scaleEnv>
// (1 when unset or not a positive number).
func Loops() int {
	scale, err := strconv.ParseFloat(os.Getenv(scaleEnv), 64)
	if err != nil || scale <= 0 {
		scale = 1
	}
	return int(math.Round(baseLoops * scale))
}

// Mix mixes its input loops times (xorshift) and returns the result.
func Mix(seed uint64, loops int) uint64 {
	x := seed | 1
	for i := 0; i < loops; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}
