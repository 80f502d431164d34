package compile_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/compile"
)

// base is a valid repository; error cases append a document to it (from
// line 23 on) or replace parts of it.
const base = `apiVersion: sluice.dev/v1
kind: Project
metadata: {name: churn}
spec:
  environments: [dev, prod]
  defaults: {image: img:1, artifactStore: artifacts, compute: cpu, runTimeout: 1d}
---
apiVersion: sluice.dev/v1
kind: ArtifactStore
metadata: {name: artifacts}
spec: {}
---
apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata: {name: cpu}
spec: {type: EC2, maxVcpus: 16, subnets: [subnet-a], instanceRole: arn:aws:iam::1:instance-profile/ecs}
---
apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata: {name: tiny}
spec: {type: FARGATE, maxVcpus: 4, subnets: [subnet-a]}
---
`

// pipelineDoc is a Pipeline document named p with the given spec lines
// (indented by the caller as under spec:); its spec starts on line 27.
func pipelineDoc(spec string) string {
	return "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n" + spec
}

func TestCompileErrors(t *testing.T) {
	long := strings.Repeat("x", 75)
	tests := []struct {
		name string
		repo string
		env  string
		want []string // "line:col code"
		msg  string   // a fragment of the first message
	}{
		{
			name: "unknown artifact store",
			repo: base + pipelineDoc("  artifactStore: artifact\n  steps: [{name: a}]\n"),
			want: []string{"27:18 ref.unknown"},
			msg:  `ArtifactStore "artifact", which is not among the valid documents (did you mean "artifacts"?)`,
		},
		{
			name: "unknown compute of a step",
			repo: base + pipelineDoc("  steps: [{name: a, compute: gpu}]\n"),
			want: []string{"27:30 ref.unknown"},
			msg:  `ComputeEnvironment "gpu"`,
		},
		{
			name: "unknown compute in a prod override",
			repo: base + pipelineDoc("  steps: [{name: a}]\nenvironments:\n  prod:\n    steps: [{name: a, compute: gpu}]\n"),
			env:  "prod",
			want: []string{"30:32 ref.unknown"},
		},
		{
			name: "no image anywhere",
			repo: strings.Replace(base, "image: img:1, ", "", 1) + pipelineDoc("  steps: [{name: a, next: b}, {name: b, image: x}]\n"),
			want: []string{"27:11 pipeline.image"},
			msg:  `step "a" has no image`,
		},
		{
			name: "no artifact store anywhere",
			repo: strings.Replace(base, "artifactStore: artifacts, ", "", 1) + pipelineDoc("  steps: [{name: a}]\n"),
			want: []string{"27:3 ref.missing"},
		},
		{
			name: "graph findings carry the document",
			repo: base + pipelineDoc("  steps: [{name: a, next: b}]\n"),
			want: []string{"27:27 graph.unknown-step"},
		},
		{
			name: "inline foreach too wide",
			repo: base + pipelineDoc("  parameters: {xs: {type: list}}\n  steps:\n    - {name: a, foreach: {over: parameters.xs, step: b, join: c, concurrency: 100}}\n    - {name: b, next: c}\n    - {name: c}\n"),
			want: []string{"29:79 limit.map-concurrency"},
			msg:  "set mode: distributed",
		},
		{
			name: "state name too long",
			repo: base + pipelineDoc("  steps: [{name: "+long+", switch: {on: outputs.x, default: b}}, {name: b}]\n"),
			want: []string{"27:18 limit.state-name"},
			msg:  "83 characters",
		},
		{
			name: "container overrides too big",
			repo: base + pipelineDoc("  steps: [{name: a, command: ["+strings.Repeat("argument,", 900)+"x]}]\n"),
			want: []string{"27:11 limit.container-overrides"},
		},
		{
			name: "parameter defaults over the container overrides, reported once at the parameters",
			repo: base + pipelineDoc("  parameters: {blob: {type: string, default: "+strings.Repeat("y", 9000)+"}}\n  steps: [{name: a, next: b}, {name: b}]\n"),
			want: []string{"27:15 limit.container-overrides"},
			msg:  "the parameters' defaults take about 9015 bytes of every step's container overrides",
		},
		{
			name: "parameter defaults too big",
			repo: base + pipelineDoc("  parameters: {blob: {type: string, default: "+strings.Repeat("y", 270000)+"}}\n  steps: [{name: a}]\n"),
			want: []string{"27:15 limit.payload"},
		},
		{
			name: "timeout shorter than Batch allows",
			repo: base + pipelineDoc("  steps: [{name: a, timeout: 30s}]\n"),
			want: []string{"27:30 limit.timeout"},
		},
		{
			name: "bad duration",
			repo: base + pipelineDoc("  timeout: soon\n  steps: [{name: a}]\n"),
			want: []string{"27:12 compile.duration"},
		},
		{
			name: "gpu and odd sizes on Fargate",
			repo: base + pipelineDoc("  jobRole: arn:aws:iam::1:role/r\n  steps: [{name: a, compute: tiny, resources: {gpu: 1, cpu: 3}}]\n"),
			want: []string{"28:53 limit.fargate", "28:61 limit.fargate"},
		},
		{
			name: "a size Fargate does not offer, set on the pipeline, is one finding there",
			repo: base + pipelineDoc("  jobRole: arn:aws:iam::1:role/r\n  compute: tiny\n  resources: {cpu: 3}\n  steps: [{name: a, next: b}, {name: b, next: c}, {name: c}]\n"),
			want: []string{"29:20 limit.fargate"},
			msg:  `the resources of pipeline "p" ask for 3 vCPU, a size Fargate does not offer; Fargate offers 0.25 vCPU with 512, 1024 or 2048 MiB; 0.5 with 1024 to 4096 MiB in steps of 1024`,
		},
		{
			name: "a Fargate memory the steps set that does not fit the pipeline's cpu",
			repo: base + pipelineDoc("  jobRole: arn:aws:iam::1:role/r\n  compute: tiny\n  resources: {cpu: 4}\n  steps: [{name: a, resources: {memory: 2Gi}, next: b}, {name: b, resources: {memory: 8Gi}}]\n"),
			want: []string{"30:41 limit.fargate"},
			msg:  `the resources of step "a" ask for 2048 MiB with 4 vCPU; Fargate accepts 8192 to 30720 MiB`,
		},
		{
			name: "1536 MiB with 0.25 vCPU, the gap in Fargate's smallest size",
			repo: base + pipelineDoc("  jobRole: arn:aws:iam::1:role/r\n  compute: tiny\n  steps: [{name: a, resources: {cpu: 0.25, memory: 1536Mi}}]\n"),
			want: []string{"29:52 limit.fargate"},
			msg:  `ask for 1536 MiB with 0.25 vCPU; Fargate accepts 512, 1024 or 2048 MiB for that size`,
		},
		{
			name: "Fargate without a role",
			repo: base + pipelineDoc("  steps: [{name: a, compute: tiny}]\n"),
			want: []string{"27:3 limit.fargate"},
			msg:  "set jobRole",
		},
		{
			name: "reserved tag",
			repo: base + pipelineDoc("  tags: {aws:owner: me}\n  steps: [{name: a}]\n"),
			want: []string{"27:9 limit.tags"},
		},
		{
			name: "schedule without a required parameter",
			repo: base + pipelineDoc("  parameters: {d: {type: string, required: true}}\n  schedule: {rate: 1 day}\n  steps: [{name: a}]\n"),
			want: []string{"28:13 schedule.parameters"},
		},
		{
			name: "secret of unknown kind",
			repo: base + pipelineDoc("  secrets: {A: \"vault:x\"}\n  steps: [{name: a}]\n"),
			want: []string{"27:16 pipeline.secret"},
			msg:  "its value is not shown",
		},
		{
			name: "access point and root directory",
			repo: base + pipelineDoc("  volumes: [{name: v, fileSystem: fs-1, accessPoint: fsap-1, rootDirectory: /x, mountPath: /m}]\n  steps: [{name: a}]\n"),
			want: []string{"27:77 pipeline.volume"},
		},
		{
			name: "compute without instance role and subnets",
			repo: base + "apiVersion: sluice.dev/v1\nkind: ComputeEnvironment\nmetadata: {name: bare}\nspec: {type: SPOT, maxVcpus: 4}\n",
			want: []string{"26:7 compute.instance-role", "26:7 compute.subnets"},
		},
		{
			name: "state machine definition too big",
			repo: base + pipelineDoc("  steps:\n"+manySteps(170, 6500)),
			want: []string{"27:3 limit.definition-size"},
			msg:  "split it into smaller pipelines",
		},
		{
			name: "step timeout longer than the run's",
			repo: base + pipelineDoc("  runTimeout: 1h\n  steps: [{name: a, next: b}, {name: b, timeout: 2h}]\n"),
			want: []string{"28:50 pipeline.timeout"},
			msg:  `step "b" may run for 2h, longer than the run may last (runTimeout 1h)`,
		},
		{
			name: "inherited step timeout longer than the run's, reported once where written",
			repo: base + pipelineDoc("  timeout: 2h\n  runTimeout: 90m\n  steps: [{name: a, next: b}, {name: b}]\n"),
			want: []string{"27:12 pipeline.timeout"},
			msg:  "steps may run for 2h each, longer than the run may last (runTimeout 90m)",
		},
		{
			name: "step timeout longer than the project's runTimeout",
			repo: base + pipelineDoc("  steps: [{name: a, timeout: 2d}]\n"),
			want: []string{"27:30 pipeline.timeout"},
			msg:  "(runTimeout 1d)",
		},
		{
			name: "switch cases that are the same number",
			repo: base + pipelineDoc("  steps:\n    - {name: s, switch: {on: outputs.v, cases: {1: a, 1.0: b}}}\n    - {name: a}\n    - {name: b}\n"),
			want: []string{"28:60 graph.switch-cases"},
			msg:  `switch of step "s" has the cases 1 and 1.0, which are the same number; keep one`,
		},
		{
			name: "switch cases that are the same boolean",
			repo: base + pipelineDoc("  steps:\n    - {name: s, switch: {on: outputs.v, cases: {true: a, True: b}}}\n    - {name: a}\n    - {name: b}\n"),
			want: []string{"28:55 graph.switch-cases"},
			msg:  "has the cases True and true, which are the same boolean",
		},
		{
			name: "switch case that is not a finite number",
			repo: base + pipelineDoc("  steps:\n    - {name: s, switch: {on: outputs.v, cases: {.inf: a}}}\n    - {name: a}\n"),
			want: []string{"28:55 graph.switch-cases"},
			msg:  "not a finite number; put it in quotes",
		},
		{
			name: "schedule parameters checked as a run's are",
			repo: base + pipelineDoc("  parameters: {epochs: {type: integer}, shards: {type: list}}\n  schedule: {rate: 1 day, parameters: {epoch: 3, shards: a}}\n  steps: [{name: a}]\n"),
			want: []string{"28:47 schedule.parameters", "28:58 schedule.parameters"},
			msg:  `the schedule's parameter "epoch" is not declared by the pipeline (did you mean "epochs"?)`,
		},
		{
			name: "spec that does not decode",
			repo: base + pipelineDoc("  resources: {memory: lots}\n  steps: [{name: a}]\n"),
			want: []string{"27:3 compile.decode"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadRepo(t, "repo.yaml", []byte(tt.repo))
			env := tt.env
			if env == "" {
				env = "dev"
			}
			res, diags := r.compile(env, "r")
			// validate compiles for the findings only: the same ones.
			_, only := compile.Compile(compile.Input{Project: r.project, Documents: r.docs, Env: env, Revision: "r", FindingsOnly: true})
			if !reflect.DeepEqual(only, diags) {
				t.Errorf("findings only:\n%v\nwant:\n%v", only, diags)
			}
			got := make([]string, len(diags))
			for i, d := range diags {
				got[i] = fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Column, d.Code)
				if d.Document == "" || d.Env != env || d.Pos.File != "repo.yaml" {
					t.Errorf("finding %v lacks its document, environment or file", d)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("findings:\n%s\nwant:\n%s\n(full: %v)", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), diags)
			}
			if tt.msg != "" && !strings.Contains(diags[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", diags[0].Message, tt.msg)
			}
			for _, r := range res {
				if r.Source == diags[0].Document {
					t.Errorf("%s has findings but still yields %s", r.Source, r.ID)
				}
			}
			if len(res) == 0 {
				t.Errorf("the valid documents yield no resources")
			}
		})
	}
}

func TestCompileWithoutProject(t *testing.T) {
	res, diags := compile.Compile(compile.Input{Env: "dev"})
	if res != nil || len(diags) != 1 || diags[0].Code != "compile.no-project" {
		t.Fatalf("got %v, %v", res, diags)
	}
}

// manySteps writes n steps in a line, each with a command of size bytes.
func manySteps(n, size int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "    - {name: s%d, command: [%s]", i, strings.Repeat("c", size))
		if i < n-1 {
			fmt.Fprintf(&b, ", next: s%d", i+1)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// TestCompileNoTimeoutWarns checks that a pipeline with no timeout
// anywhere (step, pipeline, project defaults, run) is compiled but warned
// about, at its spec, and that any one timeout silences the warning.
func TestCompileNoTimeoutWarns(t *testing.T) {
	bare := strings.Replace(base, ", runTimeout: 1d}", "}", 1)
	cases := []struct {
		name, repo string
		warn       bool
	}{
		{"none", bare + pipelineDoc("  steps: [{name: a}]\n"), true},
		{"a step timeout", bare + pipelineDoc("  steps: [{name: a, timeout: 1h}]\n"), false},
		{"a run timeout", bare + pipelineDoc("  runTimeout: 1h\n  steps: [{name: a}]\n"), false},
		{"the project's runTimeout", base + pipelineDoc("  steps: [{name: a}]\n"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := loadRepo(t, "repo.yaml", []byte(c.repo))
			res, diags := r.compile("dev", "r")
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if !c.warn {
				if len(diags) > 0 {
					t.Fatalf("unexpected findings: %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Code != "pipeline.no-timeout" || diags[0].Pos.Line != 27 || diags[0].Document != "Pipeline/p" {
				t.Fatalf("findings %v, want one pipeline.no-timeout warning at line 27 (the spec)", diags)
			}
			if resource(t, res, "StateMachine/p").ID == "" {
				t.Error("a warning must not keep the pipeline from compiling")
			}
		})
	}
}
