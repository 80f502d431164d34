package local

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// busy is how long a waiting error asks the reconciler to wait.
const busy = 5 * time.Second

// kind is a resource type kept as a plain record: created, observed,
// updated in place and deleted by writing its file, with hooks for what
// differs between types. Every hook runs with the World's lock held.
type kind struct {
	w   *World
	typ sluice.ResourceType
	// arnOf is the ARN of a resource of the type.
	arnOf func(t sluice.Target) string
	// check validates a spec before it is stored; its error is returned
	// as is (stalled for a spec that cannot be applied).
	check func(t sluice.Target) error
	// replace reports whether going from the stored spec to the desired
	// one needs the resource replaced.
	replace func(old, desired json.RawMessage) bool
	// stored completes a record about to be written (status, versions).
	stored func(r *record)
	// deletable returns an error when the record must not be deleted now.
	deletable func(r *record) error
}

// Observe reads the record t's recorded identity names (its ARN when
// set, else its name); a missing one is Exists false, as is a record of
// that name with another identity.
func (k *kind) Observe(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	t = recorded(t)
	k.w.mu.Lock()
	defer k.w.mu.Unlock()
	r, err := k.w.read(k.typ, t.Name)
	if err != nil || r == nil || !isRecorded(t, r) {
		return sluice.Observation{}, err
	}
	return observe(r, t.Spec), nil
}

// Create writes the record tagged with t.Tags. A name taken by a record
// Sluice owns for t is that record (left by an interrupted apply); one
// it does not own is a stalled error, as is a spec check fails.
func (k *kind) Create(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	if err := checkName(t); err != nil {
		return sluice.Observation{}, err
	}
	k.w.mu.Lock()
	defer k.w.mu.Unlock()
	r, err := k.w.read(k.typ, t.Name)
	switch {
	case err != nil:
		return sluice.Observation{}, err
	case r != nil && !owned(t, r):
		return sluice.Observation{}, notOwned(t, r.ARN)
	case r != nil:
		return observe(r, t.Spec), nil
	}
	if err := k.checkSpec(t); err != nil {
		return sluice.Observation{}, err
	}
	r = newRecord(t, k.arnOf(t), "")
	return k.store(r, t)
}

// Update rewrites the record's spec and tags, or returns
// reconcile.ErrReplace for a change the type cannot take in place. A
// record gone since it was observed is a transient error; one not owned
// is stalled.
func (k *kind) Update(_ context.Context, t sluice.Target, _ sluice.Observation) (sluice.Observation, error) {
	k.w.mu.Lock()
	defer k.w.mu.Unlock()
	r, err := k.w.read(k.typ, t.Name)
	switch {
	case err != nil:
		return sluice.Observation{}, err
	case r == nil:
		return sluice.Observation{}, sluice.Transient(sluice.E("local.Update: "+string(t.ID), sluice.KindNotFound, errors.New("gone since it was observed")))
	case !owned(t, r):
		return sluice.Observation{}, notOwned(t, r.ARN)
	case k.replace != nil && k.replace(r.Spec, t.Spec):
		return sluice.Observation{}, reconcile.ErrReplace
	}
	if err := k.checkSpec(t); err != nil {
		return sluice.Observation{}, err
	}
	r.Spec, r.Tags, r.Updated = t.Spec, maps.Clone(t.Tags), time.Now().UTC()
	return k.store(r, t)
}

// Delete removes the record; a missing one is no error.
func (k *kind) Delete(_ context.Context, t sluice.Target, _ sluice.Observation) error {
	k.w.mu.Lock()
	defer k.w.mu.Unlock()
	r, err := k.w.read(k.typ, t.Name)
	if err != nil || r == nil {
		return err
	}
	if k.deletable != nil {
		if err := k.deletable(r); err != nil {
			return err
		}
	}
	return k.w.drop(k.typ, t.Name)
}

// Discover returns the records Sluice owns for project and env.
func (k *kind) Discover(_ context.Context, project, env string) ([]sluice.Observation, error) {
	return k.w.discover(k.typ, project, env)
}

func (k *kind) checkSpec(t sluice.Target) error {
	if !json.Valid(t.Spec) {
		return invalidSpec(t, errors.New("not JSON"))
	}
	if k.check == nil {
		return nil
	}
	return k.check(t)
}

func (k *kind) store(r *record, t sluice.Target) (sluice.Observation, error) {
	if k.stored != nil {
		k.stored(r)
	}
	if err := k.w.write(r); err != nil {
		return sluice.Observation{}, err
	}
	return observe(r, t.Spec), nil
}
