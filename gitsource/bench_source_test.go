package gitsource_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluice-dev/sluice/gitsource"
)

// BenchmarkSourceList measures what a changed head costs before parsing:
// opening the commit's tree of 1,000 pipeline files and listing them with
// their blob hashes, reading none.
func BenchmarkSourceList(b *testing.B) {
	files := map[string]string{"sluice.yaml": "kind: Project\n"}
	for i := range 1000 {
		files[fmt.Sprintf("deploy/team%02d/p%04d.yaml", i%20, i)] = fmt.Sprintf("name: p%d\n", i)
	}
	rem := newRemote(b, "file", files)
	r, _ := open(b, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
	head := mustFetch(b, r, "main")["main"].Hash
	ctx := context.Background()
	for b.Loop() {
		src, err := r.Source(ctx, head, "")
		if err != nil {
			b.Fatal(err)
		}
		entries, err := src.List(ctx, "deploy")
		if err != nil || len(entries) != 1000 {
			b.Fatalf("List = %d entries, %v", len(entries), err)
		}
	}
}
