package schema_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
)

// pipelineYAML writes a realistic pipeline of about 20 steps: a linear
// start, a three-way split, a foreach, a switch, retries, resources,
// environment variables, secrets and a prod override.
func pipelineYAML(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: pipeline-%d, description: generated, labels: {team: ml}}
spec:
  image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/p%d:1.0
  artifactStore: artifacts
  compute: cpu
  jobRole: arn:aws:iam::123456789012:role/job
  parameters:
    dataset: {type: string, required: true}
    alphas: {type: list, default: [0.1, 0.2, 0.3]}
  resources: {cpu: 2, memory: 8Gi}
  retry: {attempts: 3, delay: 10s, backoff: 2, jitter: true}
  timeout: 6h
  env: {LOG_LEVEL: info, MODEL: m%d}
  secrets: {DB_PASSWORD: "ssm:/ml/db/password"}
  steps:
`, i, i, i)
	for s := 0; s < 6; s++ {
		fmt.Fprintf(&b, "    - {name: prep%d, command: [python, prep.py, \"%d\"], next: prep%d}\n", s, s, s+1)
	}
	b.WriteString("    - name: prep6\n      command: python split.py\n      split: {branches: [a0, b0, c0], join: merge}\n")
	for _, br := range []string{"a", "b", "c"} {
		fmt.Fprintf(&b, "    - {name: %s0, command: [python, %s.py], resources: {memory: 16Gi}, next: %s1}\n", br, br, br)
		fmt.Fprintf(&b, "    - {name: %s1, command: [python, %s.py], next: merge}\n", br, br)
	}
	b.WriteString(`    - name: merge
      command: [python, merge.py]
      foreach: {over: parameters.alphas, step: train, join: pick, concurrency: 8}
    - name: train
      command: [python, train.py]
      resources: {gpu: 1}
      retry: {attempts: 2, delay: 30s}
      timeout: 2h
      next: pick
    - name: pick
      command: [python, pick.py]
      switch: {on: outputs.quality, cases: {pass: publish, fail: report}, default: report}
      onFailure: report
    - {name: publish, command: [python, publish.py]}
    - {name: report, command: [python, report.py]}
environments:
  prod:
    resources: {cpu: 4}
    steps: [{name: train, resources: {gpu: 4}}]
`)
	return b.String()
}

func benchDocs(b *testing.B, n int) []*dsl.Document {
	b.Helper()
	docs := make([]*dsl.Document, 0, n)
	for i := 0; i < n; i++ {
		path := fmt.Sprintf("deploy/p%d.yaml", i)
		docs = append(docs, MustParse(b, path, []byte(pipelineYAML(i))).Documents...)
	}
	return docs
}

// BenchmarkValidate1000Pipelines validates 1,000 pipelines of about 20
// steps each, as written and merged for prod, on one core.
func BenchmarkValidate1000Pipelines(b *testing.B) {
	v := MustValidator(b)
	docs := benchDocs(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, doc := range docs {
			if diags := v.ValidateAll(doc); len(diags) > 0 {
				b.Fatal(diags)
			}
		}
	}
}

// BenchmarkValidateInvalid measures the cost of locating findings: each
// pipeline has a few mistakes.
func BenchmarkValidateInvalid(b *testing.B) {
	v := MustValidator(b)
	docs := make([]*dsl.Document, 0, 100)
	for i := 0; i < 100; i++ {
		src := strings.Replace(pipelineYAML(i), "timeout: 6h", "timeout: 6 hours\n  imagee: x", 1)
		src = strings.Replace(src, "concurrency: 8", "concurrency: -8", 1)
		docs = append(docs, MustParse(b, "p.yaml", []byte(src)).Documents...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, doc := range docs {
			if len(v.ValidateAll(doc)) != 3 {
				b.Fatal("want 3 findings")
			}
		}
	}
}

// TestConcurrentUse validates the same documents from many goroutines and
// expects what one goroutine finds (run with -race).
func TestConcurrentUse(t *testing.T) {
	v := MustValidator(t)
	var docs []*dsl.Document
	for _, path := range append(fixtures(t, "valid"), fixtures(t, "invalid")...) {
		docs = append(docs, MustParse(t, path, readFile(t, path)).Documents...)
	}
	want := make([]string, len(docs))
	for i, doc := range docs {
		want[i] = v.ValidateAll(doc).Error()
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, doc := range docs {
				if got := v.ValidateAll(doc).Error(); got != want[i] {
					t.Errorf("%s: concurrent result differs:\n%s\nwant:\n%s", doc.ID(), got, want[i])
				}
			}
		}()
	}
	wg.Wait()
}
