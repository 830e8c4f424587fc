package good

import "testing"

var sink int

func BenchmarkGood(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += i
	}
}
