// Package handler models the produce path of a Kafka-like broker: a produce
// request carries a batch of records for one topic partition; the handler
// validates the batch, encodes it into the on-disk batch format and checksums
// it (CRC-32C over the encoded records, as Kafka's record batch v2 does).
package handler

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"unicode/utf8"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Record is one record of a produce request.
type Record struct {
	Key       []byte
	Value     []byte
	Timestamp int64 // milliseconds since the epoch
	Headers   []Header
}

// Header is a record header.
type Header struct {
	Key   string
	Value []byte
}

// ProduceRequest is a batch of records for one topic partition.
type ProduceRequest struct {
	Topic     string
	Partition int32
	Acks      int16
	Records   []Record
}

// ProduceResponse acknowledges a produce request.
type ProduceResponse struct {
	Partition  int32
	BaseOffset int64
	Count      int
	Bytes      int
	CRC        uint32
}

// Errors returned by Validate.
var (
	ErrEmptyBatch     = errors.New("handler: empty batch")
	ErrRecordTooLarge = errors.New("handler: record too large")
	ErrBadTopic       = errors.New("handler: invalid topic name")
	ErrBadHeader      = errors.New("handler: invalid header key")
	ErrBadTimestamp   = errors.New("handler: timestamps out of order")
)

// Options configure a Handler.
type Options struct {
	MaxRecordBytes int  // 0 means 1 MiB
	Strict         bool // require valid UTF-8 header keys and ordered timestamps
}

// Handler handles produce requests. It is not safe for concurrent use:
// a broker runs one per connection.
type Handler struct {
	opts       Options
	nextOffset int64
	buf        []byte // reused encoding buffer
}

// New returns a Handler.
func New(opts Options) *Handler {
	if opts.MaxRecordBytes <= 0 {
		opts.MaxRecordBytes = 1 << 20
	}
	return &Handler{opts: opts}
}

// Validate checks a produce request without encoding it.
func (h *Handler) Validate(req *ProduceRequest) error {
	if len(req.Records) == 0 {
		return ErrEmptyBatch
	}
	if !validTopic(req.Topic) {
		return fmt.Errorf("%w: %q", ErrBadTopic, req.Topic)
	}
	var last int64
	for i := range req.Records {
		r := &req.Records[i]
		if len(r.Key)+len(r.Value) > h.opts.MaxRecordBytes {
			return fmt.Errorf("%w: record %d has %d bytes", ErrRecordTooLarge, i, len(r.Key)+len(r.Value))
		}
		if !h.opts.Strict {
			continue
		}
		if r.Timestamp < last {
			return fmt.Errorf("%w: record %d", ErrBadTimestamp, i)
		}
		last = r.Timestamp
		for _, hd := range r.Headers {
			if hd.Key == "" || !utf8.ValidString(hd.Key) {
				return fmt.Errorf("%w: record %d", ErrBadHeader, i)
			}
		}
	}
	return nil
}

func validTopic(t string) bool {
	if t == "" || len(t) > 249 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// Handle validates, encodes and checksums a produce request and assigns
// offsets to its records.
func (h *Handler) Handle(req *ProduceRequest) (ProduceResponse, error) {
	if err := h.Validate(req); err != nil {
		return ProduceResponse{}, err
	}
	h.buf = h.buf[:0]
	base := req.Records[0].Timestamp
	for i := range req.Records {
		// Encode each record into its own buffer and prefix it with its
		// own CRC-32C, so that a corrupt record can be reported individually.
		r := &req.Records[i]
		rec := appendRecord(make([]byte, 0, RecordSize(r)+binary.MaxVarintLen64), r, i, base)
		h.buf = binary.BigEndian.AppendUint32(h.buf, crc32.Checksum(rec, castagnoli))
		h.buf = append(h.buf, rec...)
	}
	resp := ProduceResponse{
		Partition:  req.Partition,
		BaseOffset: h.nextOffset,
		Count:      len(req.Records),
		Bytes:      len(h.buf),
		CRC:        crc32.Checksum(h.buf, castagnoli),
	}
	h.nextOffset += int64(len(req.Records))
	return resp, nil
}

// Encoded returns the encoding of the last handled batch. It is valid until
// the next call to Handle.
func (h *Handler) Encoded() []byte { return h.buf }

// appendRecord appends the encoding of one record: varint-framed fields with
// offset and timestamp deltas, as in Kafka's record format v2.
func appendRecord(dst []byte, r *Record, offsetDelta int, baseTimestamp int64) []byte {
	dst = binary.AppendVarint(dst, int64(RecordSize(r)))
	dst = append(dst, 0) // attributes
	dst = binary.AppendVarint(dst, r.Timestamp-baseTimestamp)
	dst = binary.AppendVarint(dst, int64(offsetDelta))
	dst = appendBytes(dst, r.Key)
	dst = appendBytes(dst, r.Value)
	dst = binary.AppendVarint(dst, int64(len(r.Headers)))
	for _, hd := range r.Headers {
		dst = binary.AppendVarint(dst, int64(len(hd.Key)))
		dst = append(dst, hd.Key...)
		dst = appendBytes(dst, hd.Value)
	}
	return dst
}

func appendBytes(dst, b []byte) []byte {
	if b == nil {
		return binary.AppendVarint(dst, -1)
	}
	dst = binary.AppendVarint(dst, int64(len(b)))
	return append(dst, b...)
}

// RecordSize returns an upper bound of the encoded size of r's body.
func RecordSize(r *Record) int {
	n := 1 + 3*binary.MaxVarintLen64 + len(r.Key) + len(r.Value)
	for _, hd := range r.Headers {
		n += 2*binary.MaxVarintLen64 + len(hd.Key) + len(hd.Value)
	}
	return n
}
