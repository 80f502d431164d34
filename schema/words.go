package schema

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/dsl"
)

// subject names the value at path in a message: field "cpu", item 2 of
// "branches", or the document.
func subject(path []string) string {
	if len(path) > 0 && !isIndex(path[len(path)-1]) {
		return fmt.Sprintf("field %q", path[len(path)-1])
	}
	return owner(path)
}

// owner names the object or list at path in a message: "retry", item 2
// of "steps", or the document.
func owner(path []string) string {
	if len(path) == 0 {
		return "the document"
	}
	last := path[len(path)-1]
	if !isIndex(last) {
		return strconv.Quote(last)
	}
	i, _ := strconv.Atoi(last)
	for j := len(path) - 2; j >= 0; j-- {
		if !isIndex(path[j]) {
			return fmt.Sprintf("item %d of %q", i+1, path[j])
		}
	}
	return fmt.Sprintf("item %d", i+1)
}

func isIndex(seg string) bool {
	_, err := strconv.Atoi(seg)
	return err == nil
}

// child returns path extended by seg, never sharing path's array.
func child(path []string, seg string) []string {
	out := make([]string, len(path), len(path)+1)
	copy(out, path)
	return append(out, seg)
}

// valueAt returns the value at path of a document's plain values, nil when
// there is none.
func valueAt(root map[string]any, path []string) any {
	var cur any = root
	for _, seg := range path {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// describeValue says what a value is, for "must be X, not Y" messages: a
// string ("two"), a number (3), a list, a mapping, empty.
func describeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "empty"
	case string:
		return "a string (" + shorten(strconv.Quote(v)) + ")"
	case bool:
		return fmt.Sprintf("a boolean (%t)", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	default:
		return "a number (" + fmt.Sprint(v) + ")"
	}
}

// describeScalar prints a value as it would be written: "text" quoted,
// numbers and booleans bare.
func describeScalar(v any) string {
	switch v := v.(type) {
	case nil:
		return "empty"
	case string:
		return shorten(strconv.Quote(v))
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	case json.Number:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

func shorten(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max-4] + `..."`
}

// wantTypes words the JSON Schema types a value may have: "a number",
// "a string or a list".
func wantTypes(types []string) string {
	words := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "integer":
			words[i] = "a whole number"
		case "boolean":
			words[i] = "true or false"
		case "array":
			words[i] = "a list"
		case "object":
			words[i] = "a mapping"
		case "null":
			words[i] = "empty"
		default:
			words[i] = "a " + t
		}
	}
	return joinAnd(words, "or")
}

// quoteHint suggests quotes when a plain string was wanted and YAML read
// the value as a number or a boolean.
func quoteHint(types []string, v any) string {
	wantString := len(types) == 1 && types[0] == "string"
	switch v.(type) {
	case bool, int64, float64, json.Number:
		if wantString {
			return "; put the value in quotes to make it a string"
		}
	}
	return ""
}

func unknownField(name, where string, known []string) string {
	if hint := suggest(name, known); hint != "" {
		return fmt.Sprintf("unknown field %q%s", name, hint)
	}
	if len(known) == 0 {
		return fmt.Sprintf("unknown field %q in %s, which takes no fields", name, where)
	}
	return fmt.Sprintf("unknown field %q in %s; known fields are %s", name, where, strings.Join(known, ", "))
}

// joinAnd joins words as a sentence does: "a", "a or b", "a, b or c".
func joinAnd(words []string, conj string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}

func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = strconv.Quote(w)
	}
	return out
}

// suggest returns ` (did you mean "x"?)` for the known word that word
// most likely misspells or abbreviates ("int" for "integer"), else "".
func suggest(word string, known []string) string {
	for _, syn := range synonyms(word) {
		if syn != word && slices.Contains(known, syn) {
			return ` (did you mean "` + syn + `"?)`
		}
	}
	if len(word) >= 3 {
		for _, k := range known {
			if k != word && strings.HasPrefix(strings.ToLower(k), strings.ToLower(word)) {
				return ` (did you mean "` + k + `"?)`
			}
		}
	}
	return dsl.DidYouMean(word, known)
}

// synonyms returns the words Sluice may use for what other languages and
// schemas call word, most specific first: "float" is a "number", however
// close its spelling is to "list". suggest offers the first one known.
func synonyms(word string) []string {
	switch strings.ToLower(word) {
	case "float", "float32", "float64", "double", "decimal", "real", "numeric":
		return []string{"number"}
	case "int", "int32", "int64", "long", "short", "uint", "whole":
		return []string{"integer", "number"}
	case "bool":
		return []string{"boolean"}
	case "str", "text", "char", "varchar":
		return []string{"string"}
	case "array", "sequence", "seq", "slice", "tuple", "vector":
		return []string{"list", "array"}
	case "dict", "dictionary", "map", "mapping", "hash", "hashmap", "struct", "record", "obj":
		return []string{"object", "mapping", "map"}
	}
	return nil
}
