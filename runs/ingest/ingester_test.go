package ingest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluice-dev/sluice/runs/ingest"
)

// idleQueue answers every receive as a long poll on an empty queue does:
// nothing, once ctx is done.
type idleQueue struct{}

func (idleQueue) ReceiveMessage(ctx context.Context, _ *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (idleQueue) DeleteMessageBatch(context.Context, *sqs.DeleteMessageBatchInput, ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	return &sqs.DeleteMessageBatchOutput{}, nil
}

// lister answers ListExecutions with one running execution per state
// machine started at start, and records the calls; it fails for the
// state machine named failing.
type lister struct {
	mu      sync.Mutex
	calls   map[string]int
	start   time.Time
	failing string
}

func (l *lister) ListExecutions(_ context.Context, in *sfn.ListExecutionsInput, _ ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	arn := aws.ToString(in.StateMachineArn)
	l.calls[arn]++
	if arn == l.failing {
		return nil, errors.New("connection reset")
	}
	return &sfn.ListExecutionsOutput{Executions: []types.ExecutionListItem{{ExecutionArn: aws.String(arn + ":run"),
		StateMachineArn: aws.String(arn), Name: aws.String("run"), Status: types.ExecutionStatusRunning, StartDate: aws.Time(l.start)}}}, nil
}

// TestIngesterRounds: the first round runs at once, each tick runs
// another over the state machines of the moment; a state machine whose
// listing fails does not stop the others; Run returns once cancelled,
// the drainer with it.
func TestIngesterRounds(t *testing.T) {
	l := &lister{calls: map[string]int{}, start: time.Unix(1796637600, 0), failing: "sm-b"}
	sink := newSink()
	tick := make(chan time.Time)
	var mu sync.Mutex
	listings := 0
	g := &ingest.Ingester{
		Drainer: &ingest.Drainer{API: idleQueue{}, QueueURL: "q", Sink: sink},
		CatchUp: &ingest.CatchUp{API: l, Sink: sink},
		// sm-c is deployed after the first round.
		StateMachines: func(context.Context) ([]string, error) {
			mu.Lock()
			defer mu.Unlock()
			listings++
			if listings == 1 {
				return []string{"sm-a", "sm-b"}, nil
			}
			return []string{"sm-a", "sm-b", "sm-c"}, nil
		},
		Tick: tick,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- g.Run(ctx) }()
	// Each tick is taken once the round before it is over: after three,
	// three rounds are over (a fourth may have begun).
	for range 3 {
		tick <- time.Now()
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if a, b, c := l.calls["sm-a"], l.calls["sm-b"], l.calls["sm-c"]; a < 3 || a > 4 || b < 3 || b > 4 || c < 2 || c > 3 {
		t.Errorf("ListExecutions calls %v: want three rounds (or four) of sm-a and sm-b (failing, listed all the same), two (or three) of sm-c, deployed after the first", l.calls)
	}
	if x := sink.executions["sm-a:run"]; x.Status != "RUNNING" {
		t.Errorf("sm-a's execution: %+v", x)
	}
}
