package asl

import (
	"time"
)

// Parse checks a state machine definition and returns it ready to run.
// It fails with a *ParseError naming the state and the field at fault:
// a missing StartAt or Type, a transition to a state that does not
// exist, a malformed path, template or intrinsic function, a Retry with
// States.ALL not alone and last, and so on.
func Parse(definition []byte) (*Machine, error) {
	v, err := decode(definition)
	if err != nil {
		return nil, &ParseError{Msg: "definition is not JSON: " + err.Error()}
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, &ParseError{Msg: "definition is not a JSON object"}
	}
	f := &fields{m: top}
	secs := f.intField("TimeoutSeconds", 0)
	checkQueryLanguage(f)
	if f.err != nil {
		return nil, f.err
	}
	root, err := parseScope(top, "")
	if err != nil {
		return nil, err
	}
	return &Machine{root: root, timeout: time.Duration(secs) * time.Second}, nil
}

// parseScope reads StartAt and States, then checks every transition
// lands on a state of the scope.
func parseScope(m map[string]any, where string) (*scope, error) {
	f := &fields{m: m, where: where}
	sc := &scope{start: f.str("StartAt", true), states: map[string]*state{}}
	states := f.object("States")
	if f.err == nil && len(states) == 0 {
		f.fail("States", "is required and must name at least one state")
	}
	if f.err != nil {
		return nil, f.err
	}
	for _, name := range sortedKeys(states) {
		st, err := parseState(name, states[name], join(where, name))
		if err != nil {
			return nil, err
		}
		sc.states[name] = st
	}
	if sc.states[sc.start] == nil {
		return nil, &ParseError{Where: where, Field: "StartAt", Msg: "no state named " + quote(sc.start)}
	}
	return sc, checkTransitions(sc)
}

func join(where, name string) string {
	if where == "" {
		return name
	}
	return where + "/" + name
}

func quote(s string) string { return `"` + s + `"` }

// checkTransitions checks that Next, Default and the Next of every
// Choice rule and Catch name a state of the scope.
func checkTransitions(sc *scope) error {
	for _, name := range sortedStates(sc) {
		st := sc.states[name]
		targets := map[string]string{"Next": st.next, "Default": st.dflt}
		for _, c := range st.catch {
			targets["Catch"] = c.next
			if err := checkTargets(sc, st, targets); err != nil {
				return err
			}
		}
		for _, r := range st.choices {
			targets["Choices"] = r.next
			if err := checkTargets(sc, st, targets); err != nil {
				return err
			}
		}
		if err := checkTargets(sc, st, targets); err != nil {
			return err
		}
	}
	return nil
}

func checkTargets(sc *scope, st *state, targets map[string]string) error {
	for field, target := range targets {
		if target != "" && sc.states[target] == nil {
			return &ParseError{Where: st.where, Field: field, Msg: "no state named " + quote(target) + " in this scope"}
		}
	}
	return nil
}

func sortedStates(sc *scope) []string {
	m := make(map[string]any, len(sc.states))
	for k := range sc.states {
		m[k] = nil
	}
	return sortedKeys(m)
}

// parseState reads one state: the fields every type shares, then its
// type's own.
func parseState(name string, v any, where string) (*state, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &ParseError{Where: where, Msg: "is not a JSON object"}
	}
	f := &fields{m: m, where: where}
	st := &state{name: name, where: where, typ: f.str("Type", true)}
	checkQueryLanguage(f)
	if len(name) > 80 {
		f.fail("", "a state name has at most 80 characters")
	}
	if f.err != nil {
		return nil, f.err
	}
	var err error
	switch st.typ {
	case typeTask, typePass, typeWait, typeParallel, typeMap:
		parseFlow(f, st)
		err = parseByType(f, st)
	case typeChoice:
		parseChoiceState(f, st)
	case typeSucceed:
		st.inputPath, st.outputPath = f.optPath("InputPath"), f.optPath("OutputPath")
	case typeFail:
		parseFail(f, st)
	default:
		f.fail("Type", "unknown state type %s", quote(st.typ))
	}
	if err != nil {
		return nil, err
	}
	if f.err != nil {
		return nil, f.err
	}
	return st, nil
}

// parseFlow reads what states that move on share: exactly one of Next
// and End, and input and output processing.
func parseFlow(f *fields, st *state) {
	st.next, st.end = f.str("Next", false), f.boolean("End")
	if (st.next == "") == !st.end {
		f.fail("Next", "a %s state needs either Next or End: true", st.typ)
	}
	st.inputPath, st.outputPath = f.optPath("InputPath"), f.optPath("OutputPath")
	if st.typ != typeWait {
		st.resultPath = f.optPath("ResultPath")
		st.parameters = f.template("Parameters")
	}
}

func parseByType(f *fields, st *state) error {
	switch st.typ {
	case typePass:
		st.result, st.hasResult = f.m["Result"]
	case typeWait:
		parseWait(f, st)
	case typeTask:
		parseTask(f, st)
	case typeParallel:
		return parseParallel(f, st)
	case typeMap:
		return parseMap(f, st)
	}
	return nil
}

func parseTask(f *fields, st *state) {
	st.resource = f.str("Resource", true)
	st.timeout = time.Duration(f.intField("TimeoutSeconds", 0)) * time.Second
	st.selector = f.template("ResultSelector")
	parseRetryCatch(f, st)
}

func parseFail(f *fields, st *state) {
	st.errName, st.cause = f.str("Error", false), f.str("Cause", false)
	st.errorPath, st.causePath = f.path("ErrorPath", false), f.path("CausePath", false)
	if st.errName != "" && st.errorPath != nil {
		f.fail("ErrorPath", "a Fail state has Error or ErrorPath, not both")
	}
	if st.cause != "" && st.causePath != nil {
		f.fail("CausePath", "a Fail state has Cause or CausePath, not both")
	}
}

func parseWait(f *fields, st *state) {
	w := &st.wait
	w.seconds, w.hasSeconds = f.num("Seconds")
	w.secondsPath = f.path("SecondsPath", false)
	w.timestampPath = f.path("TimestampPath", false)
	if ts := f.str("Timestamp", false); f.has("Timestamp") {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			f.fail("Timestamp", "must be an RFC 3339 time: %v", err)
		}
		w.timestamp, w.hasTimestamp = t, true
	}
	n := 0
	for _, set := range []bool{w.hasSeconds, w.secondsPath != nil, w.hasTimestamp, w.timestampPath != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		f.fail("Seconds", "a Wait state has exactly one of Seconds, SecondsPath, Timestamp and TimestampPath")
	}
}

func parseParallel(f *fields, st *state) error {
	st.selector = f.template("ResultSelector")
	parseRetryCatch(f, st)
	branches := f.array("Branches")
	if f.err == nil && len(branches) == 0 {
		f.fail("Branches", "a Parallel state needs at least one branch")
	}
	for i, b := range branches {
		m, ok := b.(map[string]any)
		if !ok {
			f.fail("Branches", "branch %d is not an object", i)
			return nil
		}
		sc, err := parseScope(m, st.where)
		if err != nil {
			return err
		}
		st.branches = append(st.branches, sc)
	}
	return nil
}

// checkQueryLanguage refuses JSONata: the interpreter evaluates JSONPath
// only, the language the compiler emits.
func checkQueryLanguage(f *fields) {
	if ql := f.str("QueryLanguage", false); ql != "" && ql != "JSONPath" {
		f.fail("QueryLanguage", "only JSONPath is supported, not %s", ql)
	}
}
