package hash

import (
	"fmt"
	"strconv"
	"testing"
)

const fileName = "file-const"

var sink int

func work(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += Sum(8)
	}
}

func BenchmarkPlain(b *testing.B) { // L:plain
	work(b)
}

func BenchmarkLiteral(b *testing.B) { // L:literal
	b.Run("alpha", func(b *testing.B) { work(b) }) // L:lit-alpha
	b.Run(`raw beta`, func(b *testing.B) { work(b) }) // L:lit-raw
	b.Run("tab\there", func(b *testing.B) { work(b) }) // L:lit-tab
}

func BenchmarkSprintf(b *testing.B) {
	for _, n := range []int{16, 4096} {
		b.Run(fmt.Sprintf("size=%d", n), func(b *testing.B) { work(b) }) // L:sprintf-size
	}
	for _, f := range []float64{0.5, 1e6} {
		b.Run(fmt.Sprintf("ratio=%.2f/g=%g", f, f), func(b *testing.B) { work(b) }) // L:sprintf-float
	}
	b.Run(fmt.Sprintf("%s-%5d-%x-%t-%q-%v", "k", 42, 255, true, "q", 3), func(b *testing.B) { // L:sprintf-mixed
		work(b)
	})
}

func BenchmarkConst(b *testing.B) {
	const local = "local-const"
	b.Run(local, func(b *testing.B) { work(b) }) // L:const-local
	b.Run(fileName, func(b *testing.B) { work(b) }) // L:const-file
	b.Run(otherFileName, func(b *testing.B) { work(b) }) // L:const-package
}

func BenchmarkTable(b *testing.B) {
	cases := []struct {
		name string
		n    int
	}{{"small", 1}, {"large", 1000}}
	b.Run("fixed", func(b *testing.B) { work(b) }) // L:table-fixed
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) { // L:table-loop
			for i := 0; i < b.N; i++ {
				sink += Sum(tc.n)
			}
		})
	}
}

func BenchmarkNested(outer *testing.B) {
	outer.Run("level1", func(inner *testing.B) { // L:nested-1
		inner.Run("level2", func(leaf *testing.B) { // L:nested-2
			leaf.Run(strconv.Itoa(3), func(b *testing.B) { work(b) }) // L:nested-3
		})
		inner.Run(fmt.Sprintf("p=%d", 2), func(b *testing.B) { work(b) }) // L:nested-p
	})
}

func BenchmarkRewrite(b *testing.B) {
	b.Run("a b", func(b *testing.B) { work(b) }) // L:rw-space
	b.Run("bell\a", func(b *testing.B) { work(b) }) // L:rw-bell
	b.Run("zero\u200bwidth", func(b *testing.B) { work(b) }) // L:rw-zw
	b.Run("smile🙂", func(b *testing.B) { work(b) }) // L:rw-emoji
	b.Run("slash/inside", func(b *testing.B) { work(b) }) // L:rw-slash
}

func BenchmarkDedup(b *testing.B) {
	b.Run("dup", func(b *testing.B) { work(b) }) // L:dup-1
	b.Run("dup", func(b *testing.B) { work(b) }) // L:dup-2
	for i := 0; i < 2; i++ {
		b.Run("loop", func(b *testing.B) { work(b) }) // L:dup-loop
	}
	b.Run("", func(b *testing.B) { work(b) }) // L:dup-empty
}

func BenchmarkVar(b *testing.B) {
	name := fmt.Sprintf("v%d", 7)
	b.Run(name, func(b *testing.B) { work(b) }) // L:var-sprintf
	label := "pre-" + strconv.Itoa(5)
	b.Run(label, func(b *testing.B) { work(b) }) // L:var-concat
}

func BenchmarkHelper(b *testing.B) { // L:helper
	runInHelper(b)
}

func runInHelper(b *testing.B) {
	b.Run("in-helper", func(b *testing.B) { work(b) })
}
