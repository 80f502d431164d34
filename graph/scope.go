package graph

import (
	"sort"
	"strings"
)

// assign walks the steps from the start and gives each one its scope. The
// scopes are walked breadth first, enclosing scopes before the ones they
// open, so that a jump out of a branch finds its target already claimed
// by the enclosing scope and is reported as an escape.
func (b *builder) assign() {
	if len(b.g.Steps) == 0 || b.g.Steps[0].Index != 0 {
		return // the first step has no name; reported
	}
	root := &Scope{Kind: ScopeRoot, Start: b.g.Steps[0]}
	b.g.Root = root
	root.Start.Scope = root
	queue := []*Scope{root}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		queue = b.walk(s, queue)
		sort.Slice(s.Steps, func(i, j int) bool { return s.Steps[i].Index < s.Steps[j].Index })
	}
}

// walk claims every step reachable inside scope s and appends the scopes
// its split and foreach steps open to queue.
func (b *builder) walk(s *Scope, queue []*Scope) []*Scope {
	s.Steps = append(s.Steps, s.Start)
	stack := []*Node{s.Start}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range n.out {
			if !e.jumps() {
				queue = b.open(s, n, e, queue)
				continue
			}
			if b.claim(s, n, e) {
				stack = append(stack, e.to)
			}
		}
		// A step whose next names no step is reported as that unknown
		// reference, not again as a path that stops short of the join.
		if n.Ends() && s.Join != nil && (n.Step.Next == "" || n.Next != nil) {
			b.fail(stepPath(n.Index, "name"), "graph.join-not-closed",
				"step %q ends %s without reaching its join %q; add next: %s", n.Name, s.Describe(), s.Join.Name, s.Join.Name)
		}
	}
	return queue
}

// claim takes the target of a jump into scope s, reporting a target that
// belongs elsewhere. It returns whether the target is new to s.
func (b *builder) claim(s *Scope, from *Node, e edge) bool {
	t := e.to
	switch {
	case s.Join != nil && t == s.Join, t.Scope == s:
		return false
	case t.Scope == nil:
		t.Scope = s
		s.Steps = append(s.Steps, t)
		return true
	case s.joinless() || t.Scope.joinless():
		// Without its join a branch cannot tell its own steps from the
		// join's; the missing or unknown join is the finding.
		return false
	case s.Join != nil && t.Scope.encloses(s):
		b.fail(e.path(), "graph.scope-escape",
			"step %q in %s jumps to %q, outside it; a step there may only go to steps of its own %s or to its join %q",
			from.Name, s.Describe(), t.Name, scopeNoun(s), s.Join.Name)
	default:
		b.fail(e.path(), "graph.shared-step",
			"step %q is reached both from %s and from %s (step %q); a step belongs to one branch, body or the main flow only",
			t.Name, t.Scope.Describe(), s.Describe(), from.Name)
	}
	return false
}

// joinless reports a branch or body whose join is missing or names no
// step (both reported by resolve).
func (s *Scope) joinless() bool { return s.Kind != ScopeRoot && s.Join == nil }

func scopeNoun(s *Scope) string {
	if s.Kind == ScopeBody {
		return "body"
	}
	return "branch"
}

// open creates the branch or body scope that edge e of the split or
// foreach step n starts, and queues it.
func (b *builder) open(s *Scope, n *Node, e edge, queue []*Scope) []*Scope {
	t := e.to
	child := &Scope{Kind: ScopeBranch, Owner: n, Start: t, Parent: s, Depth: s.Depth}
	if n.Foreach != nil {
		child.Kind, child.Join, child.Depth = ScopeBody, n.Foreach.Join, s.Depth+1
		n.Foreach.Body = child
	} else {
		child.Join = n.Split.Join
		n.Split.Branches = append(n.Split.Branches, child)
	}
	if t.Scope != nil {
		b.fail(e.path(), "graph.shared-step",
			"step %q starts %s but already belongs to %s; a branch or body needs steps of its own",
			t.Name, child.Describe(), t.Scope.Describe())
		return queue
	}
	t.Scope = child
	return append(queue, child)
}

// checkCycles finds loops among the jumps of each scope (next, switch,
// onFailure, and a split or foreach step to its join).
func (b *builder) checkCycles() {
	state := make(map[*Node]int, len(b.g.Steps)) // 0 new, 1 on stack, 2 done
	var stack []*Node
	var visit func(n *Node)
	visit = func(n *Node) {
		state[n] = 1
		stack = append(stack, n)
		for _, e := range n.out {
			t := e.to
			if !e.jumps() || t.Scope != n.Scope {
				continue
			}
			switch state[t] {
			case 0:
				visit(t)
			case 1:
				b.fail(e.path(), "graph.cycle", "steps form a loop: %s; a step runs once per run (or per foreach item), so break the loop",
					loopText(stack, t))
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = 2
	}
	for _, n := range b.g.Steps {
		if n.Scope != nil && state[n] == 0 {
			visit(n)
		}
	}
}

// loopText renders the loop that closes at t: "a → b → a".
func loopText(stack []*Node, t *Node) string {
	i := len(stack) - 1
	for i > 0 && stack[i] != t {
		i--
	}
	names := make([]string, 0, len(stack)-i+1)
	for _, n := range stack[i:] {
		names = append(names, n.Name)
	}
	return strings.Join(append(names, t.Name), " → ")
}

// checkUnreachable reports the steps no path from the start leads to,
// except those an unknown reference may have been meant to lead to: that
// reference is the mistake, reported once, and the steps it strands are
// its consequences. A reference that resembles a step strands that step
// and what follows it; one that resembles none may have meant any step.
func (b *builder) checkUnreachable() {
	if b.g.Root == nil {
		return
	}
	meant := make(map[*Node]bool)
	for _, g := range b.guesses {
		if g == nil {
			return
		}
		markFrom(g, meant)
	}
	for _, n := range b.g.Steps {
		if n.Scope == nil && !meant[n] {
			b.fail(stepPath(n.Index, "name"), "graph.unreachable",
				"step %q is never reached: no path from the first step %q leads to it; reference it from another step or remove it",
				n.Name, b.g.Root.Start.Name)
		}
	}
}

// markFrom marks n and every step an edge leads to from it.
func markFrom(n *Node, seen map[*Node]bool) {
	if seen[n] {
		return
	}
	seen[n] = true
	for _, e := range n.out {
		markFrom(e.to, seen)
	}
}

// linkParents records, for every step, the steps that run right before
// it. The step that opens a split or foreach is a parent of the first
// steps of its branches or body, not of its join: the join's parents are
// the last steps of the branches or body.
func (b *builder) linkParents() {
	for _, n := range b.g.Steps {
		for _, e := range n.out {
			if e.kind != edgeJoin {
				e.to.Parents = append(e.to.Parents, n)
			}
		}
	}
	for _, n := range b.g.Steps {
		sort.Slice(n.Parents, func(i, j int) bool { return n.Parents[i].Index < n.Parents[j].Index })
		n.Parents = dedupe(n.Parents)
	}
}

func dedupe(nodes []*Node) []*Node {
	out := nodes[:0]
	for i, n := range nodes {
		if i == 0 || n != nodes[i-1] {
			out = append(out, n)
		}
	}
	return out
}
