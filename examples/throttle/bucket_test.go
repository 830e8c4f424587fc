package throttle

import (
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestAllow(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1700000000, 0)}
	b := NewWithClock(10, 3, clock.now)
	for i := 0; i < 3; i++ {
		if !b.Allow() {
			t.Fatalf("token %d refused from a full bucket", i)
		}
	}
	if b.Allow() {
		t.Fatal("empty bucket allowed a token")
	}
	clock.advance(100 * time.Millisecond) // one token at 10/s
	if !b.Allow() {
		t.Fatal("token not refilled after 100ms")
	}
	clock.advance(time.Hour)
	if got := b.Tokens(); got != 3 {
		t.Fatalf("tokens = %v, want burst 3", got)
	}
}

func TestReserve(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1700000000, 0)}
	b := NewWithClock(100, 1, clock.now)
	if d := b.Reserve(1); d != 0 {
		t.Fatalf("first reserve waits %v", d)
	}
	if d := b.Reserve(2); d != 20*time.Millisecond {
		t.Fatalf("reserve into debt waits %v, want 20ms", d)
	}
}

// BenchmarkAllow measures the latency of Allow on an uncontended bucket.
func BenchmarkAllow(b *testing.B) {
	bucket := New(1e9, 1000)
	for i := 0; i < b.N; i++ {
		bucket.Allow()
	}
}

// BenchmarkReserve measures Reserve with a fixed clock (no time.Now cost).
func BenchmarkReserve(b *testing.B) {
	clock := &fakeClock{t: time.Unix(1700000000, 0)}
	bucket := NewWithClock(1e9, 1<<30, clock.now)
	for i := 0; i < b.N; i++ {
		bucket.Reserve(1)
	}
}

// BenchmarkThrottleParallel measures Allow with all procs sharing a bucket.
func BenchmarkThrottleParallel(bb *testing.B) {
	bucket := New(1e9, 1000)
	bb.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bucket.Allow()
		}
	})
}
