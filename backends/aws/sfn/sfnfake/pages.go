package sfnfake

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// taskEnds are the events that end a task's attempt.
func taskEnds() map[string]bool {
	return map[string]bool{"TaskSucceeded": true, "TaskFailed": true, "TaskTimedOut": true,
		"TaskStartFailed": true, "TaskSubmitFailed": true}
}

// shown returns the part of x's history that has happened: all of it
// once x has ended, else what comes before the first task's end.
func (x *execution) shown() []*event {
	if x.Status != "RUNNING" {
		return x.events
	}
	ends := taskEnds()
	for i, e := range x.events[x.base:] {
		if ends[e.typ] {
			return x.events[:x.base+i]
		}
	}
	return x.events
}

type historyInput struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int    `json:"maxResults"`
	ReverseOrder bool   `json:"reverseOrder"`
	NextToken    string `json:"nextToken"`
}

// history answers GetExecutionHistory: the events that have happened,
// numbered from 1 in order, maxResults (default 100, at most 1000) at a
// time.
func (s *Server) history(body []byte) (any, *apiError) {
	var in historyInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if in.MaxResults < 0 || in.MaxResults > 1000 {
		return nil, errorf("ValidationException", "maxResults must be between 0 and 1000")
	}
	x, e := s.findExecution(in.ExecutionArn)
	if e != nil {
		return nil, e
	}
	from, ok := parseToken(x, in.NextToken)
	if !ok {
		return nil, errorf("InvalidToken", "Invalid Token: '%s'", in.NextToken)
	}
	size := in.MaxResults
	if size == 0 {
		size = 100
	}
	shown := x.numbered(in.ReverseOrder)
	end := min(len(shown), from+size)
	out := map[string]any{"events": x.wire(shown[min(from, end):end])}
	if end < len(shown) {
		out["nextToken"] = token(x.ARN, end)
	}
	return out, nil
}

// numbered numbers the events shown from 1 in order, and returns them in
// the order asked for.
func (x *execution) numbered(reverse bool) []*event {
	shown := slices.Clone(x.shown())
	for i, e := range shown {
		e.id = int64(i + 1)
	}
	if reverse {
		slices.Reverse(shown)
	}
	return shown
}

// wire returns events in the wire shape.
func (x *execution) wire(events []*event) []map[string]any {
	out := make([]map[string]any, 0, len(events))
	for _, e := range events {
		w := map[string]any{"id": e.id, "previousEventId": 0, "type": e.typ, "timestamp": x.Start + float64(e.id)/1000}
		if e.prev != nil {
			w["previousEventId"] = e.prev.id
		}
		if e.key != "" {
			w[e.key] = e.details
		}
		out = append(out, w)
	}
	return out
}

// token returns the nextToken that resumes arn's history at offset.
func token(arn string, offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(arn + "#" + strconv.Itoa(offset)))
}

// parseToken returns the offset a nextToken of x's history resumes at;
// "" is the start. It reports false for a token not given for x.
func parseToken(x *execution, t string) (int, bool) {
	if t == "" {
		return 0, true
	}
	raw, err := base64.StdEncoding.DecodeString(t)
	arn, off, found := strings.Cut(string(raw), "#")
	n, convErr := strconv.Atoi(off)
	if err != nil || !found || arn != x.ARN || convErr != nil || n < 0 {
		return 0, false
	}
	return n, true
}
