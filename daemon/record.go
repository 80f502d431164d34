package daemon

import (
	"sort"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/rollout"
)

// setDesired remembers the compiled revision (approve applies it) and
// lists its pipelines for the status, with every hold and its finding.
func (w *envWorker) setDesired(d *rollout.Desired) {
	holds := d.Holds()
	var pipelines []Pipeline
	listed := map[string]bool{}
	w.mu.Lock()
	drawn := w.mermaid
	w.mu.Unlock()
	mermaid := make(map[*dsl.Document]string, len(drawn))
	if d.Snapshot != nil {
		for _, doc := range d.Snapshot.Documents {
			if doc.Kind != dsl.KindPipeline {
				continue
			}
			p := Pipeline{Name: doc.Name, Source: doc.File, Revision: d.Revision}
			p.Finding, p.Held = holdOf(holds, doc.ID(), doc.File)
			if !p.Held {
				m, ok := drawn[doc]
				if !ok {
					m = w.repo.drawing(doc, d.Env)
				}
				p.Mermaid, mermaid[doc] = m, m
			}
			pipelines = append(pipelines, p)
			listed[doc.ID()] = true
		}
	}
	pipelines = append(pipelines, w.heldPipelines(d, holds, listed)...)
	w.mu.Lock()
	w.desired = d
	w.mermaid = mermaid
	w.status.Pipelines = pipelines
	w.status.Held = nil
	if len(holds) > 0 {
		w.status.Held = holds
	}
	w.mu.Unlock()
	w.metrics.SetHeld(w.key(), len(holds))
}

// holdOf returns the finding that holds a document, by its ID or its
// file, and whether there is one.
func holdOf(holds map[string]string, id, file string) (string, bool) {
	if why, ok := holds[id]; ok {
		return why, true
	}
	why, ok := holds[file]
	return why, ok
}

// heldPipelines lists the pipelines the snapshot no longer shows because
// their file cannot be read, from what was last applied: a held pipeline
// stays in the status, the API and the page, with its finding.
func (w *envWorker) heldPipelines(d *rollout.Desired, holds map[string]string, listed map[string]bool) []Pipeline {
	projectBroken := d.Snapshot != nil && d.Snapshot.Project == nil
	if len(d.HeldFiles) == 0 && !projectBroken {
		return nil
	}
	inventory, err := rollout.Inventory(w.store, w.key())
	if err != nil {
		w.log.Warn("reading the inventory for held pipelines", "err", err)
		return nil
	}
	var out []Pipeline
	for _, a := range inventory {
		name, ok := strings.CutPrefix(a.Source, dsl.KindPipeline+"/")
		if a.Type != sluice.TypeStateMachine || !ok || listed[a.Source] {
			continue
		}
		why, held := holds[a.File]
		switch {
		case projectBroken:
			why, held = firstHold(holds)
		case !held && a.File == "":
			why, held = firstHold(d.HeldFiles)
		}
		if held {
			out = append(out, Pipeline{Name: name, Source: a.File, Held: true, Finding: why})
			listed[a.Source] = true
		}
	}
	return out
}

func firstHold(holds map[string]string) (string, bool) {
	keys := make([]string, 0, len(holds))
	for k := range holds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return "", false
	}
	return holds[keys[0]], true
}

// planChanged returns the outcome of an approved apply whose plan is not
// the one approved: nothing was applied, the new plan waits for approval
// in its place.
func (w *envWorker) planChanged(err *rollout.PlanChangedError) outcome {
	w.mu.Lock()
	w.approved = ""
	w.mu.Unlock()
	w.recordPlan(err.Planned, false)
	rev := err.Planned.Desired.Revision
	return outcome{result: resultWaiting, state: StateWaitingApproval, message: err.Error(), revision: rev, done: true, success: true,
		pending: &PendingPlan{Revision: rev, Plan: err.Planned.Plan, Computed: w.clock()}, setPending: true}
}

// syncedUnlessHolding is the state of an environment with nothing left
// to apply: synced, or holding when findings hold anything.
func syncedUnlessHolding(d *rollout.Desired) string {
	if d.Holding() {
		return StateHolding
	}
	return StateSynced
}

// recordPlan exports what a plan found (drifted resources) and what
// the environment manages: the inventory after an apply, the inventory
// plus what the plan would create before one.
func (w *envWorker) recordPlan(p *rollout.Planned, applied bool) {
	inventory := p.Applied
	if applied {
		if now, err := rollout.Inventory(w.store, w.key()); err == nil {
			inventory = now
		}
	}
	byKind := map[string]int{}
	known := map[sluice.ResourceID]bool{}
	for _, a := range inventory {
		byKind[string(a.Type)]++
		known[a.ID] = true
	}
	if !applied {
		for _, r := range p.Desired.Resources {
			if !known[r.ID] {
				byKind[string(r.Type)]++
			}
		}
	}
	drifted := p.Plan.Drifted()
	w.mu.Lock()
	w.status.Drifted, w.status.Managed = drifted, sum(byKind)
	w.mu.Unlock()
	w.metrics.SetManaged(w.key(), byKind)
	w.metrics.SetDrifted(w.key(), drifted)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// recordOperations counts each mutating change by kind, action and
// result, and logs what a change left in place on purpose (job
// definition revisions that are not Sluice's: reconcile.Result.Note).
func (w *envWorker) recordOperations(out *rollout.Outcome) {
	for _, r := range out.Results {
		if r.Note != "" {
			w.log.Info("change done, something left in place", "revision", out.Desired.Revision, "resource", string(r.Change.ID),
				"action", string(r.Change.Action), "note", r.Note)
		}
		if !r.Change.Action.Mutates() {
			continue
		}
		result := metrics.OperationSucceeded
		if r.Err != nil {
			result = metrics.OperationFailed
			if rollout.InProgress(r.Err) {
				result = metrics.OperationWaiting
			}
		}
		kind, _, _ := strings.Cut(string(r.Change.ID), "/")
		w.metrics.Operation(w.key(), kind, string(r.Change.Action), result)
	}
}

// mermaidOf draws a valid pipeline's step graph as Mermaid, "" when it
// cannot be drawn.
func mermaidOf(doc *dsl.Document, env string) string {
	spec, err := doc.PipelineSpec(env)
	if err != nil {
		return ""
	}
	g, ds := graph.Build(spec, func(path ...string) sluice.Position {
		return doc.LocateIn(env, false, append([]string{"spec"}, path...)...)
	})
	if ds.HasErrors() {
		return ""
	}
	g.Name = doc.Name
	return graph.Mermaid(g)
}
