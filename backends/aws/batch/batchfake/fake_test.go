package batchfake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/backends/aws/batch/batchfake"
)

// setup makes a compute environment and a queue on it, both settled.
func setup(t *testing.T) (*batchfake.Server, *batch.Client) {
	t.Helper()
	f := batchfake.Start(t)
	c := f.Client()
	ctx := context.Background()
	if _, err := c.CreateComputeEnvironment(ctx, &batch.CreateComputeEnvironmentInput{
		ComputeEnvironmentName: aws.String("ce"), Type: types.CETypeManaged}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateJobQueue(ctx, &batch.CreateJobQueueInput{JobQueueName: aws.String("q"), Priority: aws.Int32(1),
		ComputeEnvironmentOrder: []types.ComputeEnvironmentOrder{{Order: aws.Int32(1), ComputeEnvironment: aws.String("ce")}}}); err == nil {
		t.Fatal("a queue on a CREATING compute environment was accepted")
	}
	f.Settle()
	if _, err := c.CreateJobQueue(ctx, &batch.CreateJobQueueInput{JobQueueName: aws.String("q"), Priority: aws.Int32(1),
		ComputeEnvironmentOrder: []types.ComputeEnvironmentOrder{{Order: aws.Int32(1), ComputeEnvironment: aws.String("ce")}}}); err != nil {
		t.Fatal(err)
	}
	f.Settle()
	return f, c
}

// TestRefusals checks the refusals AWS documents and kumo lacks.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name string
		call func(ctx context.Context, c *batch.Client) error
		want string
	}{
		{"delete an ENABLED queue", func(ctx context.Context, c *batch.Client) error {
			_, err := c.DeleteJobQueue(ctx, &batch.DeleteJobQueueInput{JobQueue: aws.String("q")})
			return err
		}, "ENABLED"},
		{"delete an ENABLED compute environment", func(ctx context.Context, c *batch.Client) error {
			_, err := c.DeleteComputeEnvironment(ctx, &batch.DeleteComputeEnvironmentInput{ComputeEnvironment: aws.String("ce")})
			return err
		}, "ENABLED"},
		{"delete a compute environment while UPDATING", func(ctx context.Context, c *batch.Client) error {
			if _, err := c.UpdateComputeEnvironment(ctx, &batch.UpdateComputeEnvironmentInput{ComputeEnvironment: aws.String("ce"), State: types.CEStateDisabled}); err != nil {
				return err
			}
			_, err := c.DeleteComputeEnvironment(ctx, &batch.DeleteComputeEnvironmentInput{ComputeEnvironment: aws.String("ce")})
			return err
		}, "is being modified"},
		{"update while UPDATING", func(ctx context.Context, c *batch.Client) error {
			if _, err := c.UpdateJobQueue(ctx, &batch.UpdateJobQueueInput{JobQueue: aws.String("q"), Priority: aws.Int32(2)}); err != nil {
				return err
			}
			_, err := c.UpdateJobQueue(ctx, &batch.UpdateJobQueueInput{JobQueue: aws.String("q"), Priority: aws.Int32(3)})
			return err
		}, "is being modified"},
		{"create a taken name", func(ctx context.Context, c *batch.Client) error {
			_, err := c.CreateComputeEnvironment(ctx, &batch.CreateComputeEnvironmentInput{ComputeEnvironmentName: aws.String("ce"), Type: types.CETypeManaged})
			return err
		}, "already exists"},
		{"deregister an unknown revision", func(ctx context.Context, c *batch.Client) error {
			_, err := c.DeregisterJobDefinition(ctx, &batch.DeregisterJobDefinitionInput{JobDefinition: aws.String("nope:1")})
			return err
		}, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := setup(t)
			err := tt.call(context.Background(), c)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "ClientException" || !strings.Contains(ae.ErrorMessage(), tt.want) {
				t.Fatalf("got %v, want ClientException containing %q", err, tt.want)
			}
		})
	}
}

// TestQueueRelationship: a disabled compute environment can be deleted
// only once its queue is DELETED, and is then described as DELETED.
func TestQueueRelationship(t *testing.T) {
	f, c := setup(t)
	ctx := context.Background()
	mustOK(t, func() error {
		_, err := c.UpdateComputeEnvironment(ctx, &batch.UpdateComputeEnvironmentInput{ComputeEnvironment: aws.String("ce"), State: types.CEStateDisabled})
		return err
	})
	f.Settle()
	_, err := c.DeleteComputeEnvironment(ctx, &batch.DeleteComputeEnvironmentInput{ComputeEnvironment: aws.String("ce")})
	if err == nil || !strings.Contains(err.Error(), "JobQueue relationship") {
		t.Fatalf("delete under a queue: %v", err)
	}
	mustOK(t, func() error {
		_, err := c.UpdateJobQueue(ctx, &batch.UpdateJobQueueInput{JobQueue: aws.String("q"), State: types.JQStateDisabled})
		return err
	})
	f.Settle()
	mustOK(t, func() error {
		_, err := c.DeleteJobQueue(ctx, &batch.DeleteJobQueueInput{JobQueue: aws.String("q")})
		return err
	})
	f.Settle()
	mustOK(t, func() error {
		_, err := c.DeleteComputeEnvironment(ctx, &batch.DeleteComputeEnvironmentInput{ComputeEnvironment: aws.String("ce")})
		return err
	})
	f.Settle()
	out, err := c.DescribeComputeEnvironments(ctx, &batch.DescribeComputeEnvironmentsInput{ComputeEnvironments: []string{"ce"}})
	if err != nil || len(out.ComputeEnvironments) != 1 || out.ComputeEnvironments[0].Status != types.CEStatusDeleted {
		t.Fatalf("describe after delete: %+v, %v", out, err)
	}
}

// mustOK fails the test when call fails.
func mustOK(t *testing.T, call func() error) {
	t.Helper()
	if err := call(); err != nil {
		t.Fatal(err)
	}
}

// TestJobDefinitionPages: DescribeJobDefinitions pages, and the SDK's
// paginator reads every revision.
func TestJobDefinitionPages(t *testing.T) {
	f := batchfake.Start(t)
	c := f.Client()
	ctx := context.Background()
	for range 5 {
		mustOK(t, func() error {
			_, err := c.RegisterJobDefinition(ctx, &batch.RegisterJobDefinitionInput{JobDefinitionName: aws.String("jd"), Type: types.JobDefinitionTypeContainer})
			return err
		})
	}
	in := &batch.DescribeJobDefinitionsInput{JobDefinitionName: aws.String("jd"), MaxResults: aws.Int32(2)}
	var revs []int32
	pages := 0
	for p := batch.NewDescribeJobDefinitionsPaginator(c, in); p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.JobDefinitions {
			revs = append(revs, aws.ToInt32(d.Revision))
		}
	}
	if pages != 3 || len(revs) != 5 || revs[4] != 5 {
		t.Fatalf("pages %d, revisions %v", pages, revs)
	}
}
