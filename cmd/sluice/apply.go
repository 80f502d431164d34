package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

type applyOptions struct {
	targetOptions
	workers int
	wait    time.Duration
	format  string
	// auto: apply without asking, even on a terminal.
	auto bool
	// debug shows errors whole, the SDK's chain included.
	debug bool
}

func newApplyCmd(g *globalOptions) *cobra.Command {
	o := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply --env ENV [PLANFILE]",
		Short: "Bring an environment's AWS resources in line with the repository",
		Long: `Apply plans as "sluice plan" does, then carries the plan out: creations and
updates in dependency order, deletions (with --prune) in reverse. Every
resource's identity is saved in the state file right after it is created, so
an apply interrupted at any point resumes without duplicates. Resources
without Sluice's ownership tags are never adopted nor deleted. With no state
for the environment, the inventory is rebuilt from the ownership tags AWS
holds and saved before anything is applied.

Long operations (a database becoming available, a compute environment being
disabled before deletion) are not waited for: apply reports them as waiting,
and the next apply takes them further. With --wait DURATION, apply stays and
takes them further itself, showing each one's progress, until nothing is in
progress or DURATION has passed.

Each change is shown as soon as it ends, with the time since the apply
started ("create   Bucket/data: done in 3s"), or why it failed; on a
terminal a live line shows the changes still running. With -o json or
-o yaml these lines go to standard error.

Invalid documents do not stop the rest: what they produced is held, the
other documents are applied, and the findings are printed.

"sluice apply PLANFILE" applies exactly the plan "sluice plan -out PLANFILE"
saved, and nothing when the plan made now differs from it (the files, the
state or what AWS holds changed since): plan again. On a terminal, apply
shows the plan and asks before deleting or replacing anything; only "yes"
goes on, and then only that plan is applied. --auto-approve does not ask.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), g, args) },
	}
	o.flags(cmd)
	cmd.Flags().IntVar(&o.workers, "workers", 16, "how many changes of each resource type run at once (AWS calls are paced by the quota limiter, not by this)")
	outputFlag(cmd, &o.format, "text", "text", "json", "yaml")
	cmd.Flags().BoolVar(&o.debug, "debug", false, "show errors whole (operation, retry decision and the AWS SDK's details) instead of one sentence")
	cmd.Flags().BoolVar(&o.auto, "auto-approve", false, "on a terminal, apply deletions and replacements without asking")
	cmd.Flags().DurationVar(&o.wait, "wait", 0, "follow changes in progress for up to `DURATION` (e.g. 30m) instead of leaving them to the next apply")
	return cmd
}

func (o *applyOptions) run(ctx context.Context, g *globalOptions, args []string) (err error) {
	if o.stateKey, err = localEnv(&o.env); err != nil {
		return err
	}
	var saved *savedPlan
	if len(args) == 1 {
		if saved, err = o.readSavedPlan(args[0]); err != nil {
			return err
		}
	}
	run, err := o.desired(ctx, g)
	if err != nil {
		return err
	}
	store, err := openStore(o.state, run)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, store.Close()) }()
	var conn *awsEnv
	env := o.rolloutEnv(g, store, &conn)
	defer func() { err = errors.Join(err, o.be.close()) }()
	env.Workers = o.workers
	var planned reconcile.Plan
	_ = writeText(g.stderr, run.Findings)
	var expect []rollout.ApplyOption
	what := "the plan you agreed to"
	switch {
	case saved != nil:
		expect, what = []rollout.ApplyOption{rollout.Expect(saved.Hash)}, "the plan in "+args[0]
	case !o.auto && o.format == "text" && g.interactive():
		hash, err := o.confirm(ctx, g, env, run)
		if err != nil {
			return err
		}
		if hash != "" {
			expect = []rollout.ApplyOption{rollout.Expect(hash)}
		}
	}
	shown := len(expect) > 0 && saved == nil
	progress := o.progress(g)
	before := func(p *rollout.Planned) {
		planned = p.Plan
		if o.format == "text" && !shown {
			_ = writePlanTerminal(g, o.env, p.Plan)
		}
		progress.begin(p.Plan)
	}
	stop := progress.ticking()
	out, err := o.applyAndWait(ctx, env, run, progress, before, expect...)
	stop()
	if err != nil {
		progress.finish(nil)
		return planChanged(g, err, what)
	}
	progress.finish(out.Results)
	if err := o.keepCheckout(g); err != nil {
		return err
	}
	if o.format != "text" {
		if err := writeOutput(g.stdout, o.format, applyDocument(o.env, planned, out.Results), nil); err != nil {
			return err
		}
	} else if conn != nil {
		fmt.Fprintf(g.stdout, "AWS calls: %d, of which %d changed something\n", totalCalls(conn), conn.calls.Mutations())
	}
	if out.Incomplete > 0 || run.Findings.HasErrors() {
		return exitError{code: exitInvalid}
	}
	return nil
}

// applyAndWait applies and, with --wait, applies again each time the
// changes in progress are due to be looked at, showing each change as it
// ends and the progress of those in progress, until none is in progress,
// one fails, or the wait is over.
func (o *applyOptions) applyAndWait(ctx context.Context, env *rollout.Env, run *rollout.Desired, progress *applyProgress,
	before func(*rollout.Planned), first ...rollout.ApplyOption) (*rollout.Outcome, error) {
	deadline := time.Now().Add(o.wait)
	opts := append(rollout.ApplyOptions(o.planOptions()...), rollout.BeforeApply(before), rollout.OnResult(progress.result))
	if o.wait > 0 {
		// Changes waiting on another (a queue on its compute
		// environment) are taken further within each apply, so that
		// what depends on them starts as soon as they are done.
		opts = append(opts, rollout.Follow(deadline, func(c reconcile.Change, err error, after time.Duration) {
			progress.say("  [%s] %s still in progress: %s; checking again in %s", progress.elapsed(), c.ID, sentence(err, o.debug), after)
		}))
	}
	for {
		out, err := env.Apply(ctx, run, append(opts, first...)...)
		first = nil // later rounds take further what the first applied
		if err != nil {
			return nil, err
		}
		after, waiting := inProgress(out)
		if !waiting || o.wait <= 0 || time.Now().Add(after).After(deadline) {
			return out, nil
		}
		pending := map[sluice.ResourceID]bool{}
		for _, r := range out.Failed() {
			pending[r.Change.ID] = true
			progress.say("  [%s] %s still in progress: %s", progress.elapsed(), r.Change.ID, sentence(r.Err, o.debug))
		}
		progress.say("  checking again in %s...", after)
		// The next rounds read back only what was in progress: the rest
		// was read (or created) a moment ago; their plan is not shown
		// again.
		opts = append(opts, rollout.BeforeApply(func(p *rollout.Planned) { progress.begin(p.Plan) }),
			rollout.RefreshOnly(func(id sluice.ResourceID) bool { return pending[id] }))
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(after):
		}
	}
}

// inProgress reports whether every incomplete change of out is in
// progress (none failed), and the shortest wait they asked for.
func inProgress(out *rollout.Outcome) (time.Duration, bool) {
	failed := out.Failed()
	if len(failed) == 0 {
		return 0, false
	}
	after := time.Duration(0)
	for _, r := range failed {
		decision, d := sluice.RetryOf(r.Err)
		if decision != sluice.RetryWaiting {
			return 0, false
		}
		if after == 0 || d < after {
			after = d
		}
	}
	return max(after, time.Second), true
}

// openStore opens the environment's state file for writing, making its
// folder when needed.
func openStore(path string, run *rollout.Desired) (*statestore.Store, error) {
	path, err := statePath(path, run)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return statestore.Open(path, statestore.Options{})
}

// totalCalls returns how many requests were sent to AWS, each attempt of
// a retried call counted once (the counter's retry keys count retries,
// which are attempts already counted).
func totalCalls(env *awsEnv) int {
	n := 0
	for k, c := range env.calls.Snapshot() {
		if k.Result != awsapi.RetryResult {
			n += c
		}
	}
	return n
}
