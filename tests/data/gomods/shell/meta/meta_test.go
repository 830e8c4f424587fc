// Package meta has a sub-benchmark whose name is full of shell metacharacters:
// running exactly it must execute none of them.
package meta

import "testing"

var sink int

func BenchmarkShell(b *testing.B) {
	b.Run("$(touch pwned); `rm -rf x` | 'q' && \"d\"", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink += i
		}
	})
	b.Run("other", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink -= i
		}
	})
}
