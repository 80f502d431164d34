package statestore_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
)

// BenchmarkResources reads back an inventory the size of 1,000
// pipelines' (19,000 records, each with a 1.5 KB spec and the same read
// back): what a drift check decodes before its first AWS call.
func BenchmarkResources(b *testing.B) {
	s, err := statestore.Open(filepath.Join(b.TempDir(), "state.db"), statestore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	spec := json.RawMessage(`{"containerProperties":{"command":null,"environment":[` +
		strings.Repeat(`{"name":"SLUICE_VARIABLE","value":"a value of a step's environment"},`, 20) +
		`{"name":"LAST","value":"x"}]},"jobDefinitionName":"p-dev-x"}`)
	const n = 19000
	mustUpdate(b, s, func(tx *statestore.Tx) error {
		for i := range n {
			r := fullRecord()
			r.ID = sluice.ResourceID(fmt.Sprintf("JobDefinition/pipeline-%04d.step-%02d", i/19, i%19))
			r.Spec = spec
			r.Observed = &sluice.Observation{Exists: true, Spec: spec, Tags: r.Tags}
			if err := tx.PutResource("dev", r); err != nil {
				return err
			}
		}
		return nil
	})
	b.ReportAllocs()
	for b.Loop() {
		mustView(b, s, func(tx *statestore.Tx) error {
			rs, err := tx.Resources("dev")
			if err == nil && len(rs) != n {
				err = fmt.Errorf("%d records, want %d", len(rs), n)
			}
			return err
		})
	}
}
