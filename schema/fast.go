package schema

import (
	"fmt"
	"math"
	"regexp"
	"sort"
)

// fastNode is one subschema compiled for the quick check: a yes/no
// verdict on plain values that allocates nothing. The jsonschema library
// builds an evaluator per value it visits, which makes valid documents,
// by far the common case, cost more than parsing them; the quick check
// answers for those, and the library is run only to explain a document
// the quick check rejects.
//
// The quick check understands a fixed set of keywords and refuses to
// compile a schema using any other, so it can never pass a document over
// a rule it does not know. Tests compare its verdicts with the library's.
type fastNode struct {
	never      bool // the false schema
	ref        *fastNode
	types      uint8
	constVal   any
	hasConst   bool
	enum       []any
	pattern    *regexp.Regexp
	minLen     int
	maxLen     int
	min, max   float64
	exMin      float64
	exMax      float64
	minItems   int
	maxItems   int
	unique     bool
	items      *fastNode
	minProps   int
	maxProps   int
	required   []string
	props      map[string]*fastNode
	patProps   []fastPattern
	additional *fastNode
	dependent  map[string]*fastNode
	allOf      []*fastNode
	anyOf      []*fastNode
	oneOf      []*fastNode
	not        *fastNode
	ifN        *fastNode
	thenN      *fastNode
	elseN      *fastNode
}

type fastPattern struct {
	re   *regexp.Regexp
	node *fastNode
}

// JSON types as bits of fastNode.types; 0 means any type.
const (
	tNull uint8 = 1 << iota
	tBoolean
	tInteger
	tNumber
	tString
	tArray
	tObject
)

// annotations are keywords that do not constrain values.
func isAnnotation(k string) bool {
	switch k {
	case "$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples":
		return true
	}
	return false
}

// fastCompiler compiles one schema document; refs resolve within it.
type fastCompiler struct {
	root any
	refs map[string]*fastNode
}

func compileFast(root any) (*fastNode, error) {
	c := &fastCompiler{root: root, refs: map[string]*fastNode{}}
	return c.compile(root, "#")
}

func (c *fastCompiler) compile(v any, at string) (*fastNode, error) {
	switch v := v.(type) {
	case bool:
		return &fastNode{never: !v}, nil
	case map[string]any:
		n := newFastNode()
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if isAnnotation(k) {
				continue
			}
			if err := c.keyword(n, k, v[k], at+"/"+k); err != nil {
				return nil, err
			}
		}
		return n, nil
	}
	return nil, fmt.Errorf("%s: a schema must be an object or a boolean", at)
}

func newFastNode() *fastNode {
	return &fastNode{maxLen: -1, maxItems: -1, maxProps: -1,
		min: math.Inf(-1), max: math.Inf(1), exMin: math.Inf(-1), exMax: math.Inf(1)}
}
