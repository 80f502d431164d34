package logs

import (
	"fmt"
	"strings"
)

// DefaultGroup is the log group Batch sends a job's output to unless its
// job definition's logConfiguration (awslogs driver, awslogs-group
// option) names another.
const DefaultGroup = "/aws/batch/job"

// Stream is a CloudWatch Logs stream: its group and its name.
type Stream struct {
	Group, Name string
}

// ParseStream reads a log location as the run store records it: a log
// stream's ARN
// (arn:PARTITION:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:NAME),
// or a bare stream name, which is in DefaultGroup (records written
// before the group was recorded). It fails on an ARN of anything else.
func ParseStream(loc string) (Stream, error) {
	if !strings.HasPrefix(loc, "arn:") {
		if loc == "" {
			return Stream{}, fmt.Errorf("log location: empty")
		}
		return Stream{Group: DefaultGroup, Name: loc}, nil
	}
	parts := strings.SplitN(loc, ":", 6)
	if len(parts) != 6 || parts[2] != "logs" {
		return Stream{}, fmt.Errorf("log location %q: not a CloudWatch Logs stream ARN", loc)
	}
	rest, ok := strings.CutPrefix(parts[5], "log-group:")
	group, name, found := strings.Cut(rest, ":log-stream:")
	if !ok || !found || group == "" || name == "" {
		return Stream{}, fmt.Errorf("log location %q: want arn:PARTITION:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:NAME", loc)
	}
	return Stream{Group: group, Name: name}, nil
}

// JobStream returns the ARN of the log stream name of the Batch job
// jobARN (arn:PARTITION:batch:REGION:ACCOUNT:job/ID), in group (""
// is DefaultGroup): the stream is in the job's account and region. It
// returns the bare name when jobARN is not an ARN, "" when name is "".
func JobStream(jobARN, group, name string) string {
	if name == "" {
		return ""
	}
	if group == "" {
		group = DefaultGroup
	}
	parts := strings.SplitN(jobARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return name
	}
	return "arn:" + parts[1] + ":logs:" + parts[3] + ":" + parts[4] + ":log-group:" + group + ":log-stream:" + name
}
