package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/dsl"
)

//go:embed kinds/*.schema.json
var kindFiles embed.FS

// BundleFile is the name of the schema that covers every kind.
const BundleFile = "sluice.schema.json"

// baseURL is where the schemas say they live; every $id starts with it.
const baseURL = "https://sluice.dev/schemas/v1/"

// Kinds returns the document kinds that have a schema, the Project first.
func Kinds() []string { return dsl.Kinds() }

// fileName returns the schema file of a kind: "pipeline.schema.json" for
// Pipeline.
func fileName(kind string) string {
	return strings.ToLower(kind) + ".schema.json"
}

// Source returns the raw JSON of the schema for kind, matched without
// regard to case. Kind "" or "all" gives sluice.schema.json, which covers
// every kind. It returns false for a kind Sluice does not know.
func Source(kind string) ([]byte, bool) {
	name := BundleFile
	if kind != "" && !strings.EqualFold(kind, "all") {
		k, ok := canonicalKind(kind)
		if !ok {
			return nil, false
		}
		name = fileName(k)
	}
	b, err := kindFiles.ReadFile("kinds/" + name)
	if err != nil {
		return nil, false
	}
	return b, true
}

func canonicalKind(kind string) (string, bool) {
	for _, k := range Kinds() {
		if strings.EqualFold(k, kind) {
			return k, true
		}
	}
	return "", false
}

// kindSource returns the embedded schema of a known kind, or an error when
// it is missing from the build.
func kindSource(kind string) ([]byte, error) {
	b, err := kindFiles.ReadFile("kinds/" + fileName(kind))
	if err != nil {
		return nil, fmt.Errorf("schema for %s: %w", kind, err)
	}
	return b, nil
}

// Bundle builds sluice.schema.json from the per-kind schemas: one
// self-contained document that holds each kind's schema under $defs and
// applies the one whose kind matches, so an editor can check files that
// mix kinds without fetching anything. The embedded sluice.schema.json is
// this output (go run ./internal/dslgen writes it). It fails only when an
// embedded schema is not valid JSON.
func Bundle() ([]byte, error) {
	defs := map[string]any{}
	var branches []any
	for _, kind := range Kinds() {
		src, err := kindSource(kind)
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := decodeJSON(src, &doc); err != nil {
			return nil, fmt.Errorf("schema for %s: %w", kind, err)
		}
		delete(doc, "$schema")
		delete(doc, "$id")
		defs[kind] = rebase(doc, "#/$defs/"+kind).(map[string]any)
		branches = append(branches, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"kind": map[string]any{"const": kind}}, "required": []any{"kind"}},
			"then": map[string]any{"$ref": "#/$defs/" + kind},
		})
	}
	bundle := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         baseURL + BundleFile,
		"title":       "Sluice document",
		"description": "Any Sluice document; the kind field picks the schema that applies. Generated from the per-kind schemas: do not edit.",
		"type":        "object",
		"required":    []any{"apiVersion", "kind"},
		"properties": map[string]any{
			"kind": map[string]any{"description": "The kind of document.", "enum": toAny(Kinds())},
		},
		"allOf": branches,
		"$defs": defs,
	}
	return encodeJSON(bundle)
}

// rebase rewrites the document-local references ("#/$defs/x") of a schema
// moved under prefix, so that they keep pointing at the same place.
func rebase(v any, prefix string) any {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if ref, ok := child.(string); ok && k == "$ref" && strings.HasPrefix(ref, "#") {
				v[k] = prefix + ref[1:]
				continue
			}
			v[k] = rebase(child, prefix)
		}
	case []any:
		for i, child := range v {
			v[i] = rebase(child, prefix)
		}
	}
	return v
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func decodeJSON(b []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(out)
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
