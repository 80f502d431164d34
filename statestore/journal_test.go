package statestore_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

func op(id sluice.ResourceID, action string) statestore.Op {
	return statestore.Op{ID: id, Action: action, SpecHash: "h-" + string(id), Name: "p-dev-x", StartedAt: t0}
}

func withSeq(o statestore.Op, seq uint64) statestore.Op {
	o.Seq = seq
	return o
}

func TestJournal(t *testing.T) {
	a, b, c := op("Bucket/a", statestore.ActionCreate), op("JobQueue/b", statestore.ActionUpdate), op("StateMachine/c", statestore.ActionReplace)
	tests := []struct {
		name    string
		begin   []statestore.Op
		end     []uint64
		want    []statestore.Op
		wantErr error
	}{
		{"none", nil, nil, nil, nil},
		{"pending in order", []statestore.Op{a, b, c}, nil, []statestore.Op{withSeq(a, 1), withSeq(b, 2), withSeq(c, 3)}, nil},
		{"seq given is ignored", []statestore.Op{withSeq(a, 99)}, nil, []statestore.Op{withSeq(a, 1)}, nil},
		{"end one", []statestore.Op{a, b, c}, []uint64{2}, []statestore.Op{withSeq(a, 1), withSeq(c, 3)}, nil},
		{"end all", []statestore.Op{a, op("Bucket/a", statestore.ActionDelete)}, []uint64{1, 2}, nil, nil},
		{"end twice", []statestore.Op{a}, []uint64{1, 1}, nil, statestore.ErrNotFound},
		{"end never begun", nil, []uint64{7}, nil, statestore.ErrNotFound},
		{"unknown action", []statestore.Op{op("Bucket/a", "adopt")}, nil, nil, statestore.ErrInvalid},
		{"empty ID", []statestore.Op{op("", statestore.ActionCreate)}, nil, nil, statestore.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := statestoretest.MustOpen(t, statestore.Options{})
			err := s.Update(func(tx *statestore.Tx) error {
				for i, o := range tt.begin {
					seq, err := tx.BeginOp("dev", o)
					if err != nil {
						return err
					}
					if seq != uint64(i+1) {
						t.Errorf("BeginOp #%d = seq %d, want %d", i, seq, i+1)
					}
				}
				for _, seq := range tt.end {
					if err := tx.EndOp("dev", seq); err != nil {
						return err
					}
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Update = %v, want %v", err, tt.wantErr)
			}
			mustView(t, s, func(tx *statestore.Tx) error {
				got, err := tx.PendingOps("dev")
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Errorf("PendingOps = %+v, %v; want %+v", got, err, tt.want)
				}
				return nil
			})
		})
	}
}

// A sequence number is never reused, even after its op ended, so an EndOp
// from before a restart cannot end a later op.
func TestJournalSeqNotReused(t *testing.T) {
	s := statestoretest.MustOpen(t, statestore.Options{})
	var first, second uint64
	mustUpdate(t, s, func(tx *statestore.Tx) (err error) {
		first, err = tx.BeginOp("dev", op("Bucket/a", statestore.ActionCreate))
		return err
	})
	mustUpdate(t, s, func(tx *statestore.Tx) error { return tx.EndOp("dev", first) })
	mustUpdate(t, s, func(tx *statestore.Tx) (err error) {
		second, err = tx.BeginOp("dev", op("Bucket/a", statestore.ActionCreate))
		return err
	})
	if second <= first {
		t.Errorf("second op seq %d, want > %d", second, first)
	}
	err := s.Update(func(tx *statestore.Tx) error { return tx.EndOp("prod", second) })
	if !errors.Is(err, statestore.ErrNotFound) || sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("EndOp in another environment = %v, want ErrNotFound", err)
	}
}
