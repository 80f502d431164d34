package logs

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// API is the part of the CloudWatch Logs client the reader calls.
type API interface {
	GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput,
		opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// Reader reads Batch jobs' logs from CloudWatch Logs with GetLogEvents.
type Reader struct {
	API API
	// Limit is the most events a call returns; 0 is the service's
	// default (as many as fit in 1 MB, up to 10,000).
	Limit int32
}

var _ sluice.LogReader = (*Reader)(nil)

// ReadLog reads the events of the stream at location (see ParseStream)
// that follow token, one GetLogEvents call: with no token from the
// head of the stream (startFromHead), otherwise from the forward token
// a previous page returned. Each event's message is a line. The page's
// Next is the response's nextForwardToken; it is at the End when that
// token is the one passed in, which is how GetLogEvents says it reached
// the end of the stream (CloudWatch Logs API reference, GetLogEvents).
// It fails with KindNotFound when the group or stream does not exist,
// KindThrottled when the call was throttled past the SDK's retries,
// KindInvalid for a location that is not a stream's.
func (r *Reader) ReadLog(ctx context.Context, location, token string) (sluice.LogPage, error) {
	s, err := ParseStream(location)
	if err != nil {
		return sluice.LogPage{}, sluice.E("logs.ReadLog", sluice.KindInvalid, err)
	}
	in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: &s.Group, LogStreamName: &s.Name}
	if token == "" {
		in.StartFromHead = aws.Bool(true)
	} else {
		in.NextToken = &token
	}
	if r.Limit > 0 {
		in.Limit = &r.Limit
	}
	out, err := r.API.GetLogEvents(ctx, in)
	if err != nil {
		return sluice.LogPage{}, awsapi.CloudWatchLogs().Classify(fmt.Sprintf("read log %s %s", s.Group, s.Name), err)
	}
	var text bytes.Buffer
	for _, e := range out.Events {
		text.WriteString(strings.TrimSuffix(aws.ToString(e.Message), "\n"))
		text.WriteByte('\n')
	}
	next := aws.ToString(out.NextForwardToken)
	return sluice.LogPage{Text: text.Bytes(), Next: next, End: token != "" && next == token}, nil
}
