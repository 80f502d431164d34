package quotaproxy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// TestThrottleWireFormats calls each service twice through a proxy whose
// buckets hold one token: the second call must come back as the
// service's throttling error, parsed by the SDK, which the standard
// retryer treats as throttling; and the proxy must have named the
// operation as the SDK does.
func TestThrottleWireFormats(t *testing.T) {
	tests := []struct {
		key, code string
		call      func(aws.Config) error
	}{
		{"SFN.DescribeStateMachine", "ThrottlingException", func(c aws.Config) error {
			_, err := sfn.NewFromConfig(c).DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("arn:x")})
			return err
		}},
		{"Batch.DescribeJobDefinitions", "TooManyRequestsException", func(c aws.Config) error {
			_, err := batch.NewFromConfig(c).DescribeJobDefinitions(context.Background(), &batch.DescribeJobDefinitionsInput{})
			return err
		}},
		{"Batch.TagResource", "TooManyRequestsException", func(c aws.Config) error {
			_, err := batch.NewFromConfig(c).TagResource(context.Background(), &batch.TagResourceInput{ResourceArn: aws.String("arn:aws:batch:us-east-1:0:job-queue/q"), Tags: map[string]string{"a": "b"}})
			return err
		}},
		{"RDS.DescribeDBInstances", "Throttling", func(c aws.Config) error {
			_, err := rds.NewFromConfig(c).DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{})
			return err
		}},
		{"S3.GetBucketTagging", "SlowDown", func(c aws.Config) error {
			_, err := s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true }).GetBucketTagging(context.Background(), &s3.GetBucketTaggingInput{Bucket: aws.String("b")})
			return err
		}},
		{"S3.HeadBucket", "", // a HEAD reply has no body: the SDK sees only the 503
			func(c aws.Config) error {
				_, err := s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true }).HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("b")})
				return err
			}},
		{"Resource Groups Tagging API.GetResources", "ThrottledException", func(c aws.Config) error {
			_, err := resourcegroupstaggingapi.NewFromConfig(c).GetResources(context.Background(), &resourcegroupstaggingapi.GetResourcesInput{})
			return err
		}},
		{"Scheduler.GetSchedule", "ThrottlingException", func(c aws.Config) error {
			_, err := scheduler.NewFromConfig(c).GetSchedule(context.Background(), &scheduler.GetScheduleInput{Name: aws.String("s")})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			p, endpoint, seen := start(t, map[string]awsapi.Rate{tt.key: {PerSecond: 0.01, Burst: 1}})
			cfg := config(endpoint)
			_ = tt.call(cfg) // takes the one token; the upstream's reply does not matter
			err := tt.call(cfg)
			if seen.Load() != 1 {
				t.Errorf("upstream saw %d requests, want 1", seen.Load())
			}
			counts := p.Counts()[tt.key]
			if counts.Passed != 1 || counts.Throttled != 1 {
				t.Fatalf("counts = %v, want %s passed 1, throttled 1", p.Counts(), tt.key)
			}
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || (tt.code != "" && apiErr.ErrorCode() != tt.code) {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary &&
				retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) != aws.TrueTernary {
				t.Errorf("the standard retryer would not retry %v", err)
			}
		})
	}
}
