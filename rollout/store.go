package rollout

import (
	"context"
	"slices"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/statestore"
)

// envStore adapts the state store to what the reconciler needs, for one
// environment: each call is its own committed transaction, so an identity
// is on disk before the next AWS call.
type envStore struct {
	store    *statestore.Store
	env      string
	revision string
}

var (
	_ reconcile.Store      = envStore{}
	_ reconcile.BatchSaver = envStore{}
)

func (s envStore) BeginOp(c reconcile.Change) (uint64, error) {
	var seq uint64
	name := ""
	switch {
	case c.Desired != nil:
		name = c.Desired.Name
	case c.Applied != nil:
		name = c.Applied.Name
	}
	hash := ""
	if c.Desired != nil {
		hash = c.Desired.Hash
	}
	err := s.store.Update(func(tx *statestore.Tx) error {
		var err error
		seq, err = tx.BeginOp(s.env, statestore.Op{ID: c.ID, Action: string(c.Action), SpecHash: hash, Name: name, StartedAt: time.Now().UTC()})
		return err
	})
	return seq, err
}

func (s envStore) EndOp(seq uint64) error {
	return s.store.Update(func(tx *statestore.Tx) error { return tx.EndOp(s.env, seq) })
}

func (s envStore) Save(a reconcile.Applied) error {
	return s.SaveAll([]reconcile.Applied{a})
}

// SaveAll records every resource of as in one committed transaction.
func (s envStore) SaveAll(as []reconcile.Applied) error {
	now := time.Now().UTC()
	return s.store.Update(func(tx *statestore.Tx) error {
		for _, a := range as {
			if err := s.put(tx, a, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// put records a, keeping the creation time of a resource already known.
func (s envStore) put(tx *statestore.Tx, a reconcile.Applied, now time.Time) error {
	r := statestore.Record{ID: a.ID, Type: a.Type, Name: a.Name, ARN: a.ARN, Source: a.Source,
		File: a.File, DependsOn: a.DependsOn, Deletion: a.Deletion, SpecHash: a.SpecHash, Spec: a.Spec, Tags: a.Tags,
		Revision: s.revision, UpdatedAt: now}
	if len(a.Observed) > 0 || a.ObservedTags != nil {
		r.Observed, r.ObservedAt = &sluice.Observation{Exists: true, ARN: a.ARN, Spec: a.Observed, Tags: a.ObservedTags}, now
	}
	if _, known, err := tx.Resource(s.env, a.ID); err != nil {
		return err
	} else if !known {
		r.CreatedAt = now
	}
	return tx.PutResource(s.env, r)
}

func (s envStore) Forget(id sluice.ResourceID) error {
	return s.store.Update(func(tx *statestore.Tx) error { return tx.DeleteResource(s.env, id) })
}

// Inventory reads what store remembers of env as the reconciler's
// Applied records, nil for an environment it does not know.
func Inventory(store *statestore.Store, env string) ([]reconcile.Applied, error) {
	var out []reconcile.Applied
	err := store.View(func(tx *statestore.Tx) error {
		records, err := tx.Resources(env)
		out = appliedOf(records)
		return err
	})
	return out, err
}

// InventoryFirst is Inventory calling first, before the rest of the
// inventory is decoded, with the records of type typ whose IDs are
// typ's ("Type/name", as the compiler makes them): a drift check starts
// reading them back meanwhile. A record of typ with another ID is only
// in the inventory returned, which holds every record, those given to
// first included. first is not called when the inventory is empty.
func InventoryFirst(store *statestore.Store, env string, typ sluice.ResourceType, first func([]reconcile.Applied)) ([]reconcile.Applied, error) {
	var out []reconcile.Applied
	err := store.View(func(tx *statestore.Tx) error {
		records, err := tx.ResourcesFirst(env, string(typ)+"/", func(rs []statestore.Record) {
			rs = slices.DeleteFunc(rs, func(r statestore.Record) bool { return r.Type != typ })
			first(appliedOf(rs))
		})
		out = appliedOf(records)
		return err
	})
	return out, err
}

// appliedOf turns the store's records into the reconciler's.
func appliedOf(records []statestore.Record) []reconcile.Applied {
	var out []reconcile.Applied
	for _, r := range records {
		a := reconcile.Applied{ID: r.ID, Type: r.Type, Name: r.Name, ARN: r.ARN, Source: r.Source,
			File: r.File, DependsOn: r.DependsOn, SpecHash: r.SpecHash, Deletion: r.Deletion, Spec: r.Spec, Tags: r.Tags}
		if r.Observed != nil {
			// A record read back holds the tags read, none when
			// the service reported none (or an older Sluice did
			// not record them): tags are then not compared.
			a.Observed, a.ObservedTags = r.Observed.Spec, r.Observed.Tags
			if a.ObservedTags == nil {
				a.ObservedTags = map[string]string{}
			}
		}
		out = append(out, a)
	}
	return out
}

// recoverJournal settles the operations a crash left pending in env's
// journal (see reconcile.Applier.Recover) before anything is planned.
func recoverJournal(ctx context.Context, applier *reconcile.Applier, store *statestore.Store, env string) error {
	var ops []reconcile.PendingOp
	known := make(map[sluice.ResourceID]bool)
	err := store.View(func(tx *statestore.Tx) error {
		pending, err := tx.PendingOps(env)
		if err != nil {
			return err
		}
		for _, op := range pending {
			ops = append(ops, reconcile.PendingOp{Seq: op.Seq, ID: op.ID, Action: reconcile.Action(op.Action),
				Name: op.Name, SpecHash: op.SpecHash, Source: sourceOf(op.ID)})
		}
		records, err := tx.Resources(env)
		for _, r := range records {
			known[r.ID] = true
		}
		return err
	})
	if err != nil || len(ops) == 0 {
		return err
	}
	return applier.Recover(ctx, ops, known)
}

// refreshProvenance records, for each desired resource the plan left
// unchanged, the document, file and dependencies it comes from now, when
// its record says otherwise (a record from before files were recorded,
// a document moved to another file): holds by file need them exact. The
// inventory the plan was made from says which records differ; only
// those are read and written.
func refreshProvenance(tx *statestore.Tx, env string, d *Desired, p *Planned) error {
	changed := make(map[sluice.ResourceID]bool, len(p.Plan.Changes))
	for _, c := range p.Plan.Changes {
		changed[c.ID] = true
	}
	known := make(map[sluice.ResourceID]*reconcile.Applied, len(p.Applied))
	for i := range p.Applied {
		known[p.Applied[i].ID] = &p.Applied[i]
	}
	for _, r := range d.Resources {
		a := known[r.ID]
		if changed[r.ID] || a == nil || a.SpecHash != r.Hash ||
			(a.Source == r.Source && a.File == r.File && slices.Equal(a.DependsOn, r.DependsOn)) {
			continue
		}
		rec, ok, err := tx.Resource(env, r.ID)
		if err != nil {
			return err
		}
		if !ok || rec.SpecHash != r.Hash {
			continue
		}
		rec.Source, rec.File, rec.DependsOn = r.Source, r.File, r.DependsOn
		if err := tx.PutResource(env, rec); err != nil {
			return err
		}
	}
	return nil
}
