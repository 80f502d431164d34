package main

import (
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
)

func newArtifactsCmd(g *globalOptions) *cobra.Command {
	o := &runsOptions{}
	cmd := &cobra.Command{
		Use:   "artifacts RUN [STEP] --env ENV",
		Short: "List the artifacts a recorded run's steps wrote (URI, size, checksum)",
		Long: `Artifacts lists the artifacts the steps of the recorded run RUN wrote, or of
its step STEP only. "get" is the subcommand that fetches one artifact: the
artifacts of a run named get are listed with "--" before the run's name
(sluice artifacts --env dev -- get), which ends the flags and subcommands.`,
		Example: `  sluice artifacts r1 --env dev
  sluice artifacts r1 train --env dev --format json
  sluice artifacts --env dev -- get`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r sluice.RunDetail
			if err := o.call(cmd.Context(), "GET", o.envPath("runs/"+url.PathEscape(args[0])), nil, &r); err != nil {
				return err
			}
			arts := []sluice.ArtifactRecord{}
			for _, a := range r.Artifacts {
				if len(args) == 1 || a.Path == args[1] || stepOfPath(a.Path) == args[1] {
					arts = append(arts, a)
				}
			}
			if o.format == "json" {
				return writeJSONOut(g.stdout, arts)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "URI\tSIZE\tSTEP\tATTEMPT\tCHECKSUM")
			for _, a := range arts {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\n", a.URI, a.Size, a.Path, a.Attempt, a.Checksum)
			}
			return tw.Flush()
		},
	}
	o.flags(cmd, true)
	cmd.AddCommand(newArtifactsGetCmd(g))
	return cmd
}

// nameOf is the run name at the end of an execution ARN.
func nameOf(id string) string { return id[strings.LastIndex(id, ":")+1:] }

// stepOfPath is the step's name at the end of a task path
// ("start.foreach/2/work" → "work").
func stepOfPath(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

func newLineageCmd(g *globalOptions) *cobra.Command {
	o := &runsOptions{}
	cmd := &cobra.Command{
		Use:     "lineage URI --env ENV",
		Short:   "Say which run, step, attempt, revision and parameters wrote an artifact",
		Example: `  sluice lineage s3://demo-dev-artifacts/training/r1/train/model.pkl --env dev`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var l sluice.Lineage
			if err := o.call(cmd.Context(), "GET", o.envPath("lineage")+"?uri="+url.QueryEscape(args[0]), nil, &l); err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSONOut(g.stdout, l)
			}
			for _, c := range l.Copies {
				fmt.Fprintf(g.stdout, "%s\n  a copy made by run %s's reused step %s of\n", c.URI, nameOf(c.RunID), c.Path)
			}
			_, err := fmt.Fprintf(g.stdout, "%s\n  written by run %s of %s in %s, step %s attempt %d (job %s)\n  revision:   %s\n  parameters: %s\n  size %d, %s, at %s\n",
				l.Artifact.URI, l.Run.Name, l.Run.Pipeline, l.Run.Environment, l.Attempt.Path, l.Attempt.Attempt, l.Attempt.JobID,
				l.Run.Revision, l.Run.Parameters, l.Artifact.Size, l.Artifact.Checksum, l.Artifact.Written.Format("2006-01-02 15:04:05"))
			return err
		},
	}
	o.flags(cmd, true)
	return cmd
}
