package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cliPipeline is a one-step pipeline named name whose step prints what.
func cliPipeline(name, what string) string {
	return `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: ` + name + `
spec:
  image: python:3.12
  steps:
    - name: hello
      command: [python3, -c, "print('` + what + `')"]
`
}

// TestApplyKumoHoldsByFileAndReference breaks the training pipeline's
// file in several ways, each together with a valid change to another
// pipeline, and applies with --prune against kumo and the fakes: the
// training pipeline's resources are held, the other change applies.
// Then it removes the compute environment the pipelines run on in dev:
// they are held as invalid, and the queue their last-applied state
// machines submit to is held, not deleted.
func TestApplyKumoHoldsByFileAndReference(t *testing.T) {
	w := startAWS(t)
	dir, base, target := appliedDemo(t, w, "dev")
	write := func(rel, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("deploy/extra.yaml", cliPipeline("extra", "v0"))
	w.applyUntilDone(t, append(base, target...)...)
	pipelineFile := filepath.Join(dir, "deploy", "pipeline.yaml")
	original, err := os.ReadFile(pipelineFile)
	if err != nil {
		t.Fatal(err)
	}
	forms := []struct{ name, text string }{
		{"tab", "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata:\n\tname: training\n"},
		{"empty file", ""},
		{"unknown kind", "apiVersion: sluice.dev/v1\nkind: Pipe\nmetadata:\n  name: training\nspec: {}\n"},
		{"no name", strings.Replace(string(original), "  name: training\n", "", 1)},
		{"invalid name", strings.Replace(string(original), "  name: training\n", "  name: Training-b\n", 1)},
	}
	for i, form := range forms {
		what := "v" + string(rune('1'+i))
		write("deploy/pipeline.yaml", form.text)
		write("deploy/extra.yaml", cliPipeline("extra", what))
		code, out, errOut := runCLI(t, append(append(base, "apply"), target...)...)
		if code != exitInvalid || !strings.Contains(errOut, "deploy/pipeline.yaml:") {
			t.Errorf("%s: exit %d, want %d with the located finding:\n%s", form.name, code, exitInvalid, errOut)
		}
		if !strings.Contains(out, "hold     StateMachine/training") || strings.Contains(out, "delete   ") {
			t.Errorf("%s: the broken file's resources are not held:\n%s", form.name, out)
		}
		if !strings.Contains(out, "update   StateMachine/extra") || mutations(t, out) == "0" {
			t.Errorf("%s: the other pipeline's change was not applied:\n%s", form.name, out)
		}
		if err := os.WriteFile(pipelineFile, original, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out := mustRun(t, exitOK, append(append(base, "plan"), target...)...); strings.Contains(out, "StateMachine/training") {
		t.Errorf("the training pipeline changed while its file was broken:\n%s", out)
	}

	computeFile := filepath.Join(dir, "deploy", "compute.yaml")
	compute, err := os.ReadFile(computeFile)
	if err != nil {
		t.Fatal(err)
	}
	cpu, rest, ok := strings.Cut(string(compute), "\n---\n")
	if !ok || !strings.Contains(cpu, "name: cpu") || strings.Contains(rest, "name: cpu") {
		t.Fatalf("compute.yaml no longer starts with the cpu document alone:\n%s", compute)
	}
	write("deploy/compute.yaml", rest)
	code, out, errOut := runCLI(t, append(append(base, "apply"), target...)...)
	if code != exitInvalid || !strings.Contains(errOut, `no ComputeEnvironment named "cpu"`) {
		t.Errorf("apply without the cpu compute: exit %d, findings:\n%s", code, errOut)
	}
	for _, want := range []string{"hold     StateMachine/training", "hold     JobQueue/cpu", "hold     ComputeEnvironment/cpu"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "delete   ") || !strings.Contains(out, "(kept or held) still refers to it") {
		t.Errorf("the queue the held pipeline submits to is not held with its referrer named:\n%s", out)
	}
	if n := mutations(t, out); n != "0" {
		t.Errorf("%s mutating calls while the only change holds everything it touches:\n%s", n, out)
	}
}
