package reconcile

import (
	"encoding/json"
	"slices"
	"sort"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/parallel"
)

// Applied is what the state store remembers of a resource Sluice applied:
// its identity and the hash of the spec last applied.
type Applied struct {
	ID     sluice.ResourceID
	Type   sluice.ResourceType
	Name   string
	ARN    string
	Source string
	// File is the repository-relative path of the file Source was in
	// when the resource was last applied, "" when not known (a record
	// from before files were recorded, or rebuilt from tags): such a
	// resource is held whenever any file is held.
	File string
	// DependsOn are the resources the last-applied spec needs (the
	// queues and job definitions a state machine submits to, the compute
	// environment of a queue): none of them is pruned while this
	// resource stays.
	DependsOn []sluice.ResourceID
	SpecHash  string
	Deletion  sluice.DeletionPolicy
	// Spec is the resolved spec last applied.
	Spec json.RawMessage
	// Observed is the resource as read back, settled, right after it was
	// last applied: the baseline observations are compared with to find
	// drift. Comparing with what AWS itself reported, rather than with
	// what was sent, keeps values the service fills in or reports
	// differently from being taken for drift. Empty when the resource was
	// still in progress; Spec is the baseline then. A field the service
	// reported with another value than the one asked (a change it did not
	// take) keeps the value asked, so that it shows as drift (see
	// Baseline).
	Observed json.RawMessage
	// Tags are the tags last applied, ownership tags included; nil in a
	// record from before tags were recorded.
	Tags map[string]string
	// ObservedTags are the tags read back with Observed, the baseline of
	// tag drift (see BaselineTags); nil when the resource was not read
	// back (Tags is the baseline then), empty when the service reported
	// no tags (tags are not compared then).
	ObservedTags map[string]string
	// compared is an observed spec compared with the baseline ahead of
	// the plan (see CompareObserved); nil when none was.
	compared *specDrift
}

// Action is what a plan does to one resource.
type Action string

// Plan actions. Only Create, Update, Replace and Delete change AWS.
const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionReplace Action = "replace"
	ActionDelete  Action = "delete"
	// ActionRetain forgets a resource gone from the documents whose
	// deletion policy is retain: it stays in AWS, unmanaged, and is
	// reported.
	ActionRetain Action = "retain"
	// ActionHold keeps a resource gone from the desired set because its
	// document could not be read or validated, or pruning is not allowed.
	ActionHold Action = "hold"
	// ActionRefuse is a change the plan would make to a resource Sluice
	// recorded that no longer carries its ownership tags (a job
	// definition revision registered by hand, a schedule updated by
	// hand): apply will not make it, and reports the resource stalled
	// until `sluice adopt` takes it back or the documents drop it.
	ActionRefuse Action = "refuse"
)

// Mutates reports whether the action changes AWS.
func (a Action) Mutates() bool {
	return a == ActionCreate || a == ActionUpdate || a == ActionReplace || a == ActionDelete
}

// Change is one step of a plan.
type Change struct {
	ID     sluice.ResourceID `json:"id"`
	Action Action            `json:"action"`
	Reason string            `json:"reason"`
	// Drift is set when the change undoes a change made outside Sluice
	// (or one the service did not take).
	Drift bool `json:"drift,omitempty"`
	// RecordOnly is set on an update that changes only what Sluice
	// records (the deletion policy): it needs no AWS call.
	RecordOnly bool `json:"recordOnly,omitempty"`
	// Fields are the fields that differ, from what is there now to what
	// the change makes: desired vs last applied for a change in the
	// documents, observed vs the baseline for drift; tags and the
	// deletion policy included. Empty for creations and deletions, and
	// when the last applied spec is unknown.
	Fields []FieldDiff `json:"fields,omitempty"`
	// After lists changes that must succeed before this one: a deletion
	// waits for the resources that referred to it to stop referring.
	After   []sluice.ResourceID `json:"after,omitempty"`
	Desired *sluice.Resource    `json:"-"`
	Applied *Applied            `json:"-"`
}

// Plan is the ordered list of changes that brings an environment to its
// desired state, creations and updates in dependency order first, then
// deletions in reverse dependency order.
type Plan struct {
	Changes []Change `json:"changes"`
	// Unchanged counts the desired resources that need nothing.
	Unchanged int `json:"unchanged"`
	// NotApplicable lists the desired resources the environment's
	// backend does not manage (PlanInput.Local), with why.
	NotApplicable []NotApplicable `json:"notApplicable,omitempty"`
}

// Empty reports whether the plan changes nothing in AWS nor in what
// Sluice records (a RecordOnly update is not empty), and refuses nothing
// (a refused change leaves the environment out of sync).
func (p Plan) Empty() bool {
	for _, c := range p.Changes {
		if c.Action.Mutates() || c.Action == ActionRefuse {
			return false
		}
	}
	return true
}

// Drifted counts the changes that undo changes made outside Sluice.
func (p Plan) Drifted() int {
	n := 0
	for _, c := range p.Changes {
		if c.Drift {
			n++
		}
	}
	return n
}

// Counts returns how many changes of each action the plan holds.
func (p Plan) Counts() map[Action]int {
	out := make(map[Action]int)
	for _, c := range p.Changes {
		out[c.Action]++
	}
	return out
}

// PlanInput is what a plan is computed from.
type PlanInput struct {
	// Desired are the compiled resources of the documents that are valid.
	Desired []sluice.Resource
	// Applied is the inventory of what Sluice created in the environment.
	Applied []Applied
	// Observed holds, for resources observed this cycle, what AWS reports;
	// a resource absent from it is not checked for drift.
	Observed map[sluice.ResourceID]sluice.Observation
	// Held names documents (Kind/name) that are invalid: what they
	// produced before is kept as it is, neither updated nor pruned.
	Held map[string]bool
	// HeldFiles maps files (repository-relative paths) to the finding
	// that holds them: a file that cannot be read as documents, or that
	// names a document whose identity cannot be established. Every
	// resource last applied from a held file is kept as it is, neither
	// updated nor pruned; a resource whose file is not recorded is held
	// whenever any file is.
	HeldFiles map[string]string
	// HoldAll keeps every resource that is not desired: set when the
	// project file is broken.
	HoldAll bool
	// AllowPrune permits deletions; without it resources gone from the
	// documents are held and reported.
	AllowPrune bool
	// AllowEmpty permits pruning when the desired set is empty (a deleted
	// branch or a moved folder looks like that).
	AllowEmpty bool
	// Project and Env are the ownership the observed resources must
	// carry for the plan to change them; when Project is empty the plan
	// does not check ownership (apply still does).
	Project, Env string
	// Local says the environment runs on the embedded local backend:
	// desired resources of the types the registry says it does not
	// manage are listed in Plan.NotApplicable instead of planned.
	Local bool
}

// ComputePlan compares desired with applied (a change in Git) and
// observed with applied (drift) and returns the plan. It is a pure
// function of its input.
func ComputePlan(in PlanInput) Plan {
	applied := make(map[sluice.ResourceID]*Applied, len(in.Applied))
	for i := range in.Applied {
		applied[in.Applied[i].ID] = &in.Applied[i]
	}
	var p Plan
	desired := make(map[sluice.ResourceID]bool, len(in.Desired))
	planned := planEach(in.Desired, applied, in.Observed)
	for i := range in.Desired {
		r := &in.Desired[i]
		desired[r.ID] = true
		if na, ok := in.notApplicable(r); ok {
			p.NotApplicable = append(p.NotApplicable, na)
			continue
		}
		if c, ok := planned[i].change, planned[i].ok; ok {
			p.Changes = append(p.Changes, refuseNotOwned(in, in.holdInHeldFile(c)))
		} else {
			p.Unchanged++
		}
	}
	holdDependants(p.Changes)
	p.Changes = orderByDependencies(p.Changes)
	p.Changes = append(p.Changes, planGone(in, applied, desired, p.Changes)...)
	// A daemon keeps a plan waiting for approval: without the room
	// append left for more (up to a quarter of 19,000 changes).
	if cap(p.Changes) > len(p.Changes) {
		p.Changes = slices.Clone(p.Changes)
	}
	return p
}

// plannedOne is planDesired's answer for one desired resource.
type plannedOne struct {
	change Change
	ok     bool
}

// planEach runs planDesired for every desired resource on every core:
// after a drift check of 1,000 pipelines, comparing 19,000 specs with
// what was read back was seconds of one core. Each answer depends on its
// resource alone and goes to its place.
func planEach(desired []sluice.Resource, applied map[sluice.ResourceID]*Applied, observed map[sluice.ResourceID]sluice.Observation) []plannedOne {
	out := make([]plannedOne, len(desired))
	parallel.For(len(desired), 256, func(i int) {
		r := &desired[i]
		out[i].change, out[i].ok = planDesired(r, applied[r.ID], observed)
	})
	return out
}

func planDesired(r *sluice.Resource, a *Applied, observed map[sluice.ResourceID]sluice.Observation) (Change, bool) {
	c := Change{ID: r.ID, Desired: r, Applied: a}
	if a == nil {
		c.Action, c.Reason = ActionCreate, "new in the documents"
		return c, true
	}
	if a.SpecHash != r.Hash {
		c.Action, c.Reason, c.Fields = ActionUpdate, "changed in the documents", changedFields(r, a)
		if len(a.Spec) == 0 {
			c.Reason = "the spec it was last applied with is unknown (its spec-hash tag does not match the documents): updated to the documents"
		} else {
			c.Fields = append(c.Fields, alsoDrifted(a, observed[r.ID], c.Fields)...)
			if slices.ContainsFunc(c.Fields, func(f FieldDiff) bool { return f.Drift }) {
				c.Reason, c.Drift = "changed in the documents, and drifted outside Sluice (fields marked drifted)", true
			}
		}
		return c, true
	}
	if obs, ok := observed[r.ID]; ok {
		switch {
		case !obs.Exists:
			c.Action, c.Reason, c.Drift = ActionCreate, "deleted outside Sluice", true
			return c, true
		case !obs.InProgress && len(obs.Spec) > 0:
			if fs := driftFields(a, obs); len(fs) > 0 {
				c.Action, c.Reason, c.Drift = ActionUpdate, "drifted: changed outside Sluice, or not taken by the service", true
				fs = append(fs, deletionFields(a, r)...)
				c.Fields = fs
				return c, true
			}
		}
	}
	if a.Deletion != r.Deletion {
		c.Action, c.Reason, c.RecordOnly = ActionUpdate, "deletion policy changed in the documents: recorded, no AWS call", true
		c.Fields = deletionFields(a, r)
		return c, true
	}
	return c, false
}

// planGone decides what happens to applied resources no longer desired,
// in reverse dependency order of what they were. Nothing that a resource
// staying in the inventory refers to is pruned (see holdReferenced).
func planGone(in PlanInput, applied map[sluice.ResourceID]*Applied, desired map[sluice.ResourceID]bool, changes []Change) []Change {
	var gone []Change
	for _, a := range sortedApplied(applied) {
		if desired[a.ID] {
			continue
		}
		c := Change{ID: a.ID, Applied: a}
		c.Action, c.Reason = goneAction(in, a)
		gone = append(gone, c)
	}
	holdReferenced(gone, applied, changes)
	return reverseDependencyOrder(gone)
}

// goneAction is what happens to a, gone from the desired set, and why.
func goneAction(in PlanInput, a *Applied) (Action, string) {
	if _, unknown := sluice.LookupType(a.Type); unknown != nil {
		return ActionHold, unknown.Error() + ": this version of Sluice neither updates nor deletes it"
	}
	if why, held := in.fileHold(a); held {
		return ActionHold, why
	}
	if why, held := in.environmentHold(a); held {
		return ActionHold, why
	}
	switch {
	case in.Held[a.Source]:
		return ActionHold, "its document " + a.Source + " is invalid: held at its last applied state"
	case in.HoldAll:
		return ActionHold, "the project file is invalid: nothing is pruned until it is fixed"
	case len(in.Desired) == 0 && !in.AllowEmpty:
		return ActionHold, "the environment's desired set is empty: not pruned without an explicit allow"
	case a.Deletion == sluice.DeletionRetain:
		return ActionRetain, "gone from the documents; retained (deletion policy retain), no longer managed"
	case !in.AllowPrune:
		return ActionHold, "gone from the documents; pruning is not allowed in this environment"
	}
	return ActionDelete, "gone from the documents"
}

func sortedApplied(m map[sluice.ResourceID]*Applied) []*Applied {
	out := make([]*Applied, 0, len(m))
	for _, a := range m {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// baseline is what observations are compared with to find drift.
func (a *Applied) baseline() json.RawMessage {
	if len(a.Observed) > 0 {
		return a.Observed
	}
	return a.Spec
}
