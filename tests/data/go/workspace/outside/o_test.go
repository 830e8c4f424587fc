package outside

import "testing"

// No go.mod above this file inside the workspace: indexed, but its package has no import path.
func BenchmarkOrphan(b *testing.B) {}
