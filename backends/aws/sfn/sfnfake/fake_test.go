package sfnfake_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
)

const def = `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`

func start(t *testing.T) (*sfn.Client, string) {
	t.Helper()
	srv := sfnfake.Start("us-east-1", "000000000000")
	t.Cleanup(srv.Close)
	api := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	out, err := api.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String("m"), Definition: aws.String(def), RoleArn: aws.String("arn:aws:iam::000000000000:role/r"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return api, aws.ToString(out.StateMachineArn)
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestRefusals(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		call func(api *sfn.Client, arn string) error
		want string
	}{
		{name: "update with nothing to change", want: "MissingRequiredParameter", call: func(api *sfn.Client, arn string) error {
			_, err := api.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn})
			return err
		}},
		{name: "create of a taken name, other definition", want: "StateMachineAlreadyExists", call: func(api *sfn.Client, _ string) error {
			_, err := api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"),
				Definition: aws.String(`{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}`), RoleArn: aws.String("r")})
			return err
		}},
		{name: "create of a taken name, same definition, other role", want: "", call: func(api *sfn.Client, _ string) error {
			_, err := api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"),
				Definition: aws.String(def), RoleArn: aws.String("other")})
			return err
		}},
		{name: "tag with an aws: key", want: "ValidationException", call: func(api *sfn.Client, arn string) error {
			_, err := api.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: &arn, Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
			return err
		}},
		{name: "describe of an unknown ARN", want: "StateMachineDoesNotExist", call: func(api *sfn.Client, arn string) error {
			_, err := api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + "x")})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, arn := start(t)
			if got := code(tt.call(api, arn)); got != tt.want {
				t.Errorf("error code %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDeletingThenGone(t *testing.T) {
	ctx := context.Background()
	api, arn := start(t)
	if _, err := api.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		out, err := api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
		if err != nil || out.Status != types.StateMachineStatusDeleting {
			t.Fatalf("describe %d: %v, %v; want DELETING", i, out, err)
		}
	}
	_, err := api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(def), RoleArn: aws.String("r")})
	if code(err) != "StateMachineDeleting" {
		t.Errorf("create while deleting: %v", err)
	}
	_, err = api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	if code(err) != "StateMachineDoesNotExist" {
		t.Errorf("after the polls: %v, want StateMachineDoesNotExist", err)
	}
}
