package batchfake_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/sluice-dev/sluice/backends/aws/batch/batchfake"
)

// registerMany registers revs revisions of each of n names, jd-0000
// onwards, deregistering every name's second revision.
func registerMany(tb testing.TB, c *batch.Client, n, revs int) {
	tb.Helper()
	ctx := context.Background()
	for i := range n {
		name := fmt.Sprintf("jd-%04d", i)
		for r := range revs {
			out, err := c.RegisterJobDefinition(ctx, &batch.RegisterJobDefinitionInput{JobDefinitionName: &name, Type: types.JobDefinitionTypeContainer})
			if err != nil {
				tb.Fatal(err)
			}
			if r == 1 {
				if _, err := c.DeregisterJobDefinition(ctx, &batch.DeregisterJobDefinitionInput{JobDefinition: out.JobDefinitionArn}); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
}

// arns reads every page of in and returns the ARNs in order.
func arns(tb testing.TB, c *batch.Client, in batch.DescribeJobDefinitionsInput) []string {
	tb.Helper()
	var out []string
	for p := batch.NewDescribeJobDefinitionsPaginator(c, &in); p.HasMorePages(); {
		page, err := p.NextPage(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		for _, d := range page.JobDefinitions {
			out = append(out, aws.ToString(d.JobDefinitionArn))
		}
	}
	return out
}

// TestDescribeByName: a request naming a job definition answers what
// the whole listing holds for that name, in the same order, with the
// status filter and across pages.
func TestDescribeByName(t *testing.T) {
	f := batchfake.Start(t)
	c := f.Client()
	registerMany(t, c, 20, 5)
	tests := []struct {
		name, status string
		want         int
	}{
		{name: "jd-0000", want: 5},
		{name: "jd-0007", status: "ACTIVE", want: 4},
		{name: "jd-0019", status: "INACTIVE", want: 1},
		{name: "jd-0020", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.status, func(t *testing.T) {
			in := batch.DescribeJobDefinitionsInput{MaxResults: aws.Int32(2)}
			if tt.status != "" {
				in.Status = &tt.status
			}
			var want []string
			for _, arn := range arns(t, c, in) {
				if strings.Contains(arn, "/"+tt.name+":") {
					want = append(want, arn)
				}
			}
			in.JobDefinitionName = &tt.name
			got := arns(t, c, in)
			if len(got) != tt.want || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
				t.Fatalf("by name %v, in the listing %v; want %d", got, want, tt.want)
			}
		})
	}
}

// BenchmarkDescribeByName reads one name's revisions among 5,000 job
// definitions.
func BenchmarkDescribeByName(b *testing.B) {
	f := batchfake.Start(b)
	c := f.Client()
	registerMany(b, c, 5000, 1)
	name := "jd-2500"
	in := &batch.DescribeJobDefinitionsInput{JobDefinitionName: &name, Status: aws.String("ACTIVE")}
	for b.Loop() {
		if _, err := c.DescribeJobDefinitions(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
