package compile

import (
	"sort"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// computeInfo is what pipelines need of a ComputeEnvironment.
type computeInfo struct {
	spec    dsl.ComputeEnvironmentSpec
	env     string // physical compute environment name
	queue   string // physical job queue name
	fargate bool
	ok      bool
}

// Compute environment types.
const (
	computeEC2         = "EC2"
	computeSpot        = "SPOT"
	computeFargate     = "FARGATE"
	computeFargateSpot = "FARGATE_SPOT"
)

// compute decodes the ComputeEnvironment called name once; nil when there
// is no such document among the input. Once every compute environment is
// decoded (before pipelines are compiled, possibly at once), it only
// reads.
func (c *compiler) compute(name string) *computeInfo {
	if ci, done := c.computes[name]; done {
		return ci
	}
	d := c.docs[dsl.KindComputeEnvironment][name]
	if d == nil {
		return nil
	}
	ci := &computeInfo{env: c.physical(ruleBatch(), name), queue: c.physical(ruleBatch(), name)}
	ci.ok = c.decode(d, &ci.spec)
	ci.fargate = ci.spec.Type == computeFargate || ci.spec.Type == computeFargateSpot
	c.computes[name] = ci
	return ci
}

// computeEnvironment compiles a ComputeEnvironment into a managed Batch
// compute environment (CreateComputeEnvironment shape) and its job queue
// (CreateJobQueue shape), which depends on it.
func (c *compiler) computeEnvironment(d *dsl.Document) {
	ci := c.compute(d.Name)
	if !ci.ok {
		return
	}
	s := ci.spec
	failed := false
	if !ci.fargate && s.InstanceRole == "" {
		failed = true
		c.fail(d, d.LocateIn(c.in.Env, false, "spec"), "compute.instance-role",
			"%s compute needs instanceRole: the instance profile its EC2 instances run with (for example arn:aws:iam::123456789012:instance-profile/ecsInstanceRole)", s.Type)
	}
	if len(s.Subnets) == 0 {
		failed = true
		c.fail(d, d.LocateIn(c.in.Env, false, "spec"), "compute.subnets",
			"compute environment %q needs subnets: the VPC subnets its instances or Fargate tasks run in", d.Name)
	}
	if !c.checkComputeLimits(d, s) {
		failed = true
	}
	tags, ok := c.userTags(d, s.Tags)
	if failed || !ok {
		return
	}
	spec := obj{{"computeEnvironmentName", ci.env}, {"type", "MANAGED"}, {"state", "ENABLED"},
		{"computeResources", computeResources(s, ci.fargate)}}
	// No role is Batch's service-linked role: null, so that removing
	// serviceRole brings the environment back to it.
	if s.ServiceRole != "" {
		spec.set("serviceRole", s.ServiceRole)
	} else {
		spec.set("serviceRole", nil)
	}
	c.emit(draft{typ: sluice.TypeComputeEnvironment, name: d.Name, phys: ci.env, doc: d, tags: tags, spec: spec,
		notes: computeNotes(s, ci.fargate)})
	priority := s.QueuePriority
	if priority == 0 {
		priority = 1
	}
	queue := obj{{"jobQueueName", ci.queue}, {"state", "ENABLED"}, {"priority", priority},
		{"computeEnvironmentOrder", []any{obj{{"order", 1}, {"computeEnvironment", ci.env}}}}}
	c.emit(draft{typ: sluice.TypeJobQueue, name: d.Name, phys: ci.queue, doc: d, tags: tags, spec: queue,
		deps: []sluice.ResourceID{resourceID(sluice.TypeComputeEnvironment, d.Name)}})
}

func computeResources(s dsl.ComputeEnvironmentSpec, fargate bool) obj {
	r := obj{{"type", s.Type}, {"maxvCpus", s.MaxVCPUs}}
	r.setIf(len(s.Subnets) > 0, "subnets", sortedCopy(s.Subnets))
	r.setIf(len(s.SecurityGroups) > 0, "securityGroupIds", sortedCopy(s.SecurityGroups))
	if fargate {
		return r
	}
	strategy := s.AllocationStrategy
	if strategy == "" {
		// The strategies that let Batch update instances in place.
		strategy = "BEST_FIT_PROGRESSIVE"
		if s.Type == computeSpot {
			strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED"
		}
	}
	types := sortedCopy(s.InstanceTypes)
	if len(types) == 0 {
		types = []string{"optimal"}
	}
	r.set("allocationStrategy", strategy)
	r.set("minvCpus", s.MinVCPUs)
	r.set("instanceTypes", types)
	r.setIf(s.InstanceRole != "", "instanceRole", s.InstanceRole)
	r.setIf(s.Type == computeSpot && s.SpotBidPercentage > 0, "bidPercentage", s.SpotBidPercentage)
	return r
}

// computeNotes are the fields of s left out that Sluice leaves as they
// are: Batch keeps an environment's security groups when an update names
// none, and its bid when an update leaves it out.
func computeNotes(s dsl.ComputeEnvironmentSpec, fargate bool) []sluice.Note {
	var notes []sluice.Note
	if len(s.SecurityGroups) == 0 {
		notes = append(notes, sluice.Note{Key: "computeResources.securityGroupIds",
			Text: "securityGroups left out: Sluice leaves the environment's security groups as they are (a new environment gets the VPC's default group)"})
	}
	if !fargate && s.Type == computeSpot && s.SpotBidPercentage == 0 {
		notes = append(notes, sluice.Note{Key: "computeResources.bidPercentage",
			Text: "spotBidPercentage left out: Sluice leaves the environment's bid as it is (a new SPOT environment bids up to the on-demand price)"})
	}
	return notes
}

func sortedCopy(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}
