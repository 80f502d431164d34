package statestore_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

func fullRecord() statestore.Record {
	return statestore.Record{
		ID: "StateMachine/train", Type: sluice.TypeStateMachine, Name: "churn-dev-train",
		ARN:    "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-train",
		Source: "Pipeline/train", Deletion: sluice.DeletionDelete, SpecHash: "abc123",
		Spec: json.RawMessage(`{"name":"churn-dev-train"}`), Revision: "r1",
		Tags: map[string]string{sluice.TagManagedBy: sluice.ManagedByValue},
		Observed: &sluice.Observation{
			Exists: true, ARN: "arn:x", Status: "ACTIVE",
			Tags: map[string]string{"a": "b"}, Spec: json.RawMessage(`{"x":1}`),
		},
		ObservedAt: t0.Add(2), CreatedAt: t0, UpdatedAt: t0.Add(1),
	}
}

func TestResources(t *testing.T) {
	full := fullRecord()
	later := full
	later.CreatedAt = t0.AddDate(0, 0, 1)
	noCreated := full
	noCreated.CreatedAt = t0.AddDate(0, 0, -1)
	tests := []struct {
		name  string
		write func(tx *statestore.Tx) error
		env   string
		want  []statestore.Record
	}{
		{"empty env", func(*statestore.Tx) error { return nil }, "dev", nil},
		{"round trip every field", put("dev", full), "dev", []statestore.Record{full}},
		{"sorted by ID", seq(put("dev", record("JobQueue/q")), put("dev", record("Bucket/b")), put("dev", record("JobQueue/a"))), "dev",
			[]statestore.Record{record("Bucket/b"), record("JobQueue/a"), record("JobQueue/q")}},
		{"environments apart", seq(put("dev", record("Bucket/b")), put("prod", full)), "prod", []statestore.Record{full}},
		{"put replaces", seq(put("dev", full), put("dev", later)), "dev", []statestore.Record{later}},
		{"zero CreatedAt keeps the first", seq(put("dev", noCreated), put("dev", withCreated(full, statestore.Record{}.CreatedAt))), "dev",
			[]statestore.Record{withCreated(full, noCreated.CreatedAt)}},
		{"delete", seq(put("dev", record("Bucket/a")), put("dev", record("Bucket/b")), del("dev", "Bucket/a")), "dev",
			[]statestore.Record{record("Bucket/b")}},
		{"delete absent", seq(put("dev", record("Bucket/a")), del("dev", "Bucket/zz"), del("qa", "Bucket/a")), "dev",
			[]statestore.Record{record("Bucket/a")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := statestoretest.MustOpen(t, statestore.Options{})
			mustUpdate(t, s, tt.write)
			if got := resources(t, s, tt.env); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Resources =\n%+v\nwant\n%+v", got, tt.want)
			}
			mustView(t, s, func(tx *statestore.Tx) error {
				for _, want := range tt.want {
					got, ok, err := tx.Resource(tt.env, want.ID)
					if err != nil || !ok || !reflect.DeepEqual(got, want) {
						t.Errorf("Resource(%s) = %+v, %v, %v; want %+v", want.ID, got, ok, err, want)
					}
				}
				if _, ok, err := tx.Resource(tt.env, "Bucket/never"); ok || err != nil {
					t.Errorf("Resource(absent) = %v, %v; want false, nil", ok, err)
				}
				return nil
			})
		})
	}
}

func TestResourcesInvalid(t *testing.T) {
	s := statestoretest.MustOpen(t, statestore.Options{})
	calls := map[string]func(*statestore.Tx) error{
		"PutResource empty env": put("", record("Bucket/a")),
		"PutResource empty ID":  put("dev", statestore.Record{Name: "x"}),
		"DeleteResource empty ID": func(tx *statestore.Tx) error {
			return tx.DeleteResource("dev", "")
		},
		"Resource empty ID": func(tx *statestore.Tx) error {
			_, _, err := tx.Resource("dev", "")
			return err
		},
		"Resources empty env": func(tx *statestore.Tx) error {
			_, err := tx.Resources("")
			return err
		},
	}
	for name, call := range calls {
		err := s.Update(call)
		if !errors.Is(err, statestore.ErrInvalid) || sluice.KindOf(err) != sluice.KindInvalid {
			t.Errorf("%s = %v, want ErrInvalid", name, err)
		}
	}
}

func TestEnvironments(t *testing.T) {
	s := statestoretest.MustOpen(t, statestore.Options{})
	mustUpdate(t, s, seq(
		put("prod", record("Bucket/a")),
		func(tx *statestore.Tx) error { return tx.PutMeta("dev", statestore.Meta{LastAppliedRevision: "r1"}) },
		func(tx *statestore.Tx) error { return tx.AppendHistory("qa", statestore.Entry{Revision: "r1"}) },
		// reads and deletes on an unknown environment create nothing
		del("staging", "Bucket/a"),
		func(tx *statestore.Tx) error { _, err := tx.Meta("staging2"); return err },
	))
	mustView(t, s, func(tx *statestore.Tx) error {
		got, err := tx.Environments()
		if want := []string{"dev", "prod", "qa"}; err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Environments = %v, %v; want %v", got, err, want)
		}
		return nil
	})
}

func put(env string, r statestore.Record) func(*statestore.Tx) error {
	return func(tx *statestore.Tx) error { return tx.PutResource(env, r) }
}

func del(env string, id sluice.ResourceID) func(*statestore.Tx) error {
	return func(tx *statestore.Tx) error { return tx.DeleteResource(env, id) }
}

func seq(fns ...func(*statestore.Tx) error) func(*statestore.Tx) error {
	return func(tx *statestore.Tx) error {
		for _, fn := range fns {
			if err := fn(tx); err != nil {
				return err
			}
		}
		return nil
	}
}
