package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newInitCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "not available yet",
		RunE:  func(*cobra.Command, []string) error { return errors.New("init: not implemented in this build") },
	}
}
