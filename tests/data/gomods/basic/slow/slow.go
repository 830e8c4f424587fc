// Package slow does a fixed amount of work per call; tests edit `loops` to make it slower.
package slow

// loops is how much work Work does; the regression test multiplies it.
const loops = 2000

// Work mixes its input loops times and returns the result.
func Work(seed uint64) uint64 {
	x := seed
	for i := 0; i < loops; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}
