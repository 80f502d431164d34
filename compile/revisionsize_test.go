package compile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/compile"
)

// TestLimitsCountTheRevision: every step gets SLUICE_REVISION and every
// spec goes out with the commit's hash in it, so the sizes Batch and Step
// Functions limit are measured with the revision given, not with the
// shorter stand-in a spec is hashed with. A step whose container overrides
// fit exactly with a stand-in's length is over Batch's 8,192 with a
// 40-character commit hash, and a pipeline whose definition just fits is
// over Step Functions' 1 MiB with one more character of revision per step.
func TestLimitsCountTheRevision(t *testing.T) {
	sentinelLong := strings.Repeat("r", len("@@sluice.revision@@"))
	commit := strings.Repeat("a", 40)
	codes := func(repo, revision string) map[string]bool {
		r := loadRepo(t, "repo.yaml", []byte(repo))
		_, diags := compile.Compile(compile.Input{Project: r.project, Documents: r.docs, Env: "dev", Revision: revision, FindingsOnly: true})
		out := map[string]bool{}
		for _, d := range diags {
			out[d.Code] = true
		}
		return out
	}
	overrides := func(args int) string {
		return base + pipelineDoc("  steps: [{name: a, command: ["+strings.Repeat("x,", args)+"x]}]\n")
	}
	// The most arguments that fit with a revision as long as the stand-in.
	most := largest(t, 0, 1<<12, func(n int) bool { return !codes(overrides(n), sentinelLong)["limit.container-overrides"] })
	if got := codes(overrides(most), commit); !got["limit.container-overrides"] {
		t.Errorf("%d arguments fit with a %d-character revision; with a commit hash they must not: %v", most, len(sentinelLong), got)
	}
	if got := codes(overrides(most), ""); got["limit.container-overrides"] {
		t.Errorf("%d arguments fit with a %d-character revision and without one they must too: %v", most, len(sentinelLong), got)
	}

	// A long pipeline: each step's overrides hold the revision once. The
	// most steps of 1,000-character commands that fit, then the longest
	// last command: within a byte of the limit.
	long := func(n, pad int) string {
		var b strings.Builder
		b.WriteString("  steps:\n")
		for i := range n {
			command := 1000
			if i == n-1 {
				command += pad
			}
			fmt.Fprintf(&b, "    - {name: s%04d, command: [%s]", i, strings.Repeat("y", command))
			if i < n-1 {
				fmt.Fprintf(&b, ", next: s%04d", i+1)
			}
			b.WriteString("}\n")
		}
		return base + pipelineDoc(b.String())
	}
	fitsDef := func(repo, revision string) bool { return !codes(repo, revision)["limit.definition-size"] }
	n := largest(t, 1, 2000, func(n int) bool { return fitsDef(long(n, 0), sentinelLong) })
	pad := largest(t, 0, 5000, func(pad int) bool { return fitsDef(long(n, pad), sentinelLong) })
	if fitsDef(long(n, pad), sentinelLong+"r") {
		t.Errorf("a definition of %d steps within a byte of the limit with a %d-character revision fits with one a character longer", n, len(sentinelLong))
	}
	if !fitsDef(long(n, pad), "") {
		t.Errorf("a definition of %d steps that fits with a %d-character revision does not without one", n, len(sentinelLong))
	}
}

// largest returns the largest n in [lo, hi) for which fits holds, fits
// being true from lo up to some n and false beyond.
func largest(t *testing.T, lo, hi int, fits func(int) bool) int {
	t.Helper()
	if !fits(lo) || fits(hi) {
		t.Fatalf("fits(%d) and fits(%d) must be true and false", lo, hi)
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
