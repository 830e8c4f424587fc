package fast

import (
	"fmt"
	"testing"
)

var sink int

func BenchmarkAdd(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Add(sink, i)
	}
}

func BenchmarkSum(b *testing.B) {
	for _, size := range []int{8, 64} {
		xs := make([]int, size)
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink = Sum(xs)
			}
		})
	}
}
