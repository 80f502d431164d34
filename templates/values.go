package templates

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/sluice-dev/sluice/dsl"
)

// Value is one value a template takes, declared in its template.yaml.
type Value struct {
	Name string `json:"name"`
	// Type is string, integer, number, boolean, list or object, as for
	// pipeline parameters.
	Type string `json:"type"`
	// Default is used when a referencing Pipeline gives no value; nil for
	// a required value.
	Default any `json:"default,omitempty"`
	// Required values must be given by every referencing Pipeline.
	Required bool `json:"required,omitempty"`
	// Example is what a scaffold writes for a required value: a
	// placeholder the user replaces.
	Example     any    `json:"example,omitempty"`
	Description string `json:"description"`
}

// valueDecl is a value as written in template.yaml.
type valueDecl struct {
	Type        string `yaml:"type"`
	Default     any    `yaml:"default"`
	Required    bool   `yaml:"required"`
	Example     any    `yaml:"example"`
	Description string `yaml:"description"`
}

// values checks the manifest's declarations and returns them sorted by
// name. A value is either required (with an example for scaffolds) or has
// a default of its type.
func (m manifest) values() ([]Value, error) {
	out := make([]Value, 0, len(m.Values))
	for name, d := range m.Values {
		v, err := d.value(name)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (d valueDecl) value(name string) (Value, error) {
	v := Value{Name: name, Type: d.Type, Required: d.Required, Description: d.Description}
	var err error
	if v.Default, err = normalize(d.Default); err != nil {
		return v, fmt.Errorf("value %q: default: %w", name, err)
	}
	if v.Example, err = normalize(d.Example); err != nil {
		return v, fmt.Errorf("value %q: example: %w", name, err)
	}
	sample := v.Default
	if v.Required {
		sample = v.Example
	}
	switch {
	case d.Description == "":
		return v, fmt.Errorf("value %q has no description", name)
	case v.Required == (v.Default != nil):
		return v, fmt.Errorf("value %q needs either required: true (with an example) or a default", name)
	case sample == nil:
		return v, fmt.Errorf("value %q: a required value needs an example for scaffolds", name)
	}
	if _, ok := convert(v.Type, sample); !ok {
		return v, fmt.Errorf("value %q: %s is not of type %q", name, describe(sample), v.Type)
	}
	return v, nil
}

// Instantiate returns the spec of the named template's Pipeline with
// values substituted, as plain values (map[string]any, []any, string,
// int64, float64, bool), the forms the dsl package produces. The
// template's per-environment overrides are not part of the result.
//
// It fails with an *Error when the template is unknown, when values names
// a value the template does not declare, when a required value is missing,
// or when a value has the wrong type; other errors mean the embedded
// template itself is broken.
func Instantiate(name string, values map[string]any) (map[string]any, error) {
	t, err := Get(name)
	if err != nil {
		return nil, err
	}
	return t.Instantiate(values)
}

// Instantiate is the package-level Instantiate for t.
func (t Template) Instantiate(values map[string]any) (map[string]any, error) {
	resolved, err := t.resolve(values)
	if err != nil {
		return nil, err
	}
	doc, err := t.pipelineDocument()
	if err != nil {
		return nil, err
	}
	out, err := substitute(doc.Spec(), resolved)
	if err != nil {
		return nil, fmt.Errorf("template %q: %s: %w", t.Name, pipelineFile, err)
	}
	spec, _ := out.(map[string]any)
	return spec, nil
}

// resolve checks the given values against the declarations and returns
// every declared value: given, or its default. Errors come in a stable
// order: unknown names first, then wrong types, then missing values.
func (t Template) resolve(given map[string]any) (map[string]any, error) {
	if err := t.checkNames(given); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(t.Values))
	for _, v := range t.Values {
		got, ok := given[v.Name]
		if !ok || got == nil {
			out[v.Name] = v.Default
			continue
		}
		val, err := t.typed(v, got)
		if err != nil {
			return nil, err
		}
		out[v.Name] = val
	}
	for _, v := range t.Values {
		if out[v.Name] == nil {
			return nil, &Error{Code: CodeMissingValue, Template: t.Name, Value: v.Name,
				Message: fmt.Sprintf("template %q needs a value for %q (%s): add it under spec.template.values",
					t.Name, v.Name, strings.TrimSuffix(v.Description, "."))}
		}
	}
	return out, nil
}

func (t Template) checkNames(given map[string]any) error {
	names := make([]string, 0, len(t.Values))
	for _, v := range t.Values {
		names = append(names, v.Name)
	}
	unknown := make([]string, 0)
	for name := range given {
		if !contains(names, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	name := unknown[0]
	return &Error{Code: CodeUnknownValue, Template: t.Name, Value: name,
		Message: fmt.Sprintf("template %q has no value %q%s; its values are %s",
			t.Name, name, dsl.DidYouMean(name, names), joinAnd(names))}
}

func (t Template) typed(v Value, got any) (any, error) {
	norm, err := normalize(got)
	if err == nil {
		if val, ok := convert(v.Type, norm); ok {
			return val, nil
		}
	}
	return nil, &Error{Code: CodeValueType, Template: t.Name, Value: v.Name,
		Message: fmt.Sprintf("template %q: value %q must be %s, not %s",
			t.Name, v.Name, article(v.Type), describe(got))}
}

// convert returns v as a value of the template type typ, and whether it is
// one. A whole float64 is an integer: JSON clients send every number so.
func convert(typ string, v any) (any, bool) {
	switch typ {
	case dsl.ParamString:
		_, ok := v.(string)
		return v, ok
	case dsl.ParamInteger:
		return toInteger(v)
	case dsl.ParamNumber:
		switch v.(type) {
		case int64, float64:
			return v, true
		}
	case dsl.ParamBoolean:
		_, ok := v.(bool)
		return v, ok
	case dsl.ParamList:
		_, ok := v.([]any)
		return v, ok
	case dsl.ParamObject:
		_, ok := v.(map[string]any)
		return v, ok
	}
	return nil, false
}

func toInteger(v any) (any, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	}
	return nil, false
}

func article(typ string) string {
	if typ == dsl.ParamInteger || typ == dsl.ParamObject {
		return "an " + typ
	}
	return "a " + typ
}
