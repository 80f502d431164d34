// Package benchrepo generates synthetic Sluice repositories of realistic
// shape for benchmarks and load tests: pipelines of about twenty steps
// with splits, foreach fan-outs, switches, retries and overrides.
package benchrepo

import (
	"fmt"
	"strings"
)

// Project is the project file every generated repository uses.
const Project = `apiVersion: sluice.dev/v1
kind: Project
metadata:
  name: bench
spec:
  environments: [dev, staging, prod]
  defaults:
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ml:1.0
    artifactStore: artifacts
    compute: cpu
    resources: {cpu: 1, memory: 2Gi}
`

// Infra holds the stores and compute every generated pipeline uses.
const Infra = `apiVersion: sluice.dev/v1
kind: ArtifactStore
metadata:
  name: artifacts
spec:
  versioning: true
  encryption: {type: sse-s3}
---
apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata:
  name: cpu
spec:
  type: EC2
  maxVcpus: 256
  subnets: [subnet-0123456789abcdef0]
  securityGroups: [sg-0123456789abcdef0]
  instanceRole: arn:aws:iam::123456789012:instance-profile/ecsInstanceRole
---
apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata:
  name: gpu
spec:
  type: SPOT
  instanceTypes: [g5.xlarge, g5.2xlarge]
  maxVcpus: 64
  subnets: [subnet-0123456789abcdef0]
  securityGroups: [sg-0123456789abcdef0]
  instanceRole: arn:aws:iam::123456789012:instance-profile/ecsInstanceRole
`

// Files returns a repository of n pipelines, one per file, keyed by path
// relative to the repository root. The same n gives the same bytes.
func Files(n int) map[string][]byte {
	files := map[string][]byte{
		"sluice.yaml":       []byte(Project),
		"deploy/infra.yaml": []byte(Infra),
	}
	for i := 0; i < n; i++ {
		files[PipelinePath(i)] = Pipeline(i, 0)
	}
	return files
}

// PipelinePath is where pipeline i lives.
func PipelinePath(i int) string { return fmt.Sprintf("deploy/pipelines/p%04d.yaml", i) }

// Pipeline returns the document of pipeline i; variant changes its
// content (a learning rate) without changing its shape, to model an edit.
func Pipeline(i, variant int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: pipeline-%04d
  description: Synthetic training pipeline %d for benchmarks.
spec:
  parameters:
    dataset: {type: string, default: "s3://datasets/bench/%d.parquet", description: Input data.}
    alphas: {type: list, default: [0.01, 0.03, 0.1, 0.3]}
    learning_rate: {type: number, default: 0.0%d}
    epochs: {type: integer, default: 10}
  resources: {cpu: 2, memory: 4Gi}
  retry: {attempts: 3, delay: 10s, backoff: 2, maxDelay: 5m, jitter: true}
  timeout: 6h
  env: {LOG_LEVEL: info, TEAM: team-%d}
  secrets: {DB_PASSWORD: "ssm:/bench/db/password"}
  steps:
`, i, i, i, variant+1, i%17)
	for _, s := range steps() {
		b.WriteString(s)
	}
	if i%5 == 0 {
		b.WriteString(`environments:
  prod:
    resources: {cpu: 4, memory: 16Gi}
    steps:
      - name: train
        resources: {gpu: 1, memory: 30Gi}
`)
	}
	return []byte(b.String())
}

func steps() []string {
	linear := func(name, next, cmd string) string {
		return fmt.Sprintf("    - name: %s\n      command: [python3, -m, bench.%s, --verbose]\n      env: {STAGE: %s, OUTPUT_FORMAT: parquet, CACHE_DIR: /tmp/cache}\n      next: %s\n", name, cmd, name, next)
	}
	return []string{
		linear("fetch", "unpack", "fetch"),
		linear("unpack", "profile", "unpack"),
		linear("profile", "clean", "profile"),
		"    - name: clean\n      command: [python3, -m, bench.clean]\n      timeout: 30m\n      split: {branches: [text, tabular, images], join: merge}\n",
		linear("text", "text_embed", "text"),
		"    - name: text_embed\n      command: [python3, -m, bench.embed]\n      resources: {memory: 8Gi}\n      next: merge\n",
		linear("tabular", "merge", "tabular"),
		linear("images", "images_resize", "images"),
		linear("images_resize", "merge", "resize"),
		"    - name: merge\n      command: [python3, -m, bench.merge]\n      foreach: {over: parameters.alphas, step: train, join: collect, concurrency: 8}\n",
		"    - name: train\n      command: [python3, -m, bench.train]\n      compute: gpu\n      resources: {gpu: 1, memory: 15Gi}\n      retry: {attempts: 1, delay: 30s}\n      timeout: 2h\n      next: score\n",
		linear("score", "collect", "score"),
		linear("collect", "evaluate", "collect"),
		"    - name: evaluate\n      command: [python3, -m, bench.evaluate]\n      switch: {on: outputs.verdict, cases: {pass: package, fail: report}, default: report}\n      onFailure: report\n",
		linear("package", "upload", "package"),
		linear("upload", "register", "upload"),
		linear("register", "notify", "register"),
		"    - name: notify\n      command: [python3, -m, bench.notify]\n",
		linear("report", "cleanup", "report"),
		"    - name: cleanup\n      command: [python3, -m, bench.cleanup]\n",
	}
}
