package ingest

import (
	"context"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// URLAPI is the part of the SQS client that finds a queue's URL.
type URLAPI interface {
	GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, opts ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error)
}

// QueueURL returns the URL of the queue named name (the EventQueue's
// physical name). It fails, with awsapi's classification, when there is
// no such queue yet (the environment was not applied) or the call fails.
func QueueURL(ctx context.Context, api URLAPI, name string) (string, error) {
	out, err := api.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: &name})
	if err != nil {
		return "", awsapi.SQS().Classify("get run events queue "+name, err)
	}
	return aws.ToString(out.QueueUrl), nil
}

// ForConfig returns the drainer of the run events queue named queue and
// the catch-up lister of an environment, on clients made from cfg: the
// configuration the environment's backends use (awsapi.LoadConfig), so
// that their calls are counted and kept to the account's shared
// limiter. It fails as QueueURL does.
func ForConfig(ctx context.Context, cfg aws.Config, queue string, sink RunSink, log *slog.Logger) (*Drainer, *CatchUp, error) {
	q := sqs.NewFromConfig(cfg)
	url, err := QueueURL(ctx, q, queue)
	if err != nil {
		return nil, nil, err
	}
	return &Drainer{API: q, QueueURL: url, Sink: sink, Log: log}, &CatchUp{API: sfn.NewFromConfig(cfg), Sink: sink}, nil
}
