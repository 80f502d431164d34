package rds_test

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice"
	rdsbackend "github.com/sluice-dev/sluice/backends/aws/rds"
	"github.com/sluice-dev/sluice/internal/compiledtest"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

// compiled returns the resources of type typ the compiler emits for a
// scaffold of every template, in env, placeholders resolved.
func compiled(t *testing.T, env string, typ sluice.ResourceType) []sluice.Target {
	t.Helper()
	return compiledtest.Targets(t, env, kumotest.Region, typ)
}

// TestKumoCompiledBuckets creates every template's buckets as compiled

// TestCompiledDBInstances creates every template's DB instances as
// compiled, in dev and prod, and checks that once available they read
// back as their spec, with nothing to update.
func TestCompiledDBInstances(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	for _, env := range []string{"dev", "prod"} {
		targets := compiled(t, env, sluice.TypeDBInstance)
		if len(targets) == 0 {
			t.Fatalf("the templates compile to no DB instance in %s", env)
		}
		for _, tg := range targets {
			t.Run(env+"/"+tg.Name, func(t *testing.T) {
				obs := mustCreate(t, f, b, tg)
				sameJSON(t, obs.Spec, string(tg.Spec))
				before := len(f.Calls())
				if _, err := b.Update(ctx, tg, obs); err != nil {
					t.Fatal(err)
				}
				if calls := f.Calls()[before:]; len(calls) != 0 {
					t.Errorf("Update after create sent %v, want nothing", calls)
				}
			})
		}
	}
}
