package reconcile

import (
	"context"
	"fmt"

	"github.com/sluice-dev/sluice"
)

// PendingOp is an operation the journal still holds at start: the process
// that began it died before it was known to be finished.
type PendingOp struct {
	Seq    uint64
	ID     sluice.ResourceID
	Action Action
	// Name is the physical name the operation acted on.
	Name string
	// SpecHash is the hash of the spec being applied.
	SpecHash string
	// Source is the document (Kind/name) the resource comes from.
	Source string
}

// Recover settles what a crash left in the journal, before anything is
// planned: a resource that a pending create, update or replace made (found
// by its name and carrying Sluice's ownership tags) enters the inventory,
// so that it is updated, kept or pruned like any other and never left in
// AWS untracked (one the crash left untagged is finished, see
// finishCreate); a resource a pending delete removed leaves it. Each op is
// then closed. An op whose resource cannot be read stays open and its
// error is returned, so the next start tries again.
func (a *Applier) Recover(ctx context.Context, ops []PendingOp, inventory map[sluice.ResourceID]bool) error {
	for _, op := range ops {
		if err := a.recoverOne(ctx, op, inventory[op.ID]); err != nil {
			return fmt.Errorf("recover %s %s: %w", op.Action, op.ID, err)
		}
		if err := a.Store.EndOp(op.Seq); err != nil {
			return err
		}
	}
	return nil
}

func (a *Applier) recoverOne(ctx context.Context, op PendingOp, known bool) error {
	info, err := sluice.TypeOfID(op.ID)
	if err != nil {
		return err
	}
	typ := info.Type
	b, ok := a.Backends[typ]
	if !ok {
		return sluice.Stalled(fmt.Errorf("no backend handles %s resources in this environment", typ))
	}
	if op.Name == "" {
		return nil
	}
	t := sluice.Target{Resource: sluice.Resource{ID: op.ID, Type: typ, Name: op.Name}}
	obs, err := b.Observe(ctx, t)
	if err != nil {
		return err
	}
	switch {
	case op.Action == ActionDelete && !obs.Exists:
		return a.Store.Forget(op.ID)
	case op.Action != ActionDelete && !known && obs.Exists && obs.Owned(a.Project, a.Env, op.ID):
		return a.Store.Save(Applied{ID: op.ID, Type: typ, Name: op.Name, ARN: obs.ARN, Source: op.Source,
			SpecHash: op.SpecHash, Deletion: info.Deletion})
	case op.Action == ActionCreate && !known && obs.Exists && obs.Tags != nil && len(obs.Tags) == 0:
		return a.finishCreate(ctx, b, t, op, obs, info.Deletion)
	}
	return nil
}

// finishCreate takes in a resource that a pending create made and the
// crash left untagged: a service that tags in a call of its own (S3
// tags a bucket after creating it) may have made it when the process
// died. The journal proves Sluice began creating that very name, and a
// resource without a single tag was tagged by nobody since, so it is
// the remains of that create: it is tagged as Sluice's and enters the
// inventory (its spec is brought in line by the next plan). A resource
// carrying any tag is someone else's and is left alone.
func (a *Applier) finishCreate(ctx context.Context, b Backend, t sluice.Target, op PendingOp, obs sluice.Observation, deletion sluice.DeletionPolicy) error {
	ad, ok := b.(Adopter)
	if !ok {
		return nil
	}
	t.Tags = sluice.OwnershipTags(a.Project, a.Env, op.ID, op.SpecHash)
	obs, err := ad.Adopt(ctx, t, obs)
	if err != nil {
		return err
	}
	return a.Store.Save(Applied{ID: op.ID, Type: t.Type, Name: op.Name, ARN: obs.ARN, Source: op.Source,
		SpecHash: op.SpecHash, Deletion: deletion})
}
