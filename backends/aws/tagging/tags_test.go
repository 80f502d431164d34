package tagging_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/tagging"
	"github.com/sluice-dev/sluice/internal/taggingfake"
)

// TestTagsOf reads the tags of 250 resources, 100 a call, aws: keys left
// out; a resource that does not exist has no entry.
func TestTagsOf(t *testing.T) {
	var held []taggingfake.Resource
	var asked []string
	for i := range 250 {
		arn := machine(fmt.Sprintf("churn-dev-p%03d", i))
		asked = append(asked, arn)
		if i%10 == 9 {
			continue // gone
		}
		tags := owned("churn", "dev", fmt.Sprintf("StateMachine/p%03d", i))
		tags["aws:cloudformation:stack-name"] = "x"
		held = append(held, taggingfake.Resource{ARN: arn, Tags: tags})
	}
	srv := taggingfake.Start(t, taggingfake.SourceFunc(func(context.Context) ([]taggingfake.Resource, error) { return held, nil }))
	got, err := tagging.New(client(srv.URL)).TagsOf(context.Background(), asked)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Distinct(); n != 3 {
		t.Errorf("%d GetResources requests for 250 ARNs, want 3", n)
	}
	if len(got) != len(held) {
		t.Errorf("tags of %d resources, want %d", len(got), len(held))
	}
	for i, arn := range asked {
		tags, ok := got[arn]
		switch {
		case i%10 == 9 && ok:
			t.Errorf("%s does not exist, got tags %v", arn, tags)
		case i%10 != 9 && (tags[sluice.TagResource] != fmt.Sprintf("StateMachine/p%03d", i) || tags["aws:cloudformation:stack-name"] != ""):
			t.Errorf("%s: tags %v, want its own without aws: keys", arn, tags)
		}
	}
}
