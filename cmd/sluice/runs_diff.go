package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
)

// runDiff is what differs between two runs.
type runDiff struct {
	A          string       `json:"a"`
	B          string       `json:"b"`
	Revision   [2]string    `json:"revision,omitzero"`
	Status     [2]string    `json:"status,omitzero"`
	Parameters []valueDiff  `json:"parameters"`
	Outputs    []valueDiff  `json:"outputs"`
	Durations  []stepTiming `json:"durations"`
}

// valueDiff is a key whose value differs: A or B is null when absent.
type valueDiff struct {
	Key string          `json:"key"`
	A   json.RawMessage `json:"a"`
	B   json.RawMessage `json:"b"`
}

// stepTiming is a step's duration in each run (its last attempt).
type stepTiming struct {
	Step string        `json:"step"`
	A    time.Duration `json:"a"`
	B    time.Duration `json:"b"`
}

func newRunsDiffCmd(g *globalOptions) *cobra.Command {
	o := &runsOptions{}
	cmd := &cobra.Command{
		Use:   "diff A B --env ENV",
		Short: "Compare two runs: revision, parameters, step outputs and durations",
		Example: `  sluice runs diff r1 r2 --env dev
  sluice runs diff r1 r2 --env dev --format json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var runs [2]sluice.RunDetail
			for i, id := range args {
				if err := o.call(cmd.Context(), "GET", o.envPath("runs/"+url.PathEscape(id)), nil, &runs[i]); err != nil {
					return err
				}
			}
			d := diffRuns(runs[0], runs[1])
			if o.format == "json" {
				return writeJSONOut(g.stdout, d)
			}
			return d.write(g.stdout)
		},
	}
	o.flags(cmd, true)
	return cmd
}

// diffRuns compares a and b.
func diffRuns(a, b sluice.RunDetail) runDiff {
	d := runDiff{A: a.Name, B: b.Name, Parameters: diffObjects(a.Parameters, b.Parameters)}
	if a.Revision != b.Revision {
		d.Revision = [2]string{a.Revision, b.Revision}
	}
	if a.Status != b.Status {
		d.Status = [2]string{a.Status, b.Status}
	}
	outs := func(r sluice.RunDetail) map[string]json.RawMessage {
		m := map[string]json.RawMessage{}
		for _, at := range r.Attempts {
			var o map[string]json.RawMessage
			_ = json.Unmarshal(at.Outputs, &o)
			for k, v := range o {
				m[at.Path+"."+k] = v
			}
		}
		return m
	}
	d.Outputs = diffMaps(outs(a), outs(b))
	last := func(r sluice.RunDetail) map[string]time.Duration {
		m := map[string]time.Duration{}
		for _, at := range r.Attempts {
			if !at.Stopped.IsZero() {
				m[at.Path] = at.Stopped.Sub(at.Started)
			}
		}
		return m
	}
	ta, tb := last(a), last(b)
	for _, k := range unionKeys(ta, tb) {
		d.Durations = append(d.Durations, stepTiming{Step: k, A: ta[k], B: tb[k]})
	}
	return d
}

func diffObjects(a, b json.RawMessage) []valueDiff {
	var ma, mb map[string]json.RawMessage
	_ = json.Unmarshal(a, &ma)
	_ = json.Unmarshal(b, &mb)
	return diffMaps(ma, mb)
}

// diffMaps lists the keys whose JSON values differ, sorted.
func diffMaps(a, b map[string]json.RawMessage) []valueDiff {
	out := []valueDiff{}
	for _, k := range unionKeys(a, b) {
		var va, vb any
		_ = json.Unmarshal(a[k], &va)
		_ = json.Unmarshal(b[k], &vb)
		_, inA := a[k]
		_, inB := b[k]
		if inA != inB || !reflect.DeepEqual(va, vb) {
			out = append(out, valueDiff{Key: k, A: orNull(a[k]), B: orNull(b[k])})
		}
	}
	return out
}

func orNull(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	return v
}

func unionKeys[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func (d runDiff) write(w io.Writer) error {
	fmt.Fprintf(w, "Runs %s and %s\n", d.A, d.B)
	if d.Revision[0] != "" || d.Revision[1] != "" {
		fmt.Fprintf(w, "  revision: %.12s -> %.12s\n", d.Revision[0], d.Revision[1])
	}
	if d.Status[0] != "" {
		fmt.Fprintf(w, "  status:   %s -> %s\n", d.Status[0], d.Status[1])
	}
	for _, section := range []struct {
		name  string
		diffs []valueDiff
	}{{"parameters", d.Parameters}, {"outputs", d.Outputs}} {
		if len(section.diffs) == 0 {
			fmt.Fprintf(w, "  %s: the same\n", section.name)
			continue
		}
		fmt.Fprintf(w, "  %s:\n", section.name)
		for _, v := range section.diffs {
			fmt.Fprintf(w, "    %s: %s -> %s\n", v.Key, v.A, v.B)
		}
	}
	fmt.Fprintln(w, "  durations:")
	for _, s := range d.Durations {
		_, err := fmt.Fprintf(w, "    %s: %s -> %s\n", s.Step, s.A.Round(time.Millisecond), s.B.Round(time.Millisecond))
		if err != nil {
			return err
		}
	}
	return nil
}
