package main

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/templates"
)

// addCompletions completes the values of the CLI's names: environments
// (from the daemon for the commands that talk to one, from the
// repository otherwise), pipelines for run and graph, and templates.
func addCompletions(root *cobra.Command, g *globalOptions) {
	walk(root, func(c *cobra.Command) {
		if c.Flags().Lookup("env") != nil {
			_ = c.RegisterFlagCompletionFunc("env", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
				if cmd.Flags().Lookup("server") != nil && !localBackend(cmd) {
					return daemonEnvironments(cmd.Context(), cmd), cobra.ShellCompDirectiveNoFileComp
				}
				return repoNames(cmd.Context(), g, func(names repoNamesOf) []string { return names.envs }), cobra.ShellCompDirectiveNoFileComp
			})
		}
		switch c.Name() {
		case "run", "graph":
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return repoNames(cmd.Context(), g, func(names repoNamesOf) []string { return names.pipelines }), cobra.ShellCompDirectiveNoFileComp
			}
		case "templates":
			c.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return templates.Names(), cobra.ShellCompDirectiveNoFileComp
			}
		case "init":
			_ = c.RegisterFlagCompletionFunc("template", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return templates.Names(), cobra.ShellCompDirectiveNoFileComp
			})
		}
	})
}

// localBackend reports whether cmd was given --backend local.
func localBackend(cmd *cobra.Command) bool {
	f := cmd.Flags().Lookup("backend")
	return f != nil && f.Value.String() == backendLocal
}

// repoNamesOf are the names a repository declares.
type repoNamesOf struct{ envs, pipelines []string }

// repoNames reads the repository and returns the names pick chooses;
// none when it cannot be read (completion must not fail loudly).
func repoNames(ctx context.Context, g *globalOptions, pick func(repoNamesOf) []string) []string {
	if ctx == nil {
		ctx = context.Background()
	}
	snap, err := loadRepo(ctx, g)
	if err != nil || snap.Project == nil {
		return nil
	}
	var names repoNamesOf
	names.envs = snap.Environments()
	for _, d := range snap.Documents {
		if d.Kind == "Pipeline" && !slices.Contains(names.pipelines, d.Name) {
			names.pipelines = append(names.pipelines, d.Name)
		}
	}
	slices.Sort(names.pipelines)
	return pick(names)
}

// daemonEnvironments asks the daemon of cmd's --server for its
// environments, giving up quietly after two seconds.
func daemonEnvironments(ctx context.Context, cmd *cobra.Command) []string {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	o := &clientOptions{server: cmd.Flags().Lookup("server").Value.String()}
	if f := cmd.Flags().Lookup("token-file"); f != nil {
		o.tokenFile = f.Value.String()
	}
	var list []daemon.Status
	if err := o.call(ctx, http.MethodGet, "/api/v1/environments", nil, &list); err != nil {
		return nil
	}
	var out []string
	for _, s := range list {
		out = append(out, s.Environment)
	}
	return out
}
