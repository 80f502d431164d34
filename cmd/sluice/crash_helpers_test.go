package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// childArgsEnv, when set in the environment of the test binary, holds the
// JSON arguments of one CLI run: the binary runs them and exits, instead
// of running tests. The crash test starts such children to kill them.
const childArgsEnv = "SLUICE_TEST_CLI_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(childArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, "bad", childArgsEnv, err)
			os.Exit(exitUsage)
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// cliProcess returns a command running the CLI with args in a child
// process (the test binary itself), with the test's environment.
func cliProcess(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(raw))
	return cmd
}

// crashRepo writes a repository of project "crash" with one environment
// (dev): a bucket that may be deleted, a compute environment with its
// queue, and pipelines p000..p{n-1} of steps steps each. It returns the
// repository's folder.
func crashRepo(t *testing.T, n, steps int) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range crashFiles(n, steps) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// crashFiles are the files of the crash repository.
func crashFiles(n, steps int) map[string]string {
	files := map[string]string{"sluice.yaml": crashProject, "deploy/infra.yaml": crashInfra}
	for i := range n {
		files[crashPipelinePath(i)] = crashPipeline(i, steps)
	}
	return files
}

func crashPipelinePath(i int) string { return fmt.Sprintf("deploy/pipelines/p%03d.yaml", i) }

// crashPipeline is a linear pipeline of steps steps s0..s{steps-1}, each
// with its own container (its environment differs), so its own job
// definition.
func crashPipeline(i, steps int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata:\n  name: p%03d\nspec:\n  steps:\n", i)
	for s := range steps {
		fmt.Fprintf(&b, "    - name: s%d\n      command: [python3, -m, step%d]\n      env: {STEP: s%d}\n", s, s, s)
		if s+1 < steps {
			fmt.Fprintf(&b, "      next: s%d\n", s+1)
		}
	}
	return b.String()
}

const crashProject = `apiVersion: sluice.dev/v1
kind: Project
metadata:
  name: crash
spec:
  environments: [dev]
  defaults:
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ml:1.0
    artifactStore: artifacts
    compute: cpu
    resources: {cpu: 1, memory: 2Gi}
`

const crashInfra = `apiVersion: sluice.dev/v1
kind: ArtifactStore
metadata:
  name: artifacts
spec:
  deletionPolicy: delete
---
apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata:
  name: cpu
spec:
  type: EC2
  maxVcpus: 16
  subnets: [subnet-0123456789abcdef0]
  securityGroups: [sg-0123456789abcdef0]
  instanceRole: arn:aws:iam::123456789012:instance-profile/ecsInstanceRole
`
