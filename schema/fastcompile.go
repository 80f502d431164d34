package schema

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// keyword compiles one constraining keyword into n. It fails on a keyword
// the quick check does not implement.
func (c *fastCompiler) keyword(n *fastNode, k string, v any, at string) error {
	var err error
	switch k {
	case "$ref":
		n.ref, err = c.resolve(v, at)
	case "type":
		n.types, err = typeBits(v, at)
	case "const":
		n.constVal, n.hasConst = v, true
	case "enum":
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: enum must be a list", at)
		}
		n.enum = list
	case "pattern":
		n.pattern, err = compilePattern(v, at)
	case "uniqueItems":
		n.unique = v == true
	case "required":
		n.required, err = stringList(v, at)
	default:
		return c.numberKeyword(n, k, v, at)
	}
	return err
}

func (c *fastCompiler) numberKeyword(n *fastNode, k string, v any, at string) error {
	ints := map[string]*int{"minLength": &n.minLen, "maxLength": &n.maxLen, "minItems": &n.minItems,
		"maxItems": &n.maxItems, "minProperties": &n.minProps, "maxProperties": &n.maxProps}
	floats := map[string]*float64{"minimum": &n.min, "maximum": &n.max,
		"exclusiveMinimum": &n.exMin, "exclusiveMaximum": &n.exMax}
	if p, ok := ints[k]; ok {
		f, err := number(v, at)
		*p = int(f)
		return err
	}
	if p, ok := floats[k]; ok {
		f, err := number(v, at)
		*p = f
		return err
	}
	return c.applicator(n, k, v, at)
}

// applicator compiles the keywords that hold subschemas.
func (c *fastCompiler) applicator(n *fastNode, k string, v any, at string) error {
	var err error
	switch k {
	case "items":
		n.items, err = c.compile(v, at)
	case "additionalProperties":
		n.additional, err = c.compile(v, at)
	case "not":
		n.not, err = c.compile(v, at)
	case "if":
		n.ifN, err = c.compile(v, at)
	case "then":
		n.thenN, err = c.compile(v, at)
	case "else":
		n.elseN, err = c.compile(v, at)
	case "allOf":
		n.allOf, err = c.list(v, at)
	case "anyOf":
		n.anyOf, err = c.list(v, at)
	case "oneOf":
		n.oneOf, err = c.list(v, at)
	case "properties":
		n.props, err = c.named(v, at)
	case "dependentSchemas":
		n.dependent, err = c.named(v, at)
	case "patternProperties":
		n.patProps, err = c.patterns(v, at)
	default:
		return fmt.Errorf("%s: keyword %q is not supported by the quick check; add it to schema/fastcompile.go", at, k)
	}
	return err
}

func (c *fastCompiler) list(v any, at string) ([]*fastNode, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: want a list of schemas", at)
	}
	out := make([]*fastNode, len(items))
	for i, item := range items {
		n, err := c.compile(item, fmt.Sprintf("%s/%d", at, i))
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

func (c *fastCompiler) named(v any, at string) (map[string]*fastNode, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: want an object of schemas", at)
	}
	out := make(map[string]*fastNode, len(m))
	for name, sch := range m {
		n, err := c.compile(sch, at+"/"+name)
		if err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, nil
}

func (c *fastCompiler) patterns(v any, at string) ([]fastPattern, error) {
	named, err := c.named(v, at)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(named))
	for k := range named {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]fastPattern, len(keys))
	for i, k := range keys {
		re, err := regexp.Compile(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		out[i] = fastPattern{re: re, node: named[k]}
	}
	return out, nil
}

// resolve compiles the target of a document-local $ref once; a reference
// cycle resolves to the node being compiled.
func (c *fastCompiler) resolve(v any, at string) (*fastNode, error) {
	ref, _ := v.(string)
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("%s: only references within the document are supported, not %q", at, ref)
	}
	if n, ok := c.refs[ref]; ok {
		return n, nil
	}
	target := c.root
	for _, tok := range fragmentTokens(ref[1:]) {
		m, ok := target.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: %s leads nowhere", at, ref)
		}
		target = m[tok]
	}
	if target == nil {
		return nil, fmt.Errorf("%s: %s leads nowhere", at, ref)
	}
	n := &fastNode{}
	c.refs[ref] = n
	compiled, err := c.compile(target, ref)
	if err != nil {
		return nil, err
	}
	*n = *compiled
	return n, nil
}

func typeBits(v any, at string) (uint8, error) {
	names := []any{v}
	if list, ok := v.([]any); ok {
		names = list
	}
	var bits uint8
	for _, name := range names {
		switch name {
		case "null":
			bits |= tNull
		case "boolean":
			bits |= tBoolean
		case "integer":
			bits |= tInteger
		case "number":
			bits |= tNumber
		case "string":
			bits |= tString
		case "array":
			bits |= tArray
		case "object":
			bits |= tObject
		default:
			return 0, fmt.Errorf("%s: unknown type %v", at, name)
		}
	}
	return bits, nil
}

func compilePattern(v any, at string) (*regexp.Regexp, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%s: pattern must be a string", at)
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", at, err)
	}
	return re, nil
}

func stringList(v any, at string) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: want a list of strings", at)
	}
	out := make([]string, len(list))
	for i, item := range list {
		s, ok := item.(string)
		if !ok {
			return nil, fmt.Errorf("%s: want a list of strings", at)
		}
		out[i] = s
	}
	return out, nil
}

func number(v any, at string) (float64, error) {
	switch n := v.(type) {
	case json.Number:
		return strconv.ParseFloat(n.String(), 64)
	case float64:
		return n, nil
	}
	return 0, fmt.Errorf("%s: want a number, not %v", at, v)
}
