//go:build !unix

package statestore

import "os"

// release closes f, which bbolt opened and locked.
func release(f *os.File) { _ = f.Close() }
