package templates

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// scaffoldRE matches the placeholders a scaffold replaces: ${project} and
// ${values.NAME}.
var scaffoldRE = regexp.MustCompile(`\$\{(project|values\.([A-Za-z_][A-Za-z0-9_]*))\}`)

// Render returns the files a scaffold of t writes for project: Files with
// ${project} replaced by the project name and every ${values.NAME} by the
// value's default (or, for a required value, its example). YAML files are
// rendered so they read back with the values' types; Markdown files get
// the plain text. It fails when a file uses an undeclared value.
func (t Template) Render(project string) (map[string][]byte, error) {
	files, err := t.Files()
	if err != nil {
		return nil, err
	}
	values := t.scaffoldValues()
	for p, data := range files {
		var out string
		switch path.Ext(p) {
		case ".yaml", ".yml":
			out, err = renderYAML(string(data), project, values)
		case ".md":
			out, err = renderText(string(data), project, values)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("template %q: %s: %w", t.Name, p, err)
		}
		files[p] = []byte(out)
	}
	return files, nil
}

// scaffoldValues are the values a scaffold is written with.
func (t Template) scaffoldValues() map[string]any {
	out := make(map[string]any, len(t.Values))
	for _, v := range t.Values {
		out[v.Name] = v.Default
		if v.Required {
			out[v.Name] = v.Example
		}
	}
	return out
}

// lookup returns the replacement value of the placeholder match m in s.
func lookup(s string, m []int, project string, values map[string]any) (any, error) {
	if m[4] < 0 {
		return project, nil
	}
	name := s[m[4]:m[5]]
	v, ok := values[name]
	if !ok {
		return nil, fmt.Errorf("%s uses undeclared value %q", s[m[0]:m[1]], name)
	}
	return v, nil
}

func renderText(s, project string, values map[string]any) (string, error) {
	var b strings.Builder
	last := 0
	for _, m := range scaffoldRE.FindAllStringSubmatchIndex(s, -1) {
		v, err := lookup(s, m, project, values)
		if err != nil {
			return "", err
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(textOf(v))
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// renderYAML replaces placeholders line by line, each in the way its place
// in the line needs: a placeholder that is a whole double-quoted scalar
// ("${values.x}") becomes the value in YAML flow form, keeping its type;
// one inside a double-quoted string becomes escaped text; one in a plain
// scalar becomes the value in flow form; one in a comment becomes text.
func renderYAML(s, project string, values map[string]any) (string, error) {
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		out, err := renderLine(line, project, values)
		if err != nil {
			return "", fmt.Errorf("line %d: %w", i+1, err)
		}
		lines[i] = out
	}
	return strings.Join(lines, ""), nil
}

func renderLine(line, project string, values map[string]any) (string, error) {
	var b strings.Builder
	last := 0
	for _, m := range scaffoldRE.FindAllStringSubmatchIndex(line, -1) {
		v, err := lookup(line, m, project, values)
		if err != nil {
			return "", err
		}
		start, end, text, err := replacement(line, m[0], m[1], v)
		if err != nil {
			return "", err
		}
		b.WriteString(line[last:start])
		b.WriteString(text)
		last = end
	}
	b.WriteString(line[last:])
	return b.String(), nil
}

// replacement returns the span of line to replace for the placeholder at
// [start,end) and the text to put there.
func replacement(line string, start, end int, v any) (int, int, string, error) {
	switch lexState(line[:start]) {
	case inComment:
		return start, end, textOf(v), nil
	case inSingle:
		return 0, 0, "", fmt.Errorf("placeholder in a single-quoted string; use double quotes")
	case inDouble:
		if line[start-1] == '"' && end < len(line) && line[end] == '"' {
			return start - 1, end + 1, flow(v), nil
		}
		text, err := inlineText("", v)
		if err != nil {
			return 0, 0, "", err
		}
		quoted, _ := json.Marshal(text)
		return start, end, string(quoted[1 : len(quoted)-1]), nil
	}
	return start, end, flow(v), nil
}

type lex int

const (
	plainText lex = iota
	inDouble
	inSingle
	inComment
)

// lexState says where the end of prefix, a line's beginning, lies: in a
// double- or single-quoted string, in a comment or in plain text.
func lexState(prefix string) lex {
	state := plainText
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		switch {
		case state == inDouble && c == '\\':
			i++
		case state == inDouble && c == '"', state == inSingle && c == '\'':
			state = plainText
		case state == plainText && c == '"':
			state = inDouble
		case state == plainText && c == '\'':
			state = inSingle
		case state == plainText && c == '#' && (i == 0 || prefix[i-1] == ' ' || prefix[i-1] == '\t'):
			return inComment
		}
	}
	return state
}

// textOf is the plain text of a value: scalars as written, lists and
// objects as JSON.
func textOf(v any) string {
	if s, err := inlineText("", v); err == nil {
		return s
	}
	return flow(v)
}

// flow writes v in YAML flow style so that it reads back as the same plain
// value: strings bare when YAML would read them back as the same string,
// else JSON-quoted; floats always with a decimal point or exponent.
func flow(v any) string {
	switch x := v.(type) {
	case string:
		if plainSafe(x) {
			return x
		}
		b, _ := json.Marshal(x)
		return string(b)
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = flow(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return flowMap(x)
	case nil:
		return "null"
	}
	return textOf(v)
}

func flowMap(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = flow(k) + ": " + flow(m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var plainRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_./-]*$`)

// plainSafe reports whether s can be written as a plain scalar, in block
// or flow context, and read back as the same string.
func plainSafe(s string) bool {
	if !plainRE.MatchString(s) {
		return false
	}
	var back any
	if err := yaml.Unmarshal([]byte(s), &back); err != nil {
		return false
	}
	got, ok := back.(string)
	return ok && got == s
}
