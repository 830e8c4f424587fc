// Package hash is a synthetic fixture for benchlens's Go source index: every way a
// sub-benchmark name can be written, with the line each result must map to marked
// by a trailing `// L:tag` comment in hash_test.go.
package hash

// otherFileName is a package-level constant declared outside the test file.
const otherFileName = "other-file"

// Sum is something to benchmark.
func Sum(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i
	}
	return s
}
