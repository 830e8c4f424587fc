package fails

import "testing"

var sink int

func BenchmarkPasses(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += i
	}
}

func BenchmarkFails(b *testing.B) {
	b.Fatal("deliberate failure")
}
