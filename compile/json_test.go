package compile

import (
	"encoding/json"
	"math"
	"testing"
)

// TestWriteJSONMatchesEncoding compares the writer with encoding/json on
// values of every kind (HTML escaping aside, which the writer leaves out).
func TestWriteJSONMatchesEncoding(t *testing.T) {
	values := []any{
		nil, true, false, 0, -7, int64(math.MaxInt64), 1.5, 0.001, 1e-7, 1e21, 123456789.0, math.Copysign(0, -1),
		"plain", "quote \" backslash \\ newline \n tab \t ctrl \x01 \x1f", "é ü 日本", "\u2028\u2029", "bad \xff utf8",
		[]any{1, "a", nil}, []string{"x", "y"}, map[string]any{"b": 1, "a": []any{true}},
		map[string]string{"z": "1", "a": "2"},
	}
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := writeJSON(nil, v); string(got) != string(want) {
			t.Errorf("writeJSON(%#v) = %s, want %s", v, got, want)
		}
	}
	o := obj{{"b", 1}, {"a", obj{{"d", nil}, {"c", []obj{{{"y", 1}, {"x", 2}}}}}}}
	if got := string(writeJSON(nil, o)); got != `{"a":{"c":[{"x":2,"y":1}],"d":null},"b":1}` {
		t.Errorf("obj not sorted: %s", got)
	}
	if got := string(writeJSON(nil, "<a&b>")); got != `"<a&b>"` {
		t.Errorf("HTML characters escaped: %s", got)
	}
	if got := string(writeJSON(nil, struct{}{})); got != "null" {
		t.Errorf("unknown type written as %s", got)
	}
}
