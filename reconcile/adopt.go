package reconcile

import (
	"context"
	"maps"

	"github.com/sluice-dev/sluice"
)

// Adopter is implemented by backends that can take back a resource that
// lost Sluice's ownership marks (`sluice adopt`).
type Adopter interface {
	// Adopt sets t.Tags (Sluice's ownership tags among them) on the
	// resource current describes, keeping the tags it has beside them
	// and changing nothing else where the service allows it, and
	// returns current with its new tags. Errors carry a retry decision.
	Adopt(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error)
}

// AdoptedTags returns the tags a resource carries once adopted: those it
// has, with t's over them.
func AdoptedTags(t sluice.Target, current sluice.Observation) map[string]string {
	out := maps.Clone(current.Tags)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, t.Tags)
	return out
}
