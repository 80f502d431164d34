package batch_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
)

// TestDiscover creates compute environments, queues and job definitions
// for churn/dev and for others against the fake (kumo does not serve
// DescribeJobDefinitions and answers Batch tagging with another service's
// handler): only churn/dev's are found, a job definition once, as its
// latest revision.
func TestDiscover(t *testing.T) {
	f := newFixture(t, 5)
	other := func(tg sluice.Target, key, value string) sluice.Target {
		tg.Tags = maps.Clone(tg.Tags)
		if value == "" {
			delete(tg.Tags, key)
		} else {
			tg.Tags[key] = value
		}
		return tg
	}
	renamed := func(typ sluice.ResourceType, spec, name string) sluice.Target {
		return target(typ, name, name, strings.NewReplacer("churn-dev-cpu", name, "churn-dev-train_fit", name).Replace(spec))
	}
	var want []string
	for _, tg := range []sluice.Target{
		target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec),
		target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec),
		target(sluice.TypeJobDefinition, "train.fit", "churn-dev-train_fit", fmt.Sprintf(jdSpec, "img:1")),
		target(sluice.TypeJobDefinition, "train.fit", "churn-dev-train_fit", fmt.Sprintf(jdSpec, "img:2")),
	} {
		_, o := f.mustCreate(t, tg)
		want = append(want, o.ARN)
	}
	want = slices.Delete(want, 2, 3) // revision 1 is superseded by 2
	for _, tg := range []sluice.Target{
		other(renamed(sluice.TypeComputeEnvironment, ceSpec, "other-ce"), sluice.TagProject, "other"),
		other(renamed(sluice.TypeComputeEnvironment, ceSpec, "prod-ce"), sluice.TagEnvironment, "prod"),
		other(renamed(sluice.TypeJobDefinition, fmt.Sprintf(jdSpec, "img:1"), "untagged-jd"), sluice.TagManagedBy, ""),
		other(renamed(sluice.TypeJobDefinition, fmt.Sprintf(jdSpec, "img:1"), "prod-jd"), sluice.TagEnvironment, "prod"),
	} {
		f.mustCreate(t, tg)
	}
	found, err := f.b.Discover(f.ctx, projectName, env)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range found {
		if !o.Exists || o.Tags["team"] != "ml" || o.Tags[sluice.TagResource] == "" {
			t.Errorf("found %+v: want it existing, with its tags", o)
		}
		got = append(got, o.ARN)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("discovered\n%v\nwant\n%v", got, want)
	}
}
