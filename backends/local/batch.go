package local

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice"
)

// Batch statuses the local records report.
const (
	statusValid    = "VALID"
	statusActive   = "ACTIVE"
	statusInactive = "INACTIVE"
)

// ceSpec is what the local backend reads of a CreateComputeEnvironment
// input.
type ceSpec struct {
	Type             string `json:"type"`
	State            string `json:"state"`
	ComputeResources *struct {
		Type     string  `json:"type"`
		MaxvCpus float64 `json:"maxvCpus"`
	} `json:"computeResources"`
}

// vcpus is the size of the environment's slot pool: maxvCpus, or the
// machine's CPUs for an environment that sets none (UNMANAGED).
func (s ceSpec) vcpus() float64 {
	if s.ComputeResources != nil && s.ComputeResources.MaxvCpus > 0 {
		return s.ComputeResources.MaxvCpus
	}
	return float64(runtime.NumCPU())
}

// jqSpec is what the local backend reads of a CreateJobQueue input.
type jqSpec struct {
	State string    `json:"state"`
	Order []ceOrder `json:"computeEnvironmentOrder"`
}

// ceOrder is one entry of a queue's computeEnvironmentOrder.
type ceOrder struct {
	ComputeEnvironment string `json:"computeEnvironment"`
	Order              int    `json:"order"`
}

// environments returns the names of the queue's compute environments,
// by order (ARNs reduced to names).
func (s jqSpec) environments() []string {
	order := slices.Clone(s.Order)
	slices.SortStableFunc(order, func(a, b ceOrder) int { return a.Order - b.Order })
	out := make([]string, 0, len(order))
	for _, o := range order {
		out = append(out, lastPart(o.ComputeEnvironment, "/"))
	}
	return out
}

// lastPart returns what follows the last sep in s (s itself without one).
func lastPart(s, sep string) string { return s[strings.LastIndex(s, sep)+1:] }

func newComputeEnvironments(w *World) *kind {
	return &kind{
		w: w, typ: sluice.TypeComputeEnvironment,
		arnOf: func(t sluice.Target) string { return arn("batch", "compute-environment/"+t.Name) },
		check: func(t sluice.Target) error {
			var s ceSpec
			if err := json.Unmarshal(t.Spec, &s); err != nil {
				return invalidSpec(t, err)
			}
			return nil
		},
		replace: func(old, desired json.RawMessage) bool {
			var o, d ceSpec
			_ = json.Unmarshal(old, &o)
			_ = json.Unmarshal(desired, &d)
			return o.Type != d.Type || crType(o) != crType(d)
		},
		stored:    func(r *record) { r.Status = statusValid },
		deletable: func(r *record) error { return w.unrelated(r.Name) },
	}
}

func crType(s ceSpec) string {
	if s.ComputeResources == nil {
		return ""
	}
	return s.ComputeResources.Type
}

// unrelated returns a waiting error while a job queue still names the
// compute environment ce, as Batch refuses to delete it then.
func (w *World) unrelated(ce string) error {
	queues, err := w.list(sluice.TypeJobQueue)
	if err != nil {
		return err
	}
	for _, q := range queues {
		var s jqSpec
		if json.Unmarshal(q.Spec, &s) == nil && slices.Contains(s.environments(), ce) {
			return sluice.Waiting(busy, sluice.E("local.Delete: ComputeEnvironment "+ce, sluice.KindConflict,
				fmt.Errorf("job queue %s still has a relationship with it", q.Name)))
		}
	}
	return nil
}

func newJobQueues(w *World) *kind {
	return &kind{
		w: w, typ: sluice.TypeJobQueue,
		arnOf:  func(t sluice.Target) string { return arn("batch", "job-queue/"+t.Name) },
		check:  w.checkQueue,
		stored: func(r *record) { r.Status = statusValid },
	}
}

// checkQueue refuses (stalled, as Batch does) a queue that names no
// compute environment or one that does not exist.
func (w *World) checkQueue(t sluice.Target) error {
	var s jqSpec
	if err := json.Unmarshal(t.Spec, &s); err != nil {
		return invalidSpec(t, err)
	}
	if len(s.Order) == 0 {
		return invalidSpec(t, fmt.Errorf("no computeEnvironmentOrder"))
	}
	for _, ce := range s.environments() {
		r, err := w.read(sluice.TypeComputeEnvironment, ce)
		if err != nil {
			return err
		}
		if r == nil {
			return sluice.Stalled(sluice.E("local: "+string(t.ID), sluice.KindInvalid, fmt.Errorf("compute environment %s does not exist", ce)))
		}
	}
	return nil
}
