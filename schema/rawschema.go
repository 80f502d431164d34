package schema

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// node returns the keywords of the schema at loc, an absolute schema
// location such as ".../pipeline.schema.json#/$defs/step", or nil when
// there is none.
func (v *Validator) node(loc string) map[string]any {
	m, _ := v.at(loc).(map[string]any)
	return m
}

func (v *Validator) at(loc string) any {
	base, frag, _ := strings.Cut(loc, "#")
	n := v.raw[base]
	for _, tok := range fragmentTokens(frag) {
		switch cur := n.(type) {
		case map[string]any:
			n = cur[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(cur) {
				return nil
			}
			n = cur[i]
		default:
			return nil
		}
	}
	return n
}

// fragmentTokens splits a JSON pointer fragment ("/$defs/a~1b"), whose
// tokens the jsonschema library percent-encodes, into its unescaped
// tokens.
func fragmentTokens(frag string) []string {
	frag = strings.TrimPrefix(frag, "/")
	if frag == "" {
		return nil
	}
	toks := strings.Split(frag, "/")
	for i, t := range toks {
		if u, err := url.PathUnescape(t); err == nil {
			t = u
		}
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// parentLocation drops the last n tokens of a schema location.
func parentLocation(loc string, n int) string {
	base, frag, _ := strings.Cut(loc, "#")
	toks := fragmentTokens(frag)
	if n > len(toks) {
		n = len(toks)
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("#")
	for _, t := range toks[:len(toks)-n] {
		b.WriteString("/")
		b.WriteString(url.PathEscape(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")))
	}
	return b.String()
}

// propertyNames returns the names a schema's properties keyword allows,
// sorted.
func propertyNames(n map[string]any) []string {
	props, _ := n["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
