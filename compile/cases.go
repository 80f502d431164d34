package compile

import (
	"math"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/graph"
)

// A switch case compares as what YAML read its key as: written 1 or 2.5
// it is a number (NumericEquals, so 1.0 matches 1), written true or false
// a boolean (BooleanEquals), written any other way, quotes included, a
// string (StringEquals). A numeric or boolean comparison first checks the
// value's type (IsNumeric, IsBoolean), so a value of another type never
// matches it and goes on to the other cases and the default.

// caseValue is a switch case's key, typed.
type caseValue struct {
	kind string // "string", "number" or "boolean"
	text string
	num  float64
	bool bool
}

// switchCases types the cases of every switch, in the order of
// n.Switch.Cases, and reports keys that cannot be compared or that
// compare equal to another key.
func (p *pipe) switchCases() map[*graph.Node][]caseValue {
	out := map[*graph.Node][]caseValue{}
	for _, n := range p.g.Steps {
		if n.Switch == nil {
			continue
		}
		vals := make([]caseValue, len(n.Switch.Cases))
		seen := map[caseValue]string{}
		for i, c := range n.Switch.Cases {
			v, ok := p.caseValue(n, c.Value)
			if !ok {
				continue
			}
			vals[i] = v
			key := v
			key.text = ""
			if v.kind == "string" {
				key.text = v.text
			}
			if prev, dup := seen[key]; dup {
				p.failAt(p.stepPos(n, "switch", "cases", c.Value), "graph.switch-cases",
					"switch of step %q has the cases %s and %s, which are the same %s; keep one",
					n.Name, prev, c.Value, v.kind)
				continue
			}
			seen[key] = c.Value
		}
		out[n] = vals
	}
	return out
}

// caseValue reads one case key as the YAML tag of the key says it was
// written; a key not found in the document (a template's) is a string.
// Only a key whose text YAML could read as a number or a boolean is
// looked up: finding its tag needs the document's node tree, parsed
// again from its source once the loader has released it.
func (p *pipe) caseValue(n *graph.Node, key string) (caseValue, bool) {
	tag := "!!str"
	if couldBeTyped(key) {
		tag = p.loc.keyTag("steps", strconv.Itoa(n.Index), "switch", "cases", key)
	}
	switch tag {
	case "!!bool":
		return caseValue{kind: "boolean", text: key, bool: strings.EqualFold(key, "true")}, true
	case "!!int", "!!float":
		f, ok := parseYAMLNumber(key)
		if !ok {
			p.failAt(p.stepPos(n, "switch", "cases", key), "graph.switch-cases",
				"switch of step %q has the case %s, which is not a finite number; put it in quotes to compare it as a string", n.Name, key)
			return caseValue{}, false
		}
		return caseValue{kind: "number", text: key, num: f}, true
	}
	return caseValue{kind: "string", text: key}, true
}

// couldBeTyped reports whether a plain key written as text could be
// something other than a string to YAML (yaml.v3's resolver): a number
// starts with a digit, a sign or a dot (.5, .inf, .nan), a boolean is
// true or false in any case. Any other text, written plain or quoted, is
// a string.
func couldBeTyped(text string) bool {
	if text == "" {
		return false
	}
	if strings.ContainsRune("0123456789+-.", rune(text[0])) {
		return true
	}
	return strings.EqualFold(text, "true") || strings.EqualFold(text, "false")
}

// parseYAMLNumber reads an integer or float as YAML writes them: with _
// separators, 0x, 0o or 0b prefixes.
func parseYAMLNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(s, "_", "")
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		return float64(i), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// rule is the Choice rule that matches the value at path against the
// case.
func (v caseValue) rule(path, next string) obj {
	switch v.kind {
	case "number":
		return obj{{"And", []any{obj{{"Variable", path}, {"IsNumeric", true}}, obj{{"Variable", path}, {"NumericEquals", v.num}}}},
			{"Next", next}}
	case "boolean":
		return obj{{"And", []any{obj{{"Variable", path}, {"IsBoolean", true}}, obj{{"Variable", path}, {"BooleanEquals", v.bool}}}},
			{"Next", next}}
	}
	return obj{{"Variable", path}, {"StringEquals", v.text}, {"Next", next}}
}
