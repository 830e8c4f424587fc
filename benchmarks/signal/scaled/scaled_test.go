package scaled

import "testing"

var sink uint64

func BenchmarkScaled(b *testing.B) {
	loops := Loops()
	for i := 0; i < b.N; i++ {
		sink = Mix(sink+uint64(i), loops)
	}
}
