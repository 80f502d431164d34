package rollout

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/reconcile"
)

// A Desired compiled through a cache made by compile.NewHashCache (the
// daemon's) holds its resources without specs and tags: enough to plan,
// as a plan compares spec hashes. The specs (and tags) a plan or an apply
// reads are compiled again, for the pipelines they come from only: those of the updates
// before planning (their fields compare specs), those of any other change
// to an applied resource (what drifted; a deletion's hold reads what
// refers to it) before planning again, and those of every change before
// applying.

// fillSpecs gives each resource need selects its spec when it has none.
func (d *Desired) fillSpecs(need func(*sluice.Resource) bool) error {
	if d.Snapshot == nil || d.Snapshot.Project == nil {
		return nil
	}
	in := compile.Input{Project: d.Snapshot.Project, Documents: d.docs, Env: d.Env, Revision: d.Revision}
	return compile.FillSpecs(in, d.Resources, need)
}

// DropSpecs forgets the specs and tags of d's resources but those of the
// updates and replacements of the plans in keep (plans shown with their
// notes, which compare specs): a daemon keeps d between reconciles, and
// specs and tags are compiled again when a plan or an apply needs them.
func (d *Desired) DropSpecs(keep ...reconcile.Plan) {
	kept := map[sluice.ResourceID]bool{}
	for _, p := range keep {
		for _, c := range p.Changes {
			if c.Action == reconcile.ActionUpdate || c.Action == reconcile.ActionReplace {
				kept[c.ID] = true
			}
		}
	}
	for i := range d.Resources {
		if !kept[d.Resources[i].ID] {
			d.Resources[i].Spec, d.Resources[i].Tags = nil, nil
		}
	}
}

// ReleaseDocuments releases the content of the snapshot's pipelines
// (project.Snapshot.ReleasePipelines): the specs a later plan or apply
// needs are then compiled from the pipelines' sources, read again.
func (d *Desired) ReleaseDocuments() {
	if d.Snapshot != nil {
		d.Snapshot.ReleasePipelines()
	}
}

// computePlan plans p, first compiling the specs of the desired
// resources whose hash differs from the one last applied, then, if the
// plan changes an applied resource whose spec is still missing, that
// spec, and plans again.
func (e *Env) computePlan(p *Planned, o planOptions) error {
	applied := make(map[sluice.ResourceID]string, len(p.Applied))
	for _, a := range p.Applied {
		applied[a.ID] = a.SpecHash
	}
	changed := func(r *sluice.Resource) bool {
		hash, ok := applied[r.ID]
		return ok && hash != r.Hash
	}
	if err := p.Desired.fillSpecs(changed); err != nil {
		return err
	}
	p.Plan = reconcile.ComputePlan(e.planInput(p, o))
	again := map[sluice.ResourceID]bool{}
	for _, c := range p.Plan.Changes {
		if c.Desired != nil && c.Applied != nil && c.Desired.Spec == nil {
			again[c.ID] = true
		}
	}
	if len(again) == 0 {
		return nil
	}
	if err := p.Desired.fillSpecs(func(r *sluice.Resource) bool { return again[r.ID] }); err != nil {
		return err
	}
	p.Plan = reconcile.ComputePlan(e.planInput(p, o))
	return nil
}

// fillChanges compiles the specs of the resources plan creates or
// changes, before they are applied.
func (d *Desired) fillChanges(plan reconcile.Plan) error {
	changes := map[sluice.ResourceID]bool{}
	for _, c := range plan.Changes {
		if c.Desired != nil {
			changes[c.ID] = true
		}
	}
	return d.fillSpecs(func(r *sluice.Resource) bool { return changes[r.ID] })
}
