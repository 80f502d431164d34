package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
)

// savedPlanFormat is the version of the saved plan's layout.
const savedPlanFormat = 1

// savedPlan is what "plan -out FILE" writes and "apply FILE" reads: the
// plan, and what it was made for. Hash is rollout.PlanHash of the plan
// at its revision: apply carries the plan out only when the plan it
// makes now has that hash.
type savedPlan struct {
	Format      int            `json:"format"`
	Project     string         `json:"project"`
	Environment string         `json:"environment"`
	Backend     string         `json:"backend"`
	Revision    string         `json:"revision"`
	Hash        string         `json:"hash"`
	Plan        reconcile.Plan `json:"plan"`
}

// savePlan writes p to path, readable by its owner only (a plan shows
// the values of the fields it changes).
func (o *planOptions) savePlan(g *globalOptions, d *rollout.Desired, p reconcile.Plan) error {
	data, err := json.MarshalIndent(savedPlan{Format: savedPlanFormat, Project: d.Project(), Environment: o.env, Backend: o.be.backend,
		Revision: d.Revision, Hash: rollout.PlanHash(d.Revision, p), Plan: p}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, append(data, '\n'), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "Saved the plan to %s: \"sluice apply --env %s %s\" applies exactly this plan, and nothing if it changed.\n", o.out, o.env, o.out)
	return nil
}

// readSavedPlan reads a plan "plan -out" saved and checks that it is
// for the environment and backend of this apply; a missing --env is
// taken from the plan.
func (o *applyOptions) readSavedPlan(path string) (*savedPlan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s savedPlan
	if err := json.Unmarshal(data, &s); err != nil || s.Format != savedPlanFormat || s.Hash == "" {
		return nil, fmt.Errorf("%s is not a plan saved by \"sluice plan -out\" (format %d)", path, savedPlanFormat)
	}
	if o.env == "" {
		o.env = s.Environment
	}
	if s.Environment != o.env || s.Backend != o.be.backend {
		return nil, fmt.Errorf("%s is a plan for environment %s on backend %s, not %s on %s", path, s.Environment, s.Backend, o.env, o.be.backend)
	}
	return &s, nil
}

// interactive reports whether a person is at the terminal: standard
// input and output are both terminals.
func (g *globalOptions) interactive() bool {
	in, ok := g.stdin.(*os.File)
	return ok && term.IsTerminal(int(in.Fd())) && g.terminal().isTerminal()
}

// destructive counts the deletions and replacements of p.
func destructive(p reconcile.Plan) int {
	c := p.Counts()
	return c[reconcile.ActionDelete] + c[reconcile.ActionReplace]
}

// confirm plans, shows the plan and, when it deletes or replaces
// anything, asks before going on. It returns the hash of the plan agreed
// to ("" when nothing needed asking), or an exit error when the answer
// was not "yes".
func (o *applyOptions) confirm(ctx context.Context, g *globalOptions, env *rollout.Env, run *rollout.Desired) (string, error) {
	planned, err := env.Plan(ctx, run, o.planOptions()...)
	if err != nil {
		return "", err
	}
	n := destructive(planned.Plan)
	if n == 0 {
		return "", nil
	}
	if err := writePlanTerminal(g, o.env, planned.Plan); err != nil {
		return "", err
	}
	fmt.Fprintf(g.stdout, "\nThis plan deletes or replaces %d resource(s) in %s. Apply it? Only \"yes\" goes on: ", n, o.env)
	answer, err := bufio.NewReader(g.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, os.ErrClosed) && answer == "" {
		fmt.Fprintln(g.stdout)
	}
	if strings.TrimSpace(answer) != "yes" {
		fmt.Fprintln(g.stdout, "Apply cancelled: nothing was changed.")
		return "", exitError{code: exitInvalid}
	}
	return rollout.PlanHash(run.Revision, planned.Plan), nil
}

// planChanged explains an apply refused because its plan is no longer
// the one saved or agreed to.
func planChanged(g *globalOptions, err error, what string) error {
	var changed *rollout.PlanChangedError
	if !errors.As(err, &changed) {
		return err
	}
	fmt.Fprintf(g.stderr, "sluice: %s is stale: the plan made now differs (plan %.12s, now %.12s); nothing was applied. Plan again.\n",
		what, changed.Want, changed.Got)
	_ = writePlanText(g.stderr, changed.Planned.Desired.Env, changed.Planned.Plan)
	return exitError{code: exitInvalid}
}
