package nocompile

import "testing"

func BenchmarkBroken(b *testing.B) {
	var x int = "not an int"
	_ = x
}
