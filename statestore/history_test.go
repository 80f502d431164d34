package statestore_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

func entry(i int) statestore.Entry {
	return statestore.Entry{
		Revision: fmt.Sprintf("r%d", i), Time: t0.Add(time.Duration(i) * time.Minute), Result: "applied",
		Created: i, Updated: 2 * i, Deleted: 3 * i, Unchanged: 4 * i, Message: fmt.Sprintf("apply %d", i),
	}
}

// entries returns entry(to) down to entry(from), newest first.
func entries(from, to int) []statestore.Entry {
	var out []statestore.Entry
	for i := to; i >= from; i-- {
		out = append(out, entry(i))
	}
	return out
}

func TestHistory(t *testing.T) {
	tests := []struct {
		name       string
		depth      int
		batches    []int // entries appended per transaction
		want       []statestore.Entry
		wantOtherQ int // entries in env "qa", which gets one per batch
	}{
		{"empty", 3, nil, nil, 0},
		{"under depth", 3, []int{2}, entries(1, 2), 1},
		{"at depth", 3, []int{3}, entries(1, 3), 1},
		{"trimmed in one transaction", 3, []int{7}, entries(5, 7), 1},
		{"trimmed across transactions", 3, []int{2, 2, 2}, entries(4, 6), 3},
		{"depth one", 1, []int{1, 1, 1}, entries(3, 3), 1},
		{"default depth 50", 0, []int{30, 30}, entries(11, 60), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := statestoretest.MustOpen(t, statestore.Options{HistoryDepth: tt.depth})
			n := 0
			for _, batch := range tt.batches {
				mustUpdate(t, s, func(tx *statestore.Tx) error {
					for range batch {
						n++
						if err := tx.AppendHistory("dev", entry(n)); err != nil {
							return err
						}
					}
					return tx.AppendHistory("qa", entry(n))
				})
			}
			mustView(t, s, func(tx *statestore.Tx) error {
				got, err := tx.History("dev")
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Errorf("History =\n%+v, %v\nwant\n%+v", got, err, tt.want)
				}
				qa, err := tx.History("qa")
				if err != nil || len(qa) != tt.wantOtherQ {
					t.Errorf("History(qa) has %d entries, %v; want %d", len(qa), err, tt.wantOtherQ)
				}
				return nil
			})
		})
	}
}
