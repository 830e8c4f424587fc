package work

import "testing"

var sink uint32

func BenchmarkProcess(b *testing.B) {
	data := make([]byte, 64)
	for i := range data {
		data[i] = byte(i)
	}
	for i := 0; i < b.N; i++ {
		sink = Process(data)
	}
}
