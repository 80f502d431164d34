package sfn_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
	"github.com/sluice-dev/sluice/backends/aws/tagging"
	"github.com/sluice-dev/sluice/internal/taggingfake"
)

// TestObserveAllTagsInBulk reads 150 state machines (some of them
// missing, one foreign and untagged, one with a tag changed by hand)
// with their tags from the tagging API: each observation equals what
// Observe reports, with one DescribeStateMachine per state machine, no
// ListTagsForResource and two GetResources calls (100 ARNs each).
func TestObserveAllTagsInBulk(t *testing.T) {
	w := startBulkWorld(t)
	api, calls, direct, tags, reader, plain := w.api, w.calls, w.direct, w.tags, w.reader, w.plain
	bulk := sfn.New(api, sfn.Options{Region: region, Account: account, Tags: reader})

	var ts []sluice.Target
	for i := range 150 {
		tg := target(fmt.Sprintf("churn-dev-p%03d", i), passDef, nil)
		ts = append(ts, tg)
		if i%7 == 3 {
			continue // never created: observed as missing
		}
		if _, err := plain.Create(context.Background(), tg); err != nil {
			t.Fatal(err)
		}
	}
	foreign := target("someone-elses", passDef, nil)
	if _, err := direct.CreateStateMachine(context.Background(), &awssfn.CreateStateMachineInput{Name: aws.String(foreign.Name),
		Definition: aws.String(passDef), RoleArn: aws.String(role)}); err != nil {
		t.Fatal(err)
	}
	ts = append(ts, foreign)
	arn := fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", region, account, ts[0].Name)
	if _, err := direct.TagResource(context.Background(), &awssfn.TagResourceInput{ResourceArn: &arn,
		Tags: []sfntypes.Tag{sfnTag(sluice.TagSpecHash, "changed")}}); err != nil {
		t.Fatal(err)
	}

	calls.Reset()
	got, err := bulk.ObserveAll(context.Background(), ts)
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Calls("SFN", "DescribeStateMachine"); n != len(ts) {
		t.Errorf("%d DescribeStateMachine for %d state machines", n, len(ts))
	}
	if n := calls.Calls("SFN", "ListTagsForResource"); n != 0 {
		t.Errorf("%d ListTagsForResource, want none: tags come from the tagging API", n)
	}
	if n := tags.Distinct(); n != 2 {
		t.Errorf("%d GetResources calls for %d state machines, want 2", n, len(ts))
	}
	for i, tg := range ts {
		want, err := plain.Observe(context.Background(), tg)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("%s: ObserveAll gave\n%+v\nObserve gives\n%+v", tg.Name, got[i], want)
		}
	}
	if got[0].Tags[sluice.TagSpecHash] != "changed" || got[3].Exists || got[len(ts)-1].Owned("churn", "dev", foreign.ID) {
		t.Errorf("the changed tag, the missing one or the foreign one is not as it is in the account: %+v %+v %+v", got[0], got[3], got[len(ts)-1])
	}
}

// TestObserveAllWithoutTagReader reads one by one, as Observe does.
func TestObserveAllWithoutTagReader(t *testing.T) {
	fake := sfnfake.Start(region, account)
	t.Cleanup(fake.Close)
	api, calls := client(t, fake.URL)
	b := newBackend(api, false)
	ts := []sluice.Target{target("churn-dev-a", passDef, nil), target("churn-dev-b", twoDef, nil)}
	if _, err := b.Create(context.Background(), ts[0]); err != nil {
		t.Fatal(err)
	}
	calls.Reset()
	got, err := b.ObserveAll(context.Background(), ts)
	if err != nil || !got[0].Exists || got[1].Exists {
		t.Fatalf("ObserveAll = %+v, %v; want the first existing, the second missing", got, err)
	}
	assertSpec(t, got[0], ts[0])
	if n := calls.Calls("SFN", "ListTagsForResource"); n != 1 {
		t.Errorf("%d ListTagsForResource, want 1 (the existing one's)", n)
	}
}

// TestBulkPart: state machines are worth reading 100 at a time (one
// GetResources call's worth of ARNs); another type, all at once.
func TestBulkPart(t *testing.T) {
	b := sfn.New(nil, sfn.Options{})
	for typ, want := range map[sluice.ResourceType]int{sluice.TypeStateMachine: 100, sluice.TypeJobDefinition: 0} {
		if got := b.BulkPart(typ); got != want {
			t.Errorf("BulkPart(%s) = %d, want %d", typ, got, want)
		}
	}
}

// TestObserveEach: each is told of every state machine's observation,
// in order, as it is described (its spec as ObserveAll returns it, its
// tags read in bulk afterwards), with one DescribeStateMachine each;
// once a read fails, each is told of nothing more and the call fails.
func TestObserveEach(t *testing.T) {
	w := startBulkWorld(t)
	api, calls, reader, plain := w.api, w.calls, w.reader, w.plain
	var ts []sluice.Target
	for i := range 12 {
		tg := target(fmt.Sprintf("churn-dev-e%02d", i), passDef, nil)
		ts = append(ts, tg)
		if i == 4 {
			continue // missing
		}
		if _, err := plain.Create(context.Background(), tg); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		tags sfn.TagReader
	}{{"tags in bulk", reader}, {"tags one by one", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			b := sfn.New(api, sfn.Options{Region: region, Account: account, Tags: tc.tags})
			var told []int
			calls.Reset()
			got, err := b.ObserveEach(context.Background(), ts, func(i int, obs sluice.Observation) {
				told = append(told, i)
				if want := ts[i]; obs.Exists != (i != 4) || (obs.Exists && obs.ARN == "") {
					t.Errorf("%s told %+v", want.Name, obs)
				}
				if n := calls.Calls("SFN", "DescribeStateMachine"); n != i+1 {
					t.Errorf("told of %d after %d DescribeStateMachine, want as soon as it is read", i, n)
				}
			})
			if err != nil || len(got) != len(ts) {
				t.Fatalf("ObserveEach = %d observations, %v", len(got), err)
			}
			if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}; !reflect.DeepEqual(told, want) {
				t.Errorf("told of %v, want %v", told, want)
			}
			all, err := b.ObserveAll(context.Background(), ts)
			if err != nil || !reflect.DeepEqual(got, all) {
				t.Errorf("ObserveEach returned\n%+v\nObserveAll returns\n%+v (%v)", got, all, err)
			}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			told = nil
			got, err = b.ObserveEach(ctx, ts, func(i int, _ sluice.Observation) {
				told = append(told, i)
				if i == 5 {
					cancel() // the next read fails
				}
			})
			if err == nil || got != nil {
				t.Errorf("a read failing after 6: %d observations, err %v; want none and the error", len(got), err)
			}
			if len(told) != 6 {
				t.Errorf("told of %v, want the 6 read before the failure only", told)
			}
		})
	}
}

// bulkWorld is the Step Functions and tagging fakes of the bulk tests:
// api goes through the client's quota limiter and is counted by calls;
// direct goes straight to the fake, and so does plain, a backend for
// set-up and one-by-one reads, past the limiter (ListTagsForResource: one
// a second); reader reads the tags in bulk from tags.
type bulkWorld struct {
	api, direct *awssfn.Client
	calls       *awsapi.Counter
	tags        *taggingfake.Server
	reader      sfn.TagReader
	plain       *sfn.Backend
}

func startBulkWorld(t *testing.T) bulkWorld {
	t.Helper()
	fake := sfnfake.Start(region, account)
	t.Cleanup(fake.Close)
	w := bulkWorld{}
	w.api, w.calls = client(t, fake.URL)
	w.direct = awssfn.NewFromConfig(aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")},
		func(o *awssfn.Options) { o.BaseEndpoint = aws.String(fake.URL) })
	w.tags = taggingfake.Start(t, taggingfake.StateMachines(w.direct))
	w.reader = tagging.New(rgt.New(rgt.Options{Region: region, Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(w.tags.URL)}), tagging.TypeStateMachine)
	w.plain = newBackend(w.direct, false)
	return w
}
