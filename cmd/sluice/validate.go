package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/project"
)

// validateChunk is how many pipelines validate compiles at a time in every
// environment: enough for every core to have work, few enough that their
// content is a small part of the peak.
const validateChunk = 64

type validateOptions struct {
	format string
}

func newValidateCmd(g *globalOptions) *cobra.Command {
	o := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check every document in every environment; exit 1 when anything is wrong",
		Long: `Validate reads the project file and every document under the project's
folder, checks them against the JSON Schemas and the rules a schema cannot
express (step graphs, references, parameter types, AWS limits), for every
environment the project declares, and prints each finding as
"file:line:col: code: message". A finding several documents share (a
default they all inherit) is printed once; --format json and yaml list
it for each document it holds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd, g) },
	}
	outputFlag(cmd, &o.format, "text", "text", "json", "yaml", "github")
	return cmd
}

func (o *validateOptions) run(cmd *cobra.Command, g *globalOptions) error {
	write := diagnosticWriters()[o.format]
	// Each pipeline's content is released once its file is checked, and
	// read again for the compiler a chunk at a time: the peak holds the
	// pipelines of one chunk, not every pipeline of the repository.
	snap, err := loadRepoWith(cmd.Context(), g, project.Options{ReleaseChecked: true})
	if err != nil {
		return err
	}
	revision := gitRevision(g.repo)
	if revision == "" {
		// Outside a Git checkout, sizes AWS limits are measured as a
		// commit's hash would make them: every deploy stamps one.
		revision = strings.Repeat("0", 40)
	}
	snap.CheckInChunks(validateChunk, func(env string, docs []*dsl.Document) sluice.Diagnostics {
		// Only findings are wanted: no spec is written but each state
		// machine's definition, whose size is limited.
		_, ds := compile.Compile(compile.Input{Project: snap.Project, Documents: docs, Env: env, Revision: revision,
			FindingsOnly: true})
		return ds
	})
	ds := snap.Diagnostics.Collapse(snap.Environments())
	out := ds
	if o.format == "text" || o.format == "github" {
		out = oncePerPlace(ds)
	}
	if o.format == "github" {
		// GitHub places annotations by path from the repository's root:
		// in a monorepo the project is a folder of it.
		out = underFolder(out, repoSubdir(g.repo))
	}
	if err := write(g.stdout, out); err != nil {
		return err
	}
	if ds.HasErrors() {
		fmt.Fprintf(g.stderr, "%s\n", summary(oncePerPlace(ds)))
		return exitError{code: exitInvalid}
	}
	return nil
}

// underFolder returns ds with each file's path prefixed by dir, a
// slash-separated folder ("." for none).
func underFolder(ds sluice.Diagnostics, dir string) sluice.Diagnostics {
	if dir == "." || dir == "" {
		return ds
	}
	out := make(sluice.Diagnostics, len(ds))
	for i, d := range ds {
		if d.Pos.File != "" {
			d.Pos.File = path.Join(dir, d.Pos.File)
		}
		out[i] = d
	}
	return out
}

func summary(ds sluice.Diagnostics) string {
	files := make(map[string]bool)
	for _, d := range ds {
		files[d.Pos.File] = true
	}
	return fmt.Sprintf("%d problem(s) in %d file(s)", len(ds), len(files))
}

type diagnosticWriter func(io.Writer, sluice.Diagnostics) error

func diagnosticWriters() map[string]diagnosticWriter {
	return map[string]diagnosticWriter{"text": writeText, "json": writeJSON, "github": writeGitHub,
		"yaml": func(w io.Writer, ds sluice.Diagnostics) error { return writeYAMLOut(w, ds) }}
}

func writeText(w io.Writer, ds sluice.Diagnostics) error {
	for _, d := range ds {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
	}
	return nil
}

func writeJSON(w io.Writer, ds sluice.Diagnostics) error {
	if ds == nil {
		ds = sluice.Diagnostics{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Valid       bool               `json:"valid"`
		Diagnostics sluice.Diagnostics `json:"diagnostics"`
	}{!ds.HasErrors(), ds})
}

// writeGitHub prints GitHub Actions workflow commands, which show as
// annotations on the pull request's changed lines.
func writeGitHub(w io.Writer, ds sluice.Diagnostics) error {
	for _, d := range ds {
		level := "error"
		if d.Severity == sluice.SeverityWarning {
			level = "warning"
		}
		msg := d.Message
		if d.Env != "" {
			msg += " (environment " + d.Env + ")"
		}
		_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level,
			ghProperty(d.Pos.File), d.Pos.Line, d.Pos.Column, ghProperty(d.Code), ghData(msg))
		if err != nil {
			return err
		}
	}
	return nil
}

func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
