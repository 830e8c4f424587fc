package work

import "testing"

var sink uint64

// measure runs Mix b.N times and reports, besides ns/op, the process's CPU time per
// operation: other processes on a busy machine stretch the wall clock, not this.
func measure(b *testing.B, loops int) {
	start := cpuNow()
	for i := 0; i < b.N; i++ {
		sink = Mix(sink+uint64(i), loops)
	}
	b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkSteady(b *testing.B) { measure(b, steadyLoops) }

func BenchmarkSlowed(b *testing.B) { measure(b, slowedLoops) }

func BenchmarkTable(b *testing.B) {
	for _, name := range []string{"small", "large"} {
		loops := steadyLoops / 2
		if name == "large" {
			loops = steadyLoops
		}
		b.Run(name, func(b *testing.B) { measure(b, loops) })
	}
}
