package local

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// keepRevisions is how many of a job definition's newest revisions stay
// ACTIVE after a new one is registered, as the Batch backend keeps them.
const keepRevisions = 3

// jobDefinitions keeps job definitions as Batch does: immutable
// revisions, a new one registered only when the definition changed in
// meaning; deleting deregisters every revision (they stay, INACTIVE).
type jobDefinitions struct{ *kind }

func newJobDefinitions(w *World) *jobDefinitions {
	return &jobDefinitions{&kind{w: w, typ: sluice.TypeJobDefinition}}
}

// latest returns r's newest ACTIVE revision, nil when none is.
func latest(r *record) *revision {
	for i := len(r.Revisions) - 1; i >= 0; i-- {
		if r.Revisions[i].Status == statusActive {
			return &r.Revisions[i]
		}
	}
	return nil
}

// Observe returns the newest ACTIVE revision; a definition with none is
// Exists false.
func (j *jobDefinitions) Observe(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	t = recorded(t)
	j.w.mu.Lock()
	defer j.w.mu.Unlock()
	r, err := j.w.read(sluice.TypeJobDefinition, t.Name)
	if err != nil || r == nil || latest(r) == nil {
		return sluice.Observation{}, err
	}
	return observe(r, t.Spec), nil
}

// Create registers the first revision (or the next one after every
// earlier revision was deregistered). An ACTIVE definition of that name
// Sluice does not own for t is a stalled error; one it owns is returned.
func (j *jobDefinitions) Create(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	if err := checkName(t); err != nil {
		return sluice.Observation{}, err
	}
	j.w.mu.Lock()
	defer j.w.mu.Unlock()
	r, err := j.w.read(sluice.TypeJobDefinition, t.Name)
	switch {
	case err != nil:
		return sluice.Observation{}, err
	case r != nil && latest(r) != nil && !owned(t, r):
		return sluice.Observation{}, notOwned(t, r.ARN)
	case r != nil && latest(r) != nil:
		return observe(r, t.Spec), nil
	case r == nil:
		r = newRecord(t, "", statusActive)
	}
	return j.register(r, t)
}

// Update registers a new revision when the definition differs in
// meaning from the newest ACTIVE one, and otherwise only retags.
func (j *jobDefinitions) Update(_ context.Context, t sluice.Target, _ sluice.Observation) (sluice.Observation, error) {
	j.w.mu.Lock()
	defer j.w.mu.Unlock()
	r, err := j.w.read(sluice.TypeJobDefinition, t.Name)
	switch {
	case err != nil:
		return sluice.Observation{}, err
	case r == nil || latest(r) == nil:
		return sluice.Observation{}, sluice.Transient(sluice.E("local.Update: "+string(t.ID), sluice.KindNotFound, errors.New("no active revision")))
	case !owned(t, r):
		return sluice.Observation{}, notOwned(t, r.ARN)
	case reconcile.SameJSON(latest(r).Spec, t.Spec):
		r.Tags = maps.Clone(t.Tags)
		return j.store(r, t)
	}
	return j.register(r, t)
}

// register appends t's spec as the next ACTIVE revision, keeping only the
// newest keepRevisions ACTIVE.
func (j *jobDefinitions) register(r *record, t sluice.Target) (sluice.Observation, error) {
	if err := j.checkSpec(t); err != nil {
		return sluice.Observation{}, err
	}
	n := 1
	if len(r.Revisions) > 0 {
		n = r.Revisions[len(r.Revisions)-1].Number + 1
	}
	rev := revision{Number: n, ARN: arn("batch", fmt.Sprintf("job-definition/%s:%d", t.Name, n)), Status: statusActive, Spec: t.Spec, Time: time.Now().UTC()}
	r.Revisions = append(r.Revisions, rev)
	active := 0
	for i := len(r.Revisions) - 1; i >= 0; i-- {
		if r.Revisions[i].Status == statusActive {
			if active++; active > keepRevisions {
				r.Revisions[i].Status = statusInactive
			}
		}
	}
	r.ARN, r.Spec, r.Status, r.Tags, r.Updated = rev.ARN, rev.Spec, statusActive, maps.Clone(t.Tags), rev.Time
	return j.store(r, t)
}

// Delete deregisters every revision; the record stays, INACTIVE, as
// Batch keeps deregistered revisions.
func (j *jobDefinitions) Delete(_ context.Context, t sluice.Target, _ sluice.Observation) error {
	j.w.mu.Lock()
	defer j.w.mu.Unlock()
	r, err := j.w.read(sluice.TypeJobDefinition, t.Name)
	if err != nil || r == nil {
		return err
	}
	for i := range r.Revisions {
		r.Revisions[i].Status = statusInactive
	}
	r.Status, r.Updated = statusInactive, time.Now().UTC()
	return j.w.write(r)
}

// jobDefinition returns the revision a SubmitJob names: "name" (the
// newest ACTIVE revision), "name:revision" or an ARN of either. It fails
// when there is no such ACTIVE revision.
func (w *World) jobDefinition(ref string) (revision, error) {
	name, num, hasNum := strings.Cut(lastPart(ref, "/"), ":")
	r, err := w.read(sluice.TypeJobDefinition, name)
	if err != nil {
		return revision{}, err
	}
	if r != nil && !hasNum && latest(r) != nil {
		return *latest(r), nil
	}
	if r != nil && hasNum {
		n, _ := strconv.Atoi(num)
		for _, rev := range r.Revisions {
			if rev.Number == n && rev.Status == statusActive {
				return rev, nil
			}
		}
	}
	return revision{}, fmt.Errorf("job definition %s does not exist or is not ACTIVE", ref)
}
