package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newRenderCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "render",
		Short: "not available yet",
		RunE:  func(*cobra.Command, []string) error { return errors.New("render: not implemented in this build") },
	}
}
