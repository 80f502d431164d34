package awsapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

func TestCountsRealCallsKumo(t *testing.T) {
	srv := kumotest.Start(t)
	var c awsapi.Counter
	cfg := srv.Config.Copy()
	awsapi.Instrument(&cfg, &c, awsapi.NewLimiter(nil))
	client := sfn.NewFromConfig(cfg)
	ctx := context.Background()
	created, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name:       aws.String("counted"),
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`),
		RoleArn:    aws.String("arn:aws:iam::000000000000:role/sfn"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: created.StateMachineArn}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{
		StateMachineArn: aws.String("arn:aws:states:us-east-1:000000000000:stateMachine:absent"),
	})
	if err == nil {
		t.Fatal("describing an absent state machine succeeded")
	}
	want := map[awsapi.Key]int{
		{Service: "SFN", Operation: "CreateStateMachine", Result: awsapi.ResultOK}:      1,
		{Service: "SFN", Operation: "DescribeStateMachine", Result: awsapi.ResultOK}:    1,
		{Service: "SFN", Operation: "DescribeStateMachine", Result: awsapi.ResultError}: 1,
	}
	assertCounts(t, c.Snapshot(), want)
	if got := c.Mutations(); got != 1 {
		t.Errorf("Mutations = %d, want 1", got)
	}
	c.Reset()
	if got := c.Snapshot(); len(got) != 0 {
		t.Errorf("after Reset: %v", got)
	}
}
