package inner

import "testing"

func BenchmarkNestedModule(b *testing.B) {}
