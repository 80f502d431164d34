package logs_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/logs"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

// TestKumoReadLog reads, through the real SDK and wire protocol, a
// stream kumo holds: created with CreateLogGroup and CreateLogStream,
// written with PutLogEvents, read from the head with GetLogEvents. Only
// the first page is compared: kumo ignores nextToken and answers a new
// random nextForwardToken on every call, so paging and the end of the
// stream are tested against internal/logsfake.
func TestKumoReadLog(t *testing.T) {
	k := kumotest.Start(t)
	c := cloudwatchlogs.NewFromConfig(k.Config)
	ctx := context.Background()
	group, name := "/ml/jobs", "train/default/0a1b"
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &group}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &group, LogStreamName: &name}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &group, LogStreamName: &name,
		LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(now), Message: aws.String("epoch 1")},
			{Timestamp: aws.Int64(now + 1), Message: aws.String("epoch 2\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	r := &logs.Reader{API: c}
	loc := "arn:aws:logs:us-east-1:000000000000:log-group:" + group + ":log-stream:" + name
	p, err := r.ReadLog(ctx, loc, "")
	if err != nil || string(p.Text) != "epoch 1\nepoch 2\n" || p.Next == "" {
		t.Errorf("ReadLog from the head: %+v, %v; want both lines in order and a forward token", p, err)
	}
	_, err = r.ReadLog(ctx, "arn:aws:logs:us-east-1:000000000000:log-group:"+group+":log-stream:missing", "")
	if sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("a missing stream: %v (kind %q), want not found", err, sluice.KindOf(err))
	}
}
