package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/benchrepo"
)

var callsRE = regexp.MustCompile(`AWS calls: (\d+)`)

func calls(tb testing.TB, out string) int {
	tb.Helper()
	m := callsRE.FindStringSubmatch(out)
	if m == nil {
		tb.Fatalf("no call count in:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// BenchmarkApplyKumo applies a generated repository of 100 pipelines
// (about 20 steps each) to an empty AWS (kumo for S3, STS; the Batch and
// Step Functions fakes) and reports the AWS calls of: the cold apply; a
// plan with nothing changed, without reading back (what a daemon does
// when the Git head has not moved) and with every resource read back (a
// full drift check, in bulk where the services allow it: the tagging API
// is served as on AWS); an apply with nothing changed. The naive cycle
// (every resource described one by one) is measured by the quota
// benchmark (BenchmarkApplyQuotaKumo).
func BenchmarkApplyKumo(b *testing.B) {
	w := startAWS(b)
	w.startTagging(b)
	dir := b.TempDir()
	for p, data := range benchrepo.Files(100) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	state := filepath.Join(b.TempDir(), "state.db")
	args := []string{"--repo", dir}
	target := []string{"--env", "dev", "--state", state}
	for b.Loop() {
		start := time.Now()
		cold := w.applyUntilDone(b, append(args, target...)...)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "cold-apply-ms")
		b.ReportMetric(float64(calls(b, cold)), "cold-apply-calls(last-round)")
		_, _, quiet := runCLI(b, append(append(args, "plan", "--refresh=false"), target...)...)
		b.ReportMetric(float64(len(callsRE.FindAllString(quiet, -1))), "plan-no-refresh-calls")
		_, _, naive := runCLI(b, append(append(args, "plan"), target...)...)
		b.ReportMetric(float64(calls(b, naive)), "plan-refresh-calls")
		again := mustRun(b, exitOK, append(append(args, "apply"), target...)...)
		b.ReportMetric(float64(calls(b, again)), "noop-apply-calls")
		n, _ := strconv.Atoi(mutations(b, again))
		b.ReportMetric(float64(n), "noop-apply-mutations")
	}
}
