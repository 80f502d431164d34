package asl

import (
	"cmp"
	"strings"
	"time"
)

// rule is a Choice rule: a comparison of Variable with a literal or with
// another path (the *Path operators), or And, Or, Not of rules.
type rule struct {
	next      string
	variable  *path
	op        string // without its Path suffix: "StringEquals", "IsPresent"...
	operand   any
	otherPath *path
	and, or   []*rule
	not       *rule
}

func parseChoiceState(f *fields, st *state) {
	st.inputPath, st.outputPath = f.optPath("InputPath"), f.optPath("OutputPath")
	st.dflt = f.str("Default", false)
	list := f.array("Choices")
	if f.err == nil && len(list) == 0 {
		f.fail("Choices", "a Choice state needs at least one rule")
	}
	for _, v := range list {
		r := parseRule(f, v, true)
		if f.err != nil {
			return
		}
		st.choices = append(st.choices, r)
	}
}

// parseRule reads a rule; a top-level rule must have Next.
func parseRule(parent *fields, v any, top bool) *rule {
	m := asObject(parent, "Choices", v)
	if m == nil {
		return nil
	}
	f := &fields{m: m, where: parent.where}
	defer keep(parent, f)
	r := &rule{}
	if top {
		r.next = f.str("Next", true)
	}
	switch {
	case f.has("And") || f.has("Or"):
		r.and, r.or = parseRules(f, "And"), parseRules(f, "Or")
	case f.has("Not"):
		r.not = parseRule(f, f.m["Not"], false)
	default:
		parseComparison(f, r)
	}
	return r
}

func parseRules(f *fields, k string) []*rule {
	var out []*rule
	for _, v := range f.array(k) {
		out = append(out, parseRule(f, v, false))
	}
	if f.has(k) && len(out) == 0 {
		f.fail("Choices", "%s needs at least one rule", k)
	}
	return out
}

func parseComparison(f *fields, r *rule) {
	r.variable = f.path("Variable", true)
	if r.variable == nil {
		f.fail("Choices", "a rule needs Variable, And, Or or Not")
		return
	}
	for k, v := range f.m {
		if k == "Variable" || k == "Next" || k == "Comment" {
			continue
		}
		if r.op != "" {
			f.fail("Choices", "a rule has one comparison operator, not %s and %s", r.op, k)
			return
		}
		setOperator(f, r, k, v)
	}
	if r.op == "" {
		f.fail("Choices", "rule on %s has no comparison operator", r.variable.text)
	}
}

// setOperator checks the operator's name and its operand's type.
func setOperator(f *fields, r *rule, k string, v any) {
	base, isPath := strings.CutSuffix(k, "Path")
	if isPath && operandKind(base) == "" {
		base, isPath = k, false
	}
	kind := operandKind(base)
	r.op = base
	switch {
	case kind == "":
		f.fail("Choices", "unknown comparison operator %s", k)
	case isPath && !strings.HasPrefix(base, "Is") && base != "StringMatches":
		r.otherPath = f.path(k, true)
	case !operandOK(kind, v):
		f.fail("Choices", "%s needs a %s operand", k, kind)
	default:
		r.operand = v
	}
}

// operandKind returns what an operator compares: "string", "number",
// "boolean", "timestamp", "pattern"; "" for an unknown operator.
func operandKind(op string) string {
	for _, t := range []string{"String", "Numeric", "Boolean", "Timestamp"} {
		rel, ok := strings.CutPrefix(op, t)
		if !ok || relation(rel) == nil {
			continue
		}
		if t == "Boolean" && rel != "Equals" {
			return ""
		}
		return map[string]string{"String": "string", "Numeric": "number", "Boolean": "boolean", "Timestamp": "timestamp"}[t]
	}
	switch op {
	case "StringMatches":
		return "string"
	case "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp":
		return "boolean"
	}
	return ""
}

// relation returns the test of a comparison's result an operator
// suffix asks for; nil for an unknown suffix.
func relation(rel string) func(int) bool {
	switch rel {
	case "Equals":
		return func(c int) bool { return c == 0 }
	case "LessThan":
		return func(c int) bool { return c < 0 }
	case "GreaterThan":
		return func(c int) bool { return c > 0 }
	case "LessThanEquals":
		return func(c int) bool { return c <= 0 }
	case "GreaterThanEquals":
		return func(c int) bool { return c >= 0 }
	}
	return nil
}

func operandOK(kind string, v any) bool {
	switch kind {
	case "string":
		return isString(v)
	case "number":
		_, ok := number(v)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	s, ok := v.(string)
	_, err := time.Parse(time.RFC3339Nano, s)
	return ok && err == nil
}

// eval tests a rule. A Variable (or operand path) that matches nothing
// is a States.Runtime error, except for IsPresent.
func (r *rule) eval(e *env) (bool, error) {
	switch {
	case r.not != nil:
		ok, err := r.not.eval(e)
		return !ok, err
	case r.and != nil:
		return evalAll(e, r.and, false)
	case r.or != nil:
		return evalAll(e, r.or, true)
	}
	v, found := e.lookup(r.variable)
	if r.op == "IsPresent" {
		return found == r.operand, nil
	}
	if !found {
		return false, runtimeError("Choice rule: the path %q matches nothing", r.variable.text)
	}
	operand := r.operand
	if r.otherPath != nil {
		if operand, found = e.lookup(r.otherPath); !found {
			return false, runtimeError("Choice rule: the path %q matches nothing", r.otherPath.text)
		}
	}
	return compare(r.op, v, operand), nil
}

// evalAll is And (stopAt false) or Or (stopAt true).
func evalAll(e *env, rules []*rule, stopAt bool) (bool, error) {
	for _, r := range rules {
		ok, err := r.eval(e)
		if err != nil || ok == stopAt {
			return ok, err
		}
	}
	return !stopAt, nil
}

// compare applies a comparison operator; values of the wrong type make
// it false, as the specification says.
func compare(op string, v, operand any) bool {
	switch op {
	case "IsNull":
		return (v == nil) == operand
	case "IsNumeric", "IsString", "IsBoolean", "IsTimestamp":
		return isType(op, v) == operand
	case "StringMatches":
		s, ok := v.(string)
		return ok && wildcardMatch(operand.(string), s)
	}
	for _, t := range []string{"String", "Numeric", "Boolean", "Timestamp"} {
		if rel, ok := strings.CutPrefix(op, t); ok {
			c, ok := compareAs(t, v, operand)
			return ok && relation(rel)(c)
		}
	}
	return false
}

func isType(op string, v any) bool {
	switch op {
	case "IsNumeric":
		_, ok := number(v)
		return ok
	case "IsString":
		return isString(v)
	case "IsBoolean":
		_, ok := v.(bool)
		return ok
	}
	s, ok := v.(string)
	_, err := time.Parse(time.RFC3339Nano, s)
	return ok && err == nil
}

// compareAs compares two values of the named type, false when either is
// not of it.
func compareAs(t string, a, b any) (int, bool) {
	switch t {
	case "String":
		x, ok1 := a.(string)
		y, ok2 := b.(string)
		return strings.Compare(x, y), ok1 && ok2
	case "Numeric":
		x, ok1 := number(a)
		y, ok2 := number(b)
		return cmp.Compare(x, y), ok1 && ok2
	case "Boolean":
		x, ok1 := a.(bool)
		y, ok2 := b.(bool)
		return map[bool]int{true: 0, false: 1}[x == y], ok1 && ok2
	}
	x, err1 := parseTime(a)
	y, err2 := parseTime(b)
	return x.Compare(y), err1 == nil && err2 == nil
}

func parseTime(v any) (time.Time, error) {
	s, _ := v.(string)
	return time.Parse(time.RFC3339Nano, s)
}

// wildcardMatch matches s against a StringMatches pattern: "*" matches
// any run of characters, "\*" a star and "\\" a backslash. Its time is
// at worst len(pattern) times len(s): on a mismatch after a star, only
// that star's match grows by one character.
func wildcardMatch(pattern, s string) bool {
	tokens, stars := patternTokens(pattern)
	ti, si := 0, 0
	starT, starS := -1, 0
	for si < len(s) {
		switch {
		case ti < len(tokens) && stars[ti]:
			starT, starS = ti, si
			ti++
		case ti < len(tokens) && tokens[ti] == s[si]:
			ti++
			si++
		case starT >= 0:
			starS++
			ti, si = starT+1, starS
		default:
			return false
		}
	}
	for ti < len(tokens) && stars[ti] {
		ti++
	}
	return ti == len(tokens)
}

// patternTokens splits a pattern into bytes, marking the unescaped stars.
func patternTokens(pattern string) ([]byte, []bool) {
	var tokens []byte
	var stars []bool
	for i := 0; i < len(pattern); i++ {
		c, star := pattern[i], pattern[i] == '*'
		if c == '\\' && i+1 < len(pattern) {
			i++
			c, star = pattern[i], false
		}
		tokens, stars = append(tokens, c), append(stars, star)
	}
	return tokens, stars
}
