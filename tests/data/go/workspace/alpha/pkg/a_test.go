package pkg

import "testing"

func BenchmarkAlpha(b *testing.B) {}

func BenchmarkShared(b *testing.B) {}
