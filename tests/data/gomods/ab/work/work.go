// Package work does fixed amounts of work; the `ab` tests edit slowedLoops to
// make one benchmark 3x slower in a second commit.
package work

// steadyLoops is the work of the benchmarks that never change.
const steadyLoops = 2000

// slowedLoops is the work of BenchmarkSlowed; a test commit triples it.
const slowedLoops = 2000

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
