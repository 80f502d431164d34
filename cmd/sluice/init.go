package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/templates"
)

type initOptions struct {
	template string
	project  string
}

func newInitCmd(g *globalOptions) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init --template NAME [DIR]",
		Short: "Scaffold a repository from a pipeline template",
		Long: `Init writes a working repository into DIR (default: the current
directory) from one of the templates "sluice templates" lists: the project
file, the pipeline, its artifact store, compute and metadata store with
dev/staging/prod overrides, and the step programs.

The project is named after DIR unless --project says otherwise. Init never
overwrites: if any of the files exists, it writes nothing.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error { return o.run(g, args) },
	}
	cmd.Flags().StringVar(&o.template, "template", "", "template `NAME` to scaffold from (see sluice templates)")
	cmd.Flags().StringVar(&o.project, "project", "", "project `NAME` (default: derived from DIR)")
	return cmd
}

func (o *initOptions) run(g *globalOptions, args []string) error {
	if o.template == "" {
		return errors.New("--template is required; the templates are " + strings.Join(templates.Names(), ", "))
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	t, err := templates.Get(o.template)
	if err != nil {
		return err
	}
	project := o.project
	if project == "" {
		if project, err = templates.ProjectName(dir); err != nil {
			return fmt.Errorf("%w (--project NAME)", err)
		}
	}
	if err := templates.Scaffold(o.template, dir, project); err != nil {
		return err
	}
	next := fmt.Sprintf("sluice validate && sluice render --env dev && sluice graph %s", t.Pipeline)
	where := "the current directory"
	if dir != "." {
		next = fmt.Sprintf("cd %s && %s", shellQuote(dir), next)
		where = dir
	}
	_, err = fmt.Fprintf(g.stdout, "Scaffolded project %q from the %s template in %s.\n\nNext:\n  %s\n\n%s\n",
		project, t.Name, where, next,
		"Then replace the placeholders (image, job role, subnets, security groups): see README.md.")
	return err
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe
// characters.
func shellQuote(s string) string {
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
