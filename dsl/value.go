package dsl

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice"
)

// converter turns a yaml.Node tree into plain values (map[string]any,
// []any, string, int64, float64, bool, nil), the form the JSON Schema
// validator and the compiler read. It reports duplicate keys, unknown tags
// and alias expansion beyond the budget, with positions.
type converter struct {
	path   string
	budget *int
	diags  sluice.Diagnostics
	depth  int
	// site is the alias being expanded, where an expansion beyond the
	// budget is reported: the anchored values themselves are innocent.
	site *yaml.Node
	// merging holds the mappings whose merge keys are being expanded, to
	// catch a mapping that merges itself.
	merging map[*yaml.Node]bool
}

const maxDepth = 200

func (c *converter) fail(n *yaml.Node, code, format string, args ...any) {
	c.diags = append(c.diags, sluice.Errorf(nodePos(c.path, n), code, format, args...))
}

func (c *converter) value(n *yaml.Node, aliased bool) any {
	if aliased {
		*c.budget--
		if *c.budget == -1 {
			c.fail(c.site, "yaml.alias-limit", "anchors and aliases expand to too many values; write the values out or use fewer aliases")
		}
		if *c.budget < 0 {
			return nil
		}
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxDepth {
		if c.depth == maxDepth+1 {
			c.fail(n, "yaml.too-deep", "values nest more than %d levels deep", maxDepth)
		}
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		return c.mapping(n, aliased)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			out[i] = c.value(item, aliased)
		}
		return out
	case yaml.AliasNode:
		if n.Alias == nil {
			c.fail(n, "yaml.syntax", "alias to an unknown anchor")
			return nil
		}
		if !aliased {
			c.site = n
		}
		return c.value(n.Alias, true)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.value(n.Content[0], aliased)
	default:
		return c.scalar(n)
	}
}

func (c *converter) mapping(n *yaml.Node, aliased bool) map[string]any {
	out := make(map[string]any, len(n.Content)/2)
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			c.fail(k, "yaml.key", "keys must be plain strings, not %s", describeNode(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			where := fmt.Sprintf("line %d", prev.Line)
			if prev.Line == k.Line {
				where = fmt.Sprintf("column %d of this line", prev.Column)
			}
			c.fail(k, "yaml.duplicate-key", "key %q is already set at %s; remove one of them", k.Value, where)
			continue
		}
		seen[k.Value] = k
		out[k.Value] = c.value(v, aliased)
	}
	for _, m := range merges {
		c.merge(out, m, aliased)
	}
	return out
}

// merge applies a YAML merge key ("<<: *anchor"): keys the mapping sets
// itself win over merged ones.
func (c *converter) merge(out map[string]any, src *yaml.Node, aliased bool) {
	target := src
	if target.Kind == yaml.AliasNode && target.Alias != nil {
		target = target.Alias
	}
	switch target.Kind {
	case yaml.MappingNode:
		if c.merging[target] {
			c.fail(src, "yaml.merge", "a merge key (<<) merges the mapping it is part of; merge another anchor")
			return
		}
		if c.merging == nil {
			c.merging = make(map[*yaml.Node]bool)
		}
		c.merging[target] = true
		defer delete(c.merging, target)
		for k, v := range c.mapping(target, true) {
			if _, set := out[k]; !set {
				out[k] = v
			}
		}
	case yaml.SequenceNode:
		for _, item := range target.Content {
			c.merge(out, item, aliased)
		}
	default:
		c.fail(src, "yaml.merge", "a merge key (<<) needs a mapping or a list of mappings, not %s", describeNode(src))
	}
}

func (c *converter) scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true")
	case "!!int":
		return c.integer(n)
	case "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			c.fail(n, "yaml.number", "%q is not a finite number", n.Value)
			return nil
		}
		return f
	case "!!str", "!!timestamp", "!!binary":
		return n.Value
	default:
		c.fail(n, "yaml.tag", "unsupported YAML tag %q; remove the tag", n.Tag)
		return nil
	}
}

func (c *converter) integer(n *yaml.Node) any {
	s := strings.ReplaceAll(n.Value, "_", "")
	if strings.HasPrefix(s, "0b") || strings.HasPrefix(s, "0o") || strings.HasPrefix(s, "0x") ||
		strings.HasPrefix(s, "-0b") || strings.HasPrefix(s, "-0o") || strings.HasPrefix(s, "-0x") {
		if v, err := strconv.ParseInt(s, 0, 64); err == nil {
			return v
		}
	} else if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) {
		return f
	}
	c.fail(n, "yaml.number", "%q is not a number this tool can read", n.Value)
	return nil
}
