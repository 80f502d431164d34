package rollout

import (
	"context"
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// Adoption is what `sluice adopt` takes back: the resource as found, and
// the tags it carries once adopted.
type Adoption struct {
	ID   sluice.ResourceID
	Name string
	// ARN is the resource's identity as the service reports it.
	ARN string
	// Tags are its tags now; Want, the tags it carries once adopted (its
	// tags with the document's, Sluice's ownership tags among them).
	Tags, Want map[string]string
	// Recorded is true when the inventory holds the resource already (its
	// ownership marks were lost), false when Sluice takes a resource of
	// that name it never recorded.
	Recorded bool
}

// errNotAdoptable is wrapped by the errors of an adoption that cannot be.
var errNotAdoptable = errors.New("cannot adopt")

// Adopt takes back resource id, which d's documents declare: it reads the
// resource (by the identity the inventory recorded, else by its name),
// shows it to confirm (an error from confirm stops here, nothing
// changed), sets the ownership tags of d's project and environment on it
// through the backend's reconcile.Adopter, reads it back to check they
// hold, and records it in the inventory with the documents' spec as what
// was applied, so that the next plan shows, as drift, whatever of its
// configuration differs from the documents. An inventory the store does
// not hold yet is rebuilt from ownership tags first, so that adopting
// one resource does not leave the others out of it.
func (e *Env) Adopt(ctx context.Context, d *Desired, id sluice.ResourceID, confirm func(Adoption) error) (Adoption, error) {
	if e.Store == nil {
		return Adoption{}, errors.New("adopt needs a state store")
	}
	if err := d.fillSpecs(func(r *sluice.Resource) bool { return r.ID == id }); err != nil {
		return Adoption{}, err
	}
	r, ok := declared(d, id)
	if !ok {
		return Adoption{}, fmt.Errorf("%w %s: the documents of %s do not declare it (or its document is held); only a resource the documents describe can be adopted", errNotAdoptable, id, e.Name)
	}
	t, applied, err := e.adoptTarget(ctx, d)
	if err != nil {
		return Adoption{}, err
	}
	b, ok := t.Backends[r.Type]
	adopter, can := b.(reconcile.Adopter)
	if !ok || !can {
		return Adoption{}, fmt.Errorf("%w %s: this environment's backend for %s resources cannot adopt", errNotAdoptable, id, r.Type)
	}
	target, known, err := adoptionTarget(r, applied, t.Vars)
	if err != nil {
		return Adoption{}, err
	}
	obs, err := e.adoptable(ctx, b, target, d.Project())
	if err != nil {
		return Adoption{}, err
	}
	a := Adoption{ID: id, Name: target.Name, ARN: obs.ARN, Tags: obs.Tags, Want: reconcile.AdoptedTags(target, obs), Recorded: known}
	if err := confirm(a); err != nil {
		return a, err
	}
	return a, e.adopt(ctx, adopter, b, target, obs, d.Project())
}

// declared returns the desired resource id of d.
func declared(d *Desired, id sluice.ResourceID) (sluice.Resource, bool) {
	for _, r := range d.Resources {
		if r.ID == id {
			return r, true
		}
	}
	return sluice.Resource{}, false
}

// adoptTarget connects the target and returns it with the inventory,
// rebuilt from ownership tags and saved when the store holds none.
func (e *Env) adoptTarget(ctx context.Context, d *Desired) (*Target, []reconcile.Applied, error) {
	t, err := e.Target(ctx)
	if err != nil {
		return nil, nil, err
	}
	applied, err := Inventory(e.Store, e.key())
	if err != nil || len(applied) > 0 {
		return t, applied, err
	}
	applied, _, err = rebuild(ctx, t, d, false)
	if err != nil {
		return nil, nil, err
	}
	store := envStore{store: e.Store, env: e.key()}
	for _, a := range applied {
		if err := store.Save(a); err != nil {
			return nil, nil, err
		}
	}
	e.notice(fmt.Sprintf("no state for %s: inventory rebuilt from ownership tags (%d resources)", e.Name, len(applied)))
	return t, applied, nil
}

// adoptionTarget is r resolved, with the identity the inventory recorded
// for it, and whether it recorded one.
func adoptionTarget(r sluice.Resource, applied []reconcile.Applied, vars map[string]string) (sluice.Target, bool, error) {
	spec, err := reconcile.Resolve(r.Spec, reconcile.Vars(vars, applied))
	if err != nil {
		return sluice.Target{}, false, fmt.Errorf("%s: %w", r.ID, err)
	}
	r.Spec = spec
	t := sluice.Target{Resource: r}
	for _, a := range applied {
		if a.ID == r.ID {
			t.ARN = a.ARN
			return t, true, nil
		}
	}
	return t, false, nil
}

// adoptable reads the resource and refuses one that does not exist, is
// busy, or is Sluice's already.
func (e *Env) adoptable(ctx context.Context, b reconcile.Backend, t sluice.Target, project string) (sluice.Observation, error) {
	obs, err := b.Observe(ctx, t)
	switch {
	case err != nil:
		return obs, err
	case !obs.Exists:
		return obs, fmt.Errorf("%w %s: %s does not exist; the next apply creates it", errNotAdoptable, t.ID, t.Name)
	case obs.InProgress:
		return obs, fmt.Errorf("%w %s yet: it is %s; adopt it once it settles", errNotAdoptable, t.ID, obs.Status)
	case obs.ARN != "" && reconcile.NameFromARN(t.Type, obs.ARN) != t.Name:
		return obs, fmt.Errorf("%w %s: it is %s, while the documents now name it %s (the project renamed?); adopting does not rename: remove it, and the next apply creates %s", errNotAdoptable, t.ID, obs.ARN, t.Name, t.Name)
	case obs.Owned(project, e.Name, t.ID):
		return obs, fmt.Errorf("%w %s: %s carries Sluice's ownership tags for %s/%s already; nothing to adopt", errNotAdoptable, t.ID, obs.ARN, project, e.Name)
	}
	return obs, nil
}

// adopt tags the resource, reads it back to check the tags hold, and
// records it.
func (e *Env) adopt(ctx context.Context, adopter reconcile.Adopter, b reconcile.Backend, t sluice.Target, obs sluice.Observation, project string) error {
	if _, err := adopter.Adopt(ctx, t, obs); err != nil {
		return fmt.Errorf("adopt %s: %w", t.ID, err)
	}
	t.ARN = obs.ARN
	after, err := b.Observe(ctx, t)
	if err != nil {
		return fmt.Errorf("adopt %s: read back: %w", t.ID, err)
	}
	if !after.Exists || !after.Owned(project, e.Name, t.ID) {
		return fmt.Errorf("adopt %s: tagged, but %s does not read back as Sluice's (tags %v): not recorded", t.ID, obs.ARN, after.Tags)
	}
	a := reconcile.Applied{ID: t.ID, Type: t.Type, Name: t.Name, ARN: after.ARN, Source: t.Source,
		SpecHash: t.Hash, Deletion: t.Deletion, Spec: t.Spec}
	return envStore{store: e.Store, env: e.key()}.Save(a)
}
