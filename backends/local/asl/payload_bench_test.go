package asl_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

// BenchmarkInlineForeachPayload runs the compiled inline foreach
// (compile/testdata/foreach-inline) over 40, 200 and 1,000 items, its
// step on a runner that does nothing, and reports what Step Functions
// would count against its limits: the collected result of the Map (the
// JSON list of every iteration's output, built before ResultPath
// discards it; Step Functions limits a state's data to 256 KiB), the
// largest input a copy starts with, the largest data any event carries,
// and the history events (25,000 at most per standard execution).
func BenchmarkInlineForeachPayload(b *testing.B) {
	m := MustParse(b, goldenDefinition(b, "foreach-inline"))
	for _, n := range []int{40, 200, 1000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			list := make([]string, n)
			for i := range list {
				list[i] = fmt.Sprint(i)
			}
			input := json.RawMessage(`{"parameters":{"alphas":[` + strings.Join(list, ",") + `]}}`)
			ctx := context.Background()
			var events []asl.Event
			for b.Loop() {
				var err error
				if _, events, err = m.Execute(ctx, "r1", input, asl.Options{Runner: noop{}}); err != nil {
					b.Fatal(err)
				}
			}
			collected, iterations, largest, copyInput := 1, 0, 0, 0 // "[" and "]", commas
			for _, e := range events {
				largest = max(largest, len(e.Input), len(e.Output))
				switch e.Type {
				case asl.EventMapIterationStarted:
					copyInput = max(copyInput, len(e.Input))
				case asl.EventMapIterationSucceeded:
					collected += len(e.Output) + 1
					iterations++
				}
			}
			if iterations != n {
				b.Fatalf("%d iterations succeeded, want %d", iterations, n)
			}
			b.ReportMetric(float64(collected), "collected-bytes")
			b.ReportMetric(float64(copyInput), "copy-input-bytes")
			b.ReportMetric(float64(largest), "largest-event-bytes")
			b.ReportMetric(float64(len(events)), "history-events")
		})
	}
}
