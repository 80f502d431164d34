package compile

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// The execution's state, as the compiled states keep it: Tasks add
// nothing to it (ResultPath null), so it stays small whatever the steps
// do.
//
//	$.parameters  the run's parameters, defaults merged under the input;
//	              inside an inline foreach copy only the lists a nested
//	              foreach iterates over (see foreach.go)
//	$.run         the run ID: the execution name, fixed at the start so
//	              child executions of a distributed foreach share it
//	$.artifacts   s3://BUCKET/PIPELINE/RUN
//	$.outputs     {STEP: the object STEP wrote to outputs.json}, after a
//	              state read it for a switch or foreach
//	$.foreach     inside a foreach: {index, item, path, parent}, path
//	              being the indexes from the outermost foreach in, joined
//	              with "/", and parent the enclosing foreach's path
//	$.sluice      {from, runs}: what the execution input's "sluice" object
//	              says (defaults: from "", runs {}): from, a top-level step
//	              to start at (sluice run --from); runs, what SLUICE_RUNS
//	              hands each step (the project's pipelines and their
//	              latest successful runs, as the daemon resolved them)
//	$.error       after a Catch: the error that sent the run to the
//	              onFailure step
//	$.items       {count, cause} of the list the last guarded inline
//	              foreach counted (guard.go)
const (
	stateInput      = "Sluice.Input"
	stateNoInput    = "Sluice.NoInput"
	stateDefaults   = "Sluice.Defaults"
	stateParameters = "Sluice.Parameters"
	stateCheck      = "Sluice.CheckParameters"
	stateNoContext  = "Sluice.NoContext"
	stateFrom       = "Sluice.From"
)

// contextDefaults is the "sluice" object of a run whose input has none,
// or has one without some of its keys.
const contextDefaults = `{"from":"","runs":{}}`

// startStates merge the parameter defaults under the execution input's
// "parameters", fix the run ID and artifact prefix, carry the input's
// "sluice" object (its defaults merged under it), check the parameters
// before any step runs (see parameterChecks) and, when the pipeline has
// more than one top-level step, go to the one the input's sluice.from
// names (fromState).
func (a *aslBuilder) startStates(states *obj) {
	first := a.p.g.Root.Start
	a.add(states, stateInput, first, obj{{"Type", "Choice"},
		{"Choices", []any{
			obj{{"And", []any{obj{{"Variable", "$.parameters"}, {"IsPresent", true}}, obj{{"Variable", "$.sluice"}, {"IsPresent", true}}}},
				{"Next", stateDefaults}},
			obj{{"Variable", "$.parameters"}, {"IsPresent", true}, {"Next", stateNoContext}}}},
		{"Default", stateNoInput}})
	a.add(states, stateNoInput, first, a.p.noInputState())
	a.add(states, stateNoContext, first, obj{{"Type", "Pass"}, {"Result", obj{}}, {"ResultPath", "$.sluice"}, {"Next", stateDefaults}})
	a.add(states, stateDefaults, first, obj{{"Type", "Pass"}, {"Result", a.p.parameterDefaults()},
		{"ResultPath", "$.defaults"}, {"Next", stateParameters}})
	artifacts := intrinsicFormat{}
	artifacts.lit("s3://" + a.p.store.bucket + "/" + a.p.name + "/")
	artifacts.arg("$$.Execution.Name")
	sluiceDefaults := intrinsicFormat{}
	sluiceDefaults.lit(contextDefaults)
	state := obj{{"parameters.$", "States.JsonMerge($.defaults, $.parameters, false)"},
		{"run.$", "$$.Execution.Name"},
		{"artifacts.$", artifacts.String()},
		{"sluice.$", "States.JsonMerge(States.StringToJson('" + sluiceDefaults.tmpl.String() + "'), $.sluice, false)"}}
	state.setIf(len(a.p.targets) > 0, "error", emptyError())
	params := obj{{"Type", "Pass"}, {"Parameters", state}}
	params.set("Next", a.checkStates(first, a.fromState(states), states))
	a.add(states, stateParameters, first, params)
}

// fromState adds Sluice.From, the Choice that starts a run at the
// top-level step its input's sluice.from names (a run that reuses
// another run's earlier steps, whose results the daemon copied into its
// prefix), and returns its name; any other value starts at the first
// step. A pipeline with one top-level step has nowhere else to start:
// the first step's name is returned and nothing is added. Steps inside a
// split branch or a foreach copy cannot be entered from outside their
// Parallel or Map, so only top-level steps are offered.
func (a *aslBuilder) fromState(states *obj) string {
	root := a.p.g.Root
	if len(root.Steps) < 2 {
		return root.Start.Name
	}
	var choices []any
	for _, n := range root.Steps {
		if n != root.Start {
			choices = append(choices, obj{{"Variable", "$.sluice.from"}, {"StringEquals", n.Name}, {"Next", n.Name}})
		}
	}
	a.add(states, stateFrom, root.Start, obj{{"Type", "Choice"}, {"Choices", choices}, {"Default", root.Start.Name}})
	return stateFrom
}

// readRetry retries Sluice's own S3 reads (a step's outputs.json) on
// transient errors, so that one S3 hiccup after an expensive job does not
// fail the run: up to 5 retries, 1 s doubling to at most 20 s, jittered.
// A missing object (the step wrote no outputs.json) and one that is not
// JSON (States.IntrinsicFailure from StringToJson) are not transient and
// are not retried; the first retrier matching an error decides.
const readRetry = `[{"ErrorEquals":["S3.NoSuchKeyException","States.IntrinsicFailure"],"MaxAttempts":0},` +
	`{"BackoffRate":2,"ErrorEquals":["States.ALL"],"IntervalSeconds":1,"JitterStrategy":"FULL","MaxAttempts":5,"MaxDelaySeconds":20}]`

// readOutputs reads the object the step wrote to outputs.json into
// $.outputs.STEP.
func (a *aslBuilder) readOutputs(s *graph.Scope, n *graph.Node, states *obj) obj {
	key := a.p.keyFormat(n, "outputs.json")
	st := obj{{"Type", "Task"}, {"Resource", arnGetObject},
		{"Parameters", obj{{"Bucket", a.p.store.bucket}, {"Key.$", key.String()}}},
		{"ResultSelector", obj{{n.Name + ".$", "States.StringToJson($.Body)"}}},
		{"ResultPath", "$.outputs"}, {"Retry", rawJSON(readRetry)}}
	a.catch(s, n, &st, states)
	return st
}

// itemReaderRetry retries a distributed foreach whose items could not be
// read from S3, before any copy started: up to 3 retries, 2 s doubling.
const itemReaderRetry = `[{"BackoffRate":2,"ErrorEquals":["States.ItemReaderFailed"],"IntervalSeconds":2,"JitterStrategy":"FULL","MaxAttempts":3}]`

// maxDistributedDefault bounds the copies a distributed foreach without
// concurrency runs at once.
const maxDistributedDefault = 1000

// distributedConcurrency is the MaxConcurrency of a distributed foreach
// that sets no concurrency: as many copies as the compute environments of
// its body can run at once (maxVcpus over the vCPUs each copy's steps
// ask, the smallest of those), at least 1 and at most 1,000. More copies
// than that would only wait in the job queue, each an open child
// execution, and Step Functions' own default (10,000 at once) would
// submit Batch jobs faster than Batch's SubmitJob rate allows.
func (p *pipe) distributedConcurrency(n *graph.Node) int {
	out := maxDistributedDefault
	for _, q := range n.Foreach.Body.Steps {
		sc := p.steps[q]
		if sc == nil || sc.compute == nil || sc.res.CPU <= 0 {
			continue
		}
		out = min(out, int(float64(sc.compute.spec.MaxVCPUs)/sc.res.CPU))
	}
	return max(out, 1)
}

// mapState runs a foreach's body once per item: inline inside the
// execution, or distributed as child executions.
func (a *aslBuilder) mapState(n *graph.Node) obj {
	f := n.Foreach
	body := a.scope(f.Body)
	config := obj{{"Mode", "INLINE"}}
	distributed := a.p.mode(n) == dsl.ForeachDistributed
	if distributed {
		config = obj{{"Mode", "DISTRIBUTED"}, {"ExecutionType", "STANDARD"}}
	}
	body.set("ProcessorConfig", config)
	m := obj{{"Type", "Map"}, {"ItemProcessor", body}, {"ItemSelector", a.p.itemSelector(n)}, {"ResultPath", nil}}
	if distributed && f.Output != "" {
		key := a.p.keyFormat(n, f.Output+".json")
		m.set("ItemReader", obj{{"Resource", arnS3Get}, {"ReaderConfig", obj{{"InputType", "JSON"}}},
			{"Parameters", obj{{"Bucket", a.p.store.bucket}, {"Key.$", key.String()}}}})
	} else {
		m.set("ItemsPath", a.p.itemsPath(n))
	}
	concurrency := f.Concurrency
	if distributed {
		// Child outputs go to S3, not into this execution's state.
		m.set("ResultWriter", obj{{"Resource", arnS3Put},
			{"Parameters", obj{{"Bucket", a.p.store.bucket}, {"Prefix", a.p.name + "/map-results/" + n.Name}}}})
		if f.Output != "" {
			m.set("Retry", rawJSON(itemReaderRetry))
		}
		if concurrency == 0 {
			concurrency = a.p.distributedConcurrency(n)
		}
	} else if f.Concurrency > maxInlineMap {
		a.p.failAt(a.p.stepPos(n, "foreach", "concurrency"), "limit.map-concurrency",
			"foreach of step %q asks for %d copies at once; an inline foreach runs at most %d: lower concurrency, or set mode: distributed",
			n.Name, f.Concurrency, maxInlineMap)
	}
	m.setIf(concurrency > 0, "MaxConcurrency", concurrency)
	return m
}

// choice goes to the step of the case matching the value the step wrote,
// each case compared as its type (see caseValue); a missing value or one
// no case matches goes to the default step, or fails the run with
// Sluice.UnmatchedCase.
func (a *aslBuilder) choice(s *graph.Scope, n *graph.Node, states *obj) obj {
	sw := n.Switch
	v := "$.outputs" + pathKey(n.Name) + "." + sw.Output
	fallback := n.Name + ".unmatched"
	if sw.Default != nil {
		fallback = a.jumpTo(s, sw.Default, states)
	} else {
		values := make([]string, len(sw.Cases))
		for i, c := range sw.Cases {
			values[i] = c.Value
		}
		a.add(states, fallback, n, obj{{"Type", "Fail"}, {"Error", "Sluice.UnmatchedCase"},
			{"Cause", "step " + strconv.Quote(n.Name) + " wrote no " + sw.On + " matching a case of its switch (" +
				strings.Join(values, ", ") + ") and the switch has no default"}})
	}
	choices := []any{obj{{"Not", obj{{"Variable", v}, {"IsPresent", true}}}, {"Next", fallback}}}
	for i, c := range sw.Cases {
		choices = append(choices, a.p.cases[n][i].rule(v, a.jumpTo(s, c.Target, states)))
	}
	return obj{{"Type", "Choice"}, {"Choices", choices}, {"Default", fallback}}
}

// shortState keeps a helper state's name within the limit, ending a name
// that is too long with a hash.
func shortState(name string) string {
	if len(name) <= maxStateName {
		return name
	}
	return physicalName(nameRule{max: maxStateName, allowed: func(byte) bool { return true }}, name)
}

// pathKey returns ".key" or, for a key that is not a plain identifier,
// "['key']", to append to a JSONPath.
func pathKey(k string) string {
	if isIdentifier(k) {
		return "." + k
	}
	return "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(k) + "']"
}

// isIdentifier reports whether k is a letter or underscore followed by
// letters, digits and underscores.
func isIdentifier(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		letter := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return k != ""
}
