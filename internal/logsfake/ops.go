package logsfake

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/internal/awsjsonfake"
)

// Page limits of GetLogEvents (CloudWatch Logs API reference): at most
// 10,000 events (the default) and 1 MB; an event counts as its message
// plus 26 bytes.
const (
	maxEvents    = 10000
	maxPageBytes = 1 << 20
	eventHeader  = 26
)

type streamRequest struct {
	LogGroupName       string  `json:"logGroupName"`
	LogGroupIdentifier string  `json:"logGroupIdentifier"`
	LogStreamName      string  `json:"logStreamName"`
	NextToken          *string `json:"nextToken"`
	StartFromHead      *bool   `json:"startFromHead"`
	Limit              *int    `json:"limit"`
	LogEvents          []event `json:"logEvents"`
}

func (s *Server) createGroup(body []byte) (any, *apiError) {
	var in streamRequest
	if err := awsjsonfake.Decode(body, &in); err != nil {
		return nil, err
	}
	if _, ok := s.groups[in.LogGroupName]; ok {
		return nil, errorf("ResourceAlreadyExistsException", "The specified log group already exists")
	}
	s.groups[in.LogGroupName] = map[string][]event{}
	return struct{}{}, nil
}

func (s *Server) createStream(body []byte) (any, *apiError) {
	var in streamRequest
	if err := awsjsonfake.Decode(body, &in); err != nil {
		return nil, err
	}
	g, ok := s.groups[in.LogGroupName]
	switch {
	case !ok:
		return nil, errorf("ResourceNotFoundException", "The specified log group does not exist.")
	case g[in.LogStreamName] != nil:
		return nil, errorf("ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	g[in.LogStreamName] = []event{}
	return struct{}{}, nil
}

func (s *Server) putEvents(body []byte) (any, *apiError) {
	var in streamRequest
	if err := awsjsonfake.Decode(body, &in); err != nil {
		return nil, err
	}
	events, err := s.stream(in)
	if err != nil {
		return nil, err
	}
	for _, e := range in.LogEvents {
		e.IngestionTime = e.Timestamp
		events = append(events, e)
	}
	s.groups[in.LogGroupName][in.LogStreamName] = events
	return map[string]any{}, nil
}

// getEvents answers GetLogEvents. Tokens are "f/N" (read forward from
// event N) and "b/N" (read backward from before event N).
func (s *Server) getEvents(body []byte) (any, *apiError) {
	var in streamRequest
	if err := awsjsonfake.Decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupName == "" {
		in.LogGroupName = in.LogGroupIdentifier
	}
	events, apiErr := s.stream(in)
	if apiErr != nil {
		return nil, apiErr
	}
	limit := maxEvents
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > maxEvents {
			return nil, errorf("InvalidParameterException", "limit must be between 1 and 10000")
		}
		limit = *in.Limit
	}
	forward, from := in.StartFromHead != nil && *in.StartFromHead, len(events)
	if in.NextToken != nil {
		var err error
		if forward, from, err = parseToken(*in.NextToken, len(events)); err != nil {
			return nil, errorf("InvalidParameterException", "The specified nextToken is invalid.")
		}
	} else if forward {
		from = 0
	}
	lo, hi := page(events, from, forward, limit)
	out := map[string]any{"events": events[lo:hi], "nextForwardToken": fmt.Sprintf("f/%d", hi),
		"nextBackwardToken": fmt.Sprintf("b/%d", lo)}
	if in.NextToken != nil && forward && hi == from {
		out["nextForwardToken"] = *in.NextToken // the end: the token passed in
	}
	return out, nil
}

// page is the events a page holds: from onward when forward, else up
// to from, within limit events and the byte bound.
func page(events []event, from int, forward bool, limit int) (lo, hi int) {
	size := 0
	fits := func(e event) bool {
		size += len(e.Message) + eventHeader
		return size <= maxPageBytes
	}
	if forward {
		hi = from
		for hi < len(events) && hi-from < limit && fits(events[hi]) {
			hi++
		}
		return from, hi
	}
	lo = from
	for lo > 0 && from-lo < limit && fits(events[lo-1]) {
		lo--
	}
	return lo, from
}

func parseToken(tok string, n int) (forward bool, at int, err error) {
	dir, num, ok := strings.Cut(tok, "/")
	at, err = strconv.Atoi(num)
	if !ok || err != nil || (dir != "f" && dir != "b") || at < 0 || at > n {
		return false, 0, fmt.Errorf("bad token %q", tok)
	}
	return dir == "f", at, nil
}

// stream returns the events of the request's stream.
func (s *Server) stream(in streamRequest) ([]event, *apiError) {
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errorf("ResourceNotFoundException", "The specified log group does not exist.")
	}
	events, ok := g[in.LogStreamName]
	if !ok {
		return nil, errorf("ResourceNotFoundException", "The specified log stream does not exist.")
	}
	return events, nil
}
