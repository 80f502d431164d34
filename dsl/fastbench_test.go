package dsl

import (
	"testing"

	"github.com/sluice-dev/sluice/internal/benchrepo"
)

// BenchmarkParseFile parses the 1,002 files of the generated benchmark
// repository: with the fast reader (what ParseFile does) and with
// yaml.v3 and the converter (what it does when the fast reader
// declines, and did before it).
func BenchmarkParseFile(b *testing.B) {
	files := benchrepo.Files(1000)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for name, data := range files {
				if _, ds := ParseFile(name, data, DefaultLimits()); len(ds) > 0 {
					b.Fatal(ds)
				}
			}
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for name, data := range files {
				nodes, diag := splitDocuments(name, data)
				if diag != nil {
					b.Fatal(diag)
				}
				budget := DefaultLimits().MaxAliasValues
				src := &source{data: data, budget: budget}
				for i, n := range nodes {
					if _, ds := newDocument(name, n, &budget, src, i); len(ds) > 0 {
						b.Fatal(ds)
					}
				}
			}
		}
	})
}
