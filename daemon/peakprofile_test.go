package daemon_test

import (
	"bytes"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"testing"
	"time"
)

// peakProfiler keeps the heap profile of the moment the live heap was
// largest: a heap profile describes the objects live at the last
// collection, so each time a collection ends with a live heap above the
// largest seen, the profile is taken again. It polls every few
// milliseconds; a collection between two polls is seen at the next.
type peakProfiler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
	gcs  uint64
	prof bytes.Buffer
}

// startPeakProfile starts a peakProfiler when path is not empty; its
// stop writes the profile to path and returns the largest live heap.
func startPeakProfile(tb testing.TB, path string) *peakProfiler {
	if path == "" {
		return nil
	}
	// A finer sample than the default (one per 512 KiB) so that the
	// profile of one moment is not a handful of samples.
	runtime.MemProfileRate = 16 << 10
	p := &peakProfiler{stop: make(chan struct{})}
	p.done.Add(1)
	go p.run(tb)
	return p
}

func (p *peakProfiler) run(tb testing.TB) {
	defer p.done.Done()
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		metrics.Read(samples)
		live, gcs := samples[0].Value.Uint64(), samples[1].Value.Uint64()
		if gcs == p.gcs || live <= p.peak {
			p.gcs = gcs
			continue
		}
		p.gcs, p.peak = gcs, live
		p.prof.Reset()
		if err := pprof.Lookup("heap").WriteTo(&p.prof, 0); err != nil {
			tb.Error(err)
		}
	}
}

// finish stops p, writes the profile of the peak to path and returns the
// largest live heap seen, in bytes.
func (p *peakProfiler) finish(tb testing.TB, path string) uint64 {
	if p == nil {
		return 0
	}
	close(p.stop)
	p.done.Wait()
	if err := os.WriteFile(path, p.prof.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p.peak
}
