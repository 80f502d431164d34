package statestore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice"
	bolt "go.etcd.io/bbolt"
)

// Format 0, the first layout, had no meta bucket and no envelope: one root
// bucket per environment, named after it, holding
//
//	inventory    resource ID → recordV0 JSON
//	history      8-byte big-endian sequence → entryV0 JSON
//	lastApplied  (a key) the last applied revision, raw bytes
//
// and no journal of operations in flight.

// recordV0 is an inventory record of format 0.
type recordV0 struct {
	ID       sluice.ResourceID   `json:"id"`
	Type     sluice.ResourceType `json:"type"`
	Name     string              `json:"name"`
	ARN      string              `json:"arn"`
	Hash     string              `json:"hash"`
	Revision string              `json:"revision"`
	Spec     json.RawMessage     `json:"spec,omitempty"`
	Retain   bool                `json:"retain"`
	Created  time.Time           `json:"created"`
}

// entryV0 is a history entry of format 0.
type entryV0 struct {
	Revision string    `json:"revision"`
	Time     time.Time `json:"time"`
	Result   string    `json:"result"`
}

func (r recordV0) record() Record {
	deletion := sluice.DeletionDelete
	if r.Retain {
		deletion = sluice.DeletionRetain
	}
	return Record{
		ID: r.ID, Type: r.Type, Name: r.Name, ARN: r.ARN, Deletion: deletion,
		SpecHash: r.Hash, Spec: r.Spec, Revision: r.Revision,
		CreatedAt: r.Created, UpdatedAt: r.Created,
	}
}

// migrateV0 moves every environment bucket of format 0 under envs/ in the
// format 1 layout and removes the old bucket.
func migrateV0(tx *bolt.Tx) error {
	var names []string
	err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if n := string(name); n != metaBucket && n != envsBucket {
			names = append(names, n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := migrateEnvV0(tx, name); err != nil {
			return fmt.Errorf("environment %q: %w", name, err)
		}
	}
	return nil
}

func migrateEnvV0(tx *bolt.Tx, name string) error {
	old := tx.Bucket([]byte(name))
	envs, err := tx.CreateBucketIfNotExists([]byte(envsBucket))
	if err != nil {
		return err
	}
	env, err := envs.CreateBucket([]byte(name))
	if err != nil {
		return err
	}
	steps := []func(old, env *bolt.Bucket) error{migrateInventoryV0, migrateHistoryV0, migrateMetaV0}
	for _, step := range steps {
		if err := step(old, env); err != nil {
			return err
		}
	}
	return tx.DeleteBucket([]byte(name))
}

func migrateInventoryV0(old, env *bolt.Bucket) error {
	dst, err := env.CreateBucket([]byte(resourcesBucket))
	if err != nil {
		return err
	}
	src := old.Bucket([]byte("inventory"))
	if src == nil {
		return nil
	}
	return src.ForEach(func(k, v []byte) error {
		var r recordV0
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("inventory %q: %w", k, err)
		}
		b, err := encode(r.record())
		if err != nil {
			return err
		}
		return dst.Put(k, b)
	})
}

func migrateHistoryV0(old, env *bolt.Bucket) error {
	dst, err := env.CreateBucket([]byte(historyBucket))
	if err != nil {
		return err
	}
	src := old.Bucket([]byte("history"))
	if src == nil {
		return nil
	}
	if err := dst.SetSequence(src.Sequence()); err != nil {
		return err
	}
	return src.ForEach(func(k, v []byte) error {
		var e entryV0
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("history %x: %w", k, err)
		}
		b, err := encode(Entry{Revision: e.Revision, Time: e.Time, Result: e.Result})
		if err != nil {
			return err
		}
		return dst.Put(k, b)
	})
}

func migrateMetaV0(old, env *bolt.Bucket) error {
	rev := old.Get([]byte("lastApplied"))
	if rev == nil {
		return nil
	}
	b, err := encode(Meta{LastAppliedRevision: string(rev)})
	if err != nil {
		return err
	}
	return env.Put([]byte(envMetaKey), b)
}
