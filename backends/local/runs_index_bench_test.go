package local

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// BenchmarkLatestSucceeded measures what finding a pipeline's latest
// successful run costs a step's start (SLUICE_RUNS) when the pipeline
// has 1,000 recorded runs, the newest 10 of them failed.
func BenchmarkLatestSucceeded(b *testing.B) {
	w := &World{dir: b.TempDir()}
	dir := filepath.Join(w.dir, executionsDir, "demo-dev-training")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour)
	for i := range 1000 {
		status := sluice.ExecutionSucceeded
		if i >= 990 {
			status = sluice.ExecutionFailed
		}
		stopped := t0.Add(time.Duration(i) * time.Second)
		e := sluice.Execution{Name: fmt.Sprintf("r%04d", i), Status: status, Started: stopped.Add(-time.Second), Stopped: stopped}
		data, _ := json.Marshal(e)
		path := filepath.Join(dir, e.Name+".json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		if err := os.Chtimes(path, stopped, stopped); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if got := w.latestSucceeded("demo-dev-training"); got != "r0989" {
			b.Fatalf("latest succeeded: %q, want r0989", got)
		}
	}
}
