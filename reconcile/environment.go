package reconcile

import (
	"fmt"
	"sort"

	"github.com/sluice-dev/sluice"
)

// projectDocument is the kind of document the registry says the
// environment-wide types (the run events' queue and rule) are made from.
const projectDocument = "Project"

// environmentHold says why a, gone from the desired set, is held: it is
// of a type made for the whole environment (from the Project document:
// the run events' queue and rule, made while the environment has
// pipelines), and a document or file is held, which may be a pipeline
// whose executions still run and send their events. Nothing the
// environment's held documents may still need is pruned on bad input.
func (in PlanInput) environmentHold(a *Applied) (string, bool) {
	info, err := sluice.LookupType(a.Type)
	if err != nil || info.Document != projectDocument || (len(in.Held) == 0 && len(in.HeldFiles) == 0) {
		return "", false
	}
	var held []string
	for doc, ok := range in.Held {
		if ok {
			held = append(held, doc)
		}
	}
	for file := range in.HeldFiles {
		held = append(held, file)
	}
	sort.Strings(held)
	return fmt.Sprintf("it serves the whole environment and %s is held: kept until every document can be read", held[0]), true
}
