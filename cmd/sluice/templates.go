package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newTemplatesCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "templates",
		Short: "not available yet",
		RunE:  func(*cobra.Command, []string) error { return errors.New("templates: not implemented in this build") },
	}
}
