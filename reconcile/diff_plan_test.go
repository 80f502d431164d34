package reconcile_test

import (
	"context"
	"encoding/json"
	"maps"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// ownTags are the ownership tags of ce plus one user tag.
func ownTags(hash string) map[string]string {
	return map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "p", sluice.TagEnvironment: "dev",
		sluice.TagResource: "ComputeEnvironment/ce", sluice.TagSpecHash: hash, "team": "ml"}
}

func without(tags map[string]string, key string) map[string]string {
	out := maps.Clone(tags)
	delete(out, key)
	return out
}

// TestPlanFields checks that each comparison a plan makes lists the
// fields that differ: desired vs last applied, observed vs baseline (spec
// and tags, ownership tags included) and the deletion policy.
func TestPlanFields(t *testing.T) {
	desired := func(hash, spec string, deletion sluice.DeletionPolicy, tags map[string]string) sluice.Resource {
		r := res("ComputeEnvironment/ce", hash, "ComputeEnvironment/ce")
		r.Spec, r.Deletion, r.Tags = json.RawMessage(spec), deletion, tags
		return r
	}
	last := func(hash, spec, observed string, tags, observedTags map[string]string) reconcile.Applied {
		a := applied("ComputeEnvironment/ce", hash, "ComputeEnvironment/ce", sluice.DeletionDelete)
		a.Name = "phys-ComputeEnvironment/ce"
		a.Spec, a.Tags, a.ObservedTags = json.RawMessage(spec), tags, observedTags
		if observed != "" {
			a.Observed = json.RawMessage(observed)
		}
		return a
	}
	spec64 := `{"maxvCpus":64,"role":"arn:aws:iam::1:role/r"}`
	tests := []struct {
		name     string
		desired  sluice.Resource
		applied  reconcile.Applied
		observed *sluice.Observation
		want     string // "action[ drift][ record-only]" then field lines
	}{
		{"change in the documents: fields, placeholders matched, spec-hash tag left out",
			desired("h2", `{"maxvCpus":128,"role":"arn:${aws.partition}:iam::1:role/r"}`, sluice.DeletionDelete, maps.Clone(ownTags("h2"))),
			last("h1", spec64, "", ownTags("h1"), nil), nil,
			"update\nspec.maxvCpus: 64 -> 128"},
		{"change in the documents: a user tag",
			desired("h2", spec64, sluice.DeletionDelete, without(ownTags("h2"), "team")),
			last("h1", spec64, "", ownTags("h1"), nil), nil,
			"update\ntags.team: \"ml\" -> -"},
		{"change in the documents, last spec unknown: no fields",
			desired("h2", spec64, sluice.DeletionDelete, ownTags("h2")),
			last("h1", "", "", nil, nil), nil,
			"update"},
		{"drift of a field, from observed to baseline",
			desired("h1", spec64, sluice.DeletionDelete, ownTags("h1")),
			last("h1", spec64, `{"maxvCpus":64,"role":"arn:aws:iam::1:role/r","filled":1}`, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, Tags: ownTags("h1"), Spec: json.RawMessage(`{"maxvCpus":16,"role":"arn:aws:iam::1:role/r","filled":1}`)},
			"update drift\nspec.maxvCpus: 16 -> 64"},
		{"drift: a user tag removed by hand",
			desired("h1", spec64, sluice.DeletionDelete, ownTags("h1")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, Tags: without(ownTags("h1"), "team"), Spec: json.RawMessage(spec64)},
			"update drift\ntags.team: - -> \"ml\""},
		{"drift: an ownership tag removed by hand",
			desired("h1", spec64, sluice.DeletionDelete, ownTags("h1")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, Tags: without(ownTags("h1"), sluice.TagSpecHash), Spec: json.RawMessage(spec64)},
			"update drift\ntags[\"sluice.dev/spec-hash\"]: - -> \"h1\""},
		{"tags against the applied ones when none were read back",
			desired("h1", spec64, sluice.DeletionDelete, ownTags("h1")),
			last("h1", spec64, "", ownTags("h1"), nil),
			&sluice.Observation{Exists: true, Tags: without(ownTags("h1"), "team"), Spec: json.RawMessage(spec64)},
			"update drift\ntags.team: - -> \"ml\""},
		{"no tag baseline recorded: tags not compared",
			desired("h1", spec64, sluice.DeletionDelete, ownTags("h1")),
			last("h1", spec64, spec64, nil, nil),
			&sluice.Observation{Exists: true, Spec: json.RawMessage(spec64)},
			""},
		{"no tags read back after the apply: tags not compared",
			desired("h1", spec64, sluice.DeletionDelete, ownTags("h1")),
			last("h1", spec64, spec64, ownTags("h1"), map[string]string{}),
			&sluice.Observation{Exists: true, Tags: ownTags("h1"), Spec: json.RawMessage(spec64)},
			""},
		{"the same observed: nothing",
			desired("h1", spec64, sluice.DeletionDelete, ownTags("h1")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, Tags: ownTags("h1"), Spec: json.RawMessage(spec64)},
			""},
		{"deletion policy only: recorded, no AWS call",
			desired("h1", spec64, sluice.DeletionRetain, ownTags("h1")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, Tags: ownTags("h1"), Spec: json.RawMessage(spec64)},
			"update record-only\ndeletion: \"delete\" -> \"retain\""},
		{"deletion policy with drift: both",
			desired("h1", spec64, sluice.DeletionRetain, ownTags("h1")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, Tags: ownTags("h1"), Spec: json.RawMessage(`{"maxvCpus":8,"role":"arn:aws:iam::1:role/r"}`)},
			"update drift\nspec.maxvCpus: 8 -> 64\ndeletion: \"delete\" -> \"retain\""},
		{"deletion policy with a change in the documents: both",
			desired("h2", `{"maxvCpus":32,"role":"arn:aws:iam::1:role/r"}`, sluice.DeletionRetain, ownTags("h2")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")), nil,
			"update\nspec.maxvCpus: 64 -> 32\ndeletion: \"delete\" -> \"retain\""},
		{"a change in the documents and drift of other fields: both, the drifted ones marked",
			desired("h2", `{"maxvCpus":32,"role":"arn:aws:iam::1:role/r"}`, sluice.DeletionDelete, ownTags("h2")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, Tags: without(ownTags("h1"), "team"), Spec: json.RawMessage(`{"maxvCpus":64,"role":"arn:aws:iam::1:role/hand"}`)},
			"update drift\nspec.maxvCpus: 64 -> 32\nspec.role: \"arn:aws:iam::1:role/hand\" -> \"arn:aws:iam::1:role/r\" (drifted)\ntags.team: - -> \"ml\" (drifted)"},
		{"a field changed in the documents and by hand: listed once, from what AWS holds, marked",
			desired("h2", `{"maxvCpus":32,"role":"arn:aws:iam::1:role/r"}`, sluice.DeletionDelete, ownTags("h2")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, Tags: ownTags("h1"), Spec: json.RawMessage(`{"maxvCpus":8,"role":"arn:aws:iam::1:role/r"}`)},
			"update drift\nspec.maxvCpus: 8 -> 32 (drifted)"},
		{"a change in the documents, the resource in progress: no drift read",
			desired("h2", `{"maxvCpus":32,"role":"arn:aws:iam::1:role/r"}`, sluice.DeletionDelete, ownTags("h2")),
			last("h1", spec64, spec64, ownTags("h1"), ownTags("h1")),
			&sluice.Observation{Exists: true, InProgress: true, Tags: ownTags("h1"), Spec: json.RawMessage(`{"maxvCpus":64,"role":"arn:aws:iam::1:role/hand"}`)},
			"update\nspec.maxvCpus: 64 -> 32"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := reconcile.PlanInput{Desired: []sluice.Resource{tc.desired}, Applied: []reconcile.Applied{tc.applied}}
			if tc.observed != nil {
				in.Observed = map[sluice.ResourceID]sluice.Observation{tc.desired.ID: *tc.observed}
			}
			p := reconcile.ComputePlan(in)
			got := ""
			if len(p.Changes) > 1 {
				t.Fatalf("%d changes, want at most one: %+v", len(p.Changes), p.Changes)
			}
			for _, c := range p.Changes {
				got = string(c.Action)
				if c.Drift {
					got += " drift"
				}
				if c.RecordOnly {
					got += " record-only"
				}
				if f := fieldText(c.Fields); f != "" {
					got += "\n" + f
				}
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestDeletionPolicyRecorded: changing only a store's deletion policy is
// an update that calls no backend and is recorded, so that removing the
// document later retains the store instead of deleting it.
func TestDeletionPolicyRecorded(t *testing.T) {
	w := newWorld()
	bucket := owned("Bucket/art", "p-dev-art", "1")
	for _, r := range w.cycle(t, []sluice.Resource{bucket}, true) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
	before := len(w.backend.mutations())
	bucket.Deletion = sluice.DeletionRetain
	results := w.cycle(t, []sluice.Resource{bucket}, true)
	if len(results) != 1 || results[0].Change.Action != reconcile.ActionUpdate || !results[0].Change.RecordOnly || results[0].Err != nil {
		t.Fatalf("results %+v, want one record-only update that succeeded", results)
	}
	if got := w.backend.mutations()[before:]; len(got) != 0 {
		t.Errorf("a deletion policy change called the backend: %v", got)
	}
	if a := w.store.inventory[bucket.ID]; a.Deletion != sluice.DeletionRetain {
		t.Fatalf("recorded deletion policy %q, want retain", a.Deletion)
	}
	if again := w.cycle(t, []sluice.Resource{bucket}, true); len(again) != 0 {
		t.Errorf("the recorded policy is planned again: %+v", again)
	}
	gone := w.cycle(t, []sluice.Resource{owned("Bucket/other", "p-dev-other", "1")}, true)
	for _, r := range gone {
		if r.Change.ID == bucket.ID && r.Change.Action != reconcile.ActionRetain {
			t.Errorf("removed from the documents: %s, want retain", r.Change.Action)
		}
	}
	if _, ok := w.backend.objects["p-dev-art"]; !ok {
		t.Error("the bucket meant to be retained was deleted")
	}
}

// clampBackend is a memBackend whose service takes at most 16 for
// maxvCpus and fills in a default the spec does not set, as Batch or
// kumo may.
type clampBackend struct{ *memBackend }

func (b clampBackend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	o, err := b.memBackend.Observe(ctx, t)
	if err != nil || !o.Exists {
		return o, err
	}
	m := map[string]any{}
	_ = json.Unmarshal(o.Spec, &m)
	if v, ok := m["maxvCpus"].(float64); ok && v > 16 {
		m["maxvCpus"] = 16
	}
	m["serviceDefault"] = "filled"
	o.Spec, _ = json.Marshal(m)
	return o, nil
}

// TestChangeNotTakenIsDrift: after an apply, a field the service reports
// with another value than asked stays drift in the next plan, with the
// field; a default the service fills in does not.
func TestChangeNotTakenIsDrift(t *testing.T) {
	tests := []struct {
		name, spec, want string
	}{
		{"taken: only a filled-in default differs", `{"maxvCpus":8}`, ""},
		{"not taken: clamped", `{"maxvCpus":64}`, "spec.maxvCpus: 16 -> 64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			b := clampBackend{w.backend}
			for typ := range w.applier.Backends {
				w.applier.Backends[typ] = b
			}
			ce := owned("ComputeEnvironment/ce", "p-dev-ce", "1")
			ce.Spec = json.RawMessage(tc.spec)
			for _, r := range w.cycle(t, []sluice.Resource{ce}, true) {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
			}
			obs, _ := b.Observe(context.Background(), sluice.Target{Resource: ce})
			p := reconcile.ComputePlan(reconcile.PlanInput{Desired: []sluice.Resource{ce}, Applied: w.store.applied(),
				Observed: map[sluice.ResourceID]sluice.Observation{ce.ID: obs}})
			got := ""
			for _, c := range p.Changes {
				if !c.Drift {
					t.Errorf("%s %s is not drift", c.Action, c.ID)
				}
				got = fieldText(c.Fields)
			}
			if got != tc.want {
				t.Errorf("next plan's fields:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestBaseline(t *testing.T) {
	tests := []struct {
		name, asked, observed, want string
	}{
		{"same", `{"a":1}`, `{"a":1}`, `{"a":1}`},
		{"service default kept", `{"a":1}`, `{"a":1,"d":"x"}`, `{"a":1,"d":"x"}`},
		{"clamped value keeps the one asked", `{"a":{"max":64,"min":0}}`, `{"a":{"max":16,"min":0}}`, `{"a":{"max":64,"min":0}}`},
		{"list not taken keeps the list asked", `{"l":["a","b"]}`, `{"l":["a"]}`, `{"l":["a","b"]}`},
		{"field not reported is left out", `{"a":1,"password":true}`, `{"a":1}`, `{"a":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := reconcile.Baseline(json.RawMessage(tc.asked), json.RawMessage(tc.observed))
			if !reconcile.SameJSON(got, json.RawMessage(tc.want)) {
				t.Errorf("baseline %s, want %s", got, tc.want)
			}
		})
	}
}

func TestBaselineTags(t *testing.T) {
	asked := ownTags("h1")
	other := ownTags("h1")
	other["team"] = "x"
	extra := ownTags("h1")
	extra["x"] = "1"
	tests := []struct {
		name     string
		observed map[string]string
		userTags bool
		want     map[string]string
	}{
		{"all taken", ownTags("h1"), true, ownTags("h1")},
		{"a tag added by the service is kept", extra, true, extra},
		{"user tag missing keeps the one asked", without(ownTags("h1"), "team"), true, ownTags("h1")},
		{"user tag with another value keeps the one asked", other, true, ownTags("h1")},
		{"ownership tag missing keeps the one asked", without(ownTags("h1"), sluice.TagSpecHash), true, ownTags("h1")},
		{"user tags of a type the backend cannot tag are not compared", without(ownTags("h1"), "team"), false, without(ownTags("h1"), "team")},
		{"ownership tags are, even there", without(without(ownTags("h1"), "team"), sluice.TagResource), false, without(ownTags("h1"), "team")},
		{"no tags reported: not compared", nil, true, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := reconcile.BaselineTags(asked, tc.observed, tc.userTags); !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
