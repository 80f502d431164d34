package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// The command groups "sluice --help" lists commands under.
const (
	groupAuthoring = "authoring"
	groupDeploying = "deploying"
	groupOperating = "operating"
	groupRunning   = "running"
)

// annotationExitCodes holds a command's exit codes, which its help
// prints under "Exit codes:".
const annotationExitCodes = "sluice/exit-codes"

// commandHelp is what every command's help says beyond its own text:
// its group, examples, exit codes, and whether it reads the repository
// (the global --repo shows only on those that do).
type commandHelp struct {
	group     string
	example   string
	exits     string
	readsRepo bool
}

// Exit-code lines shared by many commands.
const (
	exitsPlain  = "  0  success\n  1  the operation failed\n  2  usage error (unknown flag, argument or output format)"
	exitsDaemon = "  0  success\n  1  the daemon refused or the change failed (its answer is printed)\n  2  usage error, or the daemon could not be reached"
	exitsRepo   = "  0  success\n  1  a finding in the repository (what is valid is still printed)\n  2  usage error, or the repository could not be read"
)

// helpOf returns each command's help by command path; the guard test
// fails when a command is missing.
func helpOf() map[string]commandHelp {
	return map[string]commandHelp{
		"sluice validate": {group: groupAuthoring, readsRepo: true, exits: "  0  every document is valid\n  1  a finding (printed)\n  2  usage error, or the repository could not be read",
			example: "  sluice validate\n  sluice validate -o json | jq '.[] | .message'\n  # annotations on a pull request's lines, from a GitHub Actions step\n  sluice validate --format github"},
		"sluice render": {group: groupAuthoring, readsRepo: true, exits: exitsRepo,
			example: "  sluice render --env dev\n  sluice render --env prod -o yaml"},
		"sluice graph": {group: groupAuthoring, readsRepo: true, exits: exitsRepo,
			example: "  sluice graph training\n  sluice graph training --env prod -o dot | dot -Tsvg > training.svg"},
		"sluice schema": {group: groupAuthoring, exits: exitsPlain,
			example: "  sluice schema > .sluice/schema.json\n  sluice schema Pipeline"},
		"sluice templates": {group: groupAuthoring, exits: exitsPlain,
			example: "  sluice templates\n  sluice templates training -o json"},
		"sluice init": {group: groupAuthoring, exits: "  0  the repository was written\n  1  nothing was written (a file exists, or the template is unknown)\n  2  usage error",
			example: "  sluice init --template training my-pipelines\n  cd my-pipelines && sluice validate"},
		"sluice plan": {group: groupDeploying, readsRepo: true,
			exits:   "  0  success (with --detailed-exitcode: no changes)\n  1  a finding in the repository (the plan is still printed) or an error;\n     with --detailed-exitcode every error, usage errors included\n  2  usage error; with --detailed-exitcode: the plan has changes",
			example: "  sluice plan --env dev\n  sluice plan --env dev --backend local\n  # in CI: 0 nothing to do, 1 error, 2 changes\n  sluice plan --env prod --detailed-exitcode -o json > plan.json\n  # what merging dev into staging would change\n  sluice plan --env staging --ref dev"},
		"sluice apply": {group: groupDeploying, readsRepo: true,
			exits:   "  0  everything applied\n  1  a finding in the repository, a change that failed or one still in progress,\n     a saved plan gone stale, or a deletion not agreed to\n  2  usage error",
			example: "  sluice apply --env dev\n  sluice apply --env dev --backend local\n  sluice apply --env staging --prune --wait 30m\n  # exactly the plan reviewed, refused if it went stale\n  sluice plan --env prod -out prod.plan && sluice apply prod.plan\n  sluice apply --env dev --prune --auto-approve"},
		"sluice adopt": {group: groupDeploying, readsRepo: true,
			exits: "  0  adopted (or shown, with --dry-run)\n  1  not adopted (already Sluice's, missing, or not declared by the documents)\n  2  usage error"},
		"sluice iam-policy": {group: groupDeploying, readsRepo: true, exits: exitsRepo,
			example: "  sluice iam-policy --env prod > policy.json"},
		"sluice state": {group: groupDeploying, exits: exitsPlain,
			example: "  sluice state check --state ~/.local/state/sluice/churn.db"},
		"sluice state check": {readsRepo: true, exits: "  0  the file is sound\n  1  problems were found\n  2  the file could not be opened at all (missing, locked, unreadable), or usage error",
			example: "  sluice state check --state ~/.local/state/sluice/churn.db\n  sluice state check --state s.db -o json"},
		"sluice daemon": {group: groupOperating, exits: "  0  stopped by a signal\n  1  the daemon failed while running\n  2  usage error, or a configuration that does not load",
			example: "  sluice daemon --config /etc/sluice/daemon.yaml"},
		"sluice status": {group: groupOperating, exits: exitsDaemon,
			example: "  sluice status\n  sluice status --env prod\n  sluice status -o json | jq '.[] | select(.state != \"synced\")'"},
		"sluice history": {group: groupOperating, exits: exitsDaemon,
			example: "  sluice history --env prod\n  sluice history --env prod -o yaml"},
		"sluice approve": {group: groupOperating, exits: exitsDaemon,
			example: "  sluice status --env prod\n  sluice approve --env prod 3f2a9c1 --plan 8be41d07aa1c"},
		"sluice rollback": {group: groupOperating, exits: exitsDaemon,
			example: "  sluice history --env prod\n  sluice rollback --env prod --to 3f2a9c1"},
		"sluice suspend": {group: groupOperating, exits: exitsDaemon, example: "  sluice suspend --env prod"},
		"sluice sync":    {group: groupOperating, exits: exitsDaemon, example: "  sluice sync --env dev\n  sluice sync --env app/dev -o json"},
		"sluice resume":  {group: groupOperating, exits: exitsDaemon, example: "  sluice resume --env prod"},
		"sluice run": {group: groupRunning, readsRepo: true, exits: "  0  the run succeeded\n  1  the run failed, timed out or was aborted\n  2  usage error, or the run could not be started\n  130  Ctrl-C detached from the run, which goes on",
			example: "  sluice run training --env dev -p epochs=3\n  sluice run training --env dev --backend local\n  sluice run training --env prod --detach -o json\n  sluice run --attach RUN --env dev\n  # a new run from evaluate, reusing what run r1 did before it\n  sluice run training --env dev --from evaluate --origin r1"},
		"sluice demo": {group: groupRunning, exits: "  0  the demo ran to the end\n  1  its pipeline run failed\n  2  usage error, or the demo could not start",
			example: "  sluice demo\n  sluice demo --exit --dir /tmp/sluice-demo"},
		"sluice runs": {group: groupRunning, exits: exitsPlain,
			example: "  sluice runs list --env dev\n  sluice runs show RUN --env dev\n  sluice runs diff RUN1 RUN2 --env dev"},
		"sluice runs list":     {exits: exitsDaemon},
		"sluice runs show":     {exits: exitsDaemon},
		"sluice runs diff":     {exits: exitsDaemon},
		"sluice runs stop":     {exits: exitsDaemon},
		"sluice runs resume":   {exits: exitsDaemon},
		"sluice logs":          {group: groupRunning, exits: exitsDaemon},
		"sluice artifacts":     {group: groupRunning, exits: exitsDaemon},
		"sluice artifacts get": {exits: "  0  the artifact was written\n  2  it could not be fetched, or what arrived does not match its recorded checksum\n     (nothing is written), or usage error"},
		"sluice lineage":       {group: groupRunning, exits: exitsDaemon},
		"sluice version":       {exits: exitsPlain, example: "  sluice version\n  sluice version -o json"},
	}
}

// applyHelp groups the commands, gives each its examples and exit
// codes, and shows --repo only on the commands that read a repository.
func applyHelp(root *cobra.Command) {
	root.AddGroup(
		&cobra.Group{ID: groupAuthoring, Title: "Authoring pipelines:"},
		&cobra.Group{ID: groupDeploying, Title: "Deploying environments:"},
		&cobra.Group{ID: groupOperating, Title: "Operating a daemon:"},
		&cobra.Group{ID: groupRunning, Title: "Running pipelines:"},
	)
	root.SetUsageTemplate(root.UsageTemplate() + exitCodesTemplate)
	table := helpOf()
	walk(root, func(c *cobra.Command) {
		h, ok := table[c.CommandPath()]
		if !ok {
			return
		}
		if c.Parent() == root {
			c.GroupID = h.group
		}
		if c.Example == "" {
			c.Example = h.example
		}
		if c.Annotations == nil {
			c.Annotations = map[string]string{}
		}
		c.Annotations[annotationExitCodes] = h.exits
	})
	help := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if f := root.PersistentFlags().Lookup("repo"); f != nil {
			f.Hidden = !table[c.CommandPath()].readsRepo && c != root
		}
		help(c, args)
	})
}

// exitCodesTemplate ends a command's usage with its exit codes.
const exitCodesTemplate = `{{with index .Annotations "sluice/exit-codes"}}
Exit codes:
{{.}}
{{end}}`

// walk calls fn on c and every command under it.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// terraformFlags spells Terraform's single-dash "-out FILE" as "--out
// FILE": as it is, "-out" would read as "-o ut", the output format "ut".
func terraformFlags(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "-out" || strings.HasPrefix(a, "-out=") {
			a = "-" + a
		}
		out[i] = a
	}
	return out
}

// usesDetailedExitcode reports whether args ask plan for Terraform's
// exit codes, under which every error, usage errors included, is 1.
func usesDetailedExitcode(args []string) bool {
	for _, a := range args {
		if a == "--detailed-exitcode" || strings.HasPrefix(a, "--detailed-exitcode=") && a != "--detailed-exitcode=false" {
			return true
		}
	}
	return false
}
