package eventsfake

import (
	"encoding/json"
	"testing"
)

// TestMatches checks the matcher on each form the fake covers, with an
// event whose field is an array (resources) and one nested (detail).
func TestMatches(t *testing.T) {
	event := map[string]any{}
	if err := json.Unmarshal([]byte(`{"source":"aws.states","resources":["arn:a","arn:b"],"detail":{"status":"FAILED","n":3,"ok":false}}`), &event); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pattern string
		want    bool
	}{
		{`{"source":["aws.states"]}`, true},
		{`{"source":["aws.batch"]}`, false},
		{`{"detail":{"status":["SUCCEEDED","FAILED"]}}`, true},
		{`{"detail":{"n":[3]}}`, true},
		{`{"detail":{"n":["3"]}}`, false},
		{`{"detail":{"ok":[false]}}`, true},
		{`{"resources":["arn:b"]}`, true},
		{`{"resources":[{"prefix":"arn:"}]}`, true},
		{`{"source":[{"prefix":"aws.b"}]}`, false},
		{`{"detail":{"error":[{"exists":false}]}}`, true},
		{`{"detail":{"status":[{"exists":true}]}}`, true},
		{`{"detail":{"status":[{"anything-but":["RUNNING"]}]}}`, true},
		{`{"detail":{"status":[{"anything-but":"FAILED"}]}}`, false},
		{`{"detail":{"missing":["x"]}}`, false},
		{`{"$or":[{"source":["aws.batch"]},{"detail":{"status":["FAILED"]}}]}`, true},
		{`{"$or":[{"source":["aws.batch"]},{"detail":{"status":["RUNNING"]}}]}`, false},
		{`{"source":["aws.states"],"$or":[{"detail":{"n":[3]}},{"source":["x"]}]}`, true},
	}
	for _, tc := range tests {
		p, err := parsePattern(tc.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		if got := matches(p, event); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.pattern, got, tc.want)
		}
	}
	for _, bad := range []string{`[]`, `{"source":"aws.states"}`, `{"n":[{"numeric":[">",1]}]}`, `{"$or":["x"]}`, `not json`} {
		if _, err := parsePattern(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
