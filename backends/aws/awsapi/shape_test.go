package awsapi_test

import (
	"encoding/json"
	"testing"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

func TestRestrict(t *testing.T) {
	observed := `{"a":1,"b":{"x":1,"y":2},"c":[{"p":1,"q":2}],"d":{"k":1,"l":2},"e":3}`
	tests := []struct {
		name, desired, want string
		whole               []string
	}{
		{name: "no desired", desired: ``, want: observed},
		{name: "top level", desired: `{"a":0,"e":0,"missing":1}`, want: `{"a":1,"e":3}`},
		{name: "nested", desired: `{"b":{"y":0},"c":[{"q":0}]}`, want: `{"b":{"y":2},"c":[{"q":2}]}`},
		{name: "list of another length kept whole", desired: `{"c":[{"q":0},{"q":0}]}`, want: `{"c":[{"p":1,"q":2}]}`},
		{name: "whole key", desired: `{"d":{"k":0}}`, whole: []string{"d"}, want: `{"d":{"k":1,"l":2}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := awsapi.Restrict(json.RawMessage(observed), json.RawMessage(tt.desired), tt.whole...)
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			_ = json.Unmarshal(got, &g)
			_ = json.Unmarshal([]byte(tt.want), &w)
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			if string(gj) != string(wj) {
				t.Errorf("Restrict = %s, want %s", gj, wj)
			}
		})
	}
	if _, err := awsapi.Restrict(json.RawMessage(`[1]`), json.RawMessage(`{"a":1}`)); err == nil {
		t.Error("Restrict of a non-object succeeded")
	}
}
