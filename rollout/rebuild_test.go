package rollout

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// tagless is a backend that cannot carry user tags (as the scheduler's).
type tagless struct{ reconcile.Backend }

func (tagless) CarriesUserTags(sluice.ResourceType) bool { return false }

// TestRebuiltBaseline: a rebuilt record whose spec-hash tag matches the
// documents is compared with the desired spec and tags, so that drift
// made while the state file was gone shows, field by field; one whose tag
// matches nothing is planned as an update; a type whose backend carries
// no user tags is not taken to have lost them.
func TestRebuiltBaseline(t *testing.T) {
	const spec = `{"maxvCpus":64,"region":"${aws.region}"}`
	resolved := json.RawMessage(`{"maxvCpus":64,"region":"eu-west-1"}`)
	tags := func(id, hash string) map[string]string {
		return map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "p", sluice.TagEnvironment: "dev",
			sluice.TagResource: id, sluice.TagSpecHash: hash, "team": "ml"}
	}
	tests := []struct {
		name, id, tagHash string
		typ               sluice.ResourceType
		observed          sluice.Observation
		want              string // "action: fields" or ""
	}{
		{"unchanged", "ComputeEnvironment/a", "h1", sluice.TypeComputeEnvironment,
			sluice.Observation{Exists: true, Spec: resolved, Tags: tags("ComputeEnvironment/a", "h1")}, ""},
		{"a field changed while the state was gone", "ComputeEnvironment/a", "h1", sluice.TypeComputeEnvironment,
			sluice.Observation{Exists: true, Spec: json.RawMessage(`{"maxvCpus":16,"region":"eu-west-1"}`), Tags: tags("ComputeEnvironment/a", "h1")},
			"update: spec.maxvCpus"},
		{"a user tag removed while the state was gone", "ComputeEnvironment/a", "h1", sluice.TypeComputeEnvironment,
			sluice.Observation{Exists: true, Spec: resolved, Tags: func() map[string]string {
				m := tags("ComputeEnvironment/a", "h1")
				delete(m, "team")
				return m
			}()},
			"update: tags.team"},
		{"the spec-hash tag matches nothing", "ComputeEnvironment/a", "other", sluice.TypeComputeEnvironment,
			sluice.Observation{Exists: true, Spec: resolved, Tags: tags("ComputeEnvironment/a", "other")}, "update: "},
		{"user tags of a schedule are not carried", "Schedule/s", "h1", sluice.TypeSchedule,
			sluice.Observation{Exists: true, Spec: resolved, Tags: func() map[string]string {
				m := tags("Schedule/s", "h1")
				delete(m, "team")
				return m
			}()}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			found := []sluice.Observation{{Exists: true, ARN: "arn:aws:x:eu-west-1:1:thing/" + tc.id, Tags: tags(tc.id, tc.tagHash)}}
			applied, err := reconcile.Rebuild(found)
			if err != nil {
				t.Fatal(err)
			}
			desired := sluice.Resource{ID: sluice.ResourceID(tc.id), Type: tc.typ, Name: applied[0].Name, Source: "X/a", File: "deploy/a.yaml",
				DependsOn: []sluice.ResourceID{"JobQueue/q"},
				Deletion:  sluice.DeletionDelete, Tags: tags(tc.id, "h1"), Spec: json.RawMessage(spec), Hash: "h1"}
			completeFromDesired(applied, []sluice.Resource{desired}, map[string]string{"${aws.region}": "eu-west-1"})
			tagBaselines(applied, map[sluice.ResourceType]reconcile.Backend{sluice.TypeSchedule: tagless{}})
			p := reconcile.ComputePlan(reconcile.PlanInput{Desired: []sluice.Resource{desired}, Applied: applied,
				Observed: map[sluice.ResourceID]sluice.Observation{desired.ID: tc.observed}})
			got := ""
			for _, c := range p.Changes {
				var paths []string
				for _, f := range c.Fields {
					paths = append(paths, f.Path)
				}
				got = string(c.Action) + ": " + strings.Join(paths, ", ")
			}
			if got != tc.want {
				t.Errorf("plan from the rebuilt inventory: %q, want %q (%+v)", got, tc.want, p.Changes)
			}
			if tc.tagHash != "h1" && (applied[0].Tags != nil || applied[0].Spec != nil || applied[0].File != "") {
				t.Errorf("a record whose spec-hash tag matches nothing took the desired spec, tags or file: %+v", applied[0])
			}
			// A record whose tag matches was applied from the documents'
			// file, so that holds by file cover it (not every file's hold).
			if tc.tagHash == "h1" && (applied[0].File != "deploy/a.yaml" || len(applied[0].DependsOn) != 1) {
				t.Errorf("a rebuilt record matching the documents: file %q, depends on %v; want deploy/a.yaml and JobQueue/q", applied[0].File, applied[0].DependsOn)
			}
		})
	}
}
