package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes of the CLI: a stable contract for scripts and CI.
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

// exitError carries an exit code out of a subcommand whose message has
// already been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// globalOptions are the flags every subcommand shares.
type globalOptions struct {
	repo   string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// term is stdout as a terminal, made on first use.
	term *terminal
}

// terminal returns what the CLI knows of its standard output.
func (g *globalOptions) terminal() *terminal {
	if g.term == nil {
		g.term = newTerminal(g.stdout)
	}
	return g.term
}

func newRootCmd(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:           "sluice",
		Short:         "GitOps for ML pipelines on AWS Step Functions and Batch",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       readBuildInfo().String(),
		Example: `  sluice init --template training demo && cd demo
  sluice validate
  sluice plan --env dev --backend local
  sluice apply --env dev --backend local
  sluice run training --env dev --backend local`,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringVar(&g.repo, "repo", ".", "repository `DIR` to read")
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.AddCommand(
		newValidateCmd(g),
		newRenderCmd(g),
		newGraphCmd(g),
		newSchemaCmd(g),
		newTemplatesCmd(g),
		newInitCmd(g),
		newPlanCmd(g),
		newApplyCmd(g),
		newAdoptCmd(g),
		newIAMPolicyCmd(g),
		newDaemonCmd(g),
		newStatusCmd(g),
		newHistoryCmd(g),
		newRunCmd(g),
		newRunsCmd(g),
		newLogsCmd(g),
		newArtifactsCmd(g),
		newLineageCmd(g),
		newDemoCmd(g),
		newStateCmd(g),
		newVersionCmd(g),
	)
	root.AddCommand(actionCmds(g)...)
	root.AddCommand(newSyncCmd(g))
	applyHelp(root)
	addOutputAliases(root)
	addCompletions(root, g)
	return root
}

// run executes the CLI and returns its exit code: 0 success, 1 a
// finding or a failure, 2 usage or internal error. Under plan's
// --detailed-exitcode, where 2 means "changes", every error is 1.
func run(args []string, stdout, stderr io.Writer) int {
	return runWith(args, os.Stdin, stdout, stderr)
}

// runWith is run reading answers to its questions (apply's) from stdin.
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globalOptions{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	root.SetArgs(terraformFlags(args))
	err := root.Execute()
	var ee exitError
	var refused *apiError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &refused):
		fmt.Fprintln(stderr, "sluice:", err)
		if usesDetailedExitcode(args) {
			return exitInvalid
		}
		return refused.exitCode()
	default:
		fmt.Fprintln(stderr, "sluice:", err)
		if usesDetailedExitcode(args) {
			return exitInvalid
		}
		return exitUsage
	}
}
