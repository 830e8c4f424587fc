// Package a reports which process ran each sample and when it started, so tests
// can prove that samples come from separate processes, run round-robin.
package a

import (
	"os"
	"testing"
	"time"
)

var sink int

func BenchmarkPID(b *testing.B) {
	start := time.Now().UnixMicro()
	for i := 0; i < b.N; i++ {
		sink += i
	}
	b.ReportMetric(float64(os.Getpid()), "pid")
	b.ReportMetric(float64(start), "start-us")
}
