package main

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/schema"
)

// kindSchema is the schema of one kind, read with its key order.
type kindSchema struct {
	kind string
	root *object
}

func (k kindSchema) defs() *object { return k.root.obj("$defs") }

// def returns the definition a "#/$defs/NAME" reference names.
func (k kindSchema) def(ref string) (string, *object) {
	name := strings.TrimPrefix(ref, "#/$defs/")
	return name, k.defs().obj(name)
}

func loadKinds() ([]kindSchema, error) {
	var out []kindSchema
	for _, kind := range schema.Kinds() {
		src, ok := schema.Source(kind)
		if !ok {
			return nil, fmt.Errorf("no schema for %s", kind)
		}
		v, err := parseOrdered(src)
		if err != nil {
			return nil, fmt.Errorf("schema for %s: %w", kind, err)
		}
		root, ok := v.(*object)
		if !ok {
			return nil, fmt.Errorf("schema for %s is not an object", kind)
		}
		out = append(out, kindSchema{kind: kind, root: root})
	}
	return out, nil
}

// isSection reports whether a definition gets a section of its own: an
// object with named fields.
func isSection(def *object) bool { return def.obj("properties") != nil }

// sections returns, in the order a reader meets them from spec, the names
// of the definitions of k that get a section.
func (k kindSchema) sections() []string {
	seen := map[string]bool{}
	order := []string{}
	queue := []string{"spec"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		order = append(order, name)
		def := k.defs().obj(name)
		props := def.obj("properties")
		for _, p := range props.keys {
			queue = append(queue, k.referenced(props.obj(p))...)
		}
	}
	return order
}

// referenced returns the section definitions a property's schema leads
// to: through $ref, list items, map values and alternatives.
func (k kindSchema) referenced(s *object) []string {
	if s == nil {
		return nil
	}
	var out []string
	if ref := s.str("$ref"); ref != "" {
		if name, def := k.def(ref); isSection(def) {
			out = append(out, name)
		}
	}
	out = append(out, k.referenced(s.obj("items"))...)
	out = append(out, k.referenced(s.obj("additionalProperties"))...)
	for _, p := range s.obj("patternProperties").values() {
		out = append(out, k.referenced(p)...)
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		list, _ := s.get(key).([]any)
		for _, b := range list {
			o, _ := b.(*object)
			out = append(out, k.referenced(o)...)
		}
	}
	return out
}

// values returns the object values of o, in key order.
func (o *object) values() []*object {
	if o == nil {
		return nil
	}
	var out []*object
	for _, k := range o.keys {
		if v, ok := o.vals[k].(*object); ok {
			out = append(out, v)
		}
	}
	return out
}

// shared returns the section definitions more than one kind uses, which
// the reference describes once.
func shared(kinds []kindSchema) map[string]bool {
	count := map[string]int{}
	for _, k := range kinds {
		for _, name := range k.sections() {
			count[name]++
		}
	}
	out := map[string]bool{}
	for name, n := range count {
		if n > 1 && name != "spec" {
			out[name] = true
		}
	}
	return out
}
