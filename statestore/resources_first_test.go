package statestore_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
)

// TestResourcesFirst: first is given exactly the records whose ID has
// the prefix, before the inventory is returned whole, the same as
// Resources returns; nothing for an environment without records.
func TestResourcesFirst(t *testing.T) {
	s, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	ids := []sluice.ResourceID{"Bucket/a", "JobDefinition/p.x", "StateMachine/p", "StateMachine/q", "StateMachineX/odd", "Zeta/z", "JobQueue/q"}
	mustUpdate(t, s, func(tx *statestore.Tx) error {
		for _, id := range ids {
			mustPut(t, tx, "dev", record(id))
		}
		mustPut(t, tx, "prod", record("StateMachine/other-env"))
		return nil
	})
	for _, tc := range []struct {
		env, prefix string
		want        []sluice.ResourceID
	}{
		{"dev", "StateMachine/", []sluice.ResourceID{"StateMachine/p", "StateMachine/q"}},
		{"dev", "Nothing/", nil},
		{"dev", "A", nil},
		{"dev", "Zeta/", []sluice.ResourceID{"Zeta/z"}},
		{"dev", "", []sluice.ResourceID{"Bucket/a", "JobDefinition/p.x", "JobQueue/q", "StateMachine/p", "StateMachine/q", "StateMachineX/odd", "Zeta/z"}},
		{"staging", "StateMachine/", nil},
	} {
		var called bool
		var got []sluice.ResourceID
		var all, want []statestore.Record
		mustView(t, s, func(tx *statestore.Tx) error {
			var err error
			all, err = tx.ResourcesFirst(tc.env, tc.prefix, func(rs []statestore.Record) {
				called = true
				for _, r := range rs {
					got = append(got, r.ID)
				}
			})
			if err != nil {
				return err
			}
			want, err = tx.Resources(tc.env)
			return err
		})
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %q: first given %v, want %v", tc.env, tc.prefix, got, tc.want)
		}
		if !reflect.DeepEqual(all, want) {
			t.Errorf("%s %q: inventory %v, want what Resources returns: %v", tc.env, tc.prefix, all, want)
		}
		if !called && len(want) > 0 {
			t.Errorf("%s %q: first not called", tc.env, tc.prefix)
		}
	}
}
