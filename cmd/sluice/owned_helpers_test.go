package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
)

// awsResource is one live resource found in the AWS world: its type, its
// physical name and its tags.
type awsResource struct {
	typ  sluice.ResourceType
	name string
	tags map[string]string
}

// ownedBy reports whether r carries Sluice's ownership tags for project
// and env.
func (r awsResource) ownedBy(project, env string) bool {
	return r.tags[sluice.TagManagedBy] == sluice.ManagedByValue && r.tags[sluice.TagProject] == project && r.tags[sluice.TagEnvironment] == env
}

// live lists every live resource of the world: buckets in kumo, compute
// environments, job queues and ACTIVE job definition revisions in the
// Batch fake, state machines not being deleted in the Step Functions fake,
// the run events' queues and rules in kumo.
func (w *awsWorld) live(t *testing.T) []awsResource {
	t.Helper()
	ctx := context.Background()
	var all []awsResource
	for _, list := range []func(context.Context) ([]awsResource, error){w.buckets, w.batchResources, w.jobDefinitions, w.stateMachines,
		w.eventQueues, w.eventRules} {
		rs, err := list(ctx)
		for try := 1; err != nil && try < 10; try++ {
			// The listing clients make one attempt per call; a read cut
			// short on a loaded machine (the Batch fake's large pages,
			// about once in 500 reads, cause not found) is read again,
			// whole, after a pause.
			t.Logf("listing again after: %v", err)
			time.Sleep(time.Duration(try) * 100 * time.Millisecond)
			rs, err = list(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rs...)
	}
	return all
}

func (w *awsWorld) buckets(ctx context.Context) ([]awsResource, error) {
	c := awss3.NewFromConfig(w.kumo.Config, func(o *awss3.Options) { o.UsePathStyle = true })
	out, err := c.ListBuckets(ctx, &awss3.ListBucketsInput{})
	if err != nil {
		return nil, err
	}
	var rs []awsResource
	for _, b := range out.Buckets {
		r := awsResource{typ: sluice.TypeBucket, name: aws.ToString(b.Name), tags: map[string]string{}}
		if tags, err := c.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: b.Name}); err == nil {
			for _, tag := range tags.TagSet {
				r.tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// batchResources lists the compute environments and job queues that are
// neither deleted nor being deleted.
func (w *awsWorld) batchResources(ctx context.Context) ([]awsResource, error) {
	c := w.batch.Client()
	ces, err := c.DescribeComputeEnvironments(ctx, &awsbatch.DescribeComputeEnvironmentsInput{})
	if err != nil {
		return nil, err
	}
	var rs []awsResource
	for _, ce := range ces.ComputeEnvironments {
		if s := string(ce.Status); s != "DELETED" && s != "DELETING" {
			rs = append(rs, awsResource{sluice.TypeComputeEnvironment, aws.ToString(ce.ComputeEnvironmentName), ce.Tags})
		}
	}
	jqs, err := c.DescribeJobQueues(ctx, &awsbatch.DescribeJobQueuesInput{})
	if err != nil {
		return nil, err
	}
	for _, q := range jqs.JobQueues {
		if s := string(q.Status); s != "DELETED" && s != "DELETING" {
			rs = append(rs, awsResource{sluice.TypeJobQueue, aws.ToString(q.JobQueueName), q.Tags})
		}
	}
	return rs, nil
}

// jobDefinitions lists every ACTIVE revision: two of one name are two
// resources.
func (w *awsWorld) jobDefinitions(ctx context.Context) ([]awsResource, error) {
	var rs []awsResource
	in := &awsbatch.DescribeJobDefinitionsInput{Status: aws.String("ACTIVE")}
	for p := awsbatch.NewDescribeJobDefinitionsPaginator(w.batch.Client(), in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range out.JobDefinitions {
			rs = append(rs, awsResource{sluice.TypeJobDefinition, aws.ToString(d.JobDefinitionName), d.Tags})
		}
	}
	return rs, nil
}

// stateMachines lists the state machines that are not being deleted.
func (w *awsWorld) stateMachines(ctx context.Context) ([]awsResource, error) {
	c := awssfn.New(awssfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.sfn.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	var rs []awsResource
	for p := awssfn.NewListStateMachinesPaginator(c, &awssfn.ListStateMachinesInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range out.StateMachines {
			d, err := c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: m.StateMachineArn})
			var gone *sfntypes.StateMachineDoesNotExist
			if errors.As(err, &gone) || (err == nil && d.Status == sfntypes.StateMachineStatusDeleting) {
				continue
			}
			if err != nil {
				return nil, err
			}
			tags, err := c.ListTagsForResource(ctx, &awssfn.ListTagsForResourceInput{ResourceArn: m.StateMachineArn})
			if err != nil {
				return nil, err
			}
			r := awsResource{typ: sluice.TypeStateMachine, name: aws.ToString(m.Name), tags: map[string]string{}}
			for _, tag := range tags.Tags {
				r.tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			rs = append(rs, r)
		}
	}
	return rs, nil
}

// checkInventory compares the AWS world with env's inventory in the state
// file: no physical resource twice, every owned resource in the
// inventory under the ID its tags name, every inventory record in AWS.
// It returns how many owned resources it found.
func (w *awsWorld) checkInventory(t *testing.T, statePath, project, env string) int {
	t.Helper()
	return w.checkInventoryAt(t, statePath, env, project, env)
}

// checkInventoryAt is checkInventory of the environment whose state is
// kept under key (its qualified name "REPO/ENV" when another repository
// deploys an environment of that name) and whose resources are tagged
// env.
func (w *awsWorld) checkInventoryAt(t *testing.T, statePath, key, project, env string) int {
	t.Helper()
	inventory := map[sluice.ResourceID]statestore.Record{}
	for _, r := range records(t, statePath, key) {
		inventory[r.ID] = r
	}
	seen := map[string]bool{}
	owned := map[sluice.ResourceID]bool{}
	for _, r := range w.live(t) {
		key := fmt.Sprintf("%s %s", r.typ, r.name)
		if seen[key] {
			t.Errorf("duplicate in AWS: %s", key)
		}
		seen[key] = true
		if !r.ownedBy(project, env) {
			continue
		}
		id := sluice.ResourceID(r.tags[sluice.TagResource])
		owned[id] = true
		if rec, ok := inventory[id]; !ok || rec.Name != r.name || rec.Type != r.typ {
			t.Errorf("orphan in AWS: %s (tagged %s), inventory has %+v", key, id, rec.Name)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(inventory)) {
		if !owned[id] {
			t.Errorf("inventory record %s (%s) has no owned resource in AWS", id, inventory[id].Name)
		}
	}
	return len(owned)
}

// unsaved returns how many resources carry Sluice's tags for project and
// env without being in env's inventory: created by an apply killed before
// it recorded them.
func (w *awsWorld) unsaved(t *testing.T, statePath, project, env string) int {
	t.Helper()
	known := map[string]bool{}
	for _, r := range records(t, statePath, env) {
		known[r.Name] = true
	}
	n := 0
	for _, r := range w.live(t) {
		if r.ownedBy(project, env) && !known[r.name] {
			n++
		}
	}
	return n
}

// records reads env's inventory from the state file at path.
func records(t *testing.T, path, env string) []statestore.Record {
	t.Helper()
	store, err := statestore.Open(path, statestore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	var rs []statestore.Record
	err = store.View(func(tx *statestore.Tx) error {
		var err error
		rs, err = tx.Resources(env)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
