package work

import (
	"flag"
	"os"
	"testing"
)

// TestMain cuts the CPU profile in half after the run when
// BENCHLENS_TEST_TRUNCATE_PROFILE is set: the tests' way to get a real, truncated
// profile where benchlens expects a whole one.
func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv("BENCHLENS_TEST_TRUNCATE_PROFILE") != "" {
		if f := flag.Lookup("test.cpuprofile"); f != nil && f.Value.String() != "" {
			if data, err := os.ReadFile(f.Value.String()); err == nil {
				_ = os.WriteFile(f.Value.String(), data[:len(data)/2], 0o644)
			}
		}
	}
	os.Exit(code)
}
