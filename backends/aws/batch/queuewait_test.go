package batch_test

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// TestQueueWaitsBrieflyForItsComputeEnvironment: a queue created while
// its compute environment is still CREATING is refused with a waiting
// error that asks to be tried again within seconds (the state machines
// that need the queue wait for it), not after Batch's usual 15 s; once
// the compute environment is VALID, the queue is created.
func TestQueueWaitsBrieflyForItsComputeEnvironment(t *testing.T) {
	f := newFixture(t, 2)
	ce := target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec)
	jq := target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec)
	if o, err := f.b.Create(f.ctx, ce); err != nil || !o.InProgress {
		t.Fatalf("Create compute environment = %+v, %v; want it CREATING", o, err)
	}
	_, err := f.b.Create(f.ctx, jq)
	wantRetry(t, err, sluice.RetryWaiting)
	if _, after := sluice.RetryOf(err); after > 5*time.Second {
		t.Errorf("queue refused while its compute environment is created: try again after %s, want at most 5s (%v)", after, err)
	}
	f.fake.Settle()
	if o, err := f.b.Create(f.ctx, jq); err != nil || !o.Exists {
		t.Fatalf("Create queue once the compute environment is VALID = %+v, %v", o, err)
	}
}
