package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/schema"
)

// cells words the parts of a schema for one row of a field table. links
// names the anchor of each section definition.
type cells struct {
	k     kindSchema
	links func(name string) string
}

// typeText words the type of a value: string, list of string, map of
// string, [step](#pipeline-step), string or list of string.
func (c cells) typeText(s *object) string {
	if s == nil {
		return "any"
	}
	if ref := s.str("$ref"); ref != "" {
		name, def := c.k.def(ref)
		if isSection(def) {
			return fmt.Sprintf("[%s](#%s)", title(name, def), c.links(name))
		}
		return c.typeText(def)
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if list, ok := s.get(key).([]any); ok {
			var words []string
			for _, b := range list {
				o, _ := b.(*object)
				words = append(words, c.typeText(o))
			}
			return strings.Join(words, " or ")
		}
	}
	return c.declaredType(s)
}

func (c cells) declaredType(s *object) string {
	var types []string
	switch t := s.get("type").(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, fmt.Sprint(x))
		}
	}
	if len(types) == 0 {
		if s.has("enum") || s.has("const") {
			return "string"
		}
		return "any"
	}
	words := make([]string, len(types))
	for i, t := range types {
		words[i] = c.typeWord(t, s)
	}
	return strings.Join(words, " or ")
}

func (c cells) typeWord(t string, s *object) string {
	switch t {
	case "array":
		return "list of " + c.typeText(s.obj("items"))
	case "object":
		if v := mapValue(s); v != nil {
			return "map of " + c.typeText(v)
		}
		return "mapping"
	}
	return t
}

// mapValue returns the schema of the values of a map (an object without
// fixed fields), or nil.
func mapValue(s *object) *object {
	if s.has("properties") {
		return nil
	}
	for _, v := range s.obj("patternProperties").values() {
		return v
	}
	return s.obj("additionalProperties")
}

// allowed words the constraints on a value: its allowed values, form,
// range and size.
func (c cells) allowed(s *object) string {
	if s == nil {
		return ""
	}
	var parts []string
	if ref := s.str("$ref"); ref != "" {
		if _, def := c.k.def(ref); !isSection(def) {
			parts = append(parts, c.allowed(def))
		}
	}
	parts = append(parts, values(s), form(s), rangeText(s), sizeText(s), c.nested(s))
	return joinParts(parts, "; ")
}

// nested words the constraints of list items, map keys and values, and
// alternatives.
func (c cells) nested(s *object) string {
	var parts []string
	if items := s.obj("items"); items != nil {
		if a := c.allowed(items); a != "" {
			parts = append(parts, "items: "+a)
		}
	}
	for _, kp := range keyPatterns(s) {
		parts = append(parts, "keys: "+patternWords(kp.pattern))
		if a := c.allowed(kp.value); a != "" {
			parts = append(parts, "values: "+a)
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		list, _ := s.get(key).([]any)
		for _, b := range list {
			o, _ := b.(*object)
			if a := c.allowed(o); a != "" {
				parts = append(parts, a+" ("+c.typeText(o)+")")
			}
		}
	}
	return joinParts(parts, "; ")
}

type keyPattern struct {
	pattern string
	value   *object
}

// keyPatterns returns the key patterns a map allows (not those it
// reserves), with their value schemas, in the schema's order.
func keyPatterns(s *object) []keyPattern {
	var out []keyPattern
	pats := s.obj("patternProperties")
	if pats == nil {
		return nil
	}
	for _, p := range pats.keys {
		if v, ok := pats.vals[p].(*object); ok {
			out = append(out, keyPattern{p, v})
		}
	}
	return out
}

func values(s *object) string {
	if list, ok := s.get("enum").([]any); ok {
		words := make([]string, len(list))
		for i, v := range list {
			words[i] = code(v)
		}
		return "one of " + strings.Join(words, ", ")
	}
	if s.has("const") {
		return code(s.get("const"))
	}
	return ""
}

func form(s *object) string {
	if p := s.str("pattern"); p != "" {
		return patternWords(p)
	}
	return ""
}

func patternWords(p string) string {
	if hint := schema.PatternHint(p); hint != "" {
		return hint
	}
	return "matches " + code(p)
}

func rangeText(s *object) string {
	low, high := s.get("minimum"), s.get("maximum")
	switch {
	case low != nil && high != nil:
		return fmt.Sprintf("%v to %v", low, high)
	case s.has("exclusiveMinimum"):
		return fmt.Sprintf("more than %v", s.get("exclusiveMinimum"))
	case low != nil:
		return fmt.Sprintf("at least %v", low)
	case high != nil:
		return fmt.Sprintf("at most %v", high)
	}
	return ""
}

func sizeText(s *object) string {
	var parts []string
	if n := s.get("minLength"); n != nil {
		parts = append(parts, plural(n, "not empty", "at least %v characters"))
	}
	if n := s.get("maxLength"); n != nil {
		parts = append(parts, fmt.Sprintf("at most %v characters", n))
	}
	if n := s.get("minItems"); n != nil {
		parts = append(parts, plural(n, "at least one item", "at least %v items"))
	}
	if s.get("uniqueItems") == true {
		parts = append(parts, "no duplicates")
	}
	if n := s.get("minProperties"); n != nil {
		parts = append(parts, plural(n, "at least one entry", "at least %v entries"))
	}
	return joinParts(parts, "; ")
}

func plural(n any, one, many string) string {
	if fmt.Sprint(n) == "1" {
		return one
	}
	return fmt.Sprintf(many, n)
}

// defaultText words a schema's default, looking through a $ref.
func (c cells) defaultText(s *object) string {
	if s.has("default") {
		return code(s.get("default"))
	}
	if ref := s.str("$ref"); ref != "" {
		if _, def := c.k.def(ref); def.has("default") {
			return code(def.get("default"))
		}
	}
	return ""
}

// describe returns a property's description, or that of the definition
// it refers to.
func (c cells) describe(s *object) string {
	if d := s.str("description"); d != "" {
		return d
	}
	if ref := s.str("$ref"); ref != "" {
		_, def := c.k.def(ref)
		return def.str("description")
	}
	return ""
}

// code prints a JSON value in backticks: strings bare, the rest as JSON.
func code(v any) string {
	if s, ok := v.(string); ok {
		return "`" + s + "`"
	}
	b, err := json.Marshal(plain(v))
	if err != nil {
		return "`" + fmt.Sprint(v) + "`"
	}
	return "`" + string(b) + "`"
}

// plain turns ordered objects back into maps for printing.
func plain(v any) any {
	switch v := v.(type) {
	case *object:
		m := make(map[string]any, len(v.keys))
		for _, k := range v.keys {
			m[k] = plain(v.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plain(x)
		}
		return out
	}
	return v
}

func joinParts(parts []string, sep string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

func title(name string, def *object) string {
	if t := def.str("title"); t != "" {
		return t
	}
	return name
}
