package reconcile

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice"
)

// CheckBackends reports, in one error, every resource type of the
// registry (sluice.Types) that backends has no backend for and every
// backend keyed by a type the registry does not know; nil when backends
// covers the registry exactly. local selects the types the local backend
// must cover (TypeInfo.Local) instead of all of them.
func CheckBackends(backends map[sluice.ResourceType]Backend, local bool) error {
	var problems []string
	known := map[sluice.ResourceType]bool{}
	for _, info := range sluice.Types() {
		known[info.Type] = true
		if local && !info.Local {
			continue
		}
		if backends[info.Type] == nil {
			problems = append(problems, fmt.Sprintf("no backend for %s", info.Type))
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(backends)) {
		if !known[typ] {
			problems = append(problems, fmt.Sprintf("a backend for %s, %v", typ, sluice.ErrUnknownType))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("backends: %s", strings.Join(problems, "; "))
	}
	return nil
}
