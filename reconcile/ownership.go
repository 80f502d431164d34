package reconcile

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice"
)

// refuseNotOwned turns a change the plan would make to a resource Sluice
// recorded into ActionRefuse when the resource as observed no longer
// carries Sluice's ownership tags for in's project and environment:
// apply refuses to change what it does not own, so the plan says so
// rather than promise an update.
func refuseNotOwned(in PlanInput, c Change) Change {
	if in.Project == "" || c.Applied == nil || (c.Action != ActionUpdate && c.Action != ActionReplace) {
		return c
	}
	obs, ok := in.Observed[c.ID]
	if !ok || !obs.Exists || obs.Owned(in.Project, in.Env, c.ID) {
		return c
	}
	name := c.Applied.Name
	if c.Desired != nil {
		name = c.Desired.Name
	}
	c.Action, c.Drift = ActionRefuse, true
	c.Reason = "refused: not owned: " + notOwnedMessage(c.ID, name, in.Project, in.Env, obs)
	return c
}

// NotOwned is the stalled error, with reason sluice.ReasonNotOwned, for
// a resource Sluice recorded (or finds under its name) that does not
// carry its ownership tags for project and env: what the tags say, and
// the way out.
func NotOwned(id sluice.ResourceID, name, project, env string, obs sluice.Observation) error {
	return sluice.Because(sluice.RetryStalled, sluice.ReasonNotOwned, 0,
		sluice.E(string(id), sluice.KindConflict, fmt.Errorf("refused: not owned: %s", notOwnedMessage(id, name, project, env, obs))))
}

// notOwnedMessage says which resource lacks which ownership tags and how
// to take it back.
func notOwnedMessage(id sluice.ResourceID, name, project, env string, obs sluice.Observation) string {
	what := obs.ARN
	if what == "" {
		what = name
	}
	if old, ok := renamedFrom(obs.Tags, project, env, id); ok {
		return renamedMessage(id, what, name, old, project, env, obs.Tags)
	}
	return fmt.Sprintf("%s does not carry Sluice's ownership tags for %s/%s (%s): refusing to adopt it. "+
		"If it is the resource the documents describe, take it back with `sluice adopt --env %s %s`; otherwise remove it or rename it",
		what, project, env, ownershipSays(obs.Tags, project, env, id), env, id)
}

// renamedFrom returns the project named by tags that are Sluice's for
// env and id in every way but the project: what a rename of the project
// leaves on the resources applied under the old name.
func renamedFrom(tags map[string]string, project, env string, id sluice.ResourceID) (string, bool) {
	old := tags[sluice.TagProject]
	return old, old != "" && old != project && tags[sluice.TagManagedBy] == sluice.ManagedByValue &&
		tags[sluice.TagEnvironment] == env && tags[sluice.TagResource] == string(id)
}

// renamedMessage says that the project was renamed (or another project
// of that environment claims the resource), what Sluice does about it
// (nothing: it does not move resources between projects) and the two
// ways out.
func renamedMessage(id sluice.ResourceID, what, name, old, project, env string, tags map[string]string) string {
	return fmt.Sprintf("%s is Sluice's for project %q, not %q (%s): the project was renamed from %q to %q, or project %q claims this name. "+
		"Sluice does not move resources between projects: it neither changes, deletes nor adopts this one, and creates %s anew only once "+
		"its inventory no longer holds it. To keep it, set the project's name back to %q in sluice.yaml. To replace it with %s: "+
		"with the project named %q, remove %s from the documents and apply with prune (a bucket or database is retained, not deleted: "+
		"copy its data and delete it yourself), then rename the project and apply",
		what, old, project, ownershipSays(tags, project, env, id), old, project, old, name, old, name, old, id)
}

// ownershipSays describes what a resource's ownership tags say instead
// of what they should.
func ownershipSays(tags map[string]string, project, env string, id sluice.ResourceID) string {
	want := map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: project,
		sluice.TagEnvironment: env, sluice.TagResource: string(id)}
	var diffs []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		switch got, ok := tags[k]; {
		case !ok:
			diffs = append(diffs, k+" missing")
		case got != want[k]:
			diffs = append(diffs, fmt.Sprintf("%s=%q, not %q", k, got, want[k]))
		}
	}
	return strings.Join(diffs, ", ")
}

// refused carries out a change the plan refused for want of ownership:
// the resource is read again, one by one (a bulk read of tags may lag
// behind a resource just created), and when it still lacks Sluice's
// tags the change is a stalled error saying so; when it carries them
// after all, the change is made as the update it would have been.
func (a *Applier) refused(ctx context.Context, c Change, vars *vars, bl *baselines) error {
	b, ok := a.Backends[changeType(c)]
	if !ok || c.Desired == nil {
		return sluice.Stalled(fmt.Errorf("%s: %s", c.ID, c.Reason))
	}
	t, err := vars.target(c)
	if err != nil {
		return sluice.Stalled(err)
	}
	obs, err := b.Observe(ctx, t)
	if err != nil {
		return err
	}
	if obs.Exists && !obs.Owned(a.Project, a.Env, c.ID) {
		return NotOwned(c.ID, t.Name, a.Project, a.Env, obs)
	}
	c.Action = ActionUpdate
	return a.applyOne(ctx, c, vars, bl)
}
