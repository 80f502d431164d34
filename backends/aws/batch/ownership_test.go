package batch_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/sluice-dev/sluice"
)

// registerByHand registers a revision of name without Sluice's tags, as
// a person with the console would, and returns its ARN.
func registerByHand(t *testing.T, f *fixture, name string) string {
	t.Helper()
	out, err := f.fake.Client().RegisterJobDefinition(f.ctx, &awsbatch.RegisterJobDefinitionInput{
		JobDefinitionName: aws.String(name), Type: types.JobDefinitionTypeContainer,
		ContainerProperties: &types.ContainerProperties{Image: aws.String("debug:latest")}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.JobDefinitionArn)
}

// active returns the ARNs of name's active revisions.
func active(t *testing.T, f *fixture, name string) []string {
	t.Helper()
	out, err := f.fake.Client().DescribeJobDefinitions(f.ctx, &awsbatch.DescribeJobDefinitionsInput{
		JobDefinitionName: aws.String(name), Status: aws.String("ACTIVE")})
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, d := range out.JobDefinitions {
		arns = append(arns, aws.ToString(d.JobDefinitionArn))
	}
	slices.Sort(arns)
	return arns
}

// TestDeleteLeavesRevisionsSluiceDoesNotOwn: pruning a job definition
// deregisters the revisions that carry Sluice's ownership tags for it
// and leaves one registered by hand, saying so.
func TestDeleteLeavesRevisionsSluiceDoesNotOwn(t *testing.T) {
	const name = "churn-dev-train_fit"
	f := newFixture(t, 5)
	jd, _ := f.mustCreate(t, target(sluice.TypeJobDefinition, "train", name, fmt.Sprintf(jdSpec, "train:1")))
	jd.Spec = []byte(fmt.Sprintf(jdSpec, "train:2"))
	if _, err := f.b.Update(f.ctx, jd, sluice.Observation{}); err != nil {
		t.Fatal(err)
	}
	// Someone else's revision under the same name, and another
	// environment's.
	mine := active(t, f, name)
	hand := registerByHand(t, f, name)
	other := target(sluice.TypeJobDefinition, "train", name, fmt.Sprintf(jdSpec, "train:9"))
	other.Tags[sluice.TagEnvironment] = "prod"
	if _, err := f.b.Update(f.ctx, other, sluice.Observation{}); err != nil {
		t.Fatal(err)
	}
	prod := active(t, f, name)[len(mine)+1]

	// The reconciler prunes with the target's identity only and the
	// latest owned revision it observed.
	pruned := sluice.Target{Resource: sluice.Resource{ID: jd.ID, Type: jd.Type, Name: name}}
	owner := sluice.Observation{Exists: true, Tags: jd.Tags}
	n := len(f.fake.Calls())
	err := f.b.Delete(f.ctx, pruned, owner)
	var left *sluice.LeftBehind
	if !errors.As(err, &left) || !strings.Contains(left.What, hand) || !strings.Contains(left.What, prod) {
		t.Fatalf("Delete = %v, want a LeftBehind naming %s and %s", err, hand, prod)
	}
	if got := f.since(n); len(got) != len(mine) {
		t.Errorf("calls %v, want one deregistration per revision Sluice owns (%d)", got, len(mine))
	}
	want := []string{hand, prod}
	slices.Sort(want)
	if got := active(t, f, name); !slices.Equal(got, want) {
		t.Errorf("active revisions after the prune: %v, want only %v", got, want)
	}
}

// TestNewRevisionKeepsRevisionsSluiceDoesNotOwn: trimming old revisions
// after a registration skips one registered by hand.
func TestNewRevisionKeepsRevisionsSluiceDoesNotOwn(t *testing.T) {
	const name = "churn-dev-train_fit"
	f := newFixture(t, 1)
	jd, _ := f.mustCreate(t, target(sluice.TypeJobDefinition, "train", name, fmt.Sprintf(jdSpec, "train:1")))
	first := active(t, f, name)[0]
	hand := registerByHand(t, f, name)
	jd.Spec = []byte(fmt.Sprintf(jdSpec, "train:2"))
	o, err := f.b.Update(f.ctx, jd, sluice.Observation{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{hand, o.ARN}
	slices.Sort(want)
	if got := active(t, f, name); !slices.Equal(got, want) || slices.Contains(got, first) {
		t.Errorf("active revisions %v, want %v: Sluice's old one deregistered, the hand-made one kept", got, want)
	}
}
