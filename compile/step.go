package compile

import (
	"fmt"
	"strconv"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// Resources a step gets when neither it, its pipeline nor the project
// says: one vCPU and 2 GiB, a size every Batch platform (Fargate too)
// accepts.
const (
	defaultCPU       = 1
	defaultMemoryMiB = 2048
	// minBatchTimeout is the shortest attempt duration Batch accepts.
	minBatchTimeout = 60
)

// stepConf is a step's effective settings: its own values over the
// pipeline's, over the project's defaults.
type stepConf struct {
	n       *graph.Node
	image   string
	jobRole string
	compute *computeInfo
	res     dsl.Resources
	retry   rawJSON // the Task's Retry field
	timeout int     // seconds, 0 for none
	// env is the pipeline's env and ownEnv the step's, which wins:
	// merged as the container's environment is written.
	env, ownEnv map[string]string
	secrets     map[string]string
	volumes     []dsl.Volume
	command     []string
	jobDef      *jobDef
}

func (p *pipe) stepPos(n *graph.Node, rest ...string) sluice.Position {
	return p.loc.at(append([]string{"steps", strconv.Itoa(n.Index)}, rest...)...)
}

// configure works out a step's effective settings and reports what AWS
// would refuse.
func (p *pipe) configure(n *graph.Node) *stepConf {
	st := n.Step
	sc := &stepConf{n: n, image: first(st.Image, p.spec.Image), jobRole: p.spec.JobRole, command: st.Command,
		env: p.spec.Env, ownEnv: st.Env, secrets: mergeMaps(p.spec.Secrets, st.Secrets),
		volumes: mergeVolumes(p.spec.Volumes, st.Volumes)}
	if sc.image == "" {
		p.noImage()
	}
	sc.compute = p.computeRef(first(st.Compute, p.spec.Compute), func() sluice.Position {
		if st.Compute != "" {
			return p.stepPos(n, "compute")
		}
		return p.fieldPos("compute", p.own.Compute)
	})
	if r := mergeResources(p.spec.Resources, st.Resources); r != nil {
		sc.res = *r
	}
	if sc.res.CPU == 0 {
		sc.res.CPU = defaultCPU
	}
	if sc.res.Memory == 0 {
		sc.res.Memory = defaultMemoryMiB
	}
	sc.timeout = p.stepTimeout(n)
	sc.retry = p.stepRetry(n)
	if sc.compute != nil && sc.compute.fargate && !p.checkFargate(sc) {
		return sc // a size Fargate does not offer: capacity is beside the point
	}
	p.checkResources(sc)
	return sc
}

func (p *pipe) stepTimeout(n *graph.Node) int {
	text := first(n.Step.Timeout, p.spec.Timeout)
	if text == "" {
		return 0
	}
	pos := func() sluice.Position {
		if n.Step.Timeout != "" {
			return p.stepPos(n, "timeout")
		}
		return p.fieldPos("timeout", p.own.Timeout)
	}
	secs, err := parseSeconds(text)
	switch {
	case err != nil:
		p.failOnce(pos(), "compile.duration", "%v", err)
	case secs < minBatchTimeout:
		p.failOnce(pos(), "limit.timeout", "%s is %ds; AWS Batch needs at least %d seconds", p.timeoutOf(n), secs, minBatchTimeout)
	case secs > maxTimeoutSeconds:
		p.failOnce(pos(), "limit.timeout", "%s is %s, longer than a run can last (365 days, Step Functions' limit for a Standard workflow)",
			p.timeoutOf(n), text)
	}
	return secs
}

// throttleRetrier retries Batch API throttling (SubmitJob allows 50 calls
// a second per account) on every Task.
const throttleRetrier = `{"BackoffRate":2,"ErrorEquals":["Batch.AWSBatchException"],"IntervalSeconds":2,"JitterStrategy":"FULL","MaxAttempts":10,"MaxDelaySeconds":60}`

// stepRetry returns the Task's Retry field: the throttling retrier, then
// the step's own retry unless it allows no retries. attempts counts the
// tries after the first, as Step Functions' MaxAttempts does, so it is
// MaxAttempts unchanged. Steps sharing a retry share its encoding.
func (p *pipe) stepRetry(n *graph.Node) rawJSON {
	r, at := n.Step.Retry, func(rest ...string) sluice.Position { return p.stepPos(n, append([]string{"retry"}, rest...)...) }
	if r == nil {
		r, at = p.spec.Retry, p.retryPos
	}
	if cached, ok := p.retries[r]; ok {
		return cached
	}
	out := rawJSON("[" + throttleRetrier + "]")
	if r != nil && r.Attempts > 0 {
		retrier := obj{{"ErrorEquals", retryErrors(r.Errors)}, {"MaxAttempts", r.Attempts},
			{"IntervalSeconds", p.retrySeconds(r.Delay, "delay", func() sluice.Position { return at("delay") })}, {"BackoffRate", backoff(r.Backoff)}}
		if r.MaxDelay != "" {
			retrier.set("MaxDelaySeconds", p.retrySeconds(r.MaxDelay, "maxDelay", func() sluice.Position { return at("maxDelay") }))
		}
		jitter := "NONE"
		if r.Jitter {
			jitter = "FULL"
		}
		retrier.set("JitterStrategy", jitter)
		out = writeJSON(append(out[:len(out)-1], ','), retrier)
		out = append(out, ']')
	}
	p.retries[r] = out
	return out
}

// retryErrors returns the error names a retrier matches: all errors by
// default; States.ALL must stand alone, so it absorbs the others.
func retryErrors(errs []string) []string {
	if len(errs) == 0 {
		return []string{"States.ALL"}
	}
	for _, e := range errs {
		if e == "States.ALL" {
			return []string{"States.ALL"}
		}
	}
	return errs
}

func backoff(b float64) float64 {
	if b < 1 {
		return 2
	}
	return b
}

// seconds parses a duration into whole seconds of at least minimum; pos
// locates it when it is wrong.
func (p *pipe) seconds(text string, minimum int, pos func() sluice.Position) int {
	if text == "" {
		return minimum
	}
	secs, err := parseSeconds(text)
	if err != nil {
		p.failAt(pos(), "compile.duration", "%v", err)
	}
	return max(secs, minimum)
}

// fargateMemory returns, for a vCPU size Fargate offers, the memory (MiB)
// it accepts: from, to, in steps of; ok is false for other sizes.
func fargateMemory(cpu float64) (from, to, step int64, ok bool) {
	switch cpu {
	case 0.25:
		return 512, 2048, 512, true
	case 0.5:
		return 1024, 4096, 1024, true
	case 1:
		return 2048, 8192, 1024, true
	case 2:
		return 4096, 16384, 1024, true
	case 4:
		return 8192, 30720, 1024, true
	case 8:
		return 16384, 61440, 4096, true
	case 16:
		return 32768, 122880, 8192, true
	}
	return 0, 0, 0, false
}

// fargateTakes reports whether Fargate runs a container of cpu vCPU and
// mem MiB. The 0.25 vCPU size is the one range with a gap: it takes 512,
// 1024 or 2048 MiB, not 1536 (Batch API reference, ResourceRequirement:
// "value = 2048: VCPU = 0.25, 0.5, or 1"; 3072 starts at 0.5).
func fargateTakes(cpu float64, mem int64) bool {
	from, to, step, ok := fargateMemory(cpu)
	if !ok || mem < from || mem > to || (mem-from)%step != 0 {
		return false
	}
	return cpu != 0.25 || mem != 1536
}

// fargateRange says in words which memory sizes Fargate takes with cpu
// vCPU, a size it offers.
func fargateRange(cpu float64) string {
	if cpu == 0.25 {
		return "512, 1024 or 2048 MiB"
	}
	from, to, step, _ := fargateMemory(cpu)
	return fmt.Sprintf("%d to %d MiB in steps of %d", from, to, step)
}

// checkFargate reports what Fargate refuses of a step's container, once
// where the value at fault was written. It returns whether Fargate offers
// the container's size.
func (p *pipe) checkFargate(sc *stepConf) bool {
	n, r := sc.n, sc.res
	if r.GPU > 0 {
		p.failOnce(p.resourcePos(n, "gpu"), "limit.fargate", "%s ask for %d GPU on Fargate compute, which has none; run the step on EC2 or SPOT compute",
			p.resourcesOf(n, "gpu"), r.GPU)
	}
	if own := n.Step.Resources; own != nil && own.SharedMemory > 0 {
		// A sharedMemory the step inherits is dropped on Fargate; one it
		// asks for itself is an error.
		p.failAt(p.stepPos(n, "resources", "sharedMemory"), "limit.fargate",
			"step %q sets sharedMemory, which Fargate does not support; run it on EC2 or SPOT compute", n.Name)
	}
	if sc.jobRole == "" {
		p.failOnce(p.fieldPos("jobRole", p.own.JobRole), "limit.fargate",
			"pipeline %q runs steps on Fargate, which needs a role to pull images and write logs: set jobRole here or defaults.jobRole in %s",
			p.name, dsl.ProjectFile)
	}
	_, _, _, ok := fargateMemory(r.CPU)
	mem := r.Memory.MiB()
	switch {
	case !ok:
		p.failOnce(p.resourcePos(n, "cpu"), "limit.fargate", "%s ask for %g vCPU, a size Fargate does not offer; Fargate offers %s",
			p.resourcesOf(n, "cpu"), r.CPU, fargateSizes())
	case !fargateTakes(r.CPU, mem):
		pos, field := p.fargatePos(n)
		p.failOnce(pos, "limit.fargate", "%s ask for %d MiB with %g vCPU; Fargate accepts %s for that size",
			p.resourcesOf(n, field), mem, r.CPU, fargateRange(r.CPU))
	default:
		return true
	}
	return false
}
