package compile

import (
	"strconv"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// checkStates adds the states that check a run's parameters before any
// step runs, whatever started the run (the daemon checks them before it
// starts a run too, but an execution started another way is only checked
// here), and returns the first of them, or next when there is nothing to
// check. A required parameter absent fails the run with
// Sluice.MissingParameter, a value of the wrong type with
// Sluice.InvalidParameter, each from a Fail state whose cause names the
// parameter.
//
// One Choice, Sluice.CheckParameters, checks the parameters that are
// always present once the defaults are merged in (those with a default,
// and required ones, whose absence its earlier rules catch); each
// optional parameter without a default gets a Choice of its own,
// Sluice.Check.NAME, that lets an absent value through before it tests
// the type, so that no rule tests the type of a value that is not there.
// The Amazon States Language cannot tell a list from an object, nor a
// whole number from another: a list or an object is checked to be none
// of string, number, boolean and null, an integer to be a number.
func (a *aslBuilder) checkStates(first *graph.Node, next string, states *obj) string {
	var main []any
	for _, name := range a.p.requiredParameters() {
		main = append(main, obj{{"Not", obj{{"Variable", "$.parameters" + pathKey(name)}, {"IsPresent", true}}},
			{"Next", a.failState(first, "Sluice.Missing.", name, "Sluice.MissingParameter",
				`is required: start the run with {"parameters": {`+strconv.Quote(name)+`: ...}}`, states)}})
	}
	var optional []string
	for _, name := range sortedKeys(a.p.spec.Parameters) {
		prm := a.p.spec.Parameters[name]
		wrong := wrongType(prm.Type, "$.parameters"+pathKey(name))
		switch {
		case wrong == nil:
		case prm.Default == nil && !prm.Required:
			optional = append(optional, name)
		default:
			wrong.set("Next", a.invalidState(first, name, states))
			main = append(main, wrong)
		}
	}
	// The optional checks, last to first, each going on to the next.
	for i := len(optional) - 1; i >= 0; i-- {
		name := optional[i]
		path := "$.parameters" + pathKey(name)
		wrong := wrongType(a.p.spec.Parameters[name].Type, path)
		wrong.set("Next", a.invalidState(first, name, states))
		state := shortState("Sluice.Check." + name)
		a.add(states, state, first, obj{{"Type", "Choice"},
			{"Choices", []any{obj{{"Not", obj{{"Variable", path}, {"IsPresent", true}}}, {"Next", next}}, wrong}}, {"Default", next}})
		next = state
	}
	if len(main) == 0 {
		return next
	}
	a.add(states, stateCheck, first, obj{{"Type", "Choice"}, {"Choices", main}, {"Default", next}})
	return stateCheck
}

// invalidState adds the Fail state of a parameter of the wrong type.
func (a *aslBuilder) invalidState(first *graph.Node, name string, states *obj) string {
	return a.failState(first, "Sluice.Invalid.", name, "Sluice.InvalidParameter",
		"must be "+typeProblem(a.p.spec.Parameters[name].Type, nil), states)
}

// failState adds a Fail state named prefix+name failing the run with
// errName and the cause "parameter NAME " + what, and returns its name.
func (a *aslBuilder) failState(first *graph.Node, prefix, name, errName, what string, states *obj) string {
	fail := shortState(prefix + name)
	a.add(states, fail, first, obj{{"Type", "Fail"}, {"Error", errName}, {"Cause", "parameter " + strconv.Quote(name) + " " + what}})
	return fail
}

// wrongType is the Choice rule that matches a value at path that is not
// of the parameter type typ; nil for a type it cannot check.
func wrongType(typ, path string) obj {
	is := func(test string) obj { return obj{{"Variable", path}, {test, true}} }
	switch typ {
	case dsl.ParamString:
		return obj{{"Not", is("IsString")}}
	case dsl.ParamInteger, dsl.ParamNumber:
		return obj{{"Not", is("IsNumeric")}}
	case dsl.ParamBoolean:
		return obj{{"Not", is("IsBoolean")}}
	case dsl.ParamList, dsl.ParamObject:
		return obj{{"Or", []any{is("IsString"), is("IsNumeric"), is("IsBoolean"), is("IsNull")}}}
	}
	return nil
}
