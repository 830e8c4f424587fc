// Package mempool provides size-classed pools of byte buffers, used to
// avoid allocating a fresh buffer for every message on the hot path.
package mempool

import (
	"math/bits"
	"sync"
)

// Size classes: powers of two from 1<<minShift to 1<<maxShift bytes.
const (
	minShift = 6  // 64 B
	maxShift = 20 // 1 MiB
)

// Pool hands out byte buffers of at least the requested length.
// Buffers travel as *[]byte so that returning one to a sync.Pool does not
// allocate. The zero value is ready to use.
type Pool struct {
	classes [maxShift - minShift + 1]sync.Pool
}

// classOf returns the size class index for a buffer of n bytes,
// or -1 if n is larger than the largest class.
func classOf(n int) int {
	if n <= 1<<minShift {
		return 0
	}
	shift := bits.Len(uint(n - 1))
	if shift > maxShift {
		return -1
	}
	return shift - minShift
}

// Get returns a buffer of length n. Its contents are unspecified.
func (p *Pool) Get(n int) *[]byte {
	c := classOf(n)
	if c < 0 {
		buf := make([]byte, n)
		return &buf
	}
	if v := p.classes[c].Get(); v != nil {
		bp := v.(*[]byte)
		*bp = (*bp)[:n]
		return bp
	}
	buf := make([]byte, n, 1<<(c+minShift))
	return &buf
}

// Put returns a buffer obtained from Get to the pool. The caller must not
// use it afterwards.
func (p *Pool) Put(bp *[]byte) {
	c := classOf(cap(*bp))
	if c < 0 || cap(*bp) != 1<<(c+minShift) {
		return // not one of ours
	}
	*bp = (*bp)[:0]
	p.classes[c].Put(bp)
}
