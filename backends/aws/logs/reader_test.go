package logs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/logs"
	"github.com/sluice-dev/sluice/internal/logsfake"
)

const stream = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/batch/job:log-stream:train/default/abc"

// fake starts the CloudWatch Logs fake and a client of it with the SDK's
// standard retryer.
func fake(t *testing.T) (*logsfake.Server, *cloudwatchlogs.Client) {
	t.Helper()
	f := logsfake.Start()
	t.Cleanup(f.Close)
	c := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	return f, c
}

// readAll reads pages until the end, returning the text and the pages
// read.
func readAll(t *testing.T, r *logs.Reader, loc string) (string, int) {
	t.Helper()
	var b strings.Builder
	token := ""
	for pages := 1; pages < 100; pages++ {
		p, err := r.ReadLog(context.Background(), loc, token)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(p.Text)
		if p.End {
			return b.String(), pages
		}
		token = p.Next
	}
	t.Fatal("the log never ended")
	return "", 0
}

func TestReadLogPagesToTheEnd(t *testing.T) {
	f, c := fake(t)
	var want strings.Builder
	var lines []string
	for i := range 7 {
		lines = append(lines, fmt.Sprintf("line %d", i))
		fmt.Fprintf(&want, "line %d\n", i)
	}
	f.Append("/aws/batch/job", "train/default/abc", lines...)
	r := &logs.Reader{API: c, Limit: 3}
	got, pages := readAll(t, r, stream)
	if got != want.String() {
		t.Errorf("read %q, want %q", got, want.String())
	}
	// 3 + 3 + 1 events, then a call that returns the token passed in.
	if pages != 4 || f.Calls("GetLogEvents") != 4 {
		t.Errorf("read in %d pages, %d calls; want 4 and 4", pages, f.Calls("GetLogEvents"))
	}
}

// TestReadLogFollows: from the end's token, a later read returns only
// what was appended since, then the end again.
func TestReadLogFollows(t *testing.T) {
	f, c := fake(t)
	f.Append("/aws/batch/job", "train/default/abc", "a")
	r := &logs.Reader{API: c}
	ctx := context.Background()
	p, err := r.ReadLog(ctx, stream, "")
	if err != nil || string(p.Text) != "a\n" || p.End {
		t.Fatalf("first page %+v, %v; want a, not at the end (no token was passed)", p, err)
	}
	end, err := r.ReadLog(ctx, stream, p.Next)
	if err != nil || len(end.Text) != 0 || !end.End || end.Next != p.Next {
		t.Fatalf("caught up: %+v, %v; want nothing, at the end, the same token", end, err)
	}
	f.Append("/aws/batch/job", "train/default/abc", "b", "c")
	more, err := r.ReadLog(ctx, stream, end.Next)
	if err != nil || string(more.Text) != "b\nc\n" || more.End {
		t.Fatalf("after more lines: %+v, %v; want b and c", more, err)
	}
}

func TestReadLogErrors(t *testing.T) {
	f, c := fake(t)
	r := &logs.Reader{API: c}
	ctx := context.Background()
	if _, err := r.ReadLog(ctx, stream, ""); sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("a missing group: %v (kind %q), want not found", err, sluice.KindOf(err))
	}
	f.Append("/aws/batch/job", "other")
	if _, err := r.ReadLog(ctx, stream, ""); sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("a missing stream (the container has not started): %v, want not found", err)
	}
	if _, err := r.ReadLog(ctx, "arn:aws:s3:::bucket", ""); sluice.KindOf(err) != sluice.KindInvalid {
		t.Errorf("an S3 ARN as location: %v, want invalid", err)
	}
	f.Append("/aws/batch/job", "train/default/abc", "x")
	if _, err := r.ReadLog(ctx, stream, "not-a-token"); sluice.KindOf(err) != sluice.KindInvalid {
		t.Errorf("a token the service did not issue: %v, want invalid", err)
	}
}

// TestReadLogThrottled: ThrottlingException is retried by the SDK's
// standard retryer (3 attempts); past them the error is Throttled.
func TestReadLogThrottled(t *testing.T) {
	f, c := fake(t)
	f.Append("/aws/batch/job", "train/default/abc", "x")
	r := &logs.Reader{API: c}
	f.Throttle(2)
	p, err := r.ReadLog(context.Background(), stream, "")
	if err != nil || string(p.Text) != "x\n" || f.Calls("GetLogEvents") != 3 {
		t.Fatalf("throttled twice: %+v, %v after %d calls; want x after 3", p, err, f.Calls("GetLogEvents"))
	}
	f.Throttle(3)
	_, err = r.ReadLog(context.Background(), stream, "")
	if retry, _ := sluice.RetryOf(err); sluice.KindOf(err) != sluice.KindThrottled || retry != sluice.RetryTransient || f.Calls("GetLogEvents") != 6 {
		t.Errorf("throttled three times: %v (kind %q) after %d calls; want throttled, transient, after 6", err, sluice.KindOf(err), f.Calls("GetLogEvents"))
	}
}

func TestParseStream(t *testing.T) {
	for _, tt := range []struct {
		loc, group, name, err string
	}{
		{stream, "/aws/batch/job", "train/default/abc", ""},
		{"arn:aws:logs:eu-west-1:1:log-group:/ml/jobs:log-stream:a:b", "/ml/jobs", "a:b", ""},
		{"train/default/abc", "/aws/batch/job", "train/default/abc", ""},
		{"", "", "", "empty"},
		{"arn:aws:logs:us-east-1:1:log-group:/g", "", "", "want arn:"},
		{"arn:aws:batch:us-east-1:1:job/x", "", "", "not a CloudWatch Logs stream"},
	} {
		s, err := logs.ParseStream(tt.loc)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseStream(%q) = %v, %v; want an error with %q", tt.loc, s, err, tt.err)
			}
			continue
		}
		if err != nil || s.Group != tt.group || s.Name != tt.name {
			t.Errorf("ParseStream(%q) = %+v, %v; want %s %s", tt.loc, s, err, tt.group, tt.name)
		}
	}
}

func TestJobStream(t *testing.T) {
	job := "arn:aws:batch:us-east-1:123456789012:job/8f1"
	for _, tt := range []struct{ job, group, name, want string }{
		{job, "", "train/default/abc", stream},
		{job, "/ml/jobs", "s", "arn:aws:logs:us-east-1:123456789012:log-group:/ml/jobs:log-stream:s"},
		{"8f1", "", "s", "s"},
		{job, "", "", ""},
	} {
		if got := logs.JobStream(tt.job, tt.group, tt.name); got != tt.want {
			t.Errorf("JobStream(%q, %q, %q) = %q, want %q", tt.job, tt.group, tt.name, got, tt.want)
		}
	}
}
