package s3_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
	s3backend "github.com/sluice-dev/sluice/backends/aws/s3"
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
// and checks that they read back as their spec, with nothing to update.
// Replication, which kumo lacks, is left out (TestReplication covers it).
func TestKumoCompiledBuckets(t *testing.T) {
	srv := kumotest.Start(t)
	ctx := context.Background()
	client := &counting{Client: s3.NewFromConfig(srv.Config, kumotest.S3Options), calls: map[string]int{}}
	b := s3backend.New(client, kumotest.Region)
	for _, env := range []string{"dev", "prod"} {
		targets := compiled(t, env, sluice.TypeBucket)
		if len(targets) == 0 {
			t.Fatalf("the templates compile to no bucket in %s", env)
		}
		for _, tg := range targets {
			tg.Spec = withoutKey(t, tg.Spec, "replication")
			t.Run(env+"/"+tg.Name, func(t *testing.T) {
				if _, err := b.Create(ctx, tg); err != nil {
					t.Fatalf("Create: %v", err)
				}
				obs, err := b.Observe(ctx, tg)
				if err != nil || !obs.Exists {
					t.Fatalf("Observe = %+v, %v", obs, err)
				}
				sameJSON(t, obs.Spec, string(tg.Spec))
				client.puts()
				if _, err := b.Update(ctx, tg, obs); err != nil {
					t.Fatal(err)
				}
				assertCalls(t, "Update after create", client.puts(), map[string]int{})
			})
		}
	}
}

// withoutKey returns spec without key.
func withoutKey(t *testing.T, spec json.RawMessage, key string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(spec, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, key)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
