package asl

import (
	"fmt"
	"strconv"
	"strings"
)

// A path is a JSONPath compiled once at Parse time. ASL uses a small
// subset of JSONPath: a root ("$" for the state's data, "$$" for the
// context object), member names (".a", "['a']") and array indexes
// ("[0]"), plus "[*]" and ".*" outside reference paths. A hand-written
// evaluator over that subset walks decoded JSON without allocating, which
// keeps a state transition in microseconds, where a general RFC 9535
// engine would build node lists for every lookup.
type path struct {
	text    string
	context bool // rooted at $$
	segs    []segment
}

// segment is one step of a path: a member name, an index, or a wildcard.
type segment struct {
	name  string
	index int
	kind  segKind
}

type segKind uint8

const (
	segName segKind = iota
	segIndex
	segWild
)

// parsePath compiles text; reference paths (singular: no wildcard) are
// what ResultPath and Choice variables need.
func parsePath(text string, reference bool) (*path, error) {
	if !strings.HasPrefix(text, "$") {
		return nil, fmt.Errorf("path %q does not start with $", text)
	}
	p := &path{text: text}
	rest := text[1:]
	if strings.HasPrefix(rest, "$") {
		p.context, rest = true, rest[1:]
	}
	for rest != "" {
		seg, n, err := nextSegment(rest)
		if err != nil {
			return nil, fmt.Errorf("path %q: %w", text, err)
		}
		if seg.kind == segWild && reference {
			return nil, fmt.Errorf("path %q: a reference path has no wildcard", text)
		}
		p.segs = append(p.segs, seg)
		rest = rest[n:]
	}
	return p, nil
}

// nextSegment reads one segment at the start of s and returns how many
// bytes it used.
func nextSegment(s string) (segment, int, error) {
	switch s[0] {
	case '.':
		return dotSegment(s)
	case '[':
		return bracketSegment(s)
	}
	return segment{}, 0, fmt.Errorf("unexpected %q", s[0])
}

func dotSegment(s string) (segment, int, error) {
	if strings.HasPrefix(s, "..") {
		return segment{}, 0, fmt.Errorf("recursive descent (..) is not supported")
	}
	if strings.HasPrefix(s, ".*") {
		return segment{kind: segWild}, 2, nil
	}
	end := 1
	for end < len(s) && s[end] != '.' && s[end] != '[' {
		end++
	}
	if end == 1 {
		return segment{}, 0, fmt.Errorf("empty member name")
	}
	return segment{name: s[1:end]}, end, nil
}

func bracketSegment(s string) (segment, int, error) {
	if strings.HasPrefix(s, "[*]") {
		return segment{kind: segWild}, 3, nil
	}
	if len(s) > 1 && (s[1] == '\'' || s[1] == '"') {
		return quotedSegment(s)
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return segment{}, 0, fmt.Errorf("unclosed [")
	}
	i, err := strconv.Atoi(strings.TrimSpace(s[1:end]))
	if err != nil || i < 0 {
		return segment{}, 0, fmt.Errorf("bad index %q", s[1:end])
	}
	return segment{index: i, kind: segIndex}, end + 1, nil
}

// quotedSegment reads ['name'] or ["name"], with \ escaping the quote and
// itself.
func quotedSegment(s string) (segment, int, error) {
	quote := s[1]
	var b strings.Builder
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == quote:
			if i+1 >= len(s) || s[i+1] != ']' {
				return segment{}, 0, fmt.Errorf("expected ] after quoted name")
			}
			return segment{name: b.String()}, i + 2, nil
		default:
			b.WriteByte(c)
		}
	}
	return segment{}, 0, fmt.Errorf("unclosed quoted name")
}

// get returns the value at the path in root, and whether it exists. A
// wildcard collects the matches into an array.
func (p *path) get(root any) (any, bool) {
	return walk(root, p.segs)
}

func walk(v any, segs []segment) (any, bool) {
	for i, s := range segs {
		switch s.kind {
		case segName:
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = obj[s.name]; !ok {
				return nil, false
			}
		case segIndex:
			arr, ok := v.([]any)
			if !ok || s.index >= len(arr) {
				return nil, false
			}
			v = arr[s.index]
		case segWild:
			return wildcard(v, segs[i+1:])
		}
	}
	return v, true
}

// wildcard applies the rest of a path to every member of v.
func wildcard(v any, rest []segment) (any, bool) {
	var members []any
	switch t := v.(type) {
	case []any:
		members = t
	case map[string]any:
		for _, k := range sortedKeys(t) {
			members = append(members, t[k])
		}
	default:
		return nil, false
	}
	out := make([]any, 0, len(members))
	for _, m := range members {
		if r, ok := walk(m, rest); ok {
			out = append(out, r)
		}
	}
	return out, true
}

// set returns root with value placed at the reference path, copying the
// objects along the way (values are never changed in place, so branches
// of a Parallel or Map share their input safely) and creating missing
// ones. It fails when the path crosses a value that is not an object, or
// an index past an array's end.
func (p *path) set(root, value any) (any, error) {
	return setAt(root, p.segs, value, p.text)
}

func setAt(v any, segs []segment, value any, text string) (any, error) {
	if len(segs) == 0 {
		return value, nil
	}
	s := segs[0]
	if s.kind == segIndex {
		arr, ok := v.([]any)
		if !ok || s.index >= len(arr) {
			return nil, fmt.Errorf("ResultPath %q: no array element %d to replace", text, s.index)
		}
		inner, err := setAt(arr[s.index], segs[1:], value, text)
		if err != nil {
			return nil, err
		}
		out := append([]any(nil), arr...)
		out[s.index] = inner
		return out, nil
	}
	obj, ok := v.(map[string]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("ResultPath %q: %q is inside a value that is not an object", text, s.name)
	}
	inner, err := setAt(obj[s.name], segs[1:], value, text)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(obj)+1)
	for k, x := range obj {
		out[k] = x
	}
	out[s.name] = inner
	return out, nil
}
