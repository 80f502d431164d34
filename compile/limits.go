package compile

import (
	"math"
	"time"
	// The IANA time zone database, embedded so that a schedule's time
	// zone is checked the same way on every machine, with or without
	// /usr/share/zoneinfo. Its init only registers the embedded data
	// with package time, inside the standard library.
	_ "time/tzdata"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// AWS limits that validate checks before AWS does.
const (
	// maxRetrySeconds is the largest IntervalSeconds and MaxDelaySeconds
	// a Step Functions retrier takes.
	maxRetrySeconds = 99_999_999
	// maxTimeoutSeconds bounds a step's and a run's timeout: a Standard
	// workflow execution lasts at most a year.
	maxTimeoutSeconds = 365 * 86400
	// minMemoryMiB is the least memory a Batch container may ask for.
	minMemoryMiB = 4
)

// checkComputeLimits reports the fields of a compute environment Batch
// would refuse: vCPU counts are 32-bit integers.
func (c *compiler) checkComputeLimits(d *dsl.Document, s dsl.ComputeEnvironmentSpec) bool {
	ok := true
	for _, f := range []struct {
		name string
		v    int
	}{{"maxVcpus", s.MaxVCPUs}, {"minVcpus", s.MinVCPUs}} {
		if f.v > math.MaxInt32 {
			ok = false
			c.fail(d, d.LocateIn(c.in.Env, false, "spec", f.name), "limit.batch-integer",
				"%s %d is more than AWS Batch accepts (at most %d, a 32-bit integer)", f.name, f.v, math.MaxInt32)
		}
	}
	return ok
}

// checkReplication reports replication on a store whose versioning is
// off: S3 replicates only from and to versioned buckets.
func (c *compiler) checkReplication(d *dsl.Document, s dsl.ArtifactStoreSpec) bool {
	if s.Replication == nil || (s.Versioning != nil && *s.Versioning) {
		return true
	}
	c.fail(d, d.LocateIn(c.in.Env, true, "spec", "replication"), "store.replication-versioning",
		"ArtifactStore %q replicates but its versioning is off: S3 replicates only versioned buckets; set versioning: true here (and on the destination bucket)", d.Name)
	return false
}

// checkTimeZone reports a schedule time zone that is not in the IANA
// time zone database.
func (p *pipe) checkTimeZone() {
	s := p.spec.Schedule
	if s == nil || s.Timezone == "" {
		return
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
		p.failAt(p.loc.at("schedule", "timezone"), "schedule.timezone",
			"time zone %q is not in the IANA time zone database; use a name such as UTC, Europe/Berlin or America/New_York", s.Timezone)
	}
}

// checkResources reports what a step asks of its container that Batch
// refuses, or that the compute environment it runs on can never hold
// (its job would wait in the queue for ever).
func (p *pipe) checkResources(sc *stepConf) {
	n, r := sc.n, sc.res
	fargate := sc.compute != nil && sc.compute.fargate
	if !fargate && r.Memory.MiB() < minMemoryMiB {
		p.failOnce(p.resourcePos(n, "memory"), "limit.memory",
			"%s ask for %d MiB of memory; AWS Batch needs at least %d MiB (write 512Mi or 2Gi for sizes in MiB or GiB)",
			p.resourcesOf(n, "memory"), r.Memory.MiB(), minMemoryMiB)
	}
	if !fargate && r.SharedMemory > r.Memory {
		p.failOnce(p.resourcePos(n, "sharedMemory"), "limit.shared-memory",
			"%s ask for %d MiB of shared memory, more than their %d MiB of memory: /dev/shm counts against the container's memory",
			p.resourcesOf(n, "sharedMemory"), r.SharedMemory.MiB(), r.Memory.MiB())
	}
	if sc.compute == nil {
		return
	}
	ce := sc.compute.spec
	if r.CPU > float64(ce.MaxVCPUs) {
		p.failOnce(p.resourcePos(n, "cpu"), "limit.compute-capacity",
			"%s ask for %g vCPUs, more than compute environment %q ever runs (maxVcpus %d): the job would wait in the queue for ever",
			p.resourcesOf(n, "cpu"), r.CPU, first(n.Step.Compute, p.spec.Compute), ce.MaxVCPUs)
		return
	}
	if !fargate {
		p.checkInstances(sc)
	}
}

// checkInstances reports a step that no instance type of its compute
// environment can hold, when every type is in the table.
func (p *pipe) checkInstances(sc *stepConf) {
	n, r := sc.n, sc.res
	sizes, known := instanceSizes(p.c.instanceTab, sc.compute.spec.InstanceTypes)
	if !known {
		return
	}
	var most instanceSize
	for _, s := range sizes {
		if r.CPU <= s.vcpus && r.Memory.MiB() <= s.memMiB && r.GPU <= s.gpus {
			return
		}
		most.vcpus, most.memMiB, most.gpus = max(most.vcpus, s.vcpus), max(most.memMiB, s.memMiB), max(most.gpus, s.gpus)
	}
	name := first(n.Step.Compute, p.spec.Compute)
	types := describeTypes(sc.compute.spec.InstanceTypes)
	switch {
	case r.GPU > 0 && most.gpus == 0:
		p.failOnce(p.resourcePos(n, "gpu"), "limit.gpu",
			"%s ask for %d GPU, but compute environment %q runs instance types without GPUs (%s, per %s): run the step on a GPU compute environment",
			p.resourcesOf(n, "gpu"), r.GPU, name, types, instanceTable)
	case r.GPU > most.gpus:
		p.failOnce(p.resourcePos(n, "gpu"), "limit.compute-capacity",
			"%s ask for %d GPUs; the instance types of compute environment %q (%s) have at most %d, per %s",
			p.resourcesOf(n, "gpu"), r.GPU, name, types, most.gpus, instanceTable)
	case r.Memory.MiB() > most.memMiB:
		p.failOnce(p.resourcePos(n, "memory"), "limit.compute-capacity",
			"%s ask for %d MiB of memory; the instance types of compute environment %q (%s) have at most %d MiB, per %s",
			p.resourcesOf(n, "memory"), r.Memory.MiB(), name, types, most.memMiB, instanceTable)
	default:
		p.failOnce(p.resourcePos(n, "cpu"), "limit.compute-capacity",
			"%s ask for %g vCPUs, %d MiB and %d GPUs together, which no instance type of compute environment %q (%s) holds, per %s",
			p.resourcesOf(n, "cpu"), r.CPU, r.Memory.MiB(), r.GPU, name, types, instanceTable)
	}
}

func describeTypes(types []string) string {
	if len(types) == 0 {
		return "optimal"
	}
	out := types[0]
	for _, t := range types[1:] {
		out += ", " + t
	}
	return out
}

// resourcePos locates one resources field a step gets: on the step when
// it sets it, else on the pipeline, else in the project's defaults.
func (p *pipe) resourcePos(n *graph.Node, field string) sluice.Position {
	if setsResource(n.Step.Resources, field) {
		return p.stepPos(n, "resources", field)
	}
	if setsResource(p.own.Resources, field) {
		return p.loc.at("resources", field)
	}
	if p.c.in.Project.Has("spec", "defaults", "resources", field) {
		return p.c.in.Project.LocateIn(p.c.in.Env, false, "spec", "defaults", "resources", field)
	}
	return p.stepPos(n)
}

func setsResource(r *dsl.Resources, field string) bool {
	if r == nil {
		return false
	}
	switch field {
	case "cpu":
		return r.CPU != 0
	case "memory":
		return r.Memory != 0
	case "gpu":
		return r.GPU != 0
	case "sharedMemory":
		return r.SharedMemory != 0
	}
	return false
}

// failOnce records a finding once per place and code in a pipeline: a
// default every step inherits is one mistake, reported once.
func (p *pipe) failOnce(pos sluice.Position, code, format string, args ...any) {
	key := pos.String() + " " + code
	if p.reported[key] {
		p.ok = false
		return
	}
	if p.reported == nil {
		p.reported = make(map[string]bool)
	}
	p.reported[key] = true
	p.failAt(pos, code, format, args...)
}

// retrySeconds parses a retry's delay or maxDelay (field) and reports
// one beyond what a Step Functions retrier takes; pos locates the retry.
func (p *pipe) retrySeconds(text, field string, pos func() sluice.Position) int {
	secs := p.seconds(text, 1, pos)
	if secs > maxRetrySeconds {
		at := pos()
		p.failOnce(at, "limit.retry", "retry %s %s is %d seconds; Step Functions takes at most %d (about 3 years)",
			field, text, secs, maxRetrySeconds)
	}
	return secs
}

// retryPos locates a field of the pipeline's retry: in the pipeline when
// it sets one, else in the project's defaults.
func (p *pipe) retryPos(rest ...string) sluice.Position {
	path := append([]string{"retry"}, rest...)
	if p.own.Retry == nil && p.c.in.Project.Has(append([]string{"spec", "defaults"}, path...)...) {
		return p.c.in.Project.LocateIn(p.c.in.Env, false, append([]string{"spec", "defaults"}, path...)...)
	}
	return p.loc.at(path...)
}
