package local

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local/asl"
)

// The Task resources RunTask runs.
const (
	ResourceSubmitJobSync = "arn:aws:states:::batch:submitJob.sync"
	ResourceSubmitJob     = "arn:aws:states:::batch:submitJob"
)

// submitJob is the Parameters of a batch:submitJob task.
type submitJob struct {
	JobName            string            `json:"JobName"`
	JobQueue           string            `json:"JobQueue"`
	JobDefinition      string            `json:"JobDefinition"`
	Parameters         map[string]string `json:"Parameters"`
	ContainerOverrides struct {
		Command              []string    `json:"Command"`
		Environment          []nameValue `json:"Environment"`
		ResourceRequirements []typeValue `json:"ResourceRequirements"`
	} `json:"ContainerOverrides"`
}

// nameValue is an environment variable, in either casing of its keys
// (encoding/json matches them without regard to case).
type nameValue struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// typeValue is a resource requirement (VCPU, MEMORY, GPU).
type typeValue struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// jobDefSpec is what a job runs with from its job definition.
type jobDefSpec struct {
	Parameters          map[string]string `json:"parameters"`
	ContainerProperties struct {
		Image                string      `json:"image"`
		Command              []string    `json:"command"`
		Environment          []nameValue `json:"environment"`
		ResourceRequirements []typeValue `json:"resourceRequirements"`
		Vcpus                float64     `json:"vcpus"`
		Secrets              []nameValue `json:"secrets"`
	} `json:"containerProperties"`
}

// job is one submitted job, resolved against the stored records.
type job struct {
	ID, Name              string
	Queue, QueueARN       string
	DefinitionARN         string
	ComputeEnvironment    string
	PoolVCPUs, VCPUs      float64
	Image                 string
	Command, Env, Secrets []string
	// Buckets are the directories of the buckets of the job's project
	// and environment, the ones its sandbox lets it write.
	Buckets []string
	// Peers are the pipelines of the job's project and environment, whose
	// runs it is told of (SLUICE_RUNS, runs_index.go).
	Peers     []peerPipeline
	Sync      bool
	CreatedAt int64
}

// clientError is the failure SubmitJob's refusal raises in Step
// Functions: Batch.ClientException.
func clientError(format string, args ...any) error {
	return &asl.Failure{Name: "Batch.ClientException", Cause: fmt.Sprintf(format, args...)}
}

// prepare resolves a task's SubmitJob against the stored job queue,
// compute environment and job definition. It fails with a
// Batch.ClientException failure when one of them does not exist or the
// parameters cannot be read.
func (w *World) prepare(t asl.Task) (*job, error) {
	var s submitJob
	if err := json.Unmarshal(t.Parameters, &s); err != nil {
		return nil, clientError("SubmitJob parameters: %v", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	rev, err := w.jobDefinition(s.JobDefinition)
	if err != nil {
		return nil, clientError("%v", err)
	}
	var def jobDefSpec
	if err := json.Unmarshal(rev.Spec, &def); err != nil {
		return nil, clientError("job definition %s: %v", rev.ARN, err)
	}
	j := &job{Name: s.JobName, DefinitionARN: rev.ARN, Image: def.ContainerProperties.Image, Sync: t.Resource == ResourceSubmitJobSync}
	if err := w.placeJob(j, s.JobQueue); err != nil {
		return nil, err
	}
	j.VCPUs = vcpusOf(s.ContainerOverrides.ResourceRequirements, def.ContainerProperties.ResourceRequirements, def.ContainerProperties.Vcpus)
	j.Command = commandOf(s, def)
	if len(j.Command) == 0 {
		return nil, clientError("job %s has no command: neither its definition nor ContainerOverrides give one", s.JobName)
	}
	j.Env = envOf(def.ContainerProperties.Environment, s.ContainerOverrides.Environment)
	defName := strings.SplitN(lastPart(rev.ARN, "/"), ":", 2)[0]
	if j.Buckets, err = w.envBuckets(defName); err != nil {
		return nil, err
	}
	if j.Peers, err = w.peers(defName); err != nil {
		return nil, err
	}
	for _, sec := range def.ContainerProperties.Secrets {
		j.Secrets = append(j.Secrets, sec.Name)
	}
	return j, nil
}

// placeJob finds the queue a job is submitted to and its first compute
// environment. w.mu must be held.
func (w *World) placeJob(j *job, queueRef string) error {
	q, err := w.read(sluice.TypeJobQueue, lastPart(queueRef, "/"))
	if err != nil {
		return err
	}
	if q == nil {
		return clientError("job queue %s does not exist", queueRef)
	}
	var qs jqSpec
	_ = json.Unmarshal(q.Spec, &qs)
	if qs.State == "DISABLED" {
		return clientError("job queue %s is DISABLED", q.Name)
	}
	envs := qs.environments()
	if len(envs) == 0 {
		return clientError("job queue %s has no compute environment", q.Name)
	}
	ce, err := w.read(sluice.TypeComputeEnvironment, envs[0])
	if err != nil {
		return err
	}
	if ce == nil {
		return clientError("compute environment %s of job queue %s does not exist", envs[0], q.Name)
	}
	var cs ceSpec
	_ = json.Unmarshal(ce.Spec, &cs)
	j.Queue, j.QueueARN, j.ComputeEnvironment, j.PoolVCPUs = q.Name, q.ARN, ce.Name, cs.vcpus()
	return nil
}

// vcpusOf is the job's vCPUs: the override's VCPU requirement, else the
// definition's, else its legacy vcpus, else 1.
func vcpusOf(override, def []typeValue, legacy float64) float64 {
	for _, reqs := range [][]typeValue{override, def} {
		for _, r := range reqs {
			if strings.EqualFold(r.Type, "VCPU") {
				if v, err := strconv.ParseFloat(r.Value, 64); err == nil && v > 0 {
					return v
				}
			}
		}
	}
	if legacy > 0 {
		return legacy
	}
	return 1
}

// commandOf is the override's command, else the definition's, with
// Batch's Ref::NAME arguments replaced by the job's parameters.
func commandOf(s submitJob, def jobDefSpec) []string {
	cmd := s.ContainerOverrides.Command
	if len(cmd) == 0 {
		cmd = def.ContainerProperties.Command
	}
	params := maps.Clone(def.Parameters)
	if params == nil {
		params = map[string]string{}
	}
	maps.Copy(params, s.Parameters)
	out := slices.Clone(cmd)
	for i, arg := range out {
		if name, ok := strings.CutPrefix(arg, "Ref::"); ok {
			if v, ok := params[name]; ok {
				out[i] = v
			}
		}
	}
	return out
}

// envOf is the job's declared environment as NAME=VALUE pairs: the
// definition's variables, then the overrides', later ones winning.
// Nothing of Sluice's own environment is in it (see World.environ).
func envOf(def, override []nameValue) []string {
	vars := map[string]string{}
	for _, list := range [][]nameValue{def, override} {
		for _, e := range list {
			vars[e.Name] = e.Value
		}
	}
	out := make([]string, 0, len(vars))
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, k+"="+vars[k])
	}
	return out
}
