package beta

// NotATest mentions func Benchmark in a non-test file, which is never indexed.
func NotATest() {}
