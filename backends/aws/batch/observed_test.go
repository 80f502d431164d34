package batch_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestObservedSpecMatchesDesired: what Observe reports of a resource as
// Sluice made it is the same JSON as the desired spec for the
// reconciler's drift check, even where AWS answers in another form.
func TestObservedSpecMatchesDesired(t *testing.T) {
	tests := []struct {
		name string
		tg   sluice.Target
	}{
		{"compute environment", target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec)},
		{"compute environment, sets unsorted", target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu",
			strings.Replace(ceSpec, `["subnet-a","subnet-b"]`, `["subnet-b","subnet-a"]`, 1))},
		{"job definition with an empty variable", target(sluice.TypeJobDefinition, "fit", "churn-dev-train_fit", fmt.Sprintf(jdSpec, "t:1"))},
		{"Fargate job definition", target(sluice.TypeJobDefinition, "report", "churn-dev-report", fargateJD)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			_, o := f.mustCreate(t, tt.tg)
			if !reconcile.SameJSON(o.Spec, tt.tg.Spec) {
				t.Fatalf("observed %s\ndesired %s", o.Spec, tt.tg.Spec)
			}
		})
	}
}

// TestQueueDrift: a queue named by compute environment ARN observes the
// same as desired; a priority changed outside Sluice shows as drift.
func TestQueueDrift(t *testing.T) {
	f := newFixture(t, 0)
	ce, _ := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
	spec := strings.Replace(jqSpec, `"computeEnvironment":"churn-dev-cpu"`, `"computeEnvironment":"`+ce.ARN+`"`, 1)
	jq, o := f.mustCreate(t, target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", spec))
	if !reconcile.SameJSON(o.Spec, jq.Spec) {
		t.Fatalf("observed %s\ndesired %s", o.Spec, jq.Spec)
	}
	if _, err := f.fake.Client().UpdateJobQueue(context.Background(),
		&awsbatch.UpdateJobQueueInput{JobQueue: aws.String(jq.ARN), Priority: aws.Int32(99)}); err != nil {
		t.Fatal(err)
	}
	f.fake.Settle()
	if o = f.mustObserve(t, jq); reconcile.SameJSON(o.Spec, jq.Spec) || !strings.Contains(string(o.Spec), `"priority":99`) {
		t.Fatalf("drift not seen: %s", o.Spec)
	}
}
