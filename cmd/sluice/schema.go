package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newSchemaCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "not available yet",
		RunE:  func(*cobra.Command, []string) error { return errors.New("schema: not implemented in this build") },
	}
}
