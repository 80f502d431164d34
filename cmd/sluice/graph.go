package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newGraphCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "graph",
		Short: "not available yet",
		RunE:  func(*cobra.Command, []string) error { return errors.New("graph: not implemented in this build") },
	}
}
