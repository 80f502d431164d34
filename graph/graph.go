package graph

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/dsl"
)

// Graph is a pipeline's steps as nested scopes. Build returns one only
// when the steps form a valid graph, so every reference in it is resolved.
type Graph struct {
	// Name is the pipeline's name, used as the title of drawings. Build
	// leaves it empty; callers set it.
	Name string
	// Root is the main flow; its first step is the pipeline's start.
	Root *Scope
	// Steps lists every step in declaration order.
	Steps  []*Node
	byName map[string]*Node
	params map[string]dsl.Parameter
	// defaults are the pipeline's image, compute and resources, which a
	// step without its own inherits; drawings show them per step.
	defaults stepDefaults
}

// stepDefaults is what a step inherits from its pipeline.
type stepDefaults struct {
	image, compute string
	resources      *dsl.Resources
}

// Step returns the step called name, or nil when there is none.
func (g *Graph) Step(name string) *Node { return g.byName[name] }

// ScopeKind says what a scope is.
type ScopeKind int

// Scope kinds.
const (
	// ScopeRoot is the main flow of the pipeline.
	ScopeRoot ScopeKind = iota
	// ScopeBranch is one branch of a split.
	ScopeBranch
	// ScopeBody is the body of a foreach, run once per item.
	ScopeBody
)

// Scope is a sequence of steps that runs as a unit: the main flow, a
// branch of a split or the body of a foreach.
type Scope struct {
	Kind ScopeKind
	// Owner is the step whose split or foreach opens the scope; nil for
	// the root.
	Owner *Node
	// Start is the scope's first step.
	Start *Node
	// Join is the step after the scope, where its paths end; nil for the
	// root.
	Join *Node
	// Parent is the enclosing scope; nil for the root.
	Parent *Scope
	// Depth counts the foreach bodies the scope is inside (the root and
	// its branches are at 0, a foreach body of the root at 1).
	Depth int
	// Steps lists the scope's own steps (not those of nested scopes) in
	// declaration order.
	Steps []*Node
}

// Describe names the scope for people: "the main flow", `branch "text"
// of split "features"`, `the body of foreach "merge"`.
func (s *Scope) Describe() string {
	switch s.Kind {
	case ScopeBranch:
		return `branch "` + s.Start.Name + `" of split "` + s.Owner.Name + `"`
	case ScopeBody:
		return `the body of foreach "` + s.Owner.Name + `"`
	default:
		return "the main flow"
	}
}

// encloses reports whether s is o or one of o's ancestors.
func (s *Scope) encloses(o *Scope) bool {
	for ; o != nil; o = o.Parent {
		if o == s {
			return true
		}
	}
	return false
}

// Node is one step of the graph with its references resolved.
type Node struct {
	Name string
	// Index is the step's place in the pipeline's steps list, from 0.
	Index int
	// Step is the step as written (after defaults and overrides).
	Step *dsl.Step
	// Scope is the scope the step belongs to.
	Scope *Scope
	// Next is the step that follows; nil when the step continues
	// otherwise or ends the pipeline. Next equal to Scope.Join ends a
	// branch or body.
	Next    *Node
	Split   *Split
	Foreach *Foreach
	Switch  *Switch
	// OnFailure is the step to go to when this one fails, or nil.
	OnFailure *Node
	// Parents are the steps that can run right before this one, in
	// declaration order: for a join, the last steps of its branches or
	// body; for the first step of a branch or body, the step that opens
	// it.
	Parents []*Node
	out     []edge
}

// Depth is the number of foreach bodies the step is inside.
func (n *Node) Depth() int { return n.Scope.Depth }

// Ends reports whether the step has no successor of any kind: it ends the
// pipeline.
func (n *Node) Ends() bool {
	return n.Next == nil && n.Split == nil && n.Foreach == nil && n.Switch == nil
}

// Split runs branches at once; they meet again at Join.
type Split struct {
	Branches []*Scope
	Join     *Node
}

// Foreach runs Body once per item of a list; the copies meet again at
// Join.
type Foreach struct {
	// Over is the list as written: "parameters.NAME" or "outputs.KEY".
	Over string
	// Parameter is NAME when the list is a parameter, else "".
	Parameter string
	// Output is KEY when the list is one the step wrote to its outputs,
	// else "".
	Output      string
	Body        *Scope
	Join        *Node
	Concurrency int
	// Mode is dsl.ForeachInline or dsl.ForeachDistributed.
	Mode string
}

// Switch picks the next step from a value the step wrote.
type Switch struct {
	// On is the value as written: "outputs.KEY".
	On string
	// Output is KEY, the name of the value in the step's outputs.
	Output string
	// Cases are sorted by Value.
	Cases []Case
	// Default is the step taken when no case matches, or nil (the run
	// then fails).
	Default *Node
}

// Case is one branch of a switch.
type Case struct {
	Value  string
	Target *Node
}

// NeedsOutputs reports whether the step's switch or foreach reads a value
// the step wrote to its outputs.
func (n *Node) NeedsOutputs() bool {
	return n.Switch != nil || (n.Foreach != nil && n.Foreach.Output != "")
}

// edge is one way a step leads to another. The field that says so is
// the step's field (dotted, e.g. "split.join") and, for a list item or a
// switch case, key; path builds its full path when a finding needs it.
type edge struct {
	to    *Node
	kind  edgeKind
	from  int // index of the step
	field string
	key   string
}

// path is the edge's field as a path inside the pipeline's spec.
func (e edge) path() []string {
	p := stepPath(e.from, strings.Split(e.field, ".")...)
	if e.key != "" {
		p = append(p, e.key)
	}
	return p
}

type edgeKind int

const (
	edgeNext edgeKind = iota
	edgeCase
	edgeDefault
	edgeFailure
	edgeJoin  // from a split or foreach step to its join
	edgeStart // from a split or foreach step to a branch or body start
)

// jumps reports whether the edge is a jump inside the step's scope (as
// opposed to the opening of a nested scope).
func (e edge) jumps() bool { return e.kind != edgeStart }

func stepPath(i int, rest ...string) []string {
	return append([]string{"steps", strconv.Itoa(i)}, rest...)
}
