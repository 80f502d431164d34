// Redrive and listing: RedriveExecution and ListExecutions, as the Step
// Functions API reference documents them (the SDK carries its text:
// api_op_RedriveExecution.go, api_op_ListExecutions.go,
// DescribeExecutionOutput's redriveStatus and redriveStatusReason).
//
//   - RedriveExecution restarts an execution that is FAILED, TIMED_OUT or
//     ABORTED, of a STANDARD state machine, within 14 days of its stop
//     (the redrivable period); it keeps the execution's ARN, input and the
//     definition it started with, and appends to its history an
//     ExecutionRedriven event and then the states that had not succeeded:
//     the states that exited successfully in an earlier attempt are not
//     run again (in the fake, by state name, inside Map and Parallel
//     states too). It answers redriveDate; the execution is RUNNING again
//     for Server.ExecutionPolls DescribeExecution calls, then ends as its
//     current script says. Otherwise: ExecutionDoesNotExist for an
//     unknown ARN, ExecutionNotRedrivable with the reason
//     DescribeExecution gives (RUNNING, SUCCEEDED, redrivable period
//     exceeded, state machine DELETING), and for an EXPRESS state
//     machine (the API "is not supported by EXPRESS state machines";
//     which error AWS answers then is not documented: the fake answers
//     ExecutionNotRedrivable). Client tokens are not modelled.
//   - DescribeExecution gives redriveCount, redriveDate, redriveStatus
//     (REDRIVABLE or NOT_REDRIVABLE) and redriveStatusReason.
//   - ListExecutions lists a state machine's executions, the most recent
//     first, maxResults a page (default 100, at most 1000), filtered by
//     statusFilter; an unknown state machine is StateMachineDoesNotExist,
//     an EXPRESS one StateMachineTypeNotSupported.

package sfnfake

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// redrivablePeriod is how long after its stop an execution may be
// redriven.
const redrivablePeriod = 14 * 24 * time.Hour

// redriveStatus says whether x may be redriven now and, if not, why, in
// the API's words.
func (s *Server) redriveStatus(x *execution) (bool, string) {
	m := s.machines[x.Machine]
	switch {
	case m != nil && m.Type == "EXPRESS":
		return false, "Execution of an EXPRESS state machine cannot be redriven"
	case m != nil && m.Status == "DELETING":
		return false, "State machine is in DELETING status"
	case x.Status == "RUNNING" || x.Status == "SUCCEEDED":
		return false, "Execution is " + x.Status + " and cannot be redriven"
	case time.Since(time.UnixMilli(int64(x.Stop*1000))) > redrivablePeriod:
		return false, "Execution redrivable period exceeded"
	}
	return true, ""
}

// AgeExecution moves the stop (and start) of the execution arn back by
// d, as if it had ended that much earlier; it reports whether arn exists.
func (s *Server) AgeExecution(arn string, d time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.executions[arn]
	if ok {
		x.Start -= d.Seconds()
		x.Stop -= d.Seconds()
	}
	return ok
}

func (s *Server) redriveExecution(body []byte) (any, *apiError) {
	var in executionArnInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	x, e := s.findExecution(in.ExecutionArn)
	if e != nil {
		return nil, e
	}
	if ok, why := s.redriveStatus(x); !ok {
		return nil, errorf("ExecutionNotRedrivable", "%s: '%s'", why, x.ARN)
	}
	done := succeededStates(x.events)
	first := newEvent("ExecutionStarted", nil, "executionStartedEventDetails", map[string]any{"input": x.Input})
	p := &script{out: s.scripts[x.Name], mapRun: func(state string) string { return x.ARN + "/" + state }}
	run, f := p.run(definitionScope(x.definition), first)
	x.RedriveCount++
	x.RedriveDate = now()
	prev := x.events[len(x.events)-1]
	redriven := newEvent("ExecutionRedriven", prev, "executionRedrivenEventDetails", map[string]any{"redriveCount": x.RedriveCount})
	tail := rerun(run, done, first, redriven)
	x.base = len(x.events) + 1
	x.events = append(append(x.events, redriven), tail...)
	last := x.events[len(x.events)-1]
	x.Status, x.Stop, x.Output, x.Error, x.Cause, x.pollsLeft = "RUNNING", 0, "", "", "", s.ExecutionPolls
	x.ending(s.scripts[x.Name], f, last)
	return map[string]any{"redriveDate": x.RedriveDate}, nil
}

// succeededStates names the states that exited in events: a state that
// exited succeeded.
func succeededStates(events []*event) map[string]bool {
	done := map[string]bool{}
	for _, e := range events {
		if strings.HasSuffix(e.typ, "StateExited") {
			if name, ok := e.details["name"].(string); ok {
				done[name] = true
			}
		}
	}
	return done
}

// rerun returns the events of run without those of the states in done
// (from a state's Entered event to its Exited event), each kept event
// following what it followed in run, or what preceded the skipped state
// it followed; the replayed start, first, becomes redriven.
func rerun(run []*event, done map[string]bool, first, redriven *event) []*event {
	instead := map[*event]*event{first: redriven}
	var out []*event
	skipping, anchor := "", (*event)(nil)
	for _, e := range run {
		name, _ := e.details["name"].(string)
		switch {
		case skipping != "":
			instead[e] = anchor
			if strings.HasSuffix(e.typ, "StateExited") && name == skipping {
				skipping = ""
			}
		case strings.HasSuffix(e.typ, "StateEntered") && done[name]:
			skipping, anchor = name, e.prev
			if a, ok := instead[anchor]; ok {
				anchor = a
			}
			instead[e] = anchor
		default:
			if a, ok := instead[e.prev]; ok {
				e.prev = a
			}
			out = append(out, e)
		}
	}
	return out
}

type listExecutionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	StatusFilter    string `json:"statusFilter"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

func (s *Server) listExecutions(body []byte) (any, *apiError) {
	var in listExecutionsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	m, e := s.find(in.StateMachineArn)
	if e != nil {
		return nil, e
	}
	if m.Type == "EXPRESS" {
		return nil, errorf("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
	}
	size := in.MaxResults
	if size <= 0 {
		size = 100
	}
	if size > 1000 {
		return nil, errorf("ValidationException", "maxResults must be at most 1000")
	}
	var xs []*execution
	for _, x := range s.executions {
		if x.Machine == m.ARN && (in.StatusFilter == "" || in.StatusFilter == x.Status) {
			xs = append(xs, x)
		}
	}
	slices.SortFunc(xs, func(a, b *execution) int {
		if a.Start != b.Start {
			return -cmpFloat(a.Start, b.Start)
		}
		return strings.Compare(a.ARN, b.ARN)
	})
	start, _ := strconv.Atoi(in.NextToken)
	start = min(max(start, 0), len(xs))
	end := min(len(xs), start+size)
	items := []map[string]any{}
	for _, x := range xs[start:end] {
		item := map[string]any{"executionArn": x.ARN, "stateMachineArn": x.Machine, "name": x.Name,
			"status": x.Status, "startDate": x.Start, "redriveCount": x.RedriveCount}
		if x.Status != "RUNNING" {
			item["stopDate"] = x.Stop
		}
		if x.RedriveDate != 0 {
			item["redriveDate"] = x.RedriveDate
		}
		items = append(items, item)
	}
	out := map[string]any{"executions": items}
	if end < len(xs) {
		out["nextToken"] = strconv.Itoa(end)
	}
	return out, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
