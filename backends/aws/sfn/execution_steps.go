package sfn

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice"
)

// frameKind says what a level of nesting in a history is.
type frameKind int

const (
	mapFrame       frameKind = iota // a Map state running
	iterationFrame                  // one iteration of a Map state
	parallelFrame                   // a Parallel state running
)

// frame is one level of nesting: a Map state, one of its iterations, or
// a Parallel state.
type frame struct {
	kind  frameKind
	name  string
	index int32
}

// place is where the events following an event stand: the frames they
// are nested in, the state they belong to, and their step run (1 + its
// index in the steps, 0 for none).
type place struct {
	frames []frame
	state  string
	run    int
}

// folder folds history events into step runs. Events of concurrent Map
// iterations and Parallel branches interleave in a history; each event
// names the one it follows in its own branch (previousEventId), so an
// event's place is the place its predecessor left.
type folder struct {
	steps     []sluice.StepRun
	scheduled []bool // per step run: an attempt was scheduled for it
	after     map[int64]place
	logs      logPlace
}

// foldSteps returns the task state runs events record, in the order they
// started: one StepRun per attempt, so a retried step appears once per
// try. A step inside a Map iteration has the Path
// "map/index/state", nested as deep as the maps are; inside a Parallel
// state "parallel/state" (the history does not say which branch). Steps
// of a distributed Map run in child executions, which this history does
// not hold.
func foldSteps(events []types.HistoryEvent, logs logPlace) []sluice.StepRun {
	f := &folder{after: map[int64]place{}, logs: logs}
	for _, ev := range events {
		p := f.after[ev.PreviousEventId]
		f.apply(ev, &p)
		f.after[ev.Id] = p
	}
	return f.steps
}

// apply updates the steps and the place p after ev.
func (f *folder) apply(ev types.HistoryEvent, p *place) {
	at := aws.ToTime(ev.Timestamp)
	switch ev.Type {
	case types.HistoryEventTypeTaskStateEntered:
		f.enter(ev, p, at)
	case types.HistoryEventTypeTaskScheduled:
		f.schedule(p, at)
	case types.HistoryEventTypeTaskStateExited:
		p.run = 0
	case types.HistoryEventTypeMapStateStarted:
		p.frames = push(p.frames, frame{kind: mapFrame, name: p.state})
	case types.HistoryEventTypeMapIterationStarted:
		f.iterate(ev.MapIterationStartedEventDetails, p)
	case types.HistoryEventTypeMapIterationSucceeded, types.HistoryEventTypeMapIterationFailed,
		types.HistoryEventTypeMapIterationAborted:
		p.frames, p.run = cut(p.frames, iterationFrame), 0
	case types.HistoryEventTypeMapStateSucceeded, types.HistoryEventTypeMapStateFailed,
		types.HistoryEventTypeMapStateAborted:
		p.frames, p.run = cut(p.frames, mapFrame), 0
	case types.HistoryEventTypeParallelStateStarted:
		p.frames = push(p.frames, frame{kind: parallelFrame, name: p.state})
	case types.HistoryEventTypeParallelStateSucceeded, types.HistoryEventTypeParallelStateFailed,
		types.HistoryEventTypeParallelStateAborted:
		p.frames, p.run = cut(p.frames, parallelFrame), 0
	default:
		if d := ev.StateEnteredEventDetails; d != nil {
			p.state, p.run = aws.ToString(d.Name), 0
			return
		}
		f.endTask(ev, p, at)
	}
}

// enter starts a step run for a TaskStateEntered event; any other state
// entered only moves p to that state.
func (f *folder) enter(ev types.HistoryEvent, p *place, at time.Time) {
	var name string
	if ev.StateEnteredEventDetails != nil {
		name = aws.ToString(ev.StateEnteredEventDetails.Name)
	}
	p.state = name
	f.steps = append(f.steps, sluice.StepRun{State: name, Path: path(p.frames, name),
		Status: sluice.ExecutionRunning, Attempt: 1, Started: at})
	f.scheduled = append(f.scheduled, false)
	p.run = len(f.steps)
}

// schedule notes an attempt of p's step; the second and later ones are
// retries, each a step run of its own.
func (f *folder) schedule(p *place, at time.Time) {
	if p.run == 0 {
		return
	}
	i := p.run - 1
	if !f.scheduled[i] {
		f.scheduled[i] = true
		return
	}
	retry := sluice.StepRun{State: f.steps[i].State, Path: f.steps[i].Path, Status: sluice.ExecutionRunning,
		Attempt: f.steps[i].Attempt + 1, Started: at}
	f.steps = append(f.steps, retry)
	f.scheduled = append(f.scheduled, true)
	p.run = len(f.steps)
}

// iterate moves p into one iteration of the Map state it names.
func (f *folder) iterate(d *types.MapIterationEventDetails, p *place) {
	if d == nil {
		return
	}
	name := aws.ToString(d.Name)
	frames := p.frames
	for i := len(frames) - 1; i >= 0; i-- {
		if frames[i].kind == mapFrame && frames[i].name == name {
			frames = frames[:i+1]
			break
		}
	}
	p.frames, p.run = push(frames, frame{kind: iterationFrame, name: name, index: d.Index}), 0
}

// push returns frames with fr added, leaving frames' own array alone.
func push(frames []frame, fr frame) []frame { return append(slices.Clip(frames), fr) }

// cut returns frames without the innermost frame of kind and those inside
// it; frames unchanged when none is of kind.
func cut(frames []frame, kind frameKind) []frame {
	for i := len(frames) - 1; i >= 0; i-- {
		if frames[i].kind == kind {
			return frames[:i]
		}
	}
	return frames
}

// path names a state inside frames: map/index/.../state.
func path(frames []frame, state string) string {
	var parts []string
	for _, fr := range frames {
		switch fr.kind {
		case iterationFrame:
			parts = append(parts, fr.name, strconv.Itoa(int(fr.index)))
		case parallelFrame:
			parts = append(parts, fr.name)
		}
	}
	return strings.Join(append(parts, state), "/")
}

// endTask ends p's step run for an event that ends a task's attempt, and
// ignores other events.
func (f *folder) endTask(ev types.HistoryEvent, p *place, at time.Time) {
	end, ok := taskEnd(ev)
	if !ok || p.run == 0 || f.steps[p.run-1].Status != sluice.ExecutionRunning {
		return
	}
	s := &f.steps[p.run-1]
	s.Status, s.Stopped, s.Error, s.Cause = end.status, at, end.err, end.cause
	s.Log = f.logs.of(end.batch, end.job)
}

// ending is how an attempt of a task ended.
type ending struct {
	status, err, cause string
	batch              bool    // the task ran a Batch job to its end
	job                *string // the job's description, if any
}

// taskEnd reads an event that ends a task's attempt; ok is false for
// other events.
func taskEnd(ev types.HistoryEvent) (e ending, ok bool) {
	e.status = sluice.ExecutionFailed
	d := ev
	switch {
	case d.TaskSucceededEventDetails != nil:
		t := d.TaskSucceededEventDetails
		return ending{status: sluice.ExecutionSucceeded, batch: isBatch(t.ResourceType, t.Resource), job: t.Output}, true
	case d.TaskFailedEventDetails != nil:
		t := d.TaskFailedEventDetails
		e.err, e.cause, e.batch, e.job = aws.ToString(t.Error), aws.ToString(t.Cause), isBatch(t.ResourceType, t.Resource), t.Cause
	case d.TaskTimedOutEventDetails != nil:
		t := d.TaskTimedOutEventDetails
		e.err, e.cause, e.batch, e.job = aws.ToString(t.Error), aws.ToString(t.Cause), isBatch(t.ResourceType, t.Resource), t.Cause
	case d.TaskStartFailedEventDetails != nil:
		e.err, e.cause = aws.ToString(d.TaskStartFailedEventDetails.Error), aws.ToString(d.TaskStartFailedEventDetails.Cause)
	case d.TaskSubmitFailedEventDetails != nil:
		e.err, e.cause = aws.ToString(d.TaskSubmitFailedEventDetails.Error), aws.ToString(d.TaskSubmitFailedEventDetails.Cause)
	case d.Type == types.HistoryEventTypeTaskStateAborted:
		e.err, e.cause = "Aborted", "the execution stopped while the step ran"
	default:
		return e, false
	}
	return e, true
}

// isBatch reports whether a task ran a Batch job to its end.
func isBatch(resourceType, resource *string) bool {
	return aws.ToString(resourceType) == "batch" && strings.HasPrefix(aws.ToString(resource), "submitJob")
}

// logPlace is the partition, region and account of an execution, where
// the CloudWatch Logs of its Batch jobs are.
type logPlace struct {
	partition, region, account string
}

// defaultBatchLogGroup is where Batch sends a job's output unless its job
// definition names another log group.
const defaultBatchLogGroup = "/aws/batch/job"

// logPlaceOf reads the partition, region and account of an execution
// ARN (arn:partition:states:region:account:execution:machine:name).
func logPlaceOf(executionARN string) logPlace {
	parts := strings.SplitN(executionARN, ":", 6)
	if len(parts) < 6 {
		return logPlace{}
	}
	return logPlace{partition: parts[1], region: parts[3], account: parts[4]}
}

// batchJob is the part of a Batch job description, as a .sync task's
// output or failure cause carries it, that locates the job's log.
type batchJob struct {
	Container struct {
		LogStreamName    string
		LogConfiguration struct {
			LogDriver string
			Options   map[string]string
		}
	}
}

// of returns the ARN of the CloudWatch Logs stream a Batch job
// description names, or "" when batch is false or it names none.
func (l logPlace) of(batch bool, description *string) string {
	var job batchJob
	if !batch || description == nil || json.Unmarshal([]byte(*description), &job) != nil ||
		job.Container.LogStreamName == "" {
		return ""
	}
	group := defaultBatchLogGroup
	if c := job.Container.LogConfiguration; c.LogDriver == "awslogs" && c.Options["awslogs-group"] != "" {
		group = c.Options["awslogs-group"]
	}
	return "arn:" + l.partition + ":logs:" + l.region + ":" + l.account +
		":log-group:" + group + ":log-stream:" + job.Container.LogStreamName
}
