package daemon

import (
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/rollout"
)

// setDesired remembers the compiled revision (approve applies it) and
// lists its pipelines for the status.
func (w *envWorker) setDesired(d *rollout.Desired) {
	var pipelines []Pipeline
	if d.Snapshot != nil {
		for _, doc := range d.Snapshot.Documents {
			if doc.Kind != dsl.KindPipeline {
				continue
			}
			p := Pipeline{Name: doc.Name, Source: doc.File, Held: d.Held[doc.ID()], Revision: d.Revision}
			if !p.Held {
				p.Mermaid = mermaidOf(doc, d.Env)
			}
			pipelines = append(pipelines, p)
		}
	}
	w.mu.Lock()
	w.desired = d
	w.status.Pipelines = pipelines
	w.status.Held = nil
	if len(d.Held) > 0 {
		w.status.Held = map[string]string{}
		for _, f := range d.Findings {
			if f.Document != "" && w.status.Held[f.Document] == "" {
				w.status.Held[f.Document] = f.String()
			}
		}
	}
	w.mu.Unlock()
	w.metrics.SetHeld(w.cfg.Name, len(d.Held))
}

// recordPlan exports what a plan found (drifted resources) and what
// the environment manages: the inventory after an apply, the inventory
// plus what the plan would create before one.
func (w *envWorker) recordPlan(p *rollout.Planned, applied bool) {
	inventory := p.Applied
	if applied {
		if now, err := rollout.Inventory(w.store, w.cfg.Name); err == nil {
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
	w.metrics.SetManaged(w.cfg.Name, byKind)
	w.metrics.SetDrifted(w.cfg.Name, drifted)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// recordOperations counts each mutating change by kind, action and
// result.
func (w *envWorker) recordOperations(out *rollout.Outcome) {
	for _, r := range out.Results {
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
		w.metrics.Operation(w.cfg.Name, kind, string(r.Change.Action), result)
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
