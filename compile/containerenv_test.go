package compile_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestContainerEnvironmentMerge checks how a job definition's environment
// is merged: the step's env over the pipeline's (itself over the
// project's defaults), and Sluice's own variables over both.
func TestContainerEnvironmentMerge(t *testing.T) {
	const head = `apiVersion: sluice.dev/v1
kind: Project
metadata: {name: churn}
spec:
  environments: [dev]
  defaults:
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4
    artifactStore: artifacts
    compute: cpu
    env: {LOG_LEVEL: info, MODE: default}
---
apiVersion: sluice.dev/v1
kind: ArtifactStore
metadata: {name: artifacts}
spec: {}
---
apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata: {name: cpu}
spec:
  type: EC2
  maxVcpus: 16
  subnets: [subnet-a]
  instanceRole: arn:aws:iam::123456789012:instance-profile/ecsInstanceRole
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: etl}
spec:
`
	for _, c := range []struct {
		name, pipeline string
		want           map[string]string
	}{
		{"defaults only", "  steps:\n    - name: a\n      command: [run]\n",
			map[string]string{"LOG_LEVEL": "info", "MODE": "default"}},
		{"pipeline over defaults", "  env: {MODE: pipeline, EXTRA: x}\n  steps:\n    - name: a\n      command: [run]\n",
			map[string]string{"LOG_LEVEL": "info", "MODE": "pipeline", "EXTRA": "x"}},
		{"step over pipeline", "  env: {MODE: pipeline}\n  steps:\n    - name: a\n      command: [run]\n      env: {MODE: step, OWN: y}\n",
			map[string]string{"LOG_LEVEL": "info", "MODE": "step", "OWN": "y"}},
		{"Sluice's own variables win", "  env: {SLUICE_PIPELINE: p}\n  steps:\n    - name: a\n      command: [run]\n      env: {SLUICE_PROJECT: s}\n",
			map[string]string{"LOG_LEVEL": "info", "MODE": "default"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := mustCompile(t, loadRepo(t, "repo.yaml", []byte(head+c.pipeline)), "dev")
			var spec struct {
				ContainerProperties struct {
					Environment []struct{ Name, Value string }
				}
			}
			if err := json.Unmarshal(resource(t, res, "JobDefinition/etl.a").Spec, &spec); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"SLUICE_ENVIRONMENT": "dev", "SLUICE_PIPELINE": "etl", "SLUICE_PROJECT": "churn"}
			for k, v := range c.want {
				want[k] = v
			}
			got := map[string]string{}
			var names []string
			for _, e := range spec.ContainerProperties.Environment {
				if _, dup := got[e.Name]; dup {
					t.Errorf("%s twice", e.Name)
				}
				got[e.Name] = e.Value
				names = append(names, e.Name)
			}
			if len(got) != len(want) {
				t.Errorf("environment %v, want %v", got, want)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			if s := strings.Join(names, ","); !sortedStrings(names) {
				t.Errorf("names not sorted: %s", s)
			}
		})
	}
}

func sortedStrings(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}
