// Package throttle implements a token-bucket rate limiter, used to cap the
// produce rate of each client.
package throttle

import (
	"sync"
	"time"
)

// Bucket is a token bucket: it holds up to Burst tokens and refills at Rate
// tokens per second. It is safe for concurrent use.
type Bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

// New returns a full bucket refilling at rate tokens per second, holding at
// most burst tokens.
func New(rate float64, burst int) *Bucket {
	return NewWithClock(rate, burst, time.Now)
}

// NewWithClock is like New but reads the time from now.
func NewWithClock(rate float64, burst int, now func() time.Time) *Bucket {
	return &Bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now(), now: now}
}

// Allow reports whether one token is available, and takes it if so.
func (b *Bucket) Allow() bool { return b.AllowN(1) }

// AllowN reports whether n tokens are available, and takes them if so.
func (b *Bucket) AllowN(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	if b.tokens < float64(n) {
		return false
	}
	b.tokens -= float64(n)
	return true
}

// Reserve takes n tokens, going into debt if needed, and returns how long
// the caller must wait before acting.
func (b *Bucket) Reserve(n int) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	b.tokens -= float64(n)
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// Tokens returns the number of tokens currently available.
func (b *Bucket) Tokens() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	return b.tokens
}

func (b *Bucket) refill() {
	now := b.now()
	elapsed := now.Sub(b.last)
	if elapsed <= 0 {
		return
	}
	b.last = now
	b.tokens += elapsed.Seconds() * b.rate
	if b.tokens > b.burst {
		b.tokens = b.burst
	}
}
