package gitsource_test

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// BenchmarkHeadsUnchanged measures an idle poll: one Heads call over
// smart HTTP on loopback against git http-backend, with nothing to fetch.
func BenchmarkHeadsUnchanged(b *testing.B) {
	rem := newRemote(b, "http", baseFiles)
	branches := []string{"dev", "staging", "prod"}
	for _, br := range branches {
		gitserver.Branch(b, rem.bare, "main", br)
	}
	r, _ := open(b, gitsource.Options{URL: rem.url, Branches: branches})
	ctx := context.Background()
	before := rem.requests()
	b.ResetTimer()
	for b.Loop() {
		heads, err := r.Heads(ctx)
		if err != nil || len(heads) != len(branches) {
			b.Fatalf("Heads = %v, %v", heads, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(rem.requests()-before)/float64(b.N), "requests/op")
}
