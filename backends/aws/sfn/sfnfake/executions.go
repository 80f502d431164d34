// Executions: StartExecution, DescribeExecution, GetExecutionHistory
// (paged) and StopExecution, as AWS documents them.
//
// The fake covers them because kumo, though it answers all four, records
// no state events in a history (only ExecutionStarted and the end), never
// pages one (it truncates at maxResults and returns no nextToken), refuses
// a repeated StartExecution with the same input while the execution runs
// (AWS is idempotent then), and cannot run a Batch task. The fake runs no
// task: an execution follows the state machine's definition as its
// Outcome scripts, and it models AWS thus:
//
//   - An execution is RUNNING for Server.ExecutionPolls DescribeExecution
//     calls (default 2), then ends as scripted. While it runs, its history
//     stops before the first task ends.
//   - StartExecution with a name used before on the same state machine is
//     idempotent while that execution runs and the input is the same, and
//     ExecutionAlreadyExists otherwise; names are kept for good, as AWS
//     keeps them for 90 days. An unknown state machine is
//     StateMachineDoesNotExist, one being deleted StateMachineDeleting,
//     input that is not JSON InvalidExecutionInput.
//   - An unknown execution ARN is ExecutionDoesNotExist; a nextToken the
//     fake did not give for that execution is InvalidToken.
//   - StopExecution aborts a running execution (ABORTED, with
//     ExecutionAborted last in its history) and leaves an ended one as it
//     was.

package sfnfake

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// execution is one execution as the fake holds it.
type execution struct {
	ARN, Machine, Name, Input string
	Status                    string
	Start, Stop               float64
	Output, Error, Cause      string
	events                    []*event // the whole scripted history
	end                       *event   // its last event: how it ends
	pollsLeft                 int
	// definition is the one it started with, which a redrive runs.
	definition string
	// RedriveCount and RedriveDate count its redrives and date the last.
	RedriveCount int
	RedriveDate  float64
	// base is how many events of an earlier attempt precede the current
	// one's.
	base int
}

type startInput struct {
	StateMachineArn string  `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Input           *string `json:"input"`
}

// badName matches what AWS refuses in an execution name.
var badName = regexp.MustCompile("[\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1f\\x7f-\\x9f]")

func (s *Server) startExecution(body []byte) (any, *apiError) {
	var in startInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	m, e := s.find(in.StateMachineArn)
	if e != nil {
		return nil, e
	}
	if m.Status == "DELETING" {
		return nil, errorf("StateMachineDeleting", "State Machine is being deleted: '%s'", m.ARN)
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
	}
	if !json.Valid([]byte(input)) {
		return nil, errorf("InvalidExecutionInput", "Invalid State Machine Execution Input: '%s'", input)
	}
	if in.Name == "" {
		s.seq++
		in.Name = fmt.Sprintf("fake-%08d", s.seq)
	}
	if len(in.Name) > 80 || badName.MatchString(in.Name) {
		return nil, errorf("InvalidName", "Invalid Name: '%s'", in.Name)
	}
	return s.startNamed(m, in.Name, input)
}

// startNamed starts the execution name of m, or answers again for the
// one already started.
func (s *Server) startNamed(m *machine, name, input string) (any, *apiError) {
	arn := fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", s.region, s.account, m.Name, name)
	if x, ok := s.executions[arn]; ok {
		if x.Status != "RUNNING" || x.Input != input {
			return nil, errorf("ExecutionAlreadyExists", "Execution Already Exists: '%s'", arn)
		}
		return map[string]any{"executionArn": arn, "startDate": x.Start}, nil
	}
	x := &execution{ARN: arn, Machine: m.ARN, Name: name, Input: input, Status: "RUNNING", Start: now(),
		pollsLeft: s.ExecutionPolls, definition: m.Definition}
	s.play(x, m)
	s.executions[arn] = x
	return map[string]any{"executionArn": arn, "startDate": x.Start}, nil
}

// play scripts x's whole history from m's definition.
func (s *Server) play(x *execution, m *machine) {
	o := s.scripts[x.Name]
	p := &script{out: o, mapRun: func(state string) string {
		return fmt.Sprintf("arn:aws:states:%s:%s:mapRun:%s/%s:%s", s.region, s.account, m.Name, state, x.Name)
	}}
	first := newEvent("ExecutionStarted", nil, "executionStartedEventDetails",
		map[string]any{"input": x.Input, "roleArn": m.RoleArn})
	run, f := p.run(definitionScope(m.Definition), first)
	last := first
	if len(run) > 0 {
		last = run[len(run)-1]
	}
	x.events = append([]*event{first}, run...)
	x.ending(o, f, last)
}

// ending scripts how x ends after its event last: succeeded unless f
// failed it.
func (x *execution) ending(o Outcome, f *failure, last *event) {
	if f == nil {
		x.Output = o.Output
		if x.Output == "" {
			x.Output = x.Input
		}
		x.end = newEvent("ExecutionSucceeded", last, "executionSucceededEventDetails", map[string]any{"output": x.Output})
		return
	}
	x.Error, x.Cause = f.Error, f.Cause
	if o.Error != "" {
		x.Error, x.Cause = o.Error, o.Cause
	}
	x.end = newEvent("ExecutionFailed", last, "executionFailedEventDetails", map[string]any{"error": x.Error, "cause": x.Cause})
}

// finish ends x as scripted.
func (x *execution) finish() {
	x.Status, x.Stop = "SUCCEEDED", now()
	if x.end.typ == "ExecutionFailed" {
		x.Status = "FAILED"
	}
	x.events = append(x.events, x.end)
}

type executionArnInput struct {
	ExecutionArn string `json:"executionArn"`
}

// findExecution returns the execution arn names, or ExecutionDoesNotExist.
func (s *Server) findExecution(arn string) (*execution, *apiError) {
	x, ok := s.executions[arn]
	if !ok {
		return nil, errorf("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn)
	}
	return x, nil
}

func (s *Server) describeExecution(body []byte) (any, *apiError) {
	var in executionArnInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	x, e := s.findExecution(in.ExecutionArn)
	if e != nil {
		return nil, e
	}
	if x.Status == "RUNNING" {
		if x.pollsLeft > 0 {
			x.pollsLeft--
		} else {
			x.finish()
		}
	}
	out := x.describe()
	out["redriveStatus"] = "REDRIVABLE"
	if ok, why := s.redriveStatus(x); !ok {
		out["redriveStatus"], out["redriveStatusReason"] = "NOT_REDRIVABLE", why
	}
	return out, nil
}

// describe returns DescribeExecution's answer for x.
func (x *execution) describe() map[string]any {
	out := map[string]any{"executionArn": x.ARN, "stateMachineArn": x.Machine, "name": x.Name,
		"status": x.Status, "startDate": x.Start, "input": x.Input,
		"inputDetails": map[string]any{"included": true}, "redriveCount": x.RedriveCount}
	if x.RedriveDate != 0 {
		out["redriveDate"] = x.RedriveDate
	}
	if x.Status == "RUNNING" {
		return out
	}
	out["stopDate"] = x.Stop
	if x.Status == "SUCCEEDED" {
		out["output"], out["outputDetails"] = x.Output, map[string]any{"included": true}
	}
	if x.Error != "" || x.Cause != "" {
		out["error"], out["cause"] = x.Error, x.Cause
	}
	return out
}

type stopInput struct {
	ExecutionArn string `json:"executionArn"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
}

func (s *Server) stopExecution(body []byte) (any, *apiError) {
	var in stopInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	x, e := s.findExecution(in.ExecutionArn)
	if e != nil {
		return nil, e
	}
	if x.Status == "RUNNING" {
		shown := x.shown()
		x.events = shown
		x.Status, x.Stop, x.Error, x.Cause = "ABORTED", now(), in.Error, in.Cause
		x.events = append(x.events, newEvent("ExecutionAborted", shown[len(shown)-1], "executionAbortedEventDetails",
			map[string]any{"error": in.Error, "cause": in.Cause}))
	}
	return map[string]any{"stopDate": x.Stop}, nil
}
