package statestore

import (
	"fmt"
	"time"
)

// Meta is what the store knows of an environment as a whole.
type Meta struct {
	LastAppliedRevision string    `json:"lastAppliedRevision,omitempty"`
	LastAppliedAt       time.Time `json:"lastAppliedAt,omitzero"`
	LastObservedAt      time.Time `json:"lastObservedAt,omitzero"`
	// LastSuccessAt is the time of the last successful reconcile, kept
	// so that the daemon reports it again after a restart.
	LastSuccessAt time.Time `json:"lastSuccessAt,omitzero"`
	// Held maps each document (its ID) and file (its path) held at its
	// last applied state by the last apply to the finding that holds it
	// (see rollout.Desired.Holds).
	Held map[string]string `json:"held,omitempty"`
	// PinnedRevision is the revision a rollback holds the environment
	// at: the branch's newer heads are not applied until a resume.
	PinnedRevision string `json:"pinnedRevision,omitempty"`
	// Suspended stops the environment's automatic reconciles.
	Suspended bool `json:"suspended,omitempty"`
	// Repository is the daemon repository the environment's state
	// belongs to, recorded by the daemon, so that the state can follow
	// the environment when its key changes (see Tx.RenameEnvironment).
	Repository string `json:"repository,omitempty"`
}

// Meta returns env's meta, the zero Meta for an unknown environment. It
// returns an error wrapping ErrCorrupt or ErrNewerFormat when the stored
// value does not decode, ErrInvalid for an empty env.
func (tx *Tx) Meta(env string) (Meta, error) {
	const op = "statestore.Meta"
	b, err := tx.env(env, false)
	if err != nil || b == nil {
		return Meta{}, fail(op, err)
	}
	v := b.Get([]byte(envMetaKey))
	if v == nil {
		return Meta{}, nil
	}
	var m Meta
	if err := decode(v, &m); err != nil {
		return Meta{}, fail(op, fmt.Errorf("%s meta: %w", env, err))
	}
	return m, nil
}

// PutMeta replaces env's meta with m. It returns an error wrapping
// ErrInvalid for an empty env or inside View.
func (tx *Tx) PutMeta(env string, m Meta) error {
	const op = "statestore.PutMeta"
	b, err := tx.env(env, true)
	if err != nil {
		return fail(op, err)
	}
	v, err := encode(m)
	if err != nil {
		return fail(op, err)
	}
	return fail(op, b.Put([]byte(envMetaKey), v))
}
