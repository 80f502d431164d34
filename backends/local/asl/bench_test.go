package asl_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

// chain is a machine of n Pass states, each adding to the state's data
// through Parameters with a path and an intrinsic, as compiled states do.
func chain(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"s0","States":{`)
	for i := range n {
		next := fmt.Sprintf(`"Next":"s%d"`, i+1)
		if i == n-1 {
			next = `"End":true`
		}
		fmt.Fprintf(&b, `"s%d":{"Type":"Pass","Parameters":{"run.$":"$.run","artifacts.$":"$.artifacts","step":"s%d",
			"out.$":"States.Format('{}/s%d', $.artifacts)"},%s}`, i, i, i, next)
		if i < n-1 {
			b.WriteByte(',')
		}
	}
	b.WriteString(`}}`)
	return b.String()
}

// BenchmarkTransition measures the interpreter's cost per state
// transition (target: under 1 ms), history events included.
func BenchmarkTransition(b *testing.B) {
	const n = 100
	m := MustParse(b, chain(n))
	input := json.RawMessage(`{"run":"r1","artifacts":"s3://bucket/pipe/r1"}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Execute(ctx, "r1", input, asl.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/transition")
}

type noop struct{}

func (noop) RunTask(context.Context, asl.Task) (json.RawMessage, error) { return nil, nil }

// BenchmarkMap1000 runs a 1,000-item inline Map whose body is one Task
// on a runner that does nothing.
func BenchmarkMap1000(b *testing.B) {
	def := goldenDefinition(b, "foreach-inline")
	list := make([]string, 1000)
	for i := range list {
		list[i] = fmt.Sprint(i)
	}
	input := json.RawMessage(`{"parameters":{"alphas":[` + strings.Join(list, ",") + `]}}`)
	m := MustParse(b, def)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Execute(ctx, "r1", input, asl.Options{Runner: noop{}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/item")
}
