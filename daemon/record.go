package daemon

import (
	"hash/fnv"
	"sort"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/rollout"
)

// driftShares is how many shares a drift check is spread over: every
// drift interval, each applied resource is read back once, a share at a
// time, so that reads are spread over the interval instead of spent in
// one burst against the account's API quotas.
const driftShares = 10

// takeDrift reports whether this reconcile must read applied resources
// back and which: all of them (share -1) when a check was asked for, one
// share when the share's time has come; it schedules the next share.
func (w *envWorker) takeDrift() (due bool, share int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.clock()
	if w.drift {
		w.drift = false
		return true, -1
	}
	if w.cfg.DriftInterval <= 0 || now.Before(w.nextDrift) {
		return false, 0
	}
	if w.cfg.Sync == config.SyncManual {
		// A plan waiting for approval must show all the drift at once:
		// one full check per interval.
		w.nextDrift = now.Add(jitter(w.cfg.DriftInterval))
		return true, -1
	}
	share = w.driftShare
	w.driftShare = (w.driftShare + 1) % driftShares
	w.nextDrift = now.Add(jitter(w.cfg.DriftInterval / driftShares))
	return true, share
}

// retryDrift asks again for a full drift check that could not run.
func (w *envWorker) retryDrift(share int) {
	if share < 0 {
		w.mu.Lock()
		w.drift = true
		w.mu.Unlock()
	}
}

// refreshShare selects the applied resources of one share of a drift
// check, nil for all of them.
func refreshShare(share int) func(sluice.ResourceID) bool {
	if share < 0 {
		return nil
	}
	return func(id sluice.ResourceID) bool {
		h := fnv.New32a()
		_, _ = h.Write([]byte(id))
		return int(h.Sum32()%driftShares) == share
	}
}

func (w *envWorker) doneRevision() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.done
}

// markDone records revision as reconciled to completion: no retry is
// due until something changes.
func (w *envWorker) markDone(revision string) {
	w.mu.Lock()
	w.done, w.backoff = revision, 0
	w.mu.Unlock()
}

// setPending records the plan waiting for approval, with its hash.
func (w *envWorker) setPending(p *PendingPlan) {
	if p != nil && p.Hash == "" {
		p.Hash = rollout.PlanHash(p.Revision, p.Plan)
	}
	w.mu.Lock()
	w.status.Pending = p
	w.mu.Unlock()
}

// setDesired remembers the compiled revision (approve applies it) and
// lists its pipelines for the status, with every hold and its finding.
func (w *envWorker) setDesired(d *rollout.Desired) {
	holds := d.Holds()
	var pipelines []Pipeline
	listed := map[string]bool{}
	if d.Snapshot != nil {
		for _, doc := range d.Snapshot.Documents {
			if doc.Kind != dsl.KindPipeline {
				continue
			}
			p := Pipeline{Name: doc.Name, Source: doc.File, Revision: d.Revision}
			p.Finding, p.Held = holdOf(holds, doc.ID(), doc.File)
			if !p.Held {
				p.Mermaid = mermaidOf(doc, d.Env)
			}
			pipelines = append(pipelines, p)
			listed[doc.ID()] = true
		}
	}
	pipelines = append(pipelines, w.heldPipelines(d, holds, listed)...)
	w.mu.Lock()
	w.desired = d
	w.status.Pipelines = pipelines
	w.status.Held = nil
	if len(holds) > 0 {
		w.status.Held = holds
	}
	w.mu.Unlock()
	w.metrics.SetHeld(w.cfg.Name, len(holds))
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
	inventory, err := rollout.Inventory(w.store, w.cfg.Name)
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

// planChanged records that the plan an approved apply would carry out
// is not the one approved: nothing was applied, the new plan waits for
// approval in its place.
func (w *envWorker) planChanged(err *rollout.PlanChangedError) string {
	w.mu.Lock()
	w.approved = ""
	w.mu.Unlock()
	w.recordPlan(err.Planned, false)
	w.setPending(&PendingPlan{Revision: err.Planned.Desired.Revision, Plan: err.Planned.Plan, Computed: w.clock()})
	w.setState(StateWaitingApproval, err.Error())
	return resultWaiting
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
