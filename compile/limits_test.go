package compile_test

import (
	"fmt"
	"strings"
	"testing"
)

// computeDoc is a ComputeEnvironment called name on EC2 with the given
// extra spec fields, ending with the document separator.
func computeDoc(name, fields string) string {
	return "apiVersion: sluice.dev/v1\nkind: ComputeEnvironment\nmetadata: {name: " + name + "}\n" +
		"spec: {type: EC2, maxVcpus: 256, subnets: [subnet-a], instanceRole: arn:aws:iam::1:instance-profile/ecs" + fields + "}\n---\n"
}

// TestLimits checks each AWS limit validate enforces, on both sides of
// the bound: every "ok" case must compile, every other case must give
// exactly its findings.
func TestLimits(t *testing.T) {
	gpuTypes := computeDoc("g", ", instanceTypes: [g4dn.xlarge, g4dn.2xlarge]")
	small := computeDoc("s", ", instanceTypes: [m5.large, r5.large]")
	unknown := computeDoc("u", ", instanceTypes: [m5.large, x2idn.16xlarge]")
	family := computeDoc("f", ", instanceTypes: [c5]")
	mix := computeDoc("m", ", instanceTypes: [c5.xlarge, r5.large]")
	tests := []struct {
		name string
		repo string
		want []string // "line:col code"; none for a repository that compiles
		msg  string   // a fragment of the first message
	}{
		{name: "retry delay at the bound", repo: base + pipelineDoc("  retry: {attempts: 1, delay: 99999999s}\n  steps: [{name: a}]\n")},
		{name: "retry delay past the bound", repo: base + pipelineDoc("  retry: {attempts: 1, delay: 100000000s}\n  steps: [{name: a}]\n"),
			want: []string{"27:31 limit.retry"}, msg: "at most 99999999"},
		{name: "retry maxDelay of a step", repo: base + pipelineDoc("  steps: [{name: a, retry: {attempts: 1, maxDelay: 10000d}}]\n"),
			want: []string{"27:52 limit.retry"}},
		{name: "timeout of a year", repo: base + pipelineDoc("  runTimeout: 365d\n  steps: [{name: a, timeout: 365d}]\n")},
		{name: "timeout past a year", repo: base + pipelineDoc("  steps: [{name: a, timeout: 366d}]\n"),
			want: []string{"27:30 limit.timeout"}, msg: "365 days"},
		{name: "runTimeout past a year", repo: base + pipelineDoc("  runTimeout: 366d\n  steps: [{name: a}]\n"),
			want: []string{"27:15 limit.timeout"}},
		{name: "memory at the minimum", repo: base + pipelineDoc("  steps: [{name: a, resources: {memory: 4}}]\n")},
		{name: "memory under the minimum", repo: base + pipelineDoc("  steps: [{name: a, resources: {memory: 3}}]\n"),
			want: []string{"27:41 limit.memory"}, msg: "at least 4 MiB"},
		{name: "memory of the pipeline, one finding for all its steps",
			repo: base + pipelineDoc("  resources: {memory: 1}\n  steps: [{name: a, next: b}, {name: b}]\n"),
			want: []string{"27:23 limit.memory"}},
		{name: "shared memory equal to memory", repo: base + pipelineDoc("  steps: [{name: a, resources: {memory: 2Gi, sharedMemory: 2Gi}}]\n")},
		{name: "shared memory over memory", repo: base + pipelineDoc("  steps: [{name: a, resources: {memory: 2Gi, sharedMemory: 2049}}]\n"),
			want: []string{"27:60 limit.shared-memory"}},
		{name: "cpu at maxVcpus", repo: base + pipelineDoc("  steps: [{name: a, resources: {cpu: 16}}]\n")},
		{name: "cpu over maxVcpus", repo: base + pipelineDoc("  steps: [{name: a, resources: {cpu: 17}}]\n"),
			want: []string{"27:38 limit.compute-capacity"}, msg: "maxVcpus 16"},
		{name: "gpus one instance type holds", repo: base + gpuTypes + pipelineDoc("  steps: [{name: a, compute: g, resources: {gpu: 1, memory: 32Gi, cpu: 8}}]\n")},
		{name: "gpus no instance type holds", repo: base + gpuTypes + pipelineDoc("  steps: [{name: a, compute: g, resources: {gpu: 2}}]\n"),
			want: []string{"32:50 limit.compute-capacity"}, msg: "at most 1"},
		{name: "gpu on instance types without", repo: base + small + pipelineDoc("  steps: [{name: a, compute: s, resources: {gpu: 1}}]\n"),
			want: []string{"32:50 limit.gpu"}, msg: "instance types without GPUs (m5.large, r5.large, per Sluice's table"},
		{name: "memory one instance type holds", repo: base + small + pipelineDoc("  steps: [{name: a, compute: s, resources: {cpu: 2, memory: 16Gi}}]\n")},
		{name: "cpu and memory each held by another type", repo: base + mix + pipelineDoc("  steps: [{name: a, compute: m, resources: {cpu: 4, memory: 8Gi}}]\n")},
		{name: "memory no instance type holds", repo: base + small + pipelineDoc("  steps: [{name: a, compute: s, resources: {memory: 100Ti}}]\n"),
			want: []string{"32:53 limit.compute-capacity"}, msg: "at most 16384 MiB"},
		{name: "cpu and memory no instance type holds together", repo: base + mix + pipelineDoc("  steps: [{name: a, compute: m, resources: {cpu: 4, memory: 16Gi}}]\n"),
			want: []string{"32:50 limit.compute-capacity"}, msg: "together"},
		{name: "a family stands for its sizes", repo: base + family + pipelineDoc("  steps: [{name: a, compute: f, resources: {cpu: 96, memory: 192Gi}}]\n")},
		{name: "a family's largest size", repo: base + family + pipelineDoc("  steps: [{name: a, compute: f, resources: {cpu: 97}}]\n"),
			want: []string{"32:50 limit.compute-capacity"}},
		{name: "an instance type not in the table is not checked", repo: base + unknown + pipelineDoc("  steps: [{name: a, compute: u, resources: {gpu: 1}}]\n")},
		{name: "maxVcpus over int32", repo: base + "apiVersion: sluice.dev/v1\nkind: ComputeEnvironment\nmetadata: {name: big}\nspec: {type: EC2, maxVcpus: 2147483648, subnets: [subnet-a], instanceRole: arn:aws:iam::1:instance-profile/ecs}\n",
			want: []string{"26:29 limit.batch-integer"}},
		{name: "minVcpus over int32", repo: base + computeDoc("big", ", minVcpus: 9999999999"),
			want: []string{"26:116 limit.batch-integer"}},
		{name: "maxVcpus at int32's bound", repo: base + "apiVersion: sluice.dev/v1\nkind: ComputeEnvironment\nmetadata: {name: big}\nspec: {type: EC2, maxVcpus: 2147483647, subnets: [subnet-a], instanceRole: arn:aws:iam::1:instance-profile/ecs}\n"},
		{name: "IANA time zone", repo: base + pipelineDoc("  schedule: {rate: 1 day, timezone: America/Argentina/Buenos_Aires}\n  steps: [{name: a}]\n")},
		{name: "unknown time zone", repo: base + pipelineDoc("  schedule: {rate: 1 day, timezone: Europe/Berln}\n  steps: [{name: a}]\n"),
			want: []string{"27:37 schedule.timezone"}, msg: `"Europe/Berln" is not in the IANA`},
		{name: "Local is no time zone", repo: base + pipelineDoc("  schedule: {rate: 1 day, timezone: Local}\n  steps: [{name: a}]\n"),
			want: []string{"27:37 schedule.timezone"}},
		{name: "replication with versioning", repo: base + storeDoc("true")},
		{name: "replication without versioning", repo: base + storeDoc("false"),
			want: []string{"28:3 store.replication-versioning"}, msg: "versioning is off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadRepo(t, "repo.yaml", []byte(tt.repo))
			_, diags := r.compile("dev", "r")
			var got []string
			for _, d := range diags {
				if d.Severity == "warning" {
					continue
				}
				got = append(got, fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Column, d.Code))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("findings:\n%s\nwant:\n%s\n(full: %v)", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), diags)
			}
			if tt.msg != "" && !strings.Contains(diags[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", diags[0].Message, tt.msg)
			}
		})
	}
}

// storeDoc is an ArtifactStore that replicates, with the given
// versioning; its replication key is on line 28.
func storeDoc(versioning string) string {
	return "apiVersion: sluice.dev/v1\nkind: ArtifactStore\nmetadata: {name: copied}\nspec:\n  versioning: " + versioning + "\n" +
		"  replication: {role: arn:aws:iam::123456789012:role/r, destinationBucket: arn:aws:s3:::copy-bucket}\n"
}
