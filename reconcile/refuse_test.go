package reconcile_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// lostMarks applies repo(), then changes the state machine by hand in a
// way that drops Sluice's ownership tags (as registering a job
// definition revision without tags, or updating a schedule, does).
func lostMarks(t *testing.T) (*world, sluice.Resource) {
	t.Helper()
	w := newWorld()
	w.cycle(t, repo(), true)
	sm := repo()[4]
	o := w.backend.objects[sm.Name]
	o.Tags = map[string]string{"team": "ml"}
	o.Spec = json.RawMessage(`{"changed":"by hand"}`)
	w.backend.objects[sm.Name] = o
	return w, sm
}

func planOf(t *testing.T, w *world, desired []sluice.Resource) reconcile.Plan {
	t.Helper()
	observed := map[sluice.ResourceID]sluice.Observation{}
	for _, a := range w.store.applied() {
		o, _ := w.backend.Observe(context.Background(), sluice.Target{Resource: sluice.Resource{Name: a.Name}})
		observed[a.ID] = o
	}
	return reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: w.store.applied(), Observed: observed,
		AllowPrune: true, Project: "p", Env: "dev"})
}

// TestPlanRefusesWhatItNoLongerOwns: drift of a resource whose ownership
// tags were lost is planned as refused, with the way out, not as an
// update apply would refuse; apply then reports it stalled (reason
// NotOwned) and changes nothing.
func TestPlanRefusesWhatItNoLongerOwns(t *testing.T) {
	for _, tc := range []struct {
		name    string
		desired func() []sluice.Resource
	}{
		{"drifted", repo},
		{"changed in the documents", func() []sluice.Resource {
			r := repo()
			r[4] = owned("StateMachine/x", "p-dev-x", "2", "JobDefinition/x.a", "JobQueue/cpu", "Bucket/art")
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, sm := lostMarks(t)
			p := planOf(t, w, tc.desired())
			var c reconcile.Change
			for _, ch := range p.Changes {
				if ch.ID == sm.ID {
					c = ch
				}
			}
			if c.Action != reconcile.ActionRefuse || !strings.HasPrefix(c.Reason, "refused: not owned") ||
				!strings.Contains(c.Reason, "sluice adopt --env dev StateMachine/x") {
				t.Fatalf("plan: %s (%s), want refused: not owned with the adopt command", c.Action, c.Reason)
			}
			if p.Empty() {
				t.Error("a plan with a refused change says it is empty")
			}
			before := len(w.backend.mutations())
			results, err := w.applier.Apply(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				if r.Change.ID != sm.ID {
					continue
				}
				if d, _ := sluice.RetryOf(r.Err); d != sluice.RetryStalled || sluice.ReasonOf(r.Err) != sluice.ReasonNotOwned ||
					!strings.Contains(r.Err.Error(), "sluice adopt") {
					t.Errorf("apply: %v (reason %q), want stalled, NotOwned, with the way out", r.Err, sluice.ReasonOf(r.Err))
				}
			}
			if got := w.backend.mutations()[before:]; len(got) != 0 {
				t.Errorf("apply changed %v", got)
			}
		})
	}
}

// TestRefusedButOwnedAfterAllIsUpdated: a refusal the plan made from a
// lagging read (tags read in bulk, not yet indexed) is checked again by
// apply, which makes the update once the resource proves to be Sluice's.
func TestRefusedButOwnedAfterAllIsUpdated(t *testing.T) {
	w := newWorld()
	w.cycle(t, repo(), true)
	sm := repo()[4]
	o := w.backend.objects[sm.Name]
	o.Spec = json.RawMessage(`{"changed":"by hand"}`)
	w.backend.objects[sm.Name] = o
	p := planOf(t, w, repo())
	for i, c := range p.Changes {
		if c.ID == sm.ID {
			p.Changes[i].Action = reconcile.ActionRefuse // as if the tags had not been read
		}
	}
	results, err := w.applier.Apply(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Change.ID, r.Err)
		}
	}
	if got := w.backend.callsOf(sm.Name); !slices.Contains(got, "update") {
		t.Errorf("calls %v, want the update made", got)
	}
}

// TestNotOwnedSaysWhenTheProjectWasRenamed: a resource whose tags are
// Sluice's for the environment and resource but name another project is
// explained as a rename, with both ways out; other missing or differing
// tags are not.
func TestNotOwnedSaysWhenTheProjectWasRenamed(t *testing.T) {
	tags := func(project, env string) map[string]string {
		return map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: project, sluice.TagEnvironment: env,
			sluice.TagResource: "JobQueue/cpu"}
	}
	tests := []struct {
		name    string
		tags    map[string]string
		renamed bool
	}{
		{"another project's name", tags("churn", "dev"), true},
		{"another environment", tags("churn", "prod"), false},
		{"no tags", nil, false},
		{"not Sluice's", map[string]string{sluice.TagProject: "churn", sluice.TagEnvironment: "dev", sluice.TagResource: "JobQueue/cpu"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := reconcile.NotOwned("JobQueue/cpu", "attrition-dev-cpu", "attrition", "dev", sluice.Observation{Exists: true, ARN: "arn:q/churn-dev-cpu", Tags: tc.tags})
			msg := err.Error()
			says := strings.Contains(msg, `renamed from "churn" to "attrition"`) && strings.Contains(msg, `set the project's name back to "churn"`) &&
				strings.Contains(msg, "remove JobQueue/cpu from the documents and apply with prune")
			if says != tc.renamed {
				t.Errorf("message says a rename: %v, want %v: %s", says, tc.renamed, msg)
			}
			if !tc.renamed && !strings.Contains(msg, "sluice adopt --env dev JobQueue/cpu") {
				t.Errorf("message lacks the way out by adoption: %s", msg)
			}
		})
	}
}
