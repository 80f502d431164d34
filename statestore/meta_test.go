package statestore_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

func TestMeta(t *testing.T) {
	full := statestore.Meta{
		LastAppliedRevision: "r7", LastAppliedAt: t0, LastObservedAt: t0.Add(5),
		Held: map[string]string{"Pipeline/churn": "spec.steps: missing", "Pipeline/x": "parse error"},
	}
	tests := []struct {
		name    string
		puts    []statestore.Meta
		env     string
		want    statestore.Meta
		wantErr error
	}{
		{"unknown env", nil, "dev", statestore.Meta{}, nil},
		{"round trip", []statestore.Meta{full}, "dev", full, nil},
		{"replaced, held cleared", []statestore.Meta{full, {LastAppliedRevision: "r8"}}, "dev", statestore.Meta{LastAppliedRevision: "r8"}, nil},
		{"other env", []statestore.Meta{full}, "prod", statestore.Meta{}, nil},
		{"empty env", []statestore.Meta{full}, "", statestore.Meta{}, statestore.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := statestoretest.MustOpen(t, statestore.Options{})
			mustUpdate(t, s, func(tx *statestore.Tx) error {
				for _, m := range tt.puts {
					if err := tx.PutMeta("dev", m); err != nil {
						return err
					}
				}
				return nil
			})
			mustView(t, s, func(tx *statestore.Tx) error {
				got, err := tx.Meta(tt.env)
				if !errors.Is(err, tt.wantErr) || !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Meta = %+v, %v; want %+v, %v", got, err, tt.want, tt.wantErr)
				}
				return nil
			})
		})
	}
}
