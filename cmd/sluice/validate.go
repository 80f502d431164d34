package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newValidateCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "not available yet",
		RunE:  func(*cobra.Command, []string) error { return errors.New("validate: not implemented in this build") },
	}
}
