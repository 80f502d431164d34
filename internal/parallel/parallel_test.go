package parallel_test

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/sluice-dev/sluice/internal/parallel"
)

func TestForCallsEachIndexOnce(t *testing.T) {
	for _, tt := range []struct{ n, perWorker int }{{0, 1}, {1, 256}, {7, 0}, {1000, 16}, {19000, 256}} {
		calls := make([]atomic.Int32, tt.n)
		var running, most atomic.Int32
		parallel.For(tt.n, tt.perWorker, func(i int) {
			now := running.Add(1)
			for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
			}
			calls[i].Add(1)
			running.Add(-1)
		})
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Fatalf("n=%d: index %d called %d times, want once", tt.n, i, c)
			}
		}
		if m := int(most.Load()); m > runtime.GOMAXPROCS(0) {
			t.Errorf("n=%d: %d calls at once, more than GOMAXPROCS", tt.n, m)
		}
	}
}
