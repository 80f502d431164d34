package daemon

import (
	"fmt"
	"testing"

	"github.com/sluice-dev/sluice"
)

// TestRefreshSharesPartition checks that the shares of a drift check
// cover every resource exactly once and are of similar sizes.
func TestRefreshSharesPartition(t *testing.T) {
	const n = 2000
	sizes := make([]int, driftShares)
	for i := range n {
		id := sluice.ResourceID(fmt.Sprintf("JobDefinition/p%04d.step", i))
		in := 0
		for s := range driftShares {
			if refreshShare(s)(id) {
				in++
				sizes[s]++
			}
		}
		if in != 1 {
			t.Fatalf("%s is in %d shares, want 1", id, in)
		}
	}
	for s, size := range sizes {
		if size < n/driftShares/2 || size > n/driftShares*2 {
			t.Errorf("share %d holds %d of %d resources", s, size, n)
		}
	}
	if refreshShare(-1) != nil {
		t.Error("a full check selects a share")
	}
}
