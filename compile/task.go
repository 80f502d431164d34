package compile

import (
	"strings"

	"github.com/sluice-dev/sluice/graph"
)

// intrinsicFormat builds a States.Format call from literal text and
// JSONPath arguments.
type intrinsicFormat struct {
	tmpl strings.Builder
	args []string
}

// lit appends literal text, escaped as intrinsic strings require: runs
// without a character to escape are written whole.
func (f *intrinsicFormat) lit(s string) {
	for {
		i := strings.IndexAny(s, `'{}\`)
		if i < 0 {
			f.tmpl.WriteString(s)
			return
		}
		f.tmpl.WriteString(s[:i])
		f.tmpl.WriteByte('\\')
		f.tmpl.WriteByte(s[i])
		s = s[i+1:]
	}
}

// arg appends a value read from a JSONPath.
func (f *intrinsicFormat) arg(path string) {
	f.tmpl.WriteString("{}")
	f.args = append(f.args, path)
}

// String returns the States.Format call, built in one allocation.
func (f *intrinsicFormat) String() string {
	const head, mid, sep = "States.Format('", "', ", ", "
	n := len(head) + f.tmpl.Len() + len(mid) + 1
	for i, a := range f.args {
		if i > 0 {
			n += len(sep)
		}
		n += len(a)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(head)
	b.WriteString(f.tmpl.String())
	b.WriteString(mid)
	for i, a := range f.args {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(a)
	}
	b.WriteByte(')')
	return b.String()
}

// keyFormat is the S3 key of a file in the step's output prefix, for this
// run and foreach copy.
func (p *pipe) keyFormat(n *graph.Node, file string) *intrinsicFormat {
	f := &intrinsicFormat{}
	f.lit(p.name + "/")
	f.arg("$.run")
	f.lit("/" + n.Name + "/")
	if n.Depth() > 0 {
		f.arg("$.foreach.path")
		f.lit("/")
	}
	f.lit(file)
	return f
}

// task is the step's Batch job: submitted with the step's job definition
// and queue, and its command and context in the container overrides. Its
// result is dropped (ResultPath null): steps pass data through S3.
func (a *aslBuilder) task(s *graph.Scope, n *graph.Node, states *obj) obj {
	p := a.p
	sc := p.steps[n]
	params := p.taskParameters(n, sc)
	t := make(obj, 0, 7) // and TimeoutSeconds, Type, Catch
	t = append(t, kv{"Parameters", params}, kv{"Resource", arnSubmitJob}, kv{"ResultPath", nil}, kv{"Retry", sc.retry})
	t.setIf(sc.timeout > 0, "TimeoutSeconds", sc.timeout)
	t.set("Type", "Task")
	a.catch(s, n, &t, states)
	return t
}

// taskParameters encodes the Task's SubmitJob parameters (container
// overrides, job definition, job name and queue, in key order) into the
// compiler's arena, as the overrides are.
func (p *pipe) taskParameters(n *graph.Node, sc *stepConf) rawJSON {
	overrides := p.overrides(n, sc)
	b := p.c.arena
	start := len(b)
	b = append(b, `{"ContainerOverrides":`...)
	b = append(b, overrides...)
	b = append(b, `,"JobDefinition":`...)
	b = writeString(b, sc.jobDef.phys)
	b = append(b, `,"JobName":`...)
	b = writeString(b, physicalName(ruleBatch(), p.name, n.Name))
	b = append(b, `,"JobQueue":`...)
	b = writeString(b, sc.compute.queue)
	b = append(b, '}')
	p.c.arena = b
	return rawJSON(b[start:len(b):len(b)])
}

// overrides encodes the Task's ContainerOverrides (command and
// environment) once, into the compiler's arena, and checks its size.
func (p *pipe) overrides(n *graph.Node, sc *stepConf) rawJSON {
	vars, extra := p.overrideEnv(n, p.c.vars[:0])
	p.c.vars = vars // reused by the next step: nothing below keeps it
	b := p.c.arena
	start := len(b)
	b = append(b, '{')
	if len(sc.command) > 0 {
		b = append(b, `"Command":`...)
		b = writeJSON(b, sc.command)
		b = append(b, ',')
	}
	b = append(b, `"Environment":[`...)
	for i, v := range vars {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Name":`...)
		b = writeString(b, v.name)
		if v.dynamic {
			b = append(b, `,"Value.$":`...)
		} else {
			b = append(b, `,"Value":`...)
		}
		b = writeString(b, v.value)
		b = append(b, '}')
	}
	b = append(b, "]}"...)
	p.c.arena = b
	raw := rawJSON(b[start:len(b):len(b)])
	if size := len(raw) + extra + p.c.revisionGrowth(raw); size > maxOverrides && !p.paramsOverOverrides() {
		p.failAt(p.stepPos(n), "limit.container-overrides",
			"step %q would send Batch about %d bytes of container overrides (command and environment, with the parameters' defaults); Batch allows %d: shorten the command or the parameter defaults",
			n.Name, size, maxOverrides)
	}
	return raw
}

// Sizes assumed for values known only at run time when the container
// overrides are measured: execution names have at most 80 characters, a
// foreach index path about 8 per level, a foreach item 64.
const (
	estRunID    = 80
	estPathStep = 8
	estItem     = 64
	// estRuns is SLUICE_RUNS's share: the daemon hands a run the
	// project's pipelines only when they fit what the overrides have
	// left (compile.RunsFit); otherwise the step gets {}.
	estRuns = 2
)

// overrideEnv appends to vars the environment a step gets per run; the
// second result is how much longer than written its values may grow once
// Step Functions fills them in.
func (p *pipe) overrideEnv(n *graph.Node, vars []envVar) ([]envVar, int) {
	depth := n.Depth()
	artifacts := len("s3://"+p.store.bucket+"/"+p.name+"/") + estRunID
	path := depth * estPathStep
	// In name order: the overrides list them sorted.
	vars = append(vars, dyn("SLUICE_ARTIFACTS", "$.artifacts", artifacts))
	if p.targets[n] {
		vars = append(vars, failureVars()...)
	}
	if depth > 0 {
		vars = append(vars,
			dyn("SLUICE_FOREACH_INDEX", "States.Format('{}', $.foreach.index)", estPathStep),
			dyn("SLUICE_FOREACH_ITEM", "States.JsonToString($.foreach.item)", estItem))
	}
	params := "$.parameters"
	if depth > 0 {
		// A foreach copy does not carry the parameters (foreach.go).
		params = p.runParameters()
	}
	vars = append(vars,
		dyn("SLUICE_OUTPUT", p.prefix(n, n).String(), artifacts+len(n.Name)+1+path),
		dyn("SLUICE_PARAMETERS", "States.JsonToString("+params+")", p.defaultsSize()),
		p.parentsVar(n, artifacts+path),
		static("SLUICE_REVISION", revisionSentinel),
		dyn("SLUICE_RUNS", "States.JsonToString($.sluice.runs)", estRuns),
		dyn("SLUICE_RUN_ID", "$.run", estRunID),
		static("SLUICE_STEP", n.Name))
	extra := 0
	for _, v := range vars {
		extra += max(v.estimate-len(v.value), 0)
	}
	return vars, extra
}

// envVar is one variable of the overrides: a fixed value, or a JSONPath
// or intrinsic that Step Functions evaluates (Value.$).
type envVar struct {
	name, value string
	dynamic     bool
	estimate    int
}

func static(name, value string) envVar { return envVar{name: name, value: value} }

func dyn(name, expr string, estimate int) envVar {
	return envVar{name: name, value: expr, dynamic: true, estimate: estimate}
}

// prefix is the S3 prefix where step q's artifacts are, as seen from step
// n: $.artifacts/q, then the foreach path both share. From inside a
// foreach body the step that opened it (one level out) is under the
// enclosing path; every other parent is at the same depth as n or, for a
// join, one level in, its copies under n's own path.
func (p *pipe) prefix(n, q *graph.Node) *intrinsicFormat {
	f := &intrinsicFormat{}
	f.arg("$.artifacts")
	f.lit("/" + q.Name)
	switch {
	case q.Depth() < n.Depth() && n.Depth() > 1:
		f.lit("/")
		f.arg("$.foreach.parent")
	case q.Depth() >= n.Depth() && n.Depth() > 0:
		f.lit("/")
		f.arg("$.foreach.path")
	}
	return f
}

// parentsVar is SLUICE_PARENTS: a JSON list of the prefixes of the steps
// that ran right before this one.
func (p *pipe) parentsVar(n *graph.Node, each int) envVar {
	if len(n.Parents) == 0 {
		return static("SLUICE_PARENTS", "[]")
	}
	f := &intrinsicFormat{}
	f.lit("[")
	estimate := 2
	for i, q := range n.Parents {
		if i > 0 {
			f.lit(",")
		}
		pf := p.prefix(n, q)
		f.lit(`"`)
		f.tmpl.WriteString(pf.tmpl.String())
		f.args = append(f.args, pf.args...)
		f.lit(`"`)
		estimate += each + len(q.Name) + 4
	}
	f.lit("]")
	return dyn("SLUICE_PARENTS", f.String(), estimate)
}
