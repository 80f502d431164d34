package statestoretest

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"
)

// Pages picks, from what a file's newest meta page says, the pages that
// Garble overwrites.
type Pages func(freelist, highWater uint64) []uint64

// FreelistPage is the file's free list page.
func FreelistPage(freelist, _ uint64) []uint64 { return []uint64{freelist} }

// DataPages are every page of the file but its two meta pages and its
// free list page.
func DataPages(freelist, highWater uint64) []uint64 {
	var ids []uint64
	for id := uint64(2); id < highWater; id++ {
		if id != freelist {
			ids = append(ids, id)
		}
	}
	return ids
}

// Garble writes garbage over the pages of the bbolt file at path that
// which picks, as a disk or a careless hand might. It reads the file's
// layout from its meta pages (a 16-byte page header, then magic,
// version, page size, flags, root bucket (root, sequence), free list
// page, high water mark, txid, each little-endian) and fails the test
// when the file has no free list page to speak of.
func Garble(tb testing.TB, path string, which Pages) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	le := binary.LittleEndian
	pageSize := le.Uint32(b[24:])
	var freelist, highWater, newest uint64
	for _, off := range []uint32{0, pageSize} {
		m := b[off:]
		if txid := le.Uint64(m[64:]); txid >= newest {
			newest, freelist, highWater = txid, le.Uint64(m[48:]), le.Uint64(m[56:])
		}
	}
	if freelist < 2 || freelist >= highWater {
		tb.Fatalf("%s: free list page %d, high water mark %d: not a file to garble", path, freelist, highWater)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	for _, id := range which(freelist, highWater) {
		if _, err := f.WriteAt(bytes.Repeat([]byte{0xab}, int(pageSize)), int64(id)*int64(pageSize)); err != nil {
			tb.Fatal(err)
		}
	}
}
