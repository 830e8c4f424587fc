package onlytests

import "testing"

// A package with tests but no benchmarks: the runner need not build it.
func TestNothing(t *testing.T) {}
