package asl

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// env is what a path or template is evaluated against: the state's data
// ($) and its context object ($$), built only when a path asks for it.
type env struct {
	input any
	st    *stateCtx
	run   *run
}

func (e *env) lookup(p *path) (any, bool) {
	if p.context {
		return p.get(e.st.value())
	}
	return p.get(e.input)
}

func (e *env) describe(p *path) string {
	if p.context {
		return "the context object"
	}
	return "the state's data"
}

// stateCtx is what the context object ($$) says about a state.
type stateCtx struct {
	run     *run
	state   string
	entered time.Time
	retries int
	item    *mapItem
	// child is the child execution the state runs in, inside a
	// DISTRIBUTED Map; nil in the execution itself.
	child  *childExecution
	cached map[string]any
}

// childExecution is one iteration of a DISTRIBUTED Map: on AWS a child
// execution of its own, whose context object's Execution is the child's
// (its input the iteration's input), not the parent's.
type childExecution struct {
	name  string
	input any
	start time.Time
}

type childKey struct{}

// withChild marks ctx as running inside the child execution c.
func withChild(ctx context.Context, c *childExecution) context.Context {
	return context.WithValue(ctx, childKey{}, c)
}

// childOf returns the child execution ctx runs in, or nil.
func childOf(ctx context.Context) *childExecution {
	c, _ := ctx.Value(childKey{}).(*childExecution)
	return c
}

// mapItem is the item a Map's ItemSelector sees as $$.Map.Item.
type mapItem struct {
	index int
	value any
}

// value builds the context object: Execution (Id, Name, Input,
// StartTime; the child execution's inside a DISTRIBUTED Map), State (Name, EnteredTime, RetryCount) and, in a Map's
// ItemSelector, Map.Item (Index, Value).
func (c *stateCtx) value() any {
	if c.cached != nil {
		return c.cached
	}
	r := c.run
	name, input, start := r.name, r.input, r.start
	if c.child != nil {
		name, input, start = c.child.name, c.child.input, c.child.start
	}
	v := map[string]any{
		"Execution": map[string]any{"Id": "local:execution:" + name, "Name": name,
			"Input": input, "StartTime": stamp(start)},
		"State": map[string]any{"Name": c.state, "EnteredTime": stamp(c.entered), "RetryCount": jsonInt(c.retries)},
	}
	if c.item != nil {
		v["Map"] = map[string]any{"Item": map[string]any{"Index": jsonInt(c.item.index), "Value": c.item.value}}
	}
	c.cached = v
	return v
}

// stamp formats a time as Step Functions does.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// objTmpl is a payload template object: each value a literal, a nested
// template, or a path or intrinsic from a key ending in ".$".
type objTmpl struct {
	keys []string
	vals []expr
}

func (o *objTmpl) eval(e *env) (any, error) {
	out := make(map[string]any, len(o.keys))
	for i, k := range o.keys {
		v, err := o.vals[i].eval(e)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

type arrTmpl []expr

func (a arrTmpl) eval(e *env) (any, error) {
	out := make([]any, len(a))
	for i, x := range a {
		v, err := x.eval(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// parseTemplate compiles a payload template (Parameters, ResultSelector,
// ItemSelector); a template with nothing dynamic is a literal.
func parseTemplate(v any) (expr, error) {
	switch t := v.(type) {
	case map[string]any:
		return parseObjTmpl(t)
	case []any:
		arr := make(arrTmpl, len(t))
		dynamic := false
		for i, x := range t {
			e, err := parseTemplate(x)
			if err != nil {
				return nil, err
			}
			_, lit := e.(literal)
			arr[i], dynamic = e, dynamic || !lit
		}
		if !dynamic {
			return literal{v}, nil
		}
		return arr, nil
	}
	return literal{v}, nil
}

func parseObjTmpl(m map[string]any) (expr, error) {
	o := &objTmpl{}
	dynamic := false
	for _, k := range sortedKeys(m) {
		e, key, err := templateField(k, m[k])
		if err != nil {
			return nil, err
		}
		_, lit := e.(literal)
		dynamic = dynamic || !lit
		o.keys, o.vals = append(o.keys, key), append(o.vals, e)
	}
	if !dynamic {
		return literal{m}, nil
	}
	return o, nil
}

// templateField compiles one field; a key ending in ".$" loses the
// suffix and its value is a path or an intrinsic function.
func templateField(k string, v any) (expr, string, error) {
	name, dyn := strings.CutSuffix(k, ".$")
	if !dyn {
		e, err := parseTemplate(v)
		if err != nil {
			return nil, "", fmt.Errorf("%q: %w", k, err)
		}
		return e, k, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, "", fmt.Errorf("%q: the value of a key ending in .$ must be a string", k)
	}
	e, err := parseDynamic(s)
	if err != nil {
		return nil, "", fmt.Errorf("%q: %w", k, err)
	}
	return e, name, nil
}

// parseDynamic compiles a path or an intrinsic function call.
func parseDynamic(s string) (expr, error) {
	if strings.HasPrefix(s, "States.") {
		return parseIntrinsic(s)
	}
	p, err := parsePath(s, false)
	if err != nil {
		return nil, err
	}
	return pathExpr{p}, nil
}
