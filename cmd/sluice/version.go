package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set by the linker only ("make build": -ldflags -X main.stampVersion=...),
// for builds where Go's own VCS stamping is off (-buildvcs=false, a
// source archive); they win over the build information when set.
var (
	stampVersion string //nolint:gochecknoglobals // set by the linker (-X), never at run time
	stampCommit  string //nolint:gochecknoglobals // set by the linker (-X), never at run time
	stampDate    string //nolint:gochecknoglobals // set by the linker (-X), never at run time
)

// buildInfo says what the binary was built from, read from the build
// information Go stamps into every binary (module version, and with
// VCS stamping the commit, its time and whether the tree was modified).
type buildInfo struct {
	Version   string `json:"version" yaml:"version"`
	Commit    string `json:"commit,omitempty" yaml:"commit,omitempty"`
	Date      string `json:"date,omitempty" yaml:"date,omitempty"`
	Modified  bool   `json:"modified,omitempty" yaml:"modified,omitempty"`
	GoVersion string `json:"goVersion" yaml:"goVersion"`
}

// readBuildInfo returns the binary's build information; a build without
// it (go run of a file list) is "devel".
func readBuildInfo() buildInfo {
	b := buildInfo{Version: "devel"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = &debug.BuildInfo{}
	}
	b.GoVersion = info.GoVersion
	if v := info.Main.Version; v != "" && v != "(devel)" {
		b.Version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Date = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	if stampVersion != "" {
		b.Version = stampVersion
	}
	if stampCommit != "" {
		b.Commit, b.Modified = strings.TrimSuffix(stampCommit, "-dirty"), strings.HasSuffix(stampCommit, "-dirty")
	}
	if stampDate != "" {
		b.Date = stampDate
	}
	return b
}

// String is the one line "sluice --version" prints.
func (b buildInfo) String() string {
	s := "sluice " + b.Version
	if b.Commit != "" {
		s += fmt.Sprintf(" (commit %.12s", b.Commit)
		if b.Modified {
			s += ", modified"
		}
		if b.Date != "" {
			s += ", " + b.Date
		}
		s += ")"
	}
	return s + " " + b.GoVersion
}

// version returns the module version the binary was built from, or
// "devel" for a build without one.
func version() string { return readBuildInfo().Version }

func newVersionCmd(g *globalOptions) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print Sluice's version, commit and build date",
		Long: `Version prints the module version the binary was built from, the Git commit
and its date (stamped by "go build" from the checkout, or by "make build" with
-ldflags where VCS stamping is off), whether the tree had uncommitted changes, and the Go
version. "sluice --version" prints the same on one line.`,
		Args: cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			b := readBuildInfo()
			return writeOutput(g.stdout, format, b, func() error {
				_, err := fmt.Fprintln(g.stdout, b.String())
				return err
			})
		},
	}
	outputFlag(cmd, &format, "text", "text", "json", "yaml")
	return cmd
}
