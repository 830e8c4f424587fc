// Package log implements an append-only segment log: records are framed
// with a big-endian length and CRC-32C header and appended to an in-memory
// segment; an index of record offsets allows reads by record number, and
// reads verify the checksum.
package log

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// DefaultSegmentBytes is the size at which a segment is considered full.
const DefaultSegmentBytes = 1 << 20

// ErrSegmentFull is returned by Append when the record does not fit.
var ErrSegmentFull = errors.New("log: segment full")

// ErrOutOfRange is returned by Read for an unknown record number.
var ErrOutOfRange = errors.New("log: record out of range")

// ErrCorrupt is returned by Read when a record fails its checksum.
var ErrCorrupt = errors.New("log: record checksum mismatch")

// frameHeader is the size of a record's header: length, then CRC-32C of the payload.
const frameHeader = 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Segment is one append-only segment of the log.
type Segment struct {
	base    int64 // record number of the first record
	limit   int
	buf     []byte
	offsets []int
}

// NewSegment returns an empty segment holding up to limit bytes
// (DefaultSegmentBytes when limit <= 0), whose first record has number base.
func NewSegment(base int64, limit int) *Segment {
	if limit <= 0 {
		limit = DefaultSegmentBytes
	}
	return &Segment{base: base, limit: limit}
}

// Append writes one record and returns its record number.
func (s *Segment) Append(rec []byte) (int64, error) {
	if len(s.buf)+frameHeader+len(rec) > s.limit {
		return 0, ErrSegmentFull
	}
	// Frame the record directly in the segment buffer: no per-record
	// allocation, and the payload is copied once.
	s.offsets = append(s.offsets, len(s.buf))
	s.buf = binary.BigEndian.AppendUint32(s.buf, uint32(len(rec)))
	s.buf = binary.BigEndian.AppendUint32(s.buf, crc32.Checksum(rec, castagnoli))
	s.buf = append(s.buf, rec...)
	return s.base + int64(len(s.offsets)-1), nil
}

// Read returns record number n. The returned slice aliases the segment.
func (s *Segment) Read(n int64) ([]byte, error) {
	i := n - s.base
	if i < 0 || i >= int64(len(s.offsets)) {
		return nil, ErrOutOfRange
	}
	off := s.offsets[i]
	size := int(binary.BigEndian.Uint32(s.buf[off:]))
	sum := binary.BigEndian.Uint32(s.buf[off+4:])
	start := off + frameHeader
	rec := s.buf[start : start+size : start+size]
	if crc32.Checksum(rec, castagnoli) != sum {
		return nil, ErrCorrupt
	}
	return rec, nil
}

// Len returns the number of records in the segment.
func (s *Segment) Len() int { return len(s.offsets) }

// Size returns the number of bytes used by the segment.
func (s *Segment) Size() int { return len(s.buf) }

// Base returns the record number of the first record.
func (s *Segment) Base() int64 { return s.base }

// Reset empties the segment so that its first record has number base,
// keeping its memory for reuse.
func (s *Segment) Reset(base int64) {
	s.base = base
	s.buf = s.buf[:0]
	s.offsets = s.offsets[:0]
}

// Log is a sequence of segments; only the last one is written to.
type Log struct {
	segmentBytes int
	segments     []*Segment
	next         int64
}

// New returns an empty log whose segments hold up to segmentBytes bytes.
func New(segmentBytes int) *Log {
	if segmentBytes <= 0 {
		segmentBytes = DefaultSegmentBytes
	}
	return &Log{segmentBytes: segmentBytes}
}

// Append writes one record, rolling to a new segment when the active one is full.
func (l *Log) Append(rec []byte) (int64, error) {
	if frameHeader+len(rec) > l.segmentBytes {
		return 0, ErrSegmentFull
	}
	if len(l.segments) == 0 {
		l.segments = append(l.segments, NewSegment(l.next, l.segmentBytes))
	}
	active := l.segments[len(l.segments)-1]
	n, err := active.Append(rec)
	if errors.Is(err, ErrSegmentFull) {
		active = NewSegment(l.next, l.segmentBytes)
		l.segments = append(l.segments, active)
		n, err = active.Append(rec)
	}
	if err != nil {
		return 0, err
	}
	l.next = n + 1
	return n, nil
}

// Read returns record number n.
func (l *Log) Read(n int64) ([]byte, error) {
	// Segments are ordered by base: binary search for the last base <= n.
	lo, hi := 0, len(l.segments)
	for lo < hi {
		mid := (lo + hi) / 2
		if l.segments[mid].base <= n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return nil, ErrOutOfRange
	}
	return l.segments[lo-1].Read(n)
}

// Len returns the number of records in the log.
func (l *Log) Len() int64 { return l.next }

// Segments returns the number of segments.
func (l *Log) Segments() int { return len(l.segments) }
