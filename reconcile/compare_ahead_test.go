package reconcile_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// aheadCase is one resource of TestCompareObservedSamePlan: desired,
// last applied, what the plan is given as observed (nil: not read) and
// what was compared ahead (nil: nothing).
type aheadCase struct {
	name       string
	desired    sluice.Resource
	applied    reconcile.Applied
	observed   *sluice.Observation
	ahead      *sluice.Observation
	wantAction reconcile.Action // "" for unchanged
}

func aheadCases() []aheadCase {
	spec := `{"maxvCpus":64,"role":"arn:aws:iam::1:role/r"}`
	drifted := `{"maxvCpus":16,"role":"arn:aws:iam::1:role/r"}`
	obs := func(spec string, tags map[string]string) *sluice.Observation {
		return &sluice.Observation{Exists: true, Spec: json.RawMessage(spec), Tags: tags}
	}
	one := func(name, hash string, deletion sluice.DeletionPolicy) (sluice.Resource, reconcile.Applied) {
		id := "ComputeEnvironment/" + name
		r := res(id, "h1", "Infrastructure/"+name)
		r.Spec, r.Hash, r.Deletion, r.Tags = json.RawMessage(spec), hash, deletion, ownTags(hash)
		a := applied(id, "h1", "Infrastructure/"+name, sluice.DeletionDelete)
		a.Spec, a.Observed, a.Tags, a.ObservedTags = json.RawMessage(spec), json.RawMessage(spec), ownTags("h1"), ownTags("h1")
		return r, a
	}
	var cases []aheadCase
	add := func(name, hash string, deletion sluice.DeletionPolicy, observed, ahead *sluice.Observation, want reconcile.Action) {
		r, a := one(name, hash, deletion)
		cases = append(cases, aheadCase{name, r, a, observed, ahead, want})
	}
	add("in-sync", "h1", sluice.DeletionDelete, obs(spec, ownTags("h1")), obs(spec, nil), "")
	add("drift", "h1", sluice.DeletionDelete, obs(drifted, ownTags("h1")), obs(drifted, nil), reconcile.ActionUpdate)
	add("tags-drift", "h1", sluice.DeletionDelete, obs(spec, without(ownTags("h1"), "team")), obs(spec, nil), reconcile.ActionUpdate)
	add("deleted", "h1", sluice.DeletionDelete, &sluice.Observation{}, &sluice.Observation{}, reconcile.ActionCreate)
	add("not-read", "h1", sluice.DeletionDelete, nil, nil, "")
	// Compared ahead, then not in the observations: a read that failed,
	// or a share of the inventory not read this time.
	add("compared-not-observed", "h1", sluice.DeletionDelete, nil, obs(drifted, nil), "")
	// Compared ahead with one answer, observed with another (read again
	// after an error): the plan follows the observation.
	add("read-again-drifted", "h1", sluice.DeletionDelete, obs(drifted, ownTags("h1")), obs(spec, nil), reconcile.ActionUpdate)
	add("read-again-in-sync", "h1", sluice.DeletionDelete, obs(spec, ownTags("h1")), obs(drifted, nil), "")
	add("in-progress", "h1", sluice.DeletionDelete,
		&sluice.Observation{Exists: true, InProgress: true, Spec: json.RawMessage(drifted)},
		&sluice.Observation{Exists: true, InProgress: true, Spec: json.RawMessage(drifted)}, "")
	add("changed-and-drifted", "h2", sluice.DeletionDelete, obs(drifted, ownTags("h1")), obs(drifted, nil), reconcile.ActionUpdate)
	add("deletion-policy-and-drift", "h1", sluice.DeletionRetain, obs(drifted, ownTags("h1")), obs(drifted, nil), reconcile.ActionUpdate)
	return cases
}

// planAhead plans cases together, after comparing ahead (CompareObserved)
// each case's ahead observation when ahead is set.
func planAhead(cases []aheadCase, ahead bool) reconcile.Plan {
	in := reconcile.PlanInput{Observed: map[sluice.ResourceID]sluice.Observation{}}
	for _, c := range cases {
		a := c.applied
		a.Tags, a.ObservedTags = maps.Clone(a.Tags), maps.Clone(a.ObservedTags)
		if ahead && c.ahead != nil {
			a.CompareObserved(*c.ahead)
		}
		in.Desired = append(in.Desired, c.desired)
		in.Applied = append(in.Applied, a)
		if c.observed != nil {
			in.Observed[c.desired.ID] = *c.observed
		}
	}
	// Gone from the documents: planned from its record alone.
	gone := applied("ComputeEnvironment/zz-gone", "h1", "Infrastructure/zz-gone", sluice.DeletionDelete)
	if ahead {
		gone.CompareObserved(sluice.Observation{Exists: true, Spec: json.RawMessage(`{"a":2}`)})
	}
	in.Applied = append(in.Applied, gone)
	return reconcile.ComputePlan(in)
}

// TestCompareObservedSamePlan: a plan whose records were compared with
// their observations ahead (as a drift check does while it reads) is
// the plan made from the same input all at once: the same changes in the
// same order, with the same fields, reasons and notes, whether the
// observation compared ahead is the one planned with, another one, or
// none.
func TestCompareObservedSamePlan(t *testing.T) {
	cases := aheadCases()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, got := planAhead([]aheadCase{c}, false), planAhead([]aheadCase{c}, true)
			samePlan(t, got, want)
			action := reconcile.Action("")
			for _, ch := range want.Changes {
				if ch.ID == c.desired.ID {
					action = ch.Action
				}
			}
			if action != c.wantAction {
				t.Errorf("action %q, want %q", action, c.wantAction)
			}
		})
	}
	t.Run("all together", func(t *testing.T) {
		samePlan(t, planAhead(cases, true), planAhead(cases, false))
	})
	t.Run("all together, reversed", func(t *testing.T) {
		rev := slices.Clone(cases)
		slices.Reverse(rev)
		samePlan(t, planAhead(rev, true), planAhead(rev, false))
	})
}

// samePlan fails t unless got and want say the same (as JSON: the
// records' comparisons made ahead are not part of a plan).
func samePlan(t *testing.T, got, want reconcile.Plan) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("plan with comparisons made ahead:\n%s\nwant (all at once):\n%s", g, w)
	}
}
