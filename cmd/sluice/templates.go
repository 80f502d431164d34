package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/templates"
)

type templatesOptions struct {
	format string
}

func newTemplatesCmd(g *globalOptions) *cobra.Command {
	o := &templatesOptions{}
	cmd := &cobra.Command{
		Use:   "templates [NAME]",
		Short: "List the pipeline templates, or show one template's values",
		Long: `Templates lists the ML pipeline templates built into Sluice, which
"sluice init --template NAME" scaffolds a repository from. With a NAME it
shows that template's values: what a Pipeline referencing it with
spec.template: {name: NAME, values: {...}} may set.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error { return o.run(g, args) },
	}
	outputFlag(cmd, &o.format, "text", "text", "json", "yaml")
	return cmd
}

func (o *templatesOptions) run(g *globalOptions, args []string) error {
	if len(args) == 0 {
		list := templates.List()
		return writeOutput(g.stdout, o.format, list, func() error { return writeTemplateList(g.stdout, list) })
	}
	t, err := templates.Get(args[0])
	if err != nil {
		return err
	}
	return writeOutput(g.stdout, o.format, t, func() error { return writeTemplate(g.stdout, t) })
}

func writeTemplateList(w io.Writer, list []templates.Info) error {
	// A tabwriter buffers; write errors come out of Flush.
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "NAME\tDESCRIPTION")
	for _, t := range list {
		_, _ = fmt.Fprintf(tw, "%s\t%s\n", t.Name, t.Description)
	}
	return tw.Flush()
}

func writeTemplate(w io.Writer, t templates.Template) error {
	_, err := fmt.Fprintf(w, "%s: %s\n\nScaffold a repository:  sluice init --template %s [DIR]\n"+
		"Reference it:           spec: {template: {name: %s, values: {...}}}\n\n", t.Name, t.Description, t.Name, t.Name)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "VALUE\tTYPE\tDEFAULT\tDESCRIPTION")
	for _, v := range t.Values {
		def := "(required)"
		if !v.Required {
			b, err := json.Marshal(v.Default)
			if err != nil {
				return err
			}
			def = string(b)
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, v.Type, def, v.Description)
	}
	return tw.Flush()
}
