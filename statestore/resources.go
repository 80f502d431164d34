package statestore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/parallel"
)

// Record is the inventory entry of one resource Sluice created in an
// environment: its identity in AWS and what was last applied to it.
type Record struct {
	ID     sluice.ResourceID   `json:"id"`
	Type   sluice.ResourceType `json:"type"`
	Name   string              `json:"name"` // physical name
	ARN    string              `json:"arn,omitempty"`
	Source string              `json:"source,omitempty"`
	// File is the repository-relative path of the file Source was in,
	// empty in records written before files were recorded.
	File string `json:"file,omitempty"`
	// DependsOn are the resources the last applied spec needs, empty in
	// records written before dependencies were recorded.
	DependsOn []sluice.ResourceID   `json:"dependsOn,omitempty"`
	Deletion  sluice.DeletionPolicy `json:"deletion,omitempty"`
	SpecHash  string                `json:"specHash,omitempty"`
	// Spec is the last applied spec, placeholders resolved.
	Spec     json.RawMessage     `json:"spec,omitempty"`
	Revision string              `json:"revision,omitempty"`
	Tags     map[string]string   `json:"tags,omitempty"`
	Observed *sluice.Observation `json:"observed,omitempty"`
	// ObservedAt is when Observed was read.
	ObservedAt time.Time `json:"observedAt,omitzero"`
	CreatedAt  time.Time `json:"createdAt,omitzero"`
	UpdatedAt  time.Time `json:"updatedAt,omitzero"`
}

// Resource returns env's inventory record for id and whether there is one.
// It returns an error wrapping ErrCorrupt or ErrNewerFormat when the stored
// value does not decode, ErrInvalid for an empty env or id.
func (tx *Tx) Resource(env string, id sluice.ResourceID) (Record, bool, error) {
	const op = "statestore.Resource"
	if id == "" {
		return Record{}, false, fail(op, fmt.Errorf("%w: empty resource ID", ErrInvalid))
	}
	b, err := tx.sub(env, resourcesBucket, false)
	if err != nil || b == nil {
		return Record{}, false, fail(op, err)
	}
	v := b.Get([]byte(id))
	if v == nil {
		return Record{}, false, nil
	}
	var r Record
	if err := decode(v, &r); err != nil {
		return Record{}, false, fail(op, fmt.Errorf("%s %s: %w", env, id, err))
	}
	return r, true, nil
}

// PutResource stores r as env's inventory record for r.ID, replacing any
// previous one. When r.CreatedAt is zero, the previous record's CreatedAt
// is kept. It returns an error wrapping ErrInvalid for an empty env or ID
// or inside View.
func (tx *Tx) PutResource(env string, r Record) error {
	const op = "statestore.PutResource"
	if r.ID == "" {
		return fail(op, fmt.Errorf("%w: empty resource ID", ErrInvalid))
	}
	b, err := tx.sub(env, resourcesBucket, true)
	if err != nil {
		return fail(op, err)
	}
	if r.CreatedAt.IsZero() {
		if prev, ok, err := tx.Resource(env, r.ID); err == nil && ok {
			r.CreatedAt = prev.CreatedAt
		}
	}
	v, err := encode(r)
	if err != nil {
		return fail(op, err)
	}
	return fail(op, b.Put([]byte(r.ID), v))
}

// DeleteResource removes env's inventory record for id; removing an absent
// record is not an error. It returns an error wrapping ErrInvalid for an
// empty env or id or inside View.
func (tx *Tx) DeleteResource(env string, id sluice.ResourceID) error {
	const op = "statestore.DeleteResource"
	if id == "" {
		return fail(op, fmt.Errorf("%w: empty resource ID", ErrInvalid))
	}
	if err := tx.writable(); err != nil {
		return fail(op, err)
	}
	b, err := tx.sub(env, resourcesBucket, false)
	if err != nil || b == nil {
		return fail(op, err)
	}
	return fail(op, b.Delete([]byte(id)))
}

// Resources returns env's inventory sorted by ID, empty for an unknown
// environment. It returns an error wrapping ErrCorrupt or ErrNewerFormat
// when a stored value does not decode.
func (tx *Tx) Resources(env string) ([]Record, error) {
	const op = "statestore.Resources"
	keys, values, err := tx.encodedResources(env)
	if err != nil {
		return nil, fail(op, err)
	}
	out, err := decodeRecords(env, keys, values)
	if err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// ResourcesFirst returns env's inventory as Resources does, and calls
// first, before it decodes the rest, with the records whose ID starts
// with prefix (sorted by ID, none when there are none): a drift check
// of 1,000 pipelines starts describing its state machines (IDs
// "StateMachine/...") while the other 18,000 records decode. The records
// first is given are in the inventory returned too. It returns an
// error wrapping ErrCorrupt or ErrNewerFormat when a stored value does
// not decode (first is not called when it is one of prefix's), and
// does not call first for an unknown environment.
func (tx *Tx) ResourcesFirst(env, prefix string, first func([]Record)) ([]Record, error) {
	const op = "statestore.ResourcesFirst"
	keys, values, err := tx.encodedResources(env)
	if err != nil || len(keys) == 0 {
		return nil, fail(op, err)
	}
	// Keys are in byte order: prefix's are together.
	lo := sort.Search(len(keys), func(i int) bool { return string(keys[i]) >= prefix })
	hi := lo
	for hi < len(keys) && bytes.HasPrefix(keys[hi], []byte(prefix)) {
		hi++
	}
	out := make([]Record, len(keys))
	if err := decodeInto(env, keys[lo:hi], values[lo:hi], out[lo:hi]); err != nil {
		return nil, fail(op, err)
	}
	first(slices.Clone(out[lo:hi]))
	err = errors.Join(decodeInto(env, keys[:lo], values[:lo], out[:lo]), decodeInto(env, keys[hi:], values[hi:], out[hi:]))
	if err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// encodedResources returns the keys and encoded values of env's
// inventory in key order (valid until the transaction ends), none for an
// unknown environment.
func (tx *Tx) encodedResources(env string) (keys, values [][]byte, err error) {
	b, err := tx.sub(env, resourcesBucket, false)
	if err != nil || b == nil {
		return nil, nil, err
	}
	err = b.ForEach(func(k, v []byte) error {
		keys, values = append(keys, k), append(values, v)
		return nil
	})
	return keys, values, err
}

// decodeRecords decodes the values, in order, on every core: a drift
// check of 1,000 pipelines decodes 19,000 records before its first AWS
// call. The values are the transaction's (valid until it ends); the
// error is the first record's in order that does not decode.
func decodeRecords(env string, keys, values [][]byte) ([]Record, error) {
	if len(values) == 0 {
		return nil, nil
	}
	out := make([]Record, len(values))
	if err := decodeInto(env, keys, values, out); err != nil {
		return nil, err
	}
	return out, nil
}

// decodeInto decodes values into out (as long), as decodeRecords does.
func decodeInto(env string, keys, values [][]byte, out []Record) error {
	errs := make([]error, len(values))
	parallel.For(len(values), 256, func(i int) {
		if err := decode(values[i], &out[i]); err != nil {
			errs[i] = fmt.Errorf("%s %s: %w", env, keys[i], err)
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
