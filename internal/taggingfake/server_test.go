package taggingfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"

	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/sluice-dev/sluice/internal/taggingfake"
)

func TestUnknownOperation(t *testing.T) {
	srv := taggingfake.Start(t, sample())
	_, err := client(srv).GetTagKeys(context.Background(), &rgt.GetTagKeysInput{})
	if code := errorCode(err); code != "UnknownOperationException" {
		t.Errorf("GetTagKeys: err = %v, want UnknownOperationException", err)
	}
	if srv.Calls() != 0 {
		t.Errorf("Calls() = %d after an unknown operation, want 0", srv.Calls())
	}
}

// TestWire checks the reply on the wire: JSON 1.1, tags as a list of
// Key/Value, and a PaginationToken of "" on the last page as AWS sends.
func TestWire(t *testing.T) {
	srv := taggingfake.Start(t, sample())
	tests := []struct {
		name, target, body string
		status             int
		want               string // a substring of the reply
	}{
		{"last page", "ResourceGroupsTaggingAPI_20170126.GetResources", `{"ResourceTypeFilters":["s3"]}`, 200,
			`{"ResourceTagMappingList":[{"ResourceARN":"arn:aws:s3:::data","Tags":[{"Key":"sluice:env","Value":"prod"}]},` +
				`{"ResourceARN":"arn:aws:s3:::logs","Tags":[{"Key":"team","Value":"ops"}]}],"PaginationToken":""}`},
		{"invalid", "ResourceGroupsTaggingAPI_20170126.GetResources", `{"ResourcesPerPage":500}`, 400,
			`"__type":"InvalidParameterException"`},
		{"no target", "", `{}`, 400, `"__type":"UnknownOperationException"`},
		{"not JSON", "ResourceGroupsTaggingAPI_20170126.GetResources", `{`, 400, `"__type":"SerializationException"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", tt.target)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
				t.Errorf("status %d, Content-Type %q; want %d, application/x-amz-json-1.1", resp.StatusCode, resp.Header.Get("Content-Type"), tt.status)
			}
			if !strings.Contains(string(body), tt.want) || !json.Valid(body) {
				t.Errorf("reply %s, want it to hold %s", body, tt.want)
			}
		})
	}
}

// TestAnswersCurrentTags changes the source between calls: each call
// answers what it holds then; a resource that lost its tags stays listed
// with none (previously tagged), one never tagged is never listed.
func TestAnswersCurrentTags(t *testing.T) {
	src := &memory{}
	api := client(taggingfake.Start(t, src))
	steps := []struct {
		name      string
		resources []taggingfake.Resource
		want      map[string]map[string]string
	}{
		{"tagged", []taggingfake.Resource{{ARN: machine("a"), Tags: map[string]string{"k": "1"}}, {ARN: machine("b")}},
			map[string]map[string]string{machine("a"): {"k": "1"}}},
		{"retagged", []taggingfake.Resource{{ARN: machine("a"), Tags: map[string]string{"k": "2"}}, {ARN: machine("b")}},
			map[string]map[string]string{machine("a"): {"k": "2"}}},
		{"untagged", []taggingfake.Resource{{ARN: machine("a")}, {ARN: machine("b")}},
			map[string]map[string]string{machine("a"): {}}},
		{"deleted", nil, map[string]map[string]string{}},
	}
	for _, step := range steps {
		src.set(step.resources...)
		out, err := api.GetResources(context.Background(), &rgt.GetResourcesInput{})
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := flatten(out.ResourceTagMappingList); !maps.EqualFunc(got, step.want, maps.Equal) {
			t.Errorf("%s: got %v, want %v", step.name, got, step.want)
		}
	}
}

func TestSourceFailure(t *testing.T) {
	failing := taggingfake.SourceFunc(func(context.Context) ([]taggingfake.Resource, error) {
		return nil, errors.New("service unreachable")
	})
	_, err := client(taggingfake.Start(t, sample(), failing)).GetResources(context.Background(), &rgt.GetResourcesInput{})
	var internal *types.InternalServiceException
	if !errors.As(err, &internal) || !strings.Contains(internal.ErrorMessage(), "service unreachable") {
		t.Errorf("err = %v, want InternalServiceException naming the cause", err)
	}
}

// TestDistinct: the same request twice counts as two calls and one
// distinct request; another request counts apart.
func TestDistinct(t *testing.T) {
	srv := taggingfake.Start(t, sample())
	api := client(srv)
	for _, arns := range [][]string{{"arn:aws:s3:::a"}, {"arn:aws:s3:::a"}, {"arn:aws:s3:::b"}} {
		if _, err := api.GetResources(context.Background(), &rgt.GetResourcesInput{ResourceARNList: arns}); err != nil {
			t.Fatal(err)
		}
	}
	if c, d := srv.Calls(), srv.Distinct(); c != 3 || d != 2 {
		t.Errorf("Calls() = %d, Distinct() = %d; want 3 and 2", c, d)
	}
}
