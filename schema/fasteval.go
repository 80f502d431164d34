package schema

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// valid reports whether v satisfies the schema. v holds plain values:
// map[string]any, []any, string, int64, float64, bool or nil; any other
// type is not valid, so the library gets to explain it.
func (n *fastNode) valid(v any) bool {
	if n.never || (n.ref != nil && !n.ref.valid(v)) {
		return false
	}
	if !n.typed(v) {
		return false
	}
	if n.hasConst && !jsonEqual(v, n.constVal) {
		return false
	}
	if n.enum != nil && !n.inEnum(v) {
		return false
	}
	return n.applicators(v)
}

// typed checks the type and the keywords of the value's type.
func (n *fastNode) typed(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return n.is(tObject) && n.object(x)
	case []any:
		return n.is(tArray) && n.array(x)
	case string:
		return n.is(tString) && n.str(x)
	case bool:
		return n.is(tBoolean)
	case nil:
		return n.is(tNull)
	case int64:
		return n.is(tNumber|tInteger) && n.number(float64(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
		ok := n.is(tNumber) || (n.is(tInteger) && x == math.Trunc(x))
		return ok && n.number(x)
	}
	return false
}

func (n *fastNode) is(t uint8) bool { return n.types == 0 || n.types&t != 0 }

func (n *fastNode) number(x float64) bool {
	return x >= n.min && x <= n.max && x > n.exMin && x < n.exMax
}

func (n *fastNode) str(s string) bool {
	if n.minLen > 0 || n.maxLen >= 0 {
		l := utf8.RuneCountInString(s)
		if l < n.minLen || (n.maxLen >= 0 && l > n.maxLen) {
			return false
		}
	}
	return n.pattern == nil || n.pattern.MatchString(s)
}

func (n *fastNode) array(a []any) bool {
	if len(a) < n.minItems || (n.maxItems >= 0 && len(a) > n.maxItems) {
		return false
	}
	if n.unique {
		for i := range a {
			for j := i + 1; j < len(a); j++ {
				if jsonEqual(a[i], a[j]) {
					return false
				}
			}
		}
	}
	if n.items != nil {
		for _, item := range a {
			if !n.items.valid(item) {
				return false
			}
		}
	}
	return true
}

func (n *fastNode) object(o map[string]any) bool {
	if len(o) < n.minProps || (n.maxProps >= 0 && len(o) > n.maxProps) {
		return false
	}
	for _, r := range n.required {
		if _, ok := o[r]; !ok {
			return false
		}
	}
	for k, v := range o {
		if !n.property(k, v) {
			return false
		}
	}
	for k, sch := range n.dependent {
		if _, ok := o[k]; ok && !sch.valid(o) {
			return false
		}
	}
	return true
}

// property checks one entry of an object against properties,
// patternProperties and additionalProperties.
func (n *fastNode) property(k string, v any) bool {
	evaluated := false
	if p, ok := n.props[k]; ok {
		if !p.valid(v) {
			return false
		}
		evaluated = true
	}
	for _, pp := range n.patProps {
		if pp.re.MatchString(k) {
			if !pp.node.valid(v) {
				return false
			}
			evaluated = true
		}
	}
	return evaluated || n.additional == nil || n.additional.valid(v)
}

func (n *fastNode) applicators(v any) bool {
	for _, s := range n.allOf {
		if !s.valid(v) {
			return false
		}
	}
	if n.anyOf != nil && !anyValid(n.anyOf, v) {
		return false
	}
	if n.oneOf != nil && !oneValid(n.oneOf, v) {
		return false
	}
	if n.not != nil && n.not.valid(v) {
		return false
	}
	if n.ifN != nil {
		branch := n.elseN
		if n.ifN.valid(v) {
			branch = n.thenN
		}
		if branch != nil && !branch.valid(v) {
			return false
		}
	}
	return true
}

func anyValid(list []*fastNode, v any) bool {
	for _, s := range list {
		if s.valid(v) {
			return true
		}
	}
	return false
}

func oneValid(list []*fastNode, v any) bool {
	matched := 0
	for _, s := range list {
		if s.valid(v) {
			matched++
		}
	}
	return matched == 1
}

func (n *fastNode) inEnum(v any) bool {
	for _, e := range n.enum {
		if jsonEqual(v, e) {
			return true
		}
	}
	return false
}

// jsonEqual compares two plain values as JSON does: numbers by value,
// whatever their Go type.
func jsonEqual(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, va := range a {
			vb, ok := b[k]
			if !ok || !jsonEqual(va, vb) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !jsonEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case string:
		s, ok := b.(string)
		return ok && a == s
	case bool:
		x, ok := b.(bool)
		return ok && a == x
	case nil:
		return b == nil
	}
	return false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := strconv.ParseFloat(x.String(), 64)
		return f, err == nil
	}
	return 0, false
}
