package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestApplyKumoFaults applies the training template twice to the same
// AWS world, under two project names: once directly, once through proxies
// that throttle about 30 % of the requests, fail 5 % with a 5xx and delay
// every one. The SDK's standard retryer, with its real backoff, absorbs
// the faults: apply converges, a plan finds nothing left to do, the same
// mutating calls were made, and the calls reported are the requests the
// proxies received, retries included.
func TestApplyKumoFaults(t *testing.T) {
	w := startAWS(t)
	calm := faultRun(t, w, "calm")

	proxies := map[string]*faultProxy{
		"AWS_ENDPOINT_URL":       startFaultProxy(t, w.kumo.URL, 0.30, 0.05, 1),
		"AWS_ENDPOINT_URL_BATCH": startFaultProxy(t, w.batch.URL, 0.30, 0.05, 2),
		"AWS_ENDPOINT_URL_SFN":   startFaultProxy(t, w.sfn.URL, 0.30, 0.05, 3),
		"AWS_ENDPOINT_URL_RDS":   startFaultProxy(t, w.rds.URL, 0.30, 0.05, 4),
	}
	for env, p := range proxies {
		t.Setenv(env, p.URL)
	}
	stormy := faultRun(t, w, "stormy")

	requests, refusals := 0, 0
	services := map[string]int{}
	for _, p := range proxies {
		n, r, by := p.counts()
		requests, refusals = requests+n, refusals+r
		for s, k := range by {
			services[s] += k
		}
	}
	planEmpty(t, calm.flags)
	planEmpty(t, stormy.flags)
	t.Logf("without faults: %d calls in %d rounds; with: %d calls in %d rounds, %d requests of which %d refused %v",
		calm.calls, calm.rounds, stormy.calls, stormy.rounds, requests, refusals, services)
	for _, s := range []string{"s3", "rds", "sts", "batch", "states"} {
		if services[s] == 0 {
			t.Errorf("no %s request was refused: the test does not exercise its retries", s)
		}
	}
	if stormy.mutations != calm.mutations {
		t.Errorf("%d mutating calls with faults, %d without: a refused call was counted or repeated", stormy.mutations, calm.mutations)
	}
	if stormy.calls != requests {
		t.Errorf("apply reported %d calls, the proxies received %d requests", stormy.calls, requests)
	}
	if stormy.calls-refusals < calm.calls {
		t.Errorf("%d calls with faults, %d of them refused, %d without: fewer reached AWS than the work needs, so a refused call was not retried", stormy.calls, refusals, calm.calls)
	}
	if stormy.calls <= calm.calls {
		t.Errorf("%d calls with faults, %d without: the retries are not counted", stormy.calls, calm.calls)
	}
}

// faultOutcome sums the apply rounds of one project.
type faultOutcome struct {
	flags                    []string
	rounds, calls, mutations int
}

// faultRun scaffolds the training template as project and applies it to
// dev until it converges, settling the Batch fake between rounds. The
// applies run 16 changes at once, so that the retries' backoffs overlap.
func faultRun(t *testing.T, w *awsWorld, project string) faultOutcome {
	t.Helper()
	dir := filepath.Join(t.TempDir(), project)
	mustRun(t, exitOK, "init", "--template", "training", dir, "--project", project)
	flags := []string{"--repo", dir, "--env", "dev", "--state", filepath.Join(t.TempDir(), "state.db")}
	o := faultOutcome{flags: flags}
	for code := exitInvalid; code != exitOK; o.rounds++ {
		if o.rounds == 8 {
			t.Fatalf("apply of %s did not converge in 8 rounds", project)
		}
		var out, errOut string
		code, out, errOut = runCLI(t, append([]string{"apply", "--workers", "16"}, flags...)...)
		m := mutationsRE.FindStringSubmatch(out)
		if m == nil || strings.Contains(errOut, "sluice:") {
			t.Fatalf("apply of %s (exit %d):\n%s\n%s", project, code, out, errOut)
		}
		calls, _ := strconv.Atoi(m[1])
		mutations, _ := strconv.Atoi(m[2])
		o.calls, o.mutations = o.calls+calls, o.mutations+mutations
		w.settle()
	}
	return o
}

// planEmpty checks that a plan with flags finds nothing to do.
func planEmpty(t *testing.T, flags []string) {
	t.Helper()
	if code, out, errOut := runCLI(t, append([]string{"plan", "--detailed-exitcode"}, flags...)...); code != exitOK {
		t.Errorf("plan after apply has changes or failed (exit %d):\n%s\n%s", code, out, errOut)
	}
}
