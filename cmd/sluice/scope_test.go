package main

import (
	"strings"
	"testing"
)

// TestBackendScopedFlags checks that a flag the chosen backend would
// ignore is refused as a usage error naming it, before anything is read
// or changed, and that the same flags pass with their own backend.
func TestBackendScopedFlags(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"plan", "--env", "dev", "--backend", "local", "--aws-quota", "SFN.CreateStateMachine=2"},
			"--aws-quota only with --backend aws (this command uses --backend local): leave it out, or choose --backend aws"},
		{[]string{"apply", "--env", "dev", "--backend", "local", "--protected", "--region", "eu-west-1"},
			"--region, --protected only with --backend aws"},
		{[]string{"run", "training", "--env", "dev", "--backend", "local", "--s3-path-style"},
			"unknown flag: --s3-path-style"},
		{[]string{"apply", "--env", "dev", "--local-dir", dir},
			"--local-dir only with --backend local (this command uses --backend aws): leave it out, or choose --backend local"},
		{[]string{"run", "training", "--env", "dev", "--no-sandbox"},
			"--no-sandbox only with --backend local"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, append([]string{"--repo", dir}, c.args...)...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("sluice %s = %d, %q, %q; want exit %d saying %q", strings.Join(c.args, " "), code, out, errOut, exitUsage, c.want)
		}
	}
	for _, args := range [][]string{
		{"plan", "--env", "dev", "--backend", "local", "--local-dir", dir, "--no-sandbox"},
		{"plan", "--env", "dev", "--aws-quota", "SFN.CreateStateMachine=2", "--protected", "--region", "eu-west-1"},
	} {
		// The empty repository fails later, for its own reason.
		if _, _, errOut := runCLI(t, append([]string{"--repo", dir}, args...)...); strings.Contains(errOut, "only with --backend") {
			t.Errorf("sluice %s refused its own backend's flags: %s", strings.Join(args, " "), errOut)
		}
	}
}
