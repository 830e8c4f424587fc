package broken

import "testing"

func BenchmarkBefore(b *testing.B) {
	b.Run("before-run", func(b *testing.B) {})
}

func BenchmarkBroken(b *testing.B) {
	for i := 0; i < b.N; i++ {
		x := [}
	b.Run("in-broken", nil)
}

func BenchmarkAfter(b *testing.B) {
	b.Run("after-run", func(b *testing.B) {})
}

func BenchmarkLast(b *testing.B) {}
