// Package notests has no test files: the runner must skip it.
package notests

// Hello says hello.
func Hello() string { return "hello" }
