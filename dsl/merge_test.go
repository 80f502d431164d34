package dsl_test

import (
	"encoding/json"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
)

const overridden = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  image: base:1
  resources: {cpu: 1, memory: 2Gi}
  env: {A: "1", B: "2"}
  command: [a, b]
  steps:
    - name: one
      next: two
    - name: two
environments:
  prod:
    resources: {cpu: 4}
    env: {B: null}
    command: [c]
    steps:
      - name: two
        timeout: 1h
      - name: three
`

func TestMerged(t *testing.T) {
	doc := mustDoc(t, overridden)
	tests := []struct {
		env  string
		want string
	}{
		{"dev", `{"command":["a","b"],"env":{"A":"1","B":"2"},"image":"base:1","resources":{"cpu":1,"memory":"2Gi"},"steps":[{"name":"one","next":"two"},{"name":"two"}]}`},
		{"prod", `{"command":["c"],"env":{"A":"1"},"image":"base:1","resources":{"cpu":4,"memory":"2Gi"},"steps":[{"name":"one","next":"two"},{"name":"two","timeout":"1h"},{"name":"three"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.env, func(t *testing.T) {
			m := doc.Merged(tc.env)
			if _, ok := m["environments"]; ok {
				t.Error("merged document still has environments")
			}
			got, _ := json.Marshal(m["spec"])
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	if got, _ := json.Marshal(doc.Spec()["env"]); string(got) != `{"A":"1","B":"2"}` {
		t.Errorf("merging changed the document itself: env is %s", got)
	}
}

func TestLocateIn(t *testing.T) {
	doc := mustDoc(t, overridden)
	tests := []struct {
		env  string
		key  bool
		path []string
		want string
	}{
		{"prod", false, []string{"spec", "resources", "cpu"}, "f.yaml:15:22"},
		{"prod", false, []string{"spec", "resources", "memory"}, "f.yaml:6:31"},
		{"dev", false, []string{"spec", "resources", "cpu"}, "f.yaml:6:20"},
		{"prod", true, []string{"spec", "image"}, "f.yaml:5:3"},
		{"", false, []string{"spec", "steps", "1", "name"}, "f.yaml:12:13"},
		{"", false, []string{"spec", "nowhere", "deeper"}, "f.yaml:5:3"},
		// The merged steps are one, two, three; the override lists two
		// then three: merged index 1 is the override's index 0.
		{"prod", false, []string{"spec", "steps", "1", "timeout"}, "f.yaml:20:18"},
		{"prod", true, []string{"spec", "steps", "2", "name"}, "f.yaml:21:9"},
		{"prod", false, []string{"spec", "steps", "0", "next"}, "f.yaml:11:13"},
	}
	for _, tc := range tests {
		if got := doc.LocateIn(tc.env, tc.key, tc.path...).String(); got != tc.want {
			t.Errorf("LocateIn(%q, %v, %v) = %s, want %s", tc.env, tc.key, tc.path, got, tc.want)
		}
	}
}

func mustDoc(tb testing.TB, src string) *dsl.Document {
	tb.Helper()
	f, diags := dsl.ParseFile("f.yaml", []byte(src), dsl.DefaultLimits())
	if len(diags) > 0 {
		tb.Fatal(diags)
	}
	return f.Documents[0]
}
