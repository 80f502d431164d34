package batch

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// BulkMinJobDefinitions is the fewest job-definition targets for which
// ObserveAll lists the account's job definitions; below it, reading
// each name costs no more calls.
const BulkMinJobDefinitions = 10

// listPageSize is how many revisions a page of the listing asks for,
// the most DescribeJobDefinitions returns.
const listPageSize = 100

var _ reconcile.BulkObserver = (*Backend)(nil)

// ObserveAll reads every target as Observe does and returns the
// observations in the order of ts; see reconcile.BulkObserver.
//
// With at least BulkMinJobDefinitions job definitions among ts, it lists
// every ACTIVE revision in the account, 100 a call, and observes each
// name's newest one, instead of reading each name. A listing longer
// than one page per job definition would cost more than the per-name
// reads: it is cut off there and each job definition read by name.
// Compute environments and job queues are described 100 names a call.
//
// It fails with a stalled error, before any call, when a target's type
// is not a Batch resource; a failed read fails the call with the
// retry decision Observe would give.
func (b *Backend) ObserveAll(ctx context.Context, ts []sluice.Target) ([]sluice.Observation, error) {
	for _, t := range ts {
		if _, err := b.of(t); err != nil {
			return nil, err
		}
	}
	out := make([]sluice.Observation, len(ts))
	for _, read := range []func(context.Context, []sluice.Target, []sluice.Observation) error{
		b.observeJobDefinitions, b.observeComputeEnvironments, b.observeJobQueues,
	} {
		if err := read(ctx, ts, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// observeJobDefinitions fills out[i] for every job definition in ts,
// from the account's listing when it pays, by name otherwise.
func (b *Backend) observeJobDefinitions(ctx context.Context, ts []sluice.Target, out []sluice.Observation) error {
	j := jobDefinitions{client: b.client, keep: b.keep}
	idx := indexesOf(ts, sluice.TypeJobDefinition)
	var latest map[string]*types.JobDefinition
	if len(idx) >= BulkMinJobDefinitions {
		var err error
		if latest, err = j.latestActive(ctx, len(idx)); err != nil {
			return err
		}
	}
	for _, i := range idx {
		var err error
		if latest != nil {
			out[i], err = j.observe(ts[i], latest[ts[i].Name])
		} else {
			out[i], err = j.Observe(ctx, ts[i])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// latestActive lists every ACTIVE revision in the account and returns
// the newest of each name. It reads at most maxPages pages and returns
// nil when the listing is longer; a failed page is a classified error.
func (j jobDefinitions) latestActive(ctx context.Context, maxPages int) (map[string]*types.JobDefinition, error) {
	in := &batch.DescribeJobDefinitionsInput{Status: aws.String(statusActive), MaxResults: aws.Int32(listPageSize)}
	latest := map[string]*types.JobDefinition{}
	p := batch.NewDescribeJobDefinitionsPaginator(j.client, in)
	for pages := 0; p.HasMorePages(); pages++ {
		if pages == maxPages {
			return nil, nil
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("DescribeJobDefinitions", listing("ACTIVE job definitions"), err)
		}
		for k := range page.JobDefinitions {
			keepNewest(latest, &page.JobDefinitions[k])
		}
	}
	return latest, nil
}

// keepNewest records d in latest when it is an ACTIVE revision newer
// than the one recorded for its name.
func keepNewest(latest map[string]*types.JobDefinition, d *types.JobDefinition) {
	if aws.ToString(d.Status) != statusActive {
		return
	}
	name := aws.ToString(d.JobDefinitionName)
	if have := latest[name]; have == nil || aws.ToInt32(d.Revision) > aws.ToInt32(have.Revision) {
		latest[name] = d
	}
}

// indexesOf returns the positions in ts of the targets of type typ.
func indexesOf(ts []sluice.Target, typ sluice.ResourceType) []int {
	var idx []int
	for i, t := range ts {
		if t.Type == typ {
			idx = append(idx, i)
		}
	}
	return idx
}

// listing is the target an error of a call reading many resources
// names: what the call read.
func listing(what string) sluice.Target {
	return sluice.Target{Resource: sluice.Resource{ID: sluice.ResourceID(what)}}
}

// chunks splits the positions idx into runs of at most n.
func chunks(idx []int, n int) [][]int {
	var out [][]int
	for len(idx) > n {
		out = append(out, idx[:n])
		idx = idx[n:]
	}
	if len(idx) > 0 {
		out = append(out, idx)
	}
	return out
}

// keyOf is what Observe describes t by: its recorded ARN, else its name.
func keyOf(t sluice.Target) string {
	if t.ARN != "" {
		return t.ARN
	}
	return t.Name
}

// describeError wraps a failed describe of n resources of a type.
func describeError(op string, n int, typ sluice.ResourceType, err error) error {
	return classify(op, listing(fmt.Sprintf("%d %ss", n, typ)), err)
}

// describeBatch is how many names or ARNs one describe call takes.
const describeBatch = 100

// observeComputeEnvironments fills out[i] for every compute environment
// in ts, describing 100 a call.
func (b *Backend) observeComputeEnvironments(ctx context.Context, ts []sluice.Target, out []sluice.Observation) error {
	c := computeEnvironments{b.client}
	for _, idx := range chunks(indexesOf(ts, sluice.TypeComputeEnvironment), describeBatch) {
		found, err := c.describeMany(ctx, keysOf(ts, idx))
		if err != nil {
			return describeError("DescribeComputeEnvironments", len(idx), sluice.TypeComputeEnvironment, err)
		}
		for _, i := range idx {
			if out[i], err = c.observe(ts[i], found[keyOf(ts[i])]); err != nil {
				return err
			}
		}
	}
	return nil
}

// describeMany describes the compute environments keys name and returns
// the ones not DELETED by name and by ARN, the first one of each key
// winning as in describe.
func (c computeEnvironments) describeMany(ctx context.Context, keys []string) (map[string]*types.ComputeEnvironmentDetail, error) {
	found := map[string]*types.ComputeEnvironmentDetail{}
	in := &batch.DescribeComputeEnvironmentsInput{ComputeEnvironments: keys}
	for p := batch.NewDescribeComputeEnvironmentsPaginator(c.client, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for k := range page.ComputeEnvironments {
			if ce := &page.ComputeEnvironments[k]; ce.Status != types.CEStatusDeleted {
				keepFirst(found, ce, ce.ComputeEnvironmentName, ce.ComputeEnvironmentArn)
			}
		}
	}
	return found, nil
}

// observeJobQueues fills out[i] for every job queue in ts, describing
// 100 a call.
func (b *Backend) observeJobQueues(ctx context.Context, ts []sluice.Target, out []sluice.Observation) error {
	q := jobQueues{b.client}
	for _, idx := range chunks(indexesOf(ts, sluice.TypeJobQueue), describeBatch) {
		found, err := q.describeMany(ctx, keysOf(ts, idx))
		if err != nil {
			return describeError("DescribeJobQueues", len(idx), sluice.TypeJobQueue, err)
		}
		for _, i := range idx {
			if out[i], err = q.observe(ts[i], found[keyOf(ts[i])]); err != nil {
				return err
			}
		}
	}
	return nil
}

// describeMany describes the job queues keys name and returns the ones
// not DELETED by name and by ARN, the first one of each key winning as
// in describe.
func (q jobQueues) describeMany(ctx context.Context, keys []string) (map[string]*types.JobQueueDetail, error) {
	found := map[string]*types.JobQueueDetail{}
	in := &batch.DescribeJobQueuesInput{JobQueues: keys}
	for p := batch.NewDescribeJobQueuesPaginator(q.client, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for k := range page.JobQueues {
			if jq := &page.JobQueues[k]; jq.Status != types.JQStatusDeleted {
				keepFirst(found, jq, jq.JobQueueName, jq.JobQueueArn)
			}
		}
	}
	return found, nil
}

// keepFirst records v under each of keys not recorded yet.
func keepFirst[V any](found map[string]*V, v *V, keys ...*string) {
	for _, k := range keys {
		if _, ok := found[aws.ToString(k)]; !ok && k != nil {
			found[*k] = v
		}
	}
}

// keysOf returns what Observe describes the targets at idx by.
func keysOf(ts []sluice.Target, idx []int) []string {
	keys := make([]string, len(idx))
	for n, i := range idx {
		keys[n] = keyOf(ts[i])
	}
	return keys
}
