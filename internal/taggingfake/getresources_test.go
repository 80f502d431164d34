package taggingfake_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/sluice-dev/sluice/internal/taggingfake"
)

// sample is a small account: two tagged state machines, one untagged,
// two buckets.
func sample() taggingfake.Source {
	return fixed(
		taggingfake.Resource{ARN: machine("train"), Tags: map[string]string{"sluice:env": "prod", "team": "ml"}},
		taggingfake.Resource{ARN: machine("score"), Tags: map[string]string{"sluice:env": "dev"}},
		taggingfake.Resource{ARN: machine("bare")},
		taggingfake.Resource{ARN: "arn:aws:s3:::data", Tags: map[string]string{"sluice:env": "prod"}},
		taggingfake.Resource{ARN: "arn:aws:s3:::logs", Tags: map[string]string{"team": "ops"}},
	)
}

func TestResourceARNList(t *testing.T) {
	api := client(taggingfake.Start(t, sample()))
	tests := []struct {
		name string
		arns []string
		want map[string]map[string]string
	}{
		{"present, with their tags", []string{machine("train"), "arn:aws:s3:::data"}, map[string]map[string]string{
			machine("train"): {"sluice:env": "prod", "team": "ml"}, "arn:aws:s3:::data": {"sluice:env": "prod"}}},
		{"a missing one is left out", []string{machine("gone"), machine("score")}, map[string]map[string]string{
			machine("score"): {"sluice:env": "dev"}}},
		{"an untagged one is left out", []string{machine("bare")}, map[string]map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := api.GetResources(context.Background(), &rgt.GetResourcesInput{ResourceARNList: tt.arns})
			if err != nil {
				t.Fatal(err)
			}
			if got := flatten(out.ResourceTagMappingList); !maps.EqualFunc(got, tt.want, maps.Equal) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if aws.ToString(out.PaginationToken) != "" {
				t.Errorf("PaginationToken = %q, want empty", aws.ToString(out.PaginationToken))
			}
		})
	}
}

func TestFilters(t *testing.T) {
	api := client(taggingfake.Start(t, sample()))
	tests := []struct {
		name  string
		types []string
		tags  []types.TagFilter
		want  []string
	}{
		{"no filter: every tagged resource, by ARN", nil, nil,
			[]string{"arn:aws:s3:::data", "arn:aws:s3:::logs", machine("score"), machine("train")}},
		{"state machines", []string{"states:stateMachine"}, nil, []string{machine("score"), machine("train")}},
		{"a service alone", []string{"states"}, nil, []string{machine("score"), machine("train")}},
		{"buckets", []string{"s3"}, nil, []string{"arn:aws:s3:::data", "arn:aws:s3:::logs"}},
		{"buckets by type", []string{"s3:bucket"}, nil, []string{"arn:aws:s3:::data", "arn:aws:s3:::logs"}},
		{"another type of the service", []string{"states:activity"}, nil, []string{}},
		{"a key alone", nil, []types.TagFilter{{Key: aws.String("sluice:env")}},
			[]string{"arn:aws:s3:::data", machine("score"), machine("train")}},
		{"a key with values", nil, []types.TagFilter{{Key: aws.String("sluice:env"), Values: []string{"dev", "test"}}},
			[]string{machine("score")}},
		{"every filter must match", nil, []types.TagFilter{{Key: aws.String("sluice:env"), Values: []string{"prod"}}, {Key: aws.String("team")}},
			[]string{machine("train")}},
		{"types and tags", []string{"s3"}, []types.TagFilter{{Key: aws.String("sluice:env")}}, []string{"arn:aws:s3:::data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := api.GetResources(context.Background(), &rgt.GetResourcesInput{ResourceTypeFilters: tt.types, TagFilters: tt.tags})
			if err != nil {
				t.Fatal(err)
			}
			if got := arns(out.ResourceTagMappingList); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// many is n tagged state machines, each with tags tags.
func many(n, tags int) taggingfake.Source {
	rs := make([]taggingfake.Resource, n)
	for i := range rs {
		rs[i] = taggingfake.Resource{ARN: machine(fmt.Sprintf("m%03d", i)), Tags: map[string]string{}}
		for k := range tags {
			rs[i].Tags[fmt.Sprintf("k%02d", k)] = "v"
		}
	}
	return fixed(rs...)
}

func TestPagination(t *testing.T) {
	tests := []struct {
		name        string
		resources   taggingfake.Source
		perPage     int32 // 0: not sent
		tagsPerPage int32 // 0: not sent
		wantPages   []int
	}{
		{"default page of 100", many(250, 1), 0, 0, []int{100, 100, 50}},
		{"ResourcesPerPage", many(10, 1), 4, 0, []int{4, 4, 2}},
		{"an exact fit ends without an empty page", many(8, 1), 4, 0, []int{4, 4}},
		{"TagsPerPage does not split a resource's tags", many(7, 30), 0, 100, []int{3, 3, 1}},
		{"nothing to return", many(0, 1), 0, 0, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := taggingfake.Start(t, tt.resources)
			in := &rgt.GetResourcesInput{}
			if tt.tagsPerPage > 0 {
				in.TagsPerPage = aws.Int32(tt.tagsPerPage)
			}
			pages := rgt.NewGetResourcesPaginator(client(srv), in, func(o *rgt.GetResourcesPaginatorOptions) { o.Limit = tt.perPage })
			var sizes []int
			var all []string
			for pages.HasMorePages() {
				out, err := pages.NextPage(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(out.ResourceTagMappingList))
				all = append(all, arns(out.ResourceTagMappingList)...)
			}
			if !slices.Equal(sizes, tt.wantPages) {
				t.Errorf("page sizes %v, want %v", sizes, tt.wantPages)
			}
			if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != len(all) {
				t.Errorf("resources not in ARN order, or repeated: %v", all)
			}
			if srv.Calls() != len(tt.wantPages) {
				t.Errorf("%d calls, want %d", srv.Calls(), len(tt.wantPages))
			}
		})
	}
}

func TestInvalidParameter(t *testing.T) {
	api := client(taggingfake.Start(t, sample()))
	over := make([]string, 101)
	for i := range over {
		over[i] = machine(fmt.Sprint(i))
	}
	one := []string{machine("train")}
	tests := []struct {
		name string
		in   rgt.GetResourcesInput
	}{
		{"ARN list and ResourcesPerPage", rgt.GetResourcesInput{ResourceARNList: one, ResourcesPerPage: aws.Int32(10)}},
		{"ARN list and TagsPerPage", rgt.GetResourcesInput{ResourceARNList: one, TagsPerPage: aws.Int32(100)}},
		{"ARN list and PaginationToken", rgt.GetResourcesInput{ResourceARNList: one, PaginationToken: aws.String("x")}},
		{"ARN list and TagFilters", rgt.GetResourcesInput{ResourceARNList: one, TagFilters: []types.TagFilter{{Key: aws.String("k")}}}},
		{"ARN list and ResourceTypeFilters", rgt.GetResourcesInput{ResourceARNList: one, ResourceTypeFilters: []string{"s3"}}},
		{"101 ARNs", rgt.GetResourcesInput{ResourceARNList: over}},
		{"ResourcesPerPage above 100", rgt.GetResourcesInput{ResourcesPerPage: aws.Int32(101)}},
		{"ResourcesPerPage 0", rgt.GetResourcesInput{ResourcesPerPage: aws.Int32(0)}},
		{"TagsPerPage below 100", rgt.GetResourcesInput{TagsPerPage: aws.Int32(99)}},
		{"a token the server did not make", rgt.GetResourcesInput{PaginationToken: aws.String("not-a-token")}},
		{"a tag filter without a key", rgt.GetResourcesInput{TagFilters: []types.TagFilter{{Values: []string{"v"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.GetResources(context.Background(), &tt.in)
			var invalid *types.InvalidParameterException
			if !errors.As(err, &invalid) {
				t.Fatalf("err = %v, want InvalidParameterException", err)
			}
			if invalid.ErrorMessage() == "" {
				t.Error("the error has no message")
			}
		})
	}
}
