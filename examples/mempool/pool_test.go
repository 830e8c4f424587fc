package mempool

import "testing"

func TestGetPut(t *testing.T) {
	var p Pool
	for _, n := range []int{0, 1, 64, 65, 1000, 4096, 1 << 20} {
		bp := p.Get(n)
		buf := *bp
		if len(buf) != n {
			t.Fatalf("Get(%d): len = %d", n, len(buf))
		}
		if cap(buf) < n || cap(buf)&(cap(buf)-1) != 0 {
			t.Fatalf("Get(%d): cap = %d, want a power of two >= n", n, cap(buf))
		}
		p.Put(bp)
	}
	big := p.Get(2 << 20)
	if len(*big) != 2<<20 {
		t.Fatalf("oversized Get: len = %d", len(*big))
	}
	p.Put(big) // ignored
}

func TestClassOf(t *testing.T) {
	for n, want := range map[int]int{1: 0, 64: 0, 65: 1, 128: 1, 129: 2, 1 << 20: 14, 1<<20 + 1: -1} {
		if got := classOf(n); got != want {
			t.Errorf("classOf(%d) = %d, want %d", n, got, want)
		}
	}
}

var sink []byte

// fill simulates encoding a message into buf.
func fill(buf []byte) {
	for i := 0; i < len(buf); i += 64 {
		buf[i] = byte(i)
	}
	sink = buf
}

// BenchmarkAlloc compares allocating a 1 KiB message buffer per message
// with taking it from the pool.
func BenchmarkAlloc(b *testing.B) {
	const size = 1024
	b.Run("without pool", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf := make([]byte, size)
			fill(buf)
		}
	})
	b.Run("with pool", func(b *testing.B) {
		b.ReportAllocs()
		var p Pool
		for i := 0; i < b.N; i++ {
			bp := p.Get(size)
			fill(*bp)
			p.Put(bp)
		}
	})
}

// Names of the BenchmarkGetPut sub-benchmarks.
const (
	smallBuffer = "small"
	largeBuffer = "64KiB"
)

// BenchmarkGetPut measures a Get/Put round trip for a small and a large class.
func BenchmarkGetPut(b *testing.B) {
	b.Run(smallBuffer, func(b *testing.B) { benchmarkGetPut(b, 100) })
	b.Run(largeBuffer, func(b *testing.B) { benchmarkGetPut(b, 64<<10) })
}

func benchmarkGetPut(b *testing.B, n int) {
	b.ReportAllocs()
	var p Pool
	for i := 0; i < b.N; i++ {
		p.Put(p.Get(n))
	}
}
