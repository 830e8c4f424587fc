package work

import "testing"

var sink uint64

func BenchmarkSteady(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Mix(sink+uint64(i), steadyLoops)
	}
}

func BenchmarkSlowed(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Mix(sink+uint64(i), slowedLoops)
	}
}

func BenchmarkTable(b *testing.B) {
	for _, name := range []string{"small", "large"} {
		loops := steadyLoops / 2
		if name == "large" {
			loops = steadyLoops
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink = Mix(sink+uint64(i), loops)
			}
		})
	}
}
