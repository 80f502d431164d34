package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

// formatValue is an output format flag's value: one of allowed, refused
// when the flag is parsed (a usage error, exit 2) rather than after the
// command has done its work.
type formatValue struct {
	dst     *string
	allowed []string
}

func (v *formatValue) String() string { return *v.dst }
func (v *formatValue) Type() string   { return "string" }

// Set accepts one of the allowed formats.
func (v *formatValue) Set(s string) error {
	if !slices.Contains(v.allowed, s) {
		return fmt.Errorf("unknown output format %q; use %s", s, orList(v.allowed))
	}
	*v.dst = s
	return nil
}

// outputFlag registers -o/--output on cmd, and --format, which scripts
// written before -o use, as an alias of it: both set dst to one of
// allowed, def by default.
func outputFlag(cmd *cobra.Command, dst *string, def string, allowed ...string) {
	*dst = def
	v := &formatValue{dst: dst, allowed: allowed}
	cmd.Flags().VarP(v, "output", "o", "output `FORMAT`: "+orList(allowed))
	cmd.Flags().Var(v, "format", "the same as --output (kept for scripts)")
	cmd.Flags().Lookup("output").DefValue = def
	cmd.Flags().Lookup("format").DefValue = def
	_ = cmd.Flags().MarkHidden("format")
}

// addOutputAliases gives every command that has --format but no
// --output the short -o/--output, setting the same value.
func addOutputAliases(root *cobra.Command) {
	walk(root, func(c *cobra.Command) {
		f := c.Flags().Lookup("format")
		if f == nil || c.Flags().Lookup("output") != nil || c.Flags().ShorthandLookup("o") != nil {
			return
		}
		c.Flags().VarP(f.Value, "output", "o", f.Usage)
		c.Flags().Lookup("output").DefValue = f.DefValue
	})
}

// orList is "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// writeOutput prints v as JSON or YAML, or calls text for the text
// format. YAML carries the same field names as JSON: v goes through its
// JSON form.
func writeOutput(w io.Writer, format string, v any, text func() error) error {
	switch format {
	case "json":
		return writeJSONOut(w, v)
	case "yaml":
		return writeYAMLOut(w, v)
	default:
		return text()
	}
}

// writeYAMLOut prints v as YAML, with the field names of its JSON form.
func writeYAMLOut(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(numbers(generic)); err != nil {
		return err
	}
	return enc.Close()
}

// numbers turns the json.Numbers of a decoded JSON value into integers
// or floats, so that YAML prints them as numbers.
func numbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
