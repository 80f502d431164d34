package compile_test

import (
	"fmt"
	"strings"
	"testing"
)

// benchRepo generates a repository of n pipelines of about twenty steps
// each: a split, an inline foreach, a switch and plain steps.
func benchRepo(tb testing.TB, n int) repo {
	tb.Helper()
	var b strings.Builder
	b.WriteString(base)
	for i := range n {
		fmt.Fprintf(&b, `apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: pipeline-%d}
spec:
  resources: {cpu: 2, memory: 4Gi}
  retry: {attempts: 3, delay: 10s, backoff: 2, jitter: true}
  timeout: 2h
  env: {LOG_LEVEL: info, PIPELINE_INDEX: "%d"}
  parameters:
    dataset: {type: string, default: "s3://data/%d"}
    alphas: {type: list, default: [0.1, 0.2, 0.3]}
  steps:
    - {name: load, command: [python, load.py], next: validate}
    - {name: validate, command: [python, validate.py], next: fork}
    - {name: fork, command: [python, fork.py], split: {branches: [text, tabular, images], join: merge}}
    - {name: text, command: [python, text.py], next: text-clean}
    - {name: text-clean, command: [python, clean.py], next: merge}
    - {name: tabular, command: [python, tabular.py], resources: {memory: 8Gi}, next: tabular-clean}
    - {name: tabular-clean, command: [python, clean.py], next: merge}
    - {name: images, command: [python, images.py], resources: {gpu: 1}, next: merge}
    - {name: merge, command: [python, merge.py], next: sweep}
    - {name: sweep, command: [python, sweep.py], foreach: {over: parameters.alphas, step: train, join: pick, concurrency: 8}}
    - {name: train, command: [python, train.py], resources: {gpu: 1, memory: 16Gi}, timeout: 1h, next: score}
    - {name: score, command: [python, score.py], next: pick}
    - {name: pick, command: [python, pick.py], next: evaluate}
    - {name: evaluate, command: [python, evaluate.py], switch: {on: outputs.quality, cases: {pass: register, fail: report}, default: report}, onFailure: report}
    - {name: register, command: [python, register.py], next: deploy}
    - {name: deploy, command: [python, deploy.py], next: notify}
    - {name: notify, command: [python, notify.py], next: cleanup}
    - {name: cleanup, command: [python, cleanup.py], next: archive}
    - {name: archive, command: [python, archive.py]}
    - {name: report, command: [python, report.py]}
---
`, i, i, i)
	}
	return loadRepo(tb, "bench.yaml", []byte(b.String()))
}

// BenchmarkCompile compiles 1,000 pipelines of twenty steps for one
// environment.
func BenchmarkCompile(b *testing.B) {
	r := benchRepo(b, 1000)
	res := mustCompile(b, r, "prod")
	b.ReportMetric(float64(len(res)), "resources")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, diags := r.compile("prod", "0123456789abcdef0123456789abcdef01234567"); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
