package main

import (
	"errors"
	"fmt"
	"io"

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
	stdout io.Writer
	stderr io.Writer
}

func newRootCmd(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:           "sluice",
		Short:         "GitOps for ML pipelines on AWS Step Functions and Batch",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
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
	)
	root.AddCommand(actionCmds(g)...)
	return root
}

// run executes the CLI and returns its exit code: 0 success, 1 invalid
// input (validate), 2 usage or internal error.
func run(args []string, stdout, stderr io.Writer) int {
	g := &globalOptions{stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintln(stderr, "sluice:", err)
		return exitUsage
	}
}
