// Package parallel runs independent pieces of one job on every core.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls f(i) once for every i in [0, n), on at most GOMAXPROCS
// goroutines and no more than one for each perWorker items (the least
// work worth a goroutine), and returns when every call has returned.
// Calls for different i run at the same time: f must write only what
// belongs to its i.
func For(n, perWorker int, f func(i int)) {
	if n <= 0 {
		return
	}
	workers := min(runtime.GOMAXPROCS(0), 1+n/max(perWorker, 1))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				f(int(i))
			}
		})
	}
	wg.Wait()
}
