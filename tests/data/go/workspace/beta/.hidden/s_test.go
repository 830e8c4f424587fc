package skipped

import "testing"

func BenchmarkSkipped(b *testing.B) {}
