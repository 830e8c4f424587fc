package beta

import "testing"

func BenchmarkBeta(b *testing.B) {}

func BenchmarkShared(b *testing.B) {}

// Benchmarkish is a helper, not a benchmark: `go test` wants an upper-case rune after the prefix.
func Benchmarkish(b *testing.B) {}

func Benchmark(b *testing.B) {}

func BenchmarkÜber(b *testing.B) {}
