package log

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"testing"
)

func TestAppendRead(t *testing.T) {
	l := New(64) // small segments to force rolling
	var want [][]byte
	for i := 0; i < 50; i++ {
		rec := bytes.Repeat([]byte{byte('a' + i%26)}, i%20)
		n, err := l.Append(rec)
		if err != nil {
			t.Fatalf("Append(%d): %v", i, err)
		}
		if n != int64(i) {
			t.Fatalf("Append(%d) = record %d", i, n)
		}
		want = append(want, rec)
	}
	if l.Segments() < 2 {
		t.Fatalf("expected the log to roll, got %d segment(s)", l.Segments())
	}
	for i, w := range want {
		got, err := l.Read(int64(i))
		if err != nil {
			t.Fatalf("Read(%d): %v", i, err)
		}
		if !bytes.Equal(got, w) {
			t.Fatalf("Read(%d) = %q, want %q", i, got, w)
		}
	}
	if _, err := l.Read(int64(len(want))); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("Read past end: err = %v, want ErrOutOfRange", err)
	}
}

func TestCorrupt(t *testing.T) {
	s := NewSegment(0, 0)
	if _, err := s.Append([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	s.buf[len(s.buf)-1] ^= 0xff
	if _, err := s.Read(0); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
}

func TestSegmentFullAndReset(t *testing.T) {
	s := NewSegment(10, 20)
	if _, err := s.Append(make([]byte, 12)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append([]byte{1}); !errors.Is(err, ErrSegmentFull) {
		t.Fatalf("err = %v, want ErrSegmentFull", err)
	}
	s.Reset(20)
	n, err := s.Append([]byte("x"))
	if err != nil || n != 20 {
		t.Fatalf("after Reset: Append = %d, %v", n, err)
	}
}

// BenchmarkAppend measures write throughput for several record sizes.
func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{64, 1024, 4096} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			rec := bytes.Repeat([]byte{'x'}, size)
			seg := NewSegment(0, DefaultSegmentBytes)
			b.SetBytes(int64(size))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := seg.Append(rec); err != nil {
					seg.Reset(int64(i))
					if _, err := seg.Append(rec); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkRead measures read throughput of 256-byte records.
func BenchmarkRead(b *testing.B) {
	const records, size = 4096, 256
	l := New(64 << 10)
	rec := bytes.Repeat([]byte{'r'}, size)
	for i := 0; i < records; i++ {
		if _, err := l.Append(rec); err != nil {
			b.Fatal(err)
		}
	}
	random := rand.New(rand.NewSource(1)).Perm(records)
	cases := []struct {
		name  string
		order func(i int) int64
	}{
		{"sequential", func(i int) int64 { return int64(i % records) }},
		{"random", func(i int) int64 { return int64(random[i%records]) }},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(size)
			var total int
			for i := 0; i < b.N; i++ {
				got, err := l.Read(tc.order(i))
				if err != nil {
					b.Fatal(err)
				}
				total += len(got)
			}
			if total != b.N*size {
				b.Fatalf("read %d bytes, want %d", total, b.N*size)
			}
		})
	}
}
