package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/schema"
)

func newSchemaCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "schema [KIND]",
		Short: "Print the JSON Schema of Sluice's documents, for editors",
		Long: `Schema prints the JSON Schema (draft 2020-12) of one kind of document,
or with no KIND (or "all") the schema that covers every kind and picks
the right one by the kind field. Point yaml-language-server at it:

  sluice schema > .sluice/schema.json

and start each YAML file with

  # yaml-language-server: $schema=../.sluice/schema.json

(the path is relative to the file). Kinds: ` + strings.Join(schema.Kinds(), ", ") + ".",
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			kind := ""
			if len(args) == 1 {
				kind = args[0]
			}
			src, ok := schema.Source(kind)
			if !ok {
				return fmt.Errorf("unknown kind %q; known kinds are all, %s", kind, strings.Join(schema.Kinds(), ", "))
			}
			_, err := g.stdout.Write(src)
			return err
		},
	}
}
