package taggingfake_test

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/internal/taggingfake"
)

// client is the real tagging API client pointed at srv, never retrying.
func client(srv *taggingfake.Server) *rgt.Client {
	return rgt.New(rgt.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:     aws.NopRetryer{}})
}

// memory is an in-memory Source a test can change between calls.
type memory struct {
	mu        sync.Mutex
	resources []taggingfake.Resource
}

// Resources returns what the test last set.
func (m *memory) Resources(context.Context) ([]taggingfake.Resource, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.resources), nil
}

// set replaces the resources.
func (m *memory) set(rs ...taggingfake.Resource) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources = rs
}

// fixed is a Source answering rs.
func fixed(rs ...taggingfake.Resource) taggingfake.Source {
	return taggingfake.SourceFunc(func(context.Context) ([]taggingfake.Resource, error) { return rs, nil })
}

// machine is the ARN of the state machine name.
func machine(name string) string {
	return "arn:aws:states:us-east-1:123456789012:stateMachine:" + name
}

// flatten turns a reply's mappings into ARN → tags.
func flatten(list []types.ResourceTagMapping) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, m := range list {
		tags := map[string]string{}
		for _, t := range m.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		out[aws.ToString(m.ResourceARN)] = tags
	}
	return out
}

// arns lists a reply's ARNs in order.
func arns(list []types.ResourceTagMapping) []string {
	out := make([]string, 0, len(list))
	for _, m := range list {
		out = append(out, aws.ToString(m.ResourceARN))
	}
	return out
}

// errorCode is the AWS error code of err, "" when it carries none.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
