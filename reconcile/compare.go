package reconcile

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice"
)

// SameJSON reports whether two JSON documents mean the same: equal after
// decoding, with null, empty strings, empty lists and empty objects
// treated as absent. Sets (security groups, tag lists) are the backends'
// to normalise: they return observations in the desired spec's shape and
// order. Invalid JSON is never the same as anything.
func SameJSON(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(dropEmpty(va), dropEmpty(vb))
}

func dropEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			if item = dropEmpty(item); item != nil {
				out[k] = item
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = dropEmpty(item)
		}
		return out
	case string:
		if x == "" {
			return nil
		}
	}
	return v
}

// changedFields lists what a change in the documents changes: the spec's
// fields (desired against the spec last applied), the physical name, the
// tags (but the spec-hash tag, which every such change moves) and the
// deletion policy. Spec fields are left out when the spec last applied
// is unknown, tags when the tags last applied are.
func changedFields(r *sluice.Resource, a *Applied) []FieldDiff {
	var out []FieldDiff
	if a.Name != r.Name && a.Name != "" {
		out = append(out, FieldDiff{Path: "name", Old: jsonOf(a.Name), New: jsonOf(r.Name)})
	}
	if len(a.Spec) > 0 {
		out = append(out, diffDesired(a.Spec, r.Spec)...)
	}
	if a.Tags != nil {
		out = append(out, DiffTags(withoutHash(a.Tags), withoutHash(r.Tags))...)
	}
	return append(out, deletionFields(a, r)...)
}

// driftFields lists what differs between what AWS reports and the
// baseline, from the observed value to the baseline's: the spec's fields
// and the tags, Sluice's ownership tags included. Tags are not compared
// when their baseline is empty: none were recorded, or the service
// reported none (see BaselineTags).
func driftFields(a *Applied, obs sluice.Observation) []FieldDiff {
	out := a.specDrift(obs.Spec)
	if base := a.baselineTags(); len(base) > 0 {
		out = append(out, DiffTags(obs.Tags, base)...)
	}
	return out
}

// alsoDrifted lists, for a resource changed in the documents, the fields
// that drifted outside Sluice (see driftFields) and that the change in
// the documents does not cover (changed: its fields), marked Drift, so
// that a plan shows both. A field of changed that drifted too (the same
// path) takes the observed value as its old one, what is there now, and
// is marked Drift. Nothing when obs was not read, is missing or in
// progress.
func alsoDrifted(a *Applied, obs sluice.Observation, changed []FieldDiff) []FieldDiff {
	if !obs.Exists || obs.InProgress || len(obs.Spec) == 0 {
		return nil
	}
	var out []FieldDiff
	for _, f := range driftFields(a, obs) {
		if i := slices.IndexFunc(changed, func(c FieldDiff) bool { return c.Path == f.Path }); i >= 0 {
			if !changed[i].Sensitive {
				changed[i].Old = f.Old
			}
			changed[i].Drift = true
			continue
		}
		if covers(changed, f.Path) {
			continue
		}
		f.Drift = true
		out = append(out, f)
	}
	return out
}

// covers reports whether one of fields is path, or contains it, or lies
// within it.
func covers(fields []FieldDiff, path string) bool {
	within := func(inner, outer string) bool {
		return strings.HasPrefix(inner, outer) && len(inner) > len(outer) && (inner[len(outer)] == '.' || inner[len(outer)] == '[')
	}
	for _, f := range fields {
		if f.Path == path || within(path, f.Path) || within(f.Path, path) {
			return true
		}
	}
	return false
}

// deletionFields is the deletion policy's field when it changes.
func deletionFields(a *Applied, r *sluice.Resource) []FieldDiff {
	if a.Deletion == r.Deletion {
		return nil
	}
	return []FieldDiff{deletionDiff(a.Deletion, r.Deletion)}
}

// withoutHash returns tags without the spec-hash tag.
func withoutHash(tags map[string]string) map[string]string {
	if _, ok := tags[sluice.TagSpecHash]; !ok {
		return tags
	}
	out := maps.Clone(tags)
	delete(out, sluice.TagSpecHash)
	return out
}

// baselineTags are the tags drift is measured against: those read back
// after the last apply, else those applied.
func (a *Applied) baselineTags() map[string]string {
	if a.ObservedTags != nil {
		return a.ObservedTags
	}
	return a.Tags
}
