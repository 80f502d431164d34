package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

type graphOptions struct {
	env    string
	format string
}

func newGraphCmd(g *globalOptions) *cobra.Command {
	o := &graphOptions{}
	cmd := &cobra.Command{
		Use:   "graph PIPELINE",
		Short: "Draw a pipeline's step graph as Mermaid, Graphviz DOT or SVG",
		Long: `Graph draws the steps of a pipeline as it stands in one environment
(default: the project's first): splits, foreach fan-outs, switches and
failure handlers included. Mermaid renders in GitHub and GitLab markdown;
DOT renders with Graphviz (dot -Tsvg); SVG is the picture the daemon's
pages show, laid out by Sluice itself (no Graphviz needed).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, g, args[0]) },
	}
	cmd.Flags().StringVar(&o.env, "env", "", "environment `ENV` whose overrides apply (default: the first declared)")
	cmd.Flags().StringVar(&o.format, "format", "mermaid", "output `FORMAT`: mermaid, dot or svg")
	return cmd
}

func (o *graphOptions) run(cmd *cobra.Command, g *globalOptions, name string) error {
	if _, err := localEnv(&o.env); err != nil {
		return err
	}
	draw, ok := map[string]func(*graph.Graph) string{"mermaid": graph.Mermaid, "dot": graph.DOT, "svg": graph.SVG}[o.format]
	if !ok {
		return fmt.Errorf("unknown --format %q; use mermaid, dot or svg", o.format)
	}
	snap, err := loadRepo(cmd.Context(), g)
	if err != nil {
		return err
	}
	if snap.Project == nil {
		return invalid(g, snap.Diagnostics)
	}
	if o.env == "" && len(snap.Environments()) > 0 {
		o.env = snap.Environments()[0]
	}
	if err := requireEnv(snap, o.env); err != nil {
		return err
	}
	doc, err := findPipeline(snap.Documents, name)
	if err != nil {
		return err
	}
	if snap.IsInvalid(doc.ID(), o.env) {
		return invalid(g, documentDiagnostics(snap.Diagnostics, doc.ID(), o.env))
	}
	spec, err := doc.PipelineSpec(o.env)
	if err != nil {
		return err
	}
	gr, ds := graph.Build(spec, func(path ...string) sluice.Position {
		return doc.LocateIn(o.env, false, append([]string{"spec"}, path...)...)
	})
	if ds.HasErrors() {
		return invalid(g, ds)
	}
	gr.Name = doc.Name
	_, err = fmt.Fprint(g.stdout, draw(gr))
	return err
}

func findPipeline(docs []*dsl.Document, name string) (*dsl.Document, error) {
	var names []string
	for _, d := range docs {
		if d.Kind != dsl.KindPipeline {
			continue
		}
		if d.Name == name {
			return d, nil
		}
		names = append(names, d.Name)
	}
	return nil, fmt.Errorf("no pipeline named %q%s; pipelines: %v", name, dsl.DidYouMean(name, names), names)
}

func documentDiagnostics(ds sluice.Diagnostics, id, env string) sluice.Diagnostics {
	var out sluice.Diagnostics
	for _, d := range ds {
		if d.Document == id && (d.Env == "" || d.Env == env) {
			out = append(out, d)
		}
	}
	return out
}
