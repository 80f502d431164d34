package local_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/schema"
)

// runProject is a project of small pipelines whose steps are shell
// commands: relay (one step writes an artifact, the next copies it),
// broken (a step that fails), slow (a step that sleeps), flaky (a step
// that fails once, then succeeds when retried) and fan (a foreach).
const runProject = `apiVersion: sluice.dev/v1
kind: Project
metadata: {name: churn}
spec:
  environments: [dev]
  folder: deploy
  defaults: {image: "img:1", artifactStore: artifacts, compute: cpu}
`

const runDocuments = `apiVersion: sluice.dev/v1
kind: ArtifactStore
metadata: {name: artifacts}
spec: {}
---
apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata: {name: cpu}
spec: {type: EC2, maxVcpus: 4, subnets: [subnet-a], instanceRole: "arn:aws:iam::1:instance-profile/ecs"}
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: relay}
spec:
  parameters:
    greeting: {type: string, default: hello}
  steps:
    - name: produce
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT" && echo "produce says $SLUICE_PARAMETERS" && echo "$SLUICE_PARAMETERS" > "$SLUICE_OUTPUT/data.json"']
      next: consume
    - name: consume
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT" && cp "$SLUICE_ARTIFACTS/produce/data.json" "$SLUICE_OUTPUT/copy.json" && echo consumed']
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: broken}
spec:
  steps:
    - name: start
      command: [sh, -c, 'echo starting']
      next: explode
    - name: explode
      command: [sh, -c, 'echo boom >&2; exit 3']
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: slow}
spec:
  steps:
    - name: nap
      command: [sleep, "30"]
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: flaky}
spec:
  steps:
    - name: try
      command: [sh, -c, 'mkdir -p "$SLUICE_ARTIFACTS"; if [ -e "$SLUICE_ARTIFACTS/tried" ]; then echo second try; else touch "$SLUICE_ARTIFACTS/tried"; echo first try; exit 1; fi']
      retry: {attempts: 2, delay: 1s, jitter: true}
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: fan}
spec:
  parameters:
    items: {type: list, default: [a, b, c]}
  steps:
    - {name: start, command: ["true"], foreach: {over: parameters.items, step: work, join: done}}
    - name: work
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT" && echo "$SLUICE_FOREACH_ITEM" > "$SLUICE_OUTPUT/item.json"']
      next: done
    - {name: done, command: ["true"]}
`

// compileFiles loads and validates a project held in memory and
// compiles it for env.
func compileFiles(tb testing.TB, files map[string]string, env string) []sluice.Resource {
	tb.Helper()
	v, err := schema.New()
	if err != nil {
		tb.Fatal(err)
	}
	loader, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		tb.Fatal(err)
	}
	data := map[string][]byte{}
	for p, s := range files {
		data[p] = []byte(s)
	}
	snap, err := loader.Load(context.Background(), project.NewMemory(data))
	if err != nil {
		tb.Fatal(err)
	}
	res, diags := compile.Compile(compile.Input{Project: snap.Project, Documents: snap.Valid(env), Env: env, Revision: "0123456789abcdef0123456789abcdef01234567"})
	if diags.HasErrors() {
		tb.Fatal(diags)
	}
	return localOnly(res)
}

// runWorld is a World in a new data directory with runProject deployed,
// its jobs running in workdir.
func runWorld(t *testing.T, workdir string) *local.World {
	t.Helper()
	desired := compileFiles(t, map[string]string{"sluice.yaml": runProject, "deploy/docs.yaml": runDocuments}, env)
	w := mustWorld(t, local.Options{Workdir: workdir})
	t.Cleanup(func() { _ = w.Close() })
	deploy(t, w, env, desired)
	return w
}

// machineARN is the ARN of the state machine of pipeline in env.
func machineARN(pipeline string) string {
	return "arn:aws:states:local:000000000000:stateMachine:churn-" + env + "-" + pipeline
}

// mustStart starts an execution and fails the test on error.
func mustStart(tb testing.TB, w *local.World, sm, name, input string) string {
	tb.Helper()
	id, err := w.StartExecution(tb.Context(), sm, name, json.RawMessage(input))
	if err != nil {
		tb.Fatalf("start %s %s: %v", sm, name, err)
	}
	return id
}

// waitFor describes execution id until until holds for it, and returns
// it; it fails the test when that takes over a minute.
func waitFor(tb testing.TB, w *local.World, id string, until func(sluice.Execution) bool) sluice.Execution {
	tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		e, err := w.DescribeExecution(tb.Context(), id)
		if err != nil {
			tb.Fatal(err)
		}
		if until(e) {
			return e
		}
		if time.Now().After(deadline) {
			tb.Fatalf("execution %s: still %s with steps %+v", id, e.Status, e.Steps)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitDone waits for execution id to end and returns it.
func waitDone(tb testing.TB, w *local.World, id string) sluice.Execution {
	tb.Helper()
	return waitFor(tb, w, id, sluice.Execution.Done)
}

// stepStates returns the states of steps, in order.
func stepStates(steps []sluice.StepRun) string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.State + ":" + s.Status
	}
	return strings.Join(names, " ")
}

// readFile returns the text of the file at path, failing the test when
// it cannot be read.
func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
