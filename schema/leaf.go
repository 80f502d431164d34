package schema

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// leaf reports one violation that has no causes below it.
func (m *mapper) leaf(e *jsonschema.ValidationError) {
	path := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		cond := m.v.condition(e.SchemaURL)
		for _, f := range k.Missing {
			m.add(m.loc.pos(false, path), "schema.required", "missing field %q in %s%s", f, owner(path), cond)
		}
	case *kind.AdditionalProperties:
		m.unknownKeys(e, k.Properties)
	case *kind.FalseSchema:
		m.falseSchema(e)
	case *kind.UniqueItems:
		dup := child(path, strconv.Itoa(k.Duplicates[1]))
		m.add(m.loc.pos(false, dup), "schema.unique-items", "%s lists %s twice; remove one",
			subject(path), describeScalar(valueAt(m.value, dup)))
	default:
		val := valueAt(m.value, path)
		code, msg := m.describe(e.ErrorKind, subject(path), val, e.SchemaURL)
		if holdsSecret(path) {
			msg = withoutValue(msg, val)
		}
		m.add(m.loc.pos(false, path), code, "%s%s", msg, m.v.condition(e.SchemaURL))
	}
}

// unknownKeys reports keys an object does not allow: unknown fields of
// an object with fixed fields, or keys that do not have the form a map's
// patternProperties ask for.
func (m *mapper) unknownKeys(e *jsonschema.ValidationError, keys []string) {
	path := e.InstanceLocation
	n := m.v.node(e.SchemaURL)
	if _, fixed := n["properties"]; !fixed && n["patternProperties"] != nil {
		hints := keyHints(n)
		for _, key := range keys {
			m.add(m.loc.pos(true, child(path, key)), "schema.pattern", "key %q in %s must be %s",
				key, owner(path), joinAnd(hints, "or"))
		}
		return
	}
	known := propertyNames(n)
	for _, key := range keys {
		m.add(m.loc.pos(true, child(path, key)), "schema.unknown-field", "%s", unknownField(key, owner(path), known))
	}
}

// keyHints words the key patterns a map allows, sorted.
func keyHints(n map[string]any) []string {
	pats, _ := n["patternProperties"].(map[string]any)
	var hints []string
	for p, sch := range pats {
		if b, ok := sch.(bool); ok && !b {
			continue
		}
		hint := PatternHint(p)
		if hint == "" {
			hint = "a key matching " + p
		}
		hints = append(hints, hint)
	}
	sort.Strings(hints)
	return hints
}

// falseSchema reports a field whose schema is false: a field that
// excludes another one set in the same object (dependentSchemas), or a
// field another field's value rules out (if/then).
func (m *mapper) falseSchema(e *jsonschema.ValidationError) {
	path := e.InstanceLocation
	_, frag, _ := strings.Cut(e.SchemaURL, "#")
	toks := fragmentTokens(frag)
	n := len(toks)
	if len(path) > 0 && n >= 4 && toks[n-2] == "properties" && toks[n-4] == "dependentSchemas" {
		m.exclude(path[:len(path)-1], toks[n-3], toks[n-1])
		return
	}
	if len(path) > 0 && n >= 2 && toks[n-2] == "patternProperties" {
		if code, text := forbiddenHint(toks[n-1]); code != "" {
			m.add(m.loc.pos(true, path), code, "key %q in %s %s", path[len(path)-1], owner(path[:len(path)-1]), text)
			return
		}
	}
	if cond := m.v.condition(e.SchemaURL); cond != "" {
		m.add(m.loc.pos(true, path), "schema.not-allowed", "%s cannot be set%s; remove it", subject(path), cond)
		return
	}
	m.add(m.loc.pos(true, path), "schema.not-allowed", "%s is not allowed here; remove it", subject(path))
}

// describe words a violation of one value: subj names the value (field
// "cpu", key "X" in "env"), val is the value. It returns the code and
// message.
func (m *mapper) describe(k jsonschema.ErrorKind, subj string, val any, loc string) (code, msg string) {
	switch k := k.(type) {
	case *kind.Type:
		return "schema.type", fmt.Sprintf("%s must be %s, not %s%s", subj, wantTypes(k.Want), describeValue(val), quoteHint(k.Want, val))
	case *kind.Enum:
		return "schema.enum", enumMessage(val, k.Want)
	case *kind.Const:
		return "schema.const", fmt.Sprintf("%s must be %s, not %s", subj, describeScalar(k.Want), describeScalar(val))
	case *kind.Pattern:
		return "schema.pattern", patternMessage(subj, k.Got, k.Want)
	case *kind.Not:
		return m.v.notMessage(subj, loc)
	case *kind.Minimum:
		return "schema.minimum", fmt.Sprintf("%s must be at least %s, not %s", subj, ratString(k.Want), ratString(k.Got))
	case *kind.ExclusiveMinimum:
		return "schema.minimum", fmt.Sprintf("%s must be greater than %s, not %s", subj, ratString(k.Want), ratString(k.Got))
	case *kind.Maximum:
		return "schema.maximum", fmt.Sprintf("%s must be at most %s, not %s", subj, ratString(k.Want), ratString(k.Got))
	case *kind.ExclusiveMaximum:
		return "schema.maximum", fmt.Sprintf("%s must be less than %s, not %s", subj, ratString(k.Want), ratString(k.Got))
	}
	return describeSize(k, subj)
}

// describeSize words the violations of a length or a count.
func describeSize(k jsonschema.ErrorKind, subj string) (code, msg string) {
	switch k := k.(type) {
	case *kind.MinLength:
		if k.Want == 1 {
			return "schema.min-length", subj + " must not be empty"
		}
		return "schema.min-length", fmt.Sprintf("%s must be at least %d characters long, not %d", subj, k.Want, k.Got)
	case *kind.MaxLength:
		return "schema.max-length", fmt.Sprintf("%s must be at most %d characters long, not %d", subj, k.Want, k.Got)
	case *kind.MinItems:
		if k.Want == 1 {
			return "schema.min-items", subj + " must list at least one item"
		}
		return "schema.min-items", fmt.Sprintf("%s needs at least %d items, not %d", subj, k.Want, k.Got)
	case *kind.MaxItems:
		return "schema.max-items", fmt.Sprintf("%s may have at most %d items, not %d", subj, k.Want, k.Got)
	case *kind.MinProperties:
		if k.Want == 1 {
			return "schema.min-properties", subj + " must have at least one entry"
		}
		return "schema.min-properties", fmt.Sprintf("%s needs at least %d entries, not %d", subj, k.Want, k.Got)
	case *kind.MaxProperties:
		return "schema.max-properties", fmt.Sprintf("%s may have at most %d entries, not %d", subj, k.Want, k.Got)
	}
	return "schema.invalid", fmt.Sprintf("%s breaks the schema's %q rule", subj, strings.Join(k.KeywordPath(), "/"))
}

func enumMessage(val any, want []any) string {
	names := make([]string, len(want))
	for i, w := range want {
		names[i] = fmt.Sprint(w)
	}
	hint := ""
	if s, ok := val.(string); ok {
		hint = suggest(s, names)
	}
	return fmt.Sprintf("%s is not one of %s%s", describeScalar(val), strings.Join(names, ", "), hint)
}

func patternMessage(subj, got, pattern string) string {
	if hint := PatternHint(pattern); hint != "" {
		return fmt.Sprintf("%s must be %s, not %q", subj, hint, got)
	}
	return fmt.Sprintf("%s must match the pattern %s, not %q", subj, pattern, got)
}

// notMessage words a value a "not" schema rules out, from the pattern
// the not holds.
func (v *Validator) notMessage(subj, loc string) (code, msg string) {
	not, _ := v.node(loc)["not"].(map[string]any)
	pattern, _ := not["pattern"].(string)
	if code, text := forbiddenHint(pattern); code != "" {
		return code, subj + " " + text
	}
	return "schema.not", subj + " has a value that is not allowed here"
}

// condition returns " when FIELD is VALUE" when loc lies under the then
// (or else) of an if on the value of a sibling field, else "".
func (v *Validator) condition(loc string) string {
	_, frag, _ := strings.Cut(loc, "#")
	toks := fragmentTokens(frag)
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i] != "then" && toks[i] != "else" {
			continue
		}
		ifn, _ := v.node(parentLocation(loc, len(toks)-i))["if"].(map[string]any)
		return describeIf(ifn, toks[i] == "else")
	}
	return ""
}

func describeIf(ifn map[string]any, negate bool) string {
	props, _ := ifn["properties"].(map[string]any)
	var parts []string
	for _, name := range propertyNames(ifn) {
		p, _ := props[name].(map[string]any)
		vals, _ := p["enum"].([]any)
		if c, ok := p["const"]; ok {
			vals = []any{c}
		}
		if len(vals) == 0 {
			continue
		}
		words := make([]string, len(vals))
		for i, v := range vals {
			words[i] = fmt.Sprint(v)
		}
		verb := "is"
		if negate {
			verb = "is not"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", name, verb, joinAnd(words, "or")))
	}
	if len(parts) == 0 {
		return ""
	}
	return " when " + strings.Join(parts, " and ")
}

// ratString prints a number of a minimum or maximum check as people
// write it: 0, 2.5, 65536.
func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}
