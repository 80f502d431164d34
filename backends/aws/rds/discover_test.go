package rds_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/rds"
	"github.com/sluice-dev/sluice/backends/aws/rds/rdsfake"
)

// TestDiscover runs against the fake, which keeps the tags given at
// create (kumo drops them, so no instance of kumo's is ever Sluice's),
// and pages by two: only the instances tagged for churn/dev are found.
func TestDiscover(t *testing.T) {
	b := rds.New(rdsfake.Start(t).Client(), rds.Options{})
	ctx := context.Background()
	retag := func(tg sluice.Target, key, value string) sluice.Target {
		if value == "" {
			delete(tg.Tags, key)
		} else {
			tg.Tags[key] = value
		}
		return tg
	}
	ident := func(name string) string { return `"DBInstanceIdentifier":"churn-dev-` + name + `"` }
	scratch := func(name string) sluice.Target {
		return target(name, strings.Replace(scratchSpec, ident("scratch-db"), ident(name), 1))
	}
	var want []string
	for _, tg := range []sluice.Target{target("metadata", metadataSpec), scratch("scratch-db"), scratch("third")} {
		obs, err := b.Create(ctx, tg)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, obs.ARN)
	}
	for _, tg := range []sluice.Target{
		retag(scratch("other"), sluice.TagProject, "other"),
		retag(scratch("prod"), sluice.TagEnvironment, "prod"),
		retag(scratch("untagged"), sluice.TagManagedBy, ""),
	} {
		if _, err := b.Create(ctx, tg); err != nil {
			t.Fatal(err)
		}
	}
	found, err := b.Discover(ctx, "churn", "dev")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range found {
		if !o.Exists || o.Tags["team"] != "ml" || !o.InProgress {
			t.Errorf("found %+v: want it existing, creating, with its tags", o)
		}
		got = append(got, o.ARN)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) != 3 || slices.Contains(want, "") || !slices.Equal(got, want) {
		t.Errorf("discovered %v, want %v", got, want)
	}
}
