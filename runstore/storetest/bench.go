package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// ForeachCopies is the width of the run the benchmarks record.
const ForeachCopies = 1000

// BenchmarkForeachRun measures recording and reading one run of a
// foreach of ForeachCopies copies, as the local backend records it: the
// run, then per copy a RUNNING attempt, its end and one artifact.
// "write" times one whole run's writes; "query" times reading the run
// back with its attempts and artifacts, and listing runs.
func BenchmarkForeachRun(b *testing.B, f Factory) {
	ctx := context.Background()
	s := f.open(b, f.New(b))
	b.Run("write", func(b *testing.B) {
		for i := range b.N {
			writeForeachRun(b, s, fmt.Sprintf("w%d", i))
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*ForeachCopies), "µs/copy")
	})
	id := writeForeachRun(b, s, "q")
	b.Run("query", func(b *testing.B) {
		for range b.N {
			d, err := s.Run(ctx, "dev", id)
			if err != nil || len(d.Attempts) != ForeachCopies+1 || len(d.Artifacts) != ForeachCopies {
				b.Fatalf("read %d attempts, %d artifacts, %v", len(d.Attempts), len(d.Artifacts), err)
			}
			if _, err := s.Runs(ctx, sluice.RunFilter{Environment: "dev", Pipeline: "wide"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func writeForeachRun(b *testing.B, s sluice.RunStore, name string) string {
	ctx := context.Background()
	r := run("dev", "wide", name, 0)
	r.Status, r.Stopped = sluice.ExecutionRunning, time.Time{}
	must(b, s.PutRun(ctx, r))
	for i := range ForeachCopies {
		a := sluice.AttemptRecord{RunID: r.ID, Step: "score", Path: fmt.Sprintf("fan.foreach/%d/score", i), Attempt: 1,
			ForeachIndex: []int{i}, ForeachItem: json.RawMessage(fmt.Sprintf(`{"shard":%d}`, i)), Status: sluice.ExecutionRunning, Started: t0()}
		must(b, s.PutAttempt(ctx, a))
		code := 0
		a.Status, a.Stopped, a.ExitCode, a.Log = sluice.ExecutionSucceeded, t0().Add(time.Second), &code, "/data/jobs/x.log"
		must(b, s.PutAttempt(ctx, a))
		must(b, s.PutArtifacts(ctx, []sluice.ArtifactRecord{{RunID: r.ID, Path: a.Path, Attempt: 1,
			URI: fmt.Sprintf("s3://b/wide/%s/score/%d/scores.csv", name, i), Size: 100, Checksum: "sha256:00", Written: t0()}}))
	}
	must(b, s.PutAttempt(ctx, sluice.AttemptRecord{RunID: r.ID, Step: "join", Path: "join", Attempt: 1, Status: sluice.ExecutionSucceeded, Started: t0()}))
	r.Status, r.Stopped = sluice.ExecutionSucceeded, t0().Add(time.Minute)
	must(b, s.PutRun(ctx, r))
	return r.ID
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
