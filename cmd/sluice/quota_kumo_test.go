package main

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/internal/quotaproxy"
)

// quotaWorld is startAWS's world seen through quota proxies: one in
// front of kumo, one in front of each fake and of the tagging API, all
// enforcing the same rate table, with AWS_ENDPOINT_URL, _BATCH, _SFN and
// _RESOURCE_GROUPS_TAGGING_API pointed at the proxies.
type quotaWorld struct {
	*awsWorld
	rates   map[string]awsapi.Rate
	proxies []*quotaproxy.Proxy
}

// startQuotaAWS starts the world and its proxies enforcing rates.
func startQuotaAWS(tb testing.TB, rates map[string]awsapi.Rate) *quotaWorld {
	tb.Helper()
	q := &quotaWorld{awsWorld: startAWS(tb), rates: rates}
	tags := q.startTagging(tb)
	for env, upstream := range map[string]string{
		"AWS_ENDPOINT_URL": q.kumo.URL, "AWS_ENDPOINT_URL_BATCH": q.batch.URL, "AWS_ENDPOINT_URL_SFN": q.sfn.URL, "AWS_ENDPOINT_URL_RDS": q.rds.URL,
		"AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": tags.URL,
	} {
		u, err := url.Parse(upstream)
		if err != nil {
			tb.Fatal(err)
		}
		p := quotaproxy.New(u, rates)
		srv := httptest.NewServer(p)
		tb.Cleanup(srv.Close)
		q.proxies = append(q.proxies, p)
		tb.Setenv(env, srv.URL)
	}
	return q
}

// counts merges the proxies' per-operation counts.
func (q *quotaWorld) counts() map[string]quotaproxy.Count {
	all := map[string]quotaproxy.Count{}
	for _, p := range q.proxies {
		for k, c := range p.Counts() {
			sum := all[k]
			sum.Passed += c.Passed
			sum.Throttled += c.Throttled
			if !c.First.IsZero() && (sum.First.IsZero() || c.First.Before(sum.First)) {
				sum.First = c.First
			}
			if c.Last.After(sum.Last) {
				sum.Last = c.Last
			}
			all[k] = sum
		}
	}
	return all
}

// quiet forgets the counts and refills every bucket: what a pause long
// enough for the quotas to recover does.
func (q *quotaWorld) quiet() {
	for _, p := range q.proxies {
		p.Reset()
		p.Refill()
	}
}

// quotaRun is what the proxies saw of one measured command.
type quotaRun struct {
	calls, throttled int
	wall, minimum    time.Duration
	slowest          string
	table            string
	counts           map[string]quotaproxy.Count
}

// measure runs fn from quiet buckets and reports what the proxies saw.
func (q *quotaWorld) measure(fn func()) quotaRun {
	q.quiet()
	start := time.Now()
	fn()
	r := quotaRun{wall: time.Since(start)}
	counts := q.counts()
	r.counts = counts
	r.calls, r.throttled = quotaproxy.Totals(counts)
	r.minimum, r.slowest = quotaproxy.MinDuration(counts, q.rates)
	r.table = quotaTable(counts, q.rates, start)
	return r
}

// ratio is wall time over the quota minimum (0 when the minimum is 0).
func (r quotaRun) ratio() float64 {
	if r.minimum <= 0 {
		return 0
	}
	return r.wall.Seconds() / r.minimum.Seconds()
}

// quotaTable lists each operation's calls, throttles, quota and
// minimum, and when its first and last calls passed (seconds after
// start).
func quotaTable(counts map[string]quotaproxy.Count, rates map[string]awsapi.Rate, start time.Time) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "| operation | calls | throttled | quota (per s / burst) | minimum | first, last call |\n|---|---|---|---|---|---|\n")
	for _, k := range keys {
		r, ok := rates[k]
		if !ok {
			r = rates["*"]
		}
		c := counts[k]
		one, _ := quotaproxy.MinDuration(map[string]quotaproxy.Count{k: c}, rates)
		when := "—"
		if !c.First.IsZero() {
			when = fmt.Sprintf("%.1f s, %.1f s", c.First.Sub(start).Seconds(), c.Last.Sub(start).Seconds())
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %g / %d | %.1f s | %s |\n", k, c.Passed, c.Throttled, r.PerSecond, r.Burst, one.Seconds(), when)
	}
	return b.String()
}

// writeBenchRepo writes benchrepo.Files(n) into a new directory.
func writeBenchRepo(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	for p, data := range benchrepo.Files(n) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// applyRounds applies until nothing is in progress, as applyUntilDone
// does, but refills the proxies' buckets between rounds when refill is
// set: each round is a new process with a new client limiter, and AWS's
// buckets are only as full as the pause between processes lets them be.
func (q *quotaWorld) applyRounds(tb testing.TB, refill bool, args ...string) {
	tb.Helper()
	for round := 0; round < 6; round++ {
		code, out, errOut := runCLI(tb, append([]string{"apply"}, args...)...)
		if code == exitOK {
			return
		}
		if !strings.Contains(out, "in progress") {
			tb.Fatalf("apply failed (exit %d):\n%s\n%s", code, out, errOut)
		}
		q.settle()
		if refill {
			for _, p := range q.proxies {
				p.Refill()
			}
		}
	}
	tb.Fatal("apply did not converge in 6 rounds")
}

// applyAndDrift applies the repository in dir from empty, then
// runs a full drift check (plan, reading every resource back), each from
// refilled buckets, and returns what the proxies saw of each. With
// refill, the apply runs in rounds, a new process each, and the buckets
// are refilled between them; without, one `apply --wait` takes the
// changes in progress further while the Batch fake completes them in
// the background, as AWS would.
func (q *quotaWorld) applyAndDrift(tb testing.TB, dir, statePath string, refill bool) (apply, drift quotaRun) {
	return q.applyAndDriftReporting(tb, dir, statePath, refill, func(string, quotaRun) {})
}

// applyAndDriftReporting is applyAndDrift telling report of each
// measurement as soon as it is made ("apply", then "drift").
func (q *quotaWorld) applyAndDriftReporting(tb testing.TB, dir, statePath string, refill bool, report func(string, quotaRun)) (apply, drift quotaRun) {
	tb.Helper()
	args := []string{"--repo", dir, "--env", "dev", "--state", statePath}
	apply = q.measure(func() {
		if refill {
			q.applyRounds(tb, refill, args...)
			return
		}
		settleEvery(tb, q.awsWorld, 500*time.Millisecond)
		if code, out, errOut := runCLI(tb, append([]string{"apply", "--wait", "90m"}, args...)...); code != exitOK {
			tb.Fatalf("apply --wait (exit %d):\n%s\n%s", code, out, errOut)
		}
	})
	report("apply", apply)
	drift = q.measure(func() {
		code, out, errOut := runCLI(tb, append([]string{"plan"}, args...)...)
		if code != exitOK || !strings.Contains(errOut, "AWS calls:") {
			tb.Fatalf("plan: exit %d, no call count:\n%s\n%s", code, out, errOut)
		}
	})
	return apply, drift
}

// TestApplyQuotaKumo applies a small generated repository through proxies
// enforcing the same quotas as Sluice's client limiter
// (awsapi.DefaultRates): no run of sluice may be throttled, in the apply
// or in a full drift check, and every call must have gone through a
// proxy. The limiter lives in the process, so the buckets are refilled
// between apply rounds (runs back to back without a pause can exceed the
// account's quota: the benchmark shows by how much).
func TestApplyQuotaKumo(t *testing.T) {
	q := startQuotaAWS(t, awsapi.DefaultRates())
	apply, drift := q.applyAndDrift(t, writeBenchRepo(t, 3), filepath.Join(t.TempDir(), "state.db"), true)
	for name, r := range map[string]quotaRun{"apply": apply, "drift check": drift} {
		if r.throttled != 0 {
			t.Errorf("%s: %d requests throttled:\n%s", name, r.throttled, r.table)
		}
		for _, op := range []string{"SFN.DescribeStateMachine", "Batch.DescribeJobDefinitions", "Resource Groups Tagging API.GetResources"} {
			if r.counts[op].Passed == 0 {
				t.Errorf("%s: the proxies saw no %s, want every call to go through them:\n%s", name, op, r.table)
			}
		}
	}
}

// BenchmarkApplyQuotaKumo applies (with --wait) a generated repository of 100
// pipelines (1,909 resources) through proxies enforcing AWS's default
// quotas (quotaproxy.DefaultRates), then runs a full drift check, each
// from full buckets, and reports calls, throttles, wall time, the
// minimum time the quotas allow for the calls made and the ratio.
//
// SLUICE_QUOTA_PIPELINES sets the number of pipelines (1,000 is the
// issue's figure: about 20 minutes, most of it the quota of
// CreateStateMachine).
//
// SLUICE_QUOTA_DRIFT_ONLY=N (a number of runs, 1 or more) measures only
// the drift check, N times: the cold apply goes through proxies without
// quotas, with the client's --aws-quota raised for every operation (a
// minute or two at 1,000 pipelines), then the proxies enforce AWS's
// default quotas and each drift check runs from full buckets, exactly as
// in the normal run (same calls, same minimum; compare the drift rows of
// both at one size). Nothing else is measured.
func BenchmarkApplyQuotaKumo(b *testing.B) {
	n := 100
	if v := os.Getenv("SLUICE_QUOTA_PIPELINES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("SLUICE_QUOTA_PIPELINES=%q: want a number of pipelines", v)
		}
	}
	if v := os.Getenv("SLUICE_QUOTA_DRIFT_ONLY"); v != "" {
		runs, err := strconv.Atoi(v)
		if err != nil || runs < 1 {
			b.Fatalf("SLUICE_QUOTA_DRIFT_ONLY=%q: want a number of drift checks", v)
		}
		for b.Loop() {
			benchDriftOnly(b, n, runs)
		}
		return
	}
	for b.Loop() {
		q := startQuotaAWS(b, quotaproxy.DefaultRates())
		dir, statePath := writeBenchRepo(b, n), filepath.Join(b.TempDir(), "state.db")
		apply, drift := q.applyAndDriftReporting(b, dir, statePath, false, reportQuotaRun)
		reportQuotaRun("drift", drift)
		for name, r := range map[string]quotaRun{"apply": apply, "drift": drift} {
			b.ReportMetric(float64(r.calls), name+"-calls")
			b.ReportMetric(float64(r.throttled), name+"-throttled")
			b.ReportMetric(r.wall.Seconds(), name+"-wall-s")
			b.ReportMetric(r.minimum.Seconds(), name+"-min-s")
			b.ReportMetric(r.ratio(), name+"-wall/min")
		}
		q.compareNaive(b, dir, statePath, n)
	}
}

// reportQuotaRun prints what the proxies saw of one measured command.
func reportQuotaRun(name string, r quotaRun) {
	// Printed, not logged: the testing package cuts long benchmark logs.
	fmt.Printf("%s: %d calls, %d throttled, wall %v, quota minimum %v (set by %s), ratio %.2f\n%s\n",
		name, r.calls, r.throttled, r.wall.Round(time.Millisecond), r.minimum.Round(time.Millisecond), r.slowest, r.ratio(), r.table)
}

// benchDriftOnly applies benchrepo.Files(n) through proxies without
// quotas and a client whose quotas are raised for every operation, then
// runs the full drift check runs times at AWS's default quotas, each
// from full buckets, reporting each (see BenchmarkApplyQuotaKumo).
func benchDriftOnly(b *testing.B, n, runs int) {
	b.Helper()
	q := startQuotaAWS(b, nil)
	dir, statePath := writeBenchRepo(b, n), filepath.Join(b.TempDir(), "state.db")
	args := []string{"--repo", dir, "--env", "dev", "--state", statePath}
	var raised []string
	for k := range awsapi.DefaultRates() {
		raised = append(raised, "--aws-quota", k+"=1000000/1000000")
	}
	settleEvery(b, q.awsWorld, 500*time.Millisecond)
	apply := q.measure(func() {
		if code, out, errOut := runCLI(b, append(append([]string{"apply", "--wait", "90m"}, args...), raised...)...); code != exitOK {
			b.Fatalf("apply --wait without quotas (exit %d):\n%s\n%s", code, out, errOut)
		}
	})
	fmt.Printf("apply without quotas (not measured against any): %d calls, wall %v\n", apply.calls, apply.wall.Round(time.Millisecond))
	q.rates = quotaproxy.DefaultRates()
	for _, p := range q.proxies {
		p.SetRates(q.rates)
	}
	var sum float64
	for i := range runs {
		drift := q.measure(func() {
			code, out, errOut := runCLI(b, append([]string{"plan"}, args...)...)
			if code != exitOK || !strings.Contains(errOut, "AWS calls:") {
				b.Fatalf("plan: exit %d, no call count:\n%s\n%s", code, out, errOut)
			}
		})
		reportQuotaRun(fmt.Sprintf("drift (drift-only run %d of %d)", i+1, runs), drift)
		sum += drift.ratio()
		b.ReportMetric(float64(drift.calls), "drift-calls")
		b.ReportMetric(float64(drift.throttled), "drift-throttled")
		b.ReportMetric(drift.minimum.Seconds(), "drift-min-s")
	}
	b.ReportMetric(sum/float64(runs), "drift-wall/min")
}

// TestQuotaOverride: an account whose DescribeStateMachine quota is one a
// second (below AWS's default) throttles a drift check made at the
// default rate, and not one made with --aws-quota saying so.
func TestQuotaOverride(t *testing.T) {
	rates := awsapi.DefaultRates()
	rates["SFN.DescribeStateMachine"] = awsapi.Rate{PerSecond: 1, Burst: 1}
	q := startQuotaAWS(t, rates)
	args := []string{"--repo", writeBenchRepo(t, 3), "--env", "dev", "--state", filepath.Join(t.TempDir(), "state.db")}
	q.applyRounds(t, true, args...)
	for _, tt := range []struct {
		flags     []string
		throttled bool
	}{
		{nil, true},
		{[]string{"--aws-quota", "SFN.DescribeStateMachine=1/1"}, false},
	} {
		r := q.measure(func() { mustRun(t, exitOK, append(append([]string{"plan"}, args...), tt.flags...)...) })
		if n := r.counts["SFN.DescribeStateMachine"].Throttled; (n > 0) != tt.throttled {
			t.Errorf("plan %v: %d DescribeStateMachine throttled, want throttling %v:\n%s", tt.flags, n, tt.throttled, r.table)
		}
	}
	if code, _, errOut := runCLI(t, append([]string{"plan", "--aws-quota", "SFN.DescribeStateMachine=fast"}, args...)...); code == exitOK || !strings.Contains(errOut, `requests per second "fast"`) {
		t.Errorf("a bad --aws-quota: exit %d, %s", code, errOut)
	}
}
