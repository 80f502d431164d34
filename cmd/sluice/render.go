package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/rollout"
)

type renderOptions struct {
	env      string
	format   string
	revision string
}

func newRenderCmd(g *globalOptions) *cobra.Command {
	o := &renderOptions{}
	cmd := &cobra.Command{
		Use:   "render --env ENV",
		Short: "Print the AWS resources an environment should have, state machine definitions included",
		Long: `Render compiles the repository for one environment and prints the desired
resources: state machines (their Amazon States Language definitions), Batch
job definitions, compute environments and job queues, S3 buckets, RDS
instances and schedules, each with its physical name, ownership tags and
spec hash. Nothing is sent to AWS.

If any document that environment uses is invalid, render prints the
findings and exits 1 without rendering.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd, g) },
	}
	cmd.Flags().StringVar(&o.env, "env", "", "environment `ENV` to render")
	outputFlag(cmd, &o.format, "json", "json", "yaml")
	cmd.Flags().StringVar(&o.revision, "revision", "", "Git `REVISION` to stamp (default: the checked-out commit)")
	return cmd
}

// rendering is what render prints.
type rendering struct {
	Project     string            `json:"project"`
	Environment string            `json:"environment"`
	Revision    string            `json:"revision"`
	Resources   []sluice.Resource `json:"resources"`
}

func (o *renderOptions) run(cmd *cobra.Command, g *globalOptions) error {
	if _, err := localEnv(&o.env); err != nil {
		return err
	}
	snap, err := loadRepo(cmd.Context(), g)
	if err != nil {
		return err
	}
	if snap.Project == nil {
		return invalid(g, snap.Diagnostics)
	}
	if err := requireEnv(snap, o.env); err != nil {
		return err
	}
	if ds := rollout.Findings(snap, o.env); ds.HasErrors() {
		return invalid(g, ds)
	}
	if o.revision == "" {
		o.revision = gitRevision(g.repo)
	}
	resources, ds := compile.Compile(compile.Input{Project: snap.Project, Documents: snap.Documents, Env: o.env, Revision: o.revision,
		Release: true})
	if ds.HasErrors() {
		return invalid(g, ds)
	}
	out := rendering{Project: snap.Project.Name, Environment: o.env, Revision: o.revision, Resources: resources}
	return writeRendering(g, o.format, out)
}

// invalid prints findings to stderr and returns the "invalid" exit code.
func invalid(g *globalOptions, ds sluice.Diagnostics) error {
	_ = writeText(g.stderr, ds)
	fmt.Fprintln(g.stderr, summary(ds))
	return exitError{code: exitInvalid}
}

func writeRendering(g *globalOptions, format string, r rendering) error {
	if format == "json" {
		return streamRenderingJSON(g.stdout, r)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	var plain any
	if err := json.Unmarshal(b, &plain); err != nil {
		return err
	}
	enc := yaml.NewEncoder(g.stdout)
	enc.SetIndent(2)
	if err := enc.Encode(plain); err != nil {
		return err
	}
	return enc.Close()
}

// streamRenderingJSON writes r as json.MarshalIndent(r, "", "  ") and a
// newline would, byte for byte, one resource at a time: the rendering of
// 1,000 pipelines is about 40 MB of indented JSON, which is never held
// whole. Writes to the buffered writer are not checked one by one: bufio keeps
// the first error and Flush returns it.
func streamRenderingJSON(w io.Writer, r rendering) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	field := func(name, value string, last bool) error {
		compact.Reset()
		if err := enc.Encode(value); err != nil {
			return err
		}
		fmt.Fprintf(bw, "  %q: %s", name, bytes.TrimSuffix(compact.Bytes(), []byte("\n")))
		if !last {
			_, _ = bw.WriteString(",\n")
		}
		return nil
	}
	_, _ = bw.WriteString("{\n")
	for _, f := range []struct{ name, value string }{{"project", r.Project}, {"environment", r.Environment}, {"revision", r.Revision}} {
		if err := field(f.name, f.value, false); err != nil {
			return err
		}
	}
	switch {
	case r.Resources == nil:
		_, _ = bw.WriteString(`  "resources": null`)
	case len(r.Resources) == 0:
		_, _ = bw.WriteString(`  "resources": []`)
	default:
		_, _ = bw.WriteString("  \"resources\": [")
		if err := writeResources(bw, r.Resources); err != nil {
			return err
		}
		_, _ = bw.WriteString("\n  ]")
	}
	_, _ = bw.WriteString("\n}\n")
	return bw.Flush()
}
