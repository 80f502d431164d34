// Package graph turns a pipeline's list of steps into the nested structure
// the compiler walks, and reports every way the list fails to describe one.
//
// The first step is the start. A step continues in one of four ways: next
// (one step), split (several branches at once that meet again at a join),
// foreach (a body run once per item, whose copies meet again at a join) or
// switch (one of several steps, chosen from a value the step wrote). A step
// with none of them ends the pipeline, or, inside a branch or a body, must
// not exist: every path of a branch or body ends by going to its join.
// onFailure names the step to go to when the step fails.
//
// Every step belongs to exactly one scope: the main flow, one branch of a
// split, or the body of a foreach. Jumps (next, switch cases, onFailure)
// stay inside their scope or go to the scope's join. Build checks this and
// reports, each with a stable code and the position of the field at fault:
//
//	graph.empty            the pipeline has no steps
//	graph.step-name        a step without a name
//	graph.duplicate-step   two steps with one name
//	graph.unknown-step     a reference to a step that does not exist
//	graph.successors       a step that continues in more than one way
//	graph.unreachable      a step no path from the start leads to
//	graph.override-step    a step an environment's override adds that no
//	                       step leads to: most likely a misspelt name
//	graph.cycle            steps that lead back to themselves (a → b → a)
//	graph.join-not-closed  a branch or body path that ends before its join
//	graph.scope-escape     a jump out of a branch or body
//	graph.shared-step      a step reached from two scopes
//	graph.join-is-branch   a join that is also one of its branches (or body)
//	graph.split-branches   a split without branches, or a branch listed twice
//	graph.missing-join     a split or foreach without a join
//	graph.foreach-step     a foreach without a body step
//	graph.foreach-over     a foreach over something that is not a list
//	graph.switch-on        a switch on something that is not a step output
//	graph.switch-cases     a switch with neither cases nor default
//
// One mistake is one finding: what only follows from another finding is
// not reported again. A step an unknown reference strands (the step it
// resembles, what follows that step, or any step when it resembles none)
// is not also unreachable; a step whose next is unknown does not also
// stop short of its join; a branch or body whose join is missing or
// unknown reports no step as shared with another branch.
//
// Mermaid and DOT draw a built graph, deterministically.
package graph
