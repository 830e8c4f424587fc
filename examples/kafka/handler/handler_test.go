package handler

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func makeRequest(records, valueBytes int) *ProduceRequest {
	req := &ProduceRequest{Topic: "orders.v1", Partition: 3, Acks: -1}
	value := bytes.Repeat([]byte{'v'}, valueBytes)
	for i := 0; i < records; i++ {
		req.Records = append(req.Records, Record{
			Key:       []byte(fmt.Sprintf("key-%04d", i)),
			Value:     value,
			Timestamp: 1700000000000 + int64(i),
			Headers:   []Header{{Key: "trace-id", Value: []byte("4bf92f3577b34da6")}},
		})
	}
	return req
}

func TestHandle(t *testing.T) {
	h := New(Options{Strict: true})
	req := makeRequest(5, 32)
	r1, err := h.Handle(req)
	if err != nil {
		t.Fatal(err)
	}
	if r1.BaseOffset != 0 || r1.Count != 5 || r1.Bytes != len(h.Encoded()) || r1.Bytes == 0 {
		t.Fatalf("first response = %+v", r1)
	}
	r2, err := h.Handle(req)
	if err != nil {
		t.Fatal(err)
	}
	if r2.BaseOffset != 5 {
		t.Fatalf("second base offset = %d, want 5", r2.BaseOffset)
	}
	if r2.CRC != r1.CRC {
		t.Fatalf("same batch, different CRC: %08x vs %08x", r1.CRC, r2.CRC)
	}
}

func TestValidate(t *testing.T) {
	h := New(Options{Strict: true, MaxRecordBytes: 64})
	for name, tc := range map[string]struct {
		mutate func(*ProduceRequest)
		want   error
	}{
		"ok":        {func(*ProduceRequest) {}, nil},
		"empty":     {func(r *ProduceRequest) { r.Records = nil }, ErrEmptyBatch},
		"topic":     {func(r *ProduceRequest) { r.Topic = "bad topic" }, ErrBadTopic},
		"too large": {func(r *ProduceRequest) { r.Records[1].Value = make([]byte, 100) }, ErrRecordTooLarge},
		"timestamp": {func(r *ProduceRequest) { r.Records[2].Timestamp = 0 }, ErrBadTimestamp},
		"header":    {func(r *ProduceRequest) { r.Records[0].Headers[0].Key = "" }, ErrBadHeader},
	} {
		req := makeRequest(3, 8)
		tc.mutate(req)
		if err := h.Validate(req); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
}

// BenchmarkProduce measures produce latency for a small and a large batch.
func BenchmarkProduce(b *testing.B) {
	b.ReportAllocs()
	b.Run("small", func(b *testing.B) {
		benchmarkHandle(b, makeRequest(10, 100))
	})
	b.Run("large", func(b *testing.B) {
		benchmarkHandle(b, makeRequest(100, 1000))
	})
}

func benchmarkHandle(b *testing.B, req *ProduceRequest) {
	b.ReportAllocs()
	h := New(Options{Strict: true})
	for i := 0; i < b.N; i++ {
		if _, err := h.Handle(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate measures validation alone, strict and lenient.
func BenchmarkValidate(b *testing.B) {
	req := makeRequest(100, 100)
	b.Run("batch", func(b *testing.B) {
		b.Run("strict", func(b *testing.B) {
			benchmarkValidate(b, New(Options{Strict: true}), req)
		})
		b.Run("lenient", func(b *testing.B) {
			benchmarkValidate(b, New(Options{}), req)
		})
	})
}

func benchmarkValidate(b *testing.B, h *Handler, req *ProduceRequest) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := h.Validate(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordSize measures the size estimate used to frame each record.
func BenchmarkRecordSize(b *testing.B) {
	r := &makeRequest(1, 100).Records[0]
	var n int
	for i := 0; i < b.N; i++ {
		n += RecordSize(r)
	}
	if n == 0 {
		b.Fatal("zero size")
	}
}
