package batch_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/batch"
)

// bulkCase is one resource in the account and the target reading it.
type bulkCase struct {
	name string
	// setup makes the account state and returns the target.
	setup func(t *testing.T, f *fixture, c *awsbatch.Client) sluice.Target
	// arn is the suffix of the observed ARN; "" when nothing exists.
	arn string
}

// jdCase registers image revisions of a job definition named name
// (tagged as Sluice tags it unless foreign), deregisters the revisions
// numbered in gone, and returns its target.
func jdCase(name string, revisions int, gone []int, foreign bool) func(*testing.T, *fixture, *awsbatch.Client) sluice.Target {
	return func(t *testing.T, _ *fixture, c *awsbatch.Client) sluice.Target {
		tg := jdTarget(name, "img:1")
		tags := tg.Tags
		if foreign {
			tags = nil
		}
		var arns []string
		for r := range revisions {
			arns = append(arns, register(t, c, jdTarget(name, fmt.Sprintf("img:%d", r+1)), tags))
		}
		for _, r := range gone {
			deregister(t, c, arns[r-1])
		}
		return tg
	}
}

// bulkCases are the job definitions, compute environments and queues
// TestObserveAllEqualsObserve reads in one call: ten job definitions,
// enough for the listing.
func bulkCases() []bulkCase {
	return []bulkCase{
		{"job definition with one revision", jdCase("jd-one", 1, nil, false), ":job-definition/jd-one:1"},
		{"job definition missing", jdCase("jd-missing", 0, nil, false), ""},
		{"older revisions still active", jdCase("jd-three", 3, nil, false), ":job-definition/jd-three:3"},
		{"latest revision deregistered", jdCase("jd-dereg", 2, []int{2}, false), ":job-definition/jd-dereg:1"},
		{"every revision deregistered", jdCase("jd-gone", 2, []int{1, 2}, false), ""},
		{"foreign untagged one with the name", jdCase("jd-foreign", 1, nil, true), ":job-definition/jd-foreign:1"},
		{"revisions compared as numbers", jdCase("jd-eleven", 11, nil, false), ":job-definition/jd-eleven:11"},
		{"name a prefix of another", jdCase("jd", 1, nil, false), ":job-definition/jd:1"},
		{"out-of-band newer revision", func(t *testing.T, f *fixture, c *awsbatch.Client) sluice.Target {
			tg := jdTarget("jd-oob", "img:1")
			register(t, c, tg, tg.Tags)
			register(t, c, jdTarget("jd-oob", "img:hotfix"), nil)
			return tg
		}, ":job-definition/jd-oob:2"},
		{"tags changed out of band", func(t *testing.T, f *fixture, c *awsbatch.Client) sluice.Target {
			tg := jdTarget("jd-retag", "img:1")
			retag(t, c, register(t, c, tg, tg.Tags), "team", "other")
			return tg
		}, ":job-definition/jd-retag:1"},
		{"compute environment", func(t *testing.T, f *fixture, _ *awsbatch.Client) sluice.Target {
			tg, _ := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
			return tg
		}, ":compute-environment/churn-dev-cpu"},
		{"compute environment missing", func(*testing.T, *fixture, *awsbatch.Client) sluice.Target {
			return target(sluice.TypeComputeEnvironment, "gpu", "churn-dev-gpu", ceSpec)
		}, ""},
		{"compute environment deleted", func(t *testing.T, f *fixture, _ *awsbatch.Client) sluice.Target {
			spec := strings.ReplaceAll(ceSpec, "churn-dev-cpu", "churn-dev-old")
			tg, _ := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "old", "churn-dev-old", spec))
			for range 3 {
				_ = f.b.Delete(f.ctx, tg, f.mustObserve(t, tg))
				f.fake.Settle()
			}
			return tg
		}, ""},
		{"job queue by ARN", func(t *testing.T, f *fixture, _ *awsbatch.Client) sluice.Target {
			tg, _ := f.mustCreate(t, target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec))
			return tg
		}, ":job-queue/churn-dev-cpu"},
		{"job queue missing", func(*testing.T, *fixture, *awsbatch.Client) sluice.Target {
			return target(sluice.TypeJobQueue, "gpu", "churn-dev-gpu", jqSpec)
		}, ""},
	}
}

// TestObserveAllEqualsObserve: for every kind of account state, the
// bulk read observes what Observe observes, in the order of the
// targets, listing the job definitions in one call.
func TestObserveAllEqualsObserve(t *testing.T) {
	f := newFixture(t, 3)
	c := f.fake.Client()
	cases := bulkCases()
	var ts []sluice.Target
	for _, tc := range cases {
		ts = append(ts, tc.setup(t, f, c))
	}
	register(t, c, jdTarget("someone-else", "img:1"), nil)

	p, pc := startProxy(t, f.fake, failure{})
	got, err := batch.New(pc, batch.Options{KeepRevisions: 3}).ObserveAll(f.ctx, ts)
	if err != nil {
		t.Fatalf("ObserveAll: %v", err)
	}
	if listing, named := p.jdReads(); listing != 1 || named != 0 {
		t.Errorf("job definitions read in %d listings and %d reads by name, want 1 and 0", listing, named)
	}
	if n := p.count("describecomputeenvironments") + p.count("describejobqueues"); n != 2 {
		t.Errorf("compute environments and queues read in %d calls, want 2", n)
	}
	if len(got) != len(ts) {
		t.Fatalf("got %d observations for %d targets", len(got), len(ts))
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := f.mustObserve(t, ts[i])
			if !reflect.DeepEqual(got[i], want) {
				t.Errorf("ObserveAll\n %+v\nObserve\n %+v", got[i], want)
			}
			if got[i].Exists != (tc.arn != "") || !strings.HasSuffix(got[i].ARN, tc.arn) {
				t.Errorf("observed %q (exists %v), want ARN ending %q", got[i].ARN, got[i].Exists, tc.arn)
			}
		})
	}
}

// TestObserveAllCalls counts the DescribeJobDefinitions calls a bulk
// read makes: one per 100 active revisions in the account, one per name
// below the threshold, and one per name (after as many listing pages)
// when the account holds far more job definitions than the targets.
func TestObserveAllCalls(t *testing.T) {
	tests := []struct {
		name                 string
		targets, others      int
		wantListing, wantNam int
	}{
		// 250 names, 83 of them with a second revision, 12 of those
		// deregistered: 321 active revisions.
		{name: "250 job definitions", targets: 250, wantListing: 4},
		{name: "below the threshold", targets: batch.BulkMinJobDefinitions - 1, wantNam: batch.BulkMinJobDefinitions - 1},
		{name: "account full of others", targets: 30, others: 4000, wantListing: 30, wantNam: 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 3)
			c := f.fake.Client()
			ts := jobDefinitionsIn(t, c, tt.targets)
			others(t, c, tt.others)
			p, pc := startProxy(t, f.fake, failure{})
			got, err := batch.New(pc, batch.Options{}).ObserveAll(f.ctx, ts)
			if err != nil {
				t.Fatalf("ObserveAll: %v", err)
			}
			listing, named := p.jdReads()
			t.Logf("%d targets, %d other revisions: %d listing pages, %d reads by name", tt.targets, tt.others, listing, named)
			if listing != tt.wantListing || named != tt.wantNam {
				t.Errorf("%d listing pages and %d reads by name, want %d and %d", listing, named, tt.wantListing, tt.wantNam)
			}
			for i, tg := range ts {
				if want := f.mustObserve(t, tg); !reflect.DeepEqual(got[i], want) {
					t.Fatalf("%s: ObserveAll %+v, Observe %+v", tg.Name, got[i], want)
				}
			}
		})
	}
}

// jobDefinitionsIn registers n job definitions, every third with a
// second revision, every seventh of those deregistered, and returns
// their targets.
func jobDefinitionsIn(t *testing.T, c *awsbatch.Client, n int) []sluice.Target {
	t.Helper()
	ts := make([]sluice.Target, n)
	for i := range ts {
		ts[i] = jdTarget(fmt.Sprintf("jd-%03d", i), "img:1")
		register(t, c, ts[i], ts[i].Tags)
		if i%3 != 1 {
			continue
		}
		arn := register(t, c, jdTarget(ts[i].Name, "img:2"), ts[i].Tags)
		if i%7 == 1 {
			deregister(t, c, arn)
		}
	}
	return ts
}

// others registers n revisions of job definitions no target names.
func others(t *testing.T, c *awsbatch.Client, n int) {
	t.Helper()
	for i := range n {
		register(t, c, jdTarget(fmt.Sprintf("other-%02d", i%50), "img:1"), nil)
	}
}

// TestObserveAllFailures: a refused or failed read fails the whole call
// with the retry decision Observe gives; a type Batch does not manage
// stalls before any call.
func TestObserveAllFailures(t *testing.T) {
	f := newFixture(t, 3)
	c := f.fake.Client()
	ts := jobDefinitionsIn(t, c, 12)
	others(t, c, 100)
	ce, _ := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
	jq, _ := f.mustCreate(t, target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec))
	all := append([]sluice.Target{ce, jq}, ts...)
	bucket := target(sluice.TypeBucket, "data", "churn-dev-data", `{}`)
	tests := []struct {
		name    string
		ts      []sluice.Target
		fail    failure
		want    sluice.Retry
		noCalls bool
	}{
		{name: "listing throttled", ts: all, fail: failure{"describejobdefinitions", 1, http.StatusTooManyRequests, "ThrottlingException"}, want: sluice.RetryTransient},
		{name: "listing fails on its second page", ts: all, fail: failure{"describejobdefinitions", 2, http.StatusInternalServerError, "ServerException"}, want: sluice.RetryTransient},
		{name: "read by name refused", ts: ts[:3], fail: failure{"describejobdefinitions", 2, http.StatusBadRequest, "ClientException"}, want: sluice.RetryStalled},
		{name: "compute environments fail", ts: all, fail: failure{"describecomputeenvironments", 1, http.StatusInternalServerError, "ServerException"}, want: sluice.RetryTransient},
		{name: "job queues refused", ts: all, fail: failure{"describejobqueues", 1, http.StatusBadRequest, "ClientException"}, want: sluice.RetryStalled},
		{name: "not a Batch resource", ts: append(all[:2:2], bucket), want: sluice.RetryStalled, noCalls: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, pc := startProxy(t, f.fake, tt.fail)
			got, err := batch.New(pc, batch.Options{}).ObserveAll(f.ctx, tt.ts)
			if got != nil {
				t.Errorf("got observations %+v with the error", got)
			}
			wantRetry(t, err, tt.want)
			if calls := p.count(""); tt.noCalls && calls != 0 {
				t.Errorf("%d calls made before the type was checked", calls)
			}
		})
	}
}
