package slow

import "testing"

var sink uint64

func BenchmarkWork(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Work(sink + uint64(i))
	}
}

func TestWork(t *testing.T) {
	if Work(1) == 0 {
		t.Fatal("zero")
	}
}
