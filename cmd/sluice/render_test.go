package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice"
)

// The streamed rendering is what json.MarshalIndent gave before, byte for
// byte: scripts diff render's output.
func TestStreamRenderingJSONMatchesMarshalIndent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	var full rendering
	if err := json.Unmarshal([]byte(mustRun(t, exitOK, "--repo", dir, "render", "--env", "prod")), &full); err != nil {
		t.Fatal(err)
	}
	if len(full.Resources) < 3 {
		t.Fatalf("rendered %d resources, want a few", len(full.Resources))
	}
	tests := map[string]rendering{
		"training":     full,
		"no resources": {Project: "p", Environment: "dev", Revision: "r"},
		"empty":        {Project: "p", Environment: "dev", Resources: []sluice.Resource{}},
		"escapes":      {Project: `<a&b> "q"`, Environment: "dév", Revision: "\u2028", Resources: full.Resources[:1]},
		// More resources than one chunk of the encoding workers holds.
		"many chunks": {Project: "p", Environment: "prod", Resources: repeatResources(full.Resources, 3*renderChunk+5)},
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			want, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			var got bytes.Buffer
			if err := streamRenderingJSON(&got, r); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("streamed rendering differs from MarshalIndent:\ngot  %.300q\nwant %.300q", got.Bytes(), want)
			}
		})
	}
}

// repeatResources returns n resources, rs over and over.
func repeatResources(rs []sluice.Resource, n int) []sluice.Resource {
	out := make([]sluice.Resource, n)
	for i := range out {
		out[i] = rs[i%len(rs)]
	}
	return out
}

// appendIndented indents what encoding/json writes as json.Indent does.
func FuzzAppendIndentedMatchesIndent(f *testing.F) {
	for _, seed := range []string{`{}`, `[]`, `{"a":[1,{"b":{}},[]],"c":"x\"y\\","d":null}`,
		`[{"k":"<&>\u2028"},true,false,-1.5e3]`, `"s"`, `{"a":{"b":{"c":[[[]]]}}}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var v any
		if json.Unmarshal([]byte(in), &v) != nil {
			return
		}
		compact, err := json.Marshal(v)
		if err != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact, "    ", "  "); err != nil {
			t.Fatal(err)
		}
		if got := appendIndented(nil, compact, "    ", "  "); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("appendIndented(%s):\ngot  %q\nwant %q", compact, got, want.Bytes())
		}
	})
}
