//go:build unix

package statestore

import (
	"os"
	"syscall"
)

// release drops the lock bbolt took on f and closes f. Closing alone
// would not release it when bbolt panicked with the file mapped: the
// mapping keeps the file open.
func release(f *os.File) {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	_ = f.Close()
}
