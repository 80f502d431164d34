package main

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// clearFlagDefaults empties the environment variables that flags take
// their defaults from, so that help reads the same on every machine.
func clearFlagDefaults(t *testing.T) {
	t.Helper()
	for _, k := range []string{"SLUICE_SERVER", "SLUICE_TOKEN_FILE", "SLUICE_TOKEN", "SLUICE_STATES_ROLE_ARN", "SLUICE_SCHEDULER_ROLE_ARN",
		"SLUICE_AWS_QUOTAS", "SLUICE_PG_DSN", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
	}
}

// sluiceCommands returns the path of every command of the CLI, cobra's
// help and completion left out.
func sluiceCommands(t *testing.T) []*cobra.Command {
	t.Helper()
	g := &globalOptions{stdout: io.Discard, stderr: io.Discard}
	var out []*cobra.Command
	walk(newRootCmd(g), func(c *cobra.Command) {
		if c.HasParent() && (c.Name() == "help" || strings.HasPrefix(c.CommandPath(), "sluice completion")) {
			return
		}
		out = append(out, c)
	})
	return out
}

// TestHelpGolden keeps every command's --help in testdata/help.*.txt: its
// examples, group and exit codes are part of the CLI's contract.
func TestHelpGolden(t *testing.T) {
	clearFlagDefaults(t)
	for _, c := range sluiceCommands(t) {
		args := slices.Concat(strings.Fields(c.CommandPath())[1:], []string{"--help"})
		code, stdout, stderr := runCLI(t, args...)
		if code != exitOK || stderr != "" {
			t.Fatalf("%s --help: exit %d, stderr %q", c.CommandPath(), code, stderr)
		}
		goldenCompare(t, "help."+strings.ReplaceAll(c.CommandPath(), " ", "_")+".txt", []byte(stdout))
	}
}

// TestEveryCommandHasHelp fails when a command lacks examples, exit
// codes or (at the top) a group, and when the global --repo shows on a
// command that ignores it.
func TestEveryCommandHasHelp(t *testing.T) {
	clearFlagDefaults(t)
	for _, c := range sluiceCommands(t) {
		if !c.HasParent() {
			continue
		}
		h, ok := helpOf()[c.CommandPath()]
		switch {
		case !ok:
			t.Errorf("%s has no entry in helpOf", c.CommandPath())
			continue
		case c.Example == "":
			t.Errorf("%s has no examples", c.CommandPath())
		case c.Annotations[annotationExitCodes] == "":
			t.Errorf("%s lists no exit codes", c.CommandPath())
		case c.Parent().Parent() == nil && c.GroupID == "" && c.Name() != "version":
			t.Errorf("%s is in no group", c.CommandPath())
		}
		_, out, _ := runCLI(t, slices.Concat(strings.Fields(c.CommandPath())[1:], []string{"--help"})...)
		if strings.Contains(out, "--repo DIR") != h.readsRepo {
			t.Errorf("%s --help shows --repo: %v, reads the repository: %v", c.CommandPath(), !h.readsRepo, h.readsRepo)
		}
		if !strings.Contains(out, "\nExamples:\n") || !strings.Contains(out, "\nExit codes:\n  0  ") {
			t.Errorf("%s --help has no Examples or Exit codes section:\n%s", c.CommandPath(), out)
		}
	}
}

// TestUnknownOutputFormatIsAUsageError runs every command that has -o
// with a format none knows: each exits 2 before doing anything.
func TestUnknownOutputFormatIsAUsageError(t *testing.T) {
	clearFlagDefaults(t)
	n := 0
	for _, c := range sluiceCommands(t) {
		if c.Flags().Lookup("output") == nil {
			continue
		}
		n++
		for _, flag := range []string{"-o", "--output", "--format"} {
			args := slices.Concat(strings.Fields(c.CommandPath())[1:], []string{flag, "xml"})
			code, stdout, stderr := runCLI(t, args...)
			if strings.Contains(stderr, "arg(s)") {
				// A command that checks its format once it has its
				// arguments (graph).
				code, stdout, stderr = runCLI(t, append(args, "x")...)
			}
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, `"xml"`) {
				t.Errorf("sluice %s: exit %d, want 2 with no output and the format named; stdout %q stderr %q",
					strings.Join(args, " "), code, stdout, stderr)
			}
		}
	}
	if n < 12 {
		t.Errorf("only %d commands have -o; want status, history, plan, apply, run, render, validate, graph, templates, state check, iam-policy, version and the actions", n)
	}
}

// TestDetailedExitcodeUsageErrorIsOne checks Terraform's contract: under
// --detailed-exitcode, 2 means changes only, and a usage error is 1.
func TestDetailedExitcodeUsageErrorIsOne(t *testing.T) {
	for _, args := range [][]string{
		{"plan", "--detailed-exitcode", "--no-such-flag"},
		{"plan", "--no-such-flag", "--detailed-exitcode"},
		{"plan", "--detailed-exitcode", "-o", "xml"},
		{"plan", "--detailed-exitcode", "--env", "dev", "--repo", "/nonexistent"},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitInvalid {
			t.Errorf("sluice %s: exit %d, want 1 (%s)", strings.Join(args, " "), code, stderr)
		}
	}
	if code, _, _ := runCLI(t, "plan", "--no-such-flag"); code != exitUsage {
		t.Errorf("plan --no-such-flag without --detailed-exitcode: exit %d, want 2", code)
	}
}

// TestVersion checks that version and --version say the same.
func TestVersion(t *testing.T) {
	code, long, _ := runCLI(t, "--version")
	_, short, _ := runCLI(t, "version")
	_, js, _ := runCLI(t, "version", "-o", "json")
	if code != exitOK || long != short || !strings.HasPrefix(long, "sluice ") || !bytes.Contains([]byte(js), []byte(`"goVersion": "go`)) {
		t.Errorf("--version %q, version %q, version -o json %q", long, short, js)
	}
}
