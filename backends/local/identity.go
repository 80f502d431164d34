package local

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// recorded returns t addressed by the identity Sluice recorded for it,
// as the reconcile.Backend contract asks of Observe: with t.ARN set, the
// name is the one that ARN carries (the resource Sluice created, even
// when the documents now give it another name, as after a rename of the
// project); without it, t as it is.
func recorded(t sluice.Target) sluice.Target {
	if t.ARN == "" {
		return t
	}
	name := reconcile.NameFromARN(t.Type, t.ARN)
	if name != "" {
		t.Name = name
	}
	return t
}

// isRecorded reports whether r is the resource t's recorded identity
// names: any record without one, the record with that ARN, or, for a
// job definition, any revision of that name (a job submitted by name
// runs the newest ACTIVE one, as on AWS).
func isRecorded(t sluice.Target, r *record) bool {
	if t.ARN == "" || r.ARN == t.ARN || t.Type == sluice.TypeJobDefinition {
		return true
	}
	for _, rev := range r.Revisions {
		if rev.ARN == t.ARN {
			return true
		}
	}
	return false
}
