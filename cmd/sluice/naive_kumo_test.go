package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/internal/quotaproxy"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

// naiveCycle reads every resource of dev's inventory back one by one
// (each service's own describe and tag calls, no bulk read), as a
// reconciler that describes every resource every cycle does, and returns
// its calls and the minimum time the quotas allow for them. The reads go
// straight to the services, past the proxies and the client's limiter,
// so that counting them does not take the quarter of an hour they would
// take under the quotas; the minimum is a lower bound of that time.
func (q *quotaWorld) naiveCycle(tb testing.TB, statePath string) quotaRun {
	tb.Helper()
	restore := map[string]string{}
	for env, direct := range map[string]string{
		"AWS_ENDPOINT_URL": q.kumo.URL, "AWS_ENDPOINT_URL_BATCH": q.batch.URL, "AWS_ENDPOINT_URL_SFN": q.sfn.URL, "AWS_ENDPOINT_URL_RDS": q.rds.URL,
		"AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": "",
	} {
		restore[env] = os.Getenv(env)
		tb.Setenv(env, direct)
	}
	defer func() {
		for env, v := range restore {
			tb.Setenv(env, v)
		}
	}()
	unlimited := []string{"*=1000000/1000000"}
	for key := range awsapi.DefaultRates() {
		if key != "*" {
			unlimited = append(unlimited, key+"=1000000/1000000")
		}
	}
	env, err := (&awsOptions{pathStyle: true, quotas: unlimited}).connect(context.Background(), "dev")
	if err != nil {
		tb.Fatal(err)
	}
	store, err := statestore.Open(statePath, statestore.Options{Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	applied, err := rollout.Inventory(store, "dev")
	_ = store.Close()
	if err != nil {
		tb.Fatal(err)
	}
	env.calls.Reset()
	start := time.Now()
	for _, a := range applied {
		t := sluice.Target{Resource: sluice.Resource{ID: a.ID, Type: a.Type, Name: a.Name, Spec: a.Spec}, ARN: a.ARN}
		if _, err := env.backends[a.Type].Observe(context.Background(), t); err != nil {
			tb.Fatalf("naive read of %s: %v", a.ID, err)
		}
	}
	r := quotaRun{wall: time.Since(start), counts: map[string]quotaproxy.Count{}}
	for k, n := range env.calls.Snapshot() {
		if k.Result != awsapi.RetryResult { // retries are attempts already counted
			c := r.counts[k.Service+"."+k.Operation]
			c.Passed += n
			r.counts[k.Service+"."+k.Operation] = c
		}
	}
	r.calls, _ = quotaproxy.Totals(r.counts)
	r.minimum, r.slowest = quotaproxy.MinDuration(r.counts, q.rates)
	r.table = quotaTable(r.counts, q.rates, start)
	return r
}

// plus is r with the calls of o added: a naive cycle that also makes the
// changes o made.
func (r quotaRun) plus(o quotaRun, rates map[string]awsapi.Rate) quotaRun {
	sum := quotaRun{counts: map[string]quotaproxy.Count{}}
	for _, m := range []map[string]quotaproxy.Count{r.counts, o.counts} {
		for k, c := range m {
			s := sum.counts[k]
			s.Passed += c.Passed
			sum.counts[k] = s
		}
	}
	sum.calls, _ = quotaproxy.Totals(sum.counts)
	sum.minimum, sum.slowest = quotaproxy.MinDuration(sum.counts, rates)
	return sum
}

// compareNaive measures, after applyAndDrift, a plan with nothing
// changed that reads nothing back (what the daemon does while a branch
// has not moved) and the apply of one changed pipeline, each through the
// proxies, and the naive cycle of the same inventory, and prints the
// figures and their ratios.
func (q *quotaWorld) compareNaive(tb testing.TB, dir, statePath string, n int) {
	tb.Helper()
	args := []string{"--repo", dir, "--env", "dev", "--state", statePath}
	quiet := q.measure(func() {
		mustRun(tb, exitOK, append([]string{"plan", "--refresh=false", "--detailed-exitcode"}, args...)...)
	})
	changed := filepath.Join(dir, filepath.FromSlash(benchrepo.PipelinePath(n/2)))
	if err := os.WriteFile(changed, benchrepo.Pipeline(n/2, 1), 0o644); err != nil {
		tb.Fatal(err)
	}
	one := q.measure(func() { mustRun(tb, exitOK, append([]string{"apply", "--refresh=false"}, args...)...) })
	naive := q.naiveCycle(tb, statePath)
	naiveOne := naive.plus(one, q.rates)
	fmt.Printf("no-change plan (no read back): %d calls, %d mutating; naive cycle: %d calls (quota minimum %v, set by %s)\n%s\n",
		quiet.calls, mutatingCalls(quiet), naive.calls, naive.minimum.Round(time.Millisecond), naive.slowest, naive.table)
	fmt.Printf("one changed pipeline among %d: %d calls, %d throttled, wall %v; naive cycle with the same changes: %d calls (%.0fx), quota minimum %v (%.1fx the wall)\n%s\n",
		n, one.calls, one.throttled, one.wall.Round(time.Millisecond), naiveOne.calls, ratio(naiveOne.calls, one.calls),
		naiveOne.minimum.Round(time.Millisecond), naiveOne.minimum.Seconds()/one.wall.Seconds(), one.table)
	if b, ok := tb.(*testing.B); ok {
		b.ReportMetric(float64(quiet.calls), "noop-plan-calls")
		b.ReportMetric(float64(naive.calls), "naive-cycle-calls")
		b.ReportMetric(float64(one.calls), "one-change-calls")
		b.ReportMetric(one.wall.Seconds(), "one-change-wall-s")
		b.ReportMetric(float64(naiveOne.calls), "naive-one-change-calls")
		b.ReportMetric(naiveOne.minimum.Seconds(), "naive-one-change-min-s")
	}
}

// mutatingCalls counts the calls of r that change something.
func mutatingCalls(r quotaRun) int {
	n := 0
	for k, c := range r.counts {
		if _, op, _ := strings.Cut(k, "."); awsapi.IsMutation(op) {
			n += c.Passed
		}
	}
	return n
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
