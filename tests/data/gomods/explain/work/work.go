// Package work hashes blocks of data; the explain tests make finish slower in a
// second commit and expect benchlens explain to point at it.
package work

// Process hashes data: mix every byte in, then finish the hash.
func Process(data []byte) uint32 {
	h := mix(2166136261, data)
	return finish(h)
}

func mix(h uint32, data []byte) uint32 {
	for _, b := range data {
		h = (h ^ uint32(b)) * 16777619
	}
	return h
}

//go:noinline
func finish(h uint32) uint32 {
	h ^= h >> 16
	return h
}
