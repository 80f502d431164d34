package s3

import (
	"encoding/json"
	"testing"
)

func TestRestrict(t *testing.T) {
	cases := []struct {
		name              string
		desired, observed string
		want              string
	}{
		{"object keeps desired keys only",
			`{"Status":"Enabled"}`, `{"Status":"Enabled","MFADelete":null,"Extra":1}`, `{"Status":"Enabled"}`},
		{"zero value S3 leaves out",
			`{"Filter":{"Prefix":""},"ID":"a"}`, `{"Filter":null,"ID":"a"}`, `{"Filter":{"Prefix":""},"ID":"a"}`},
		{"non-zero value missing stays missing",
			`{"Filter":{"Prefix":"tmp/"}}`, `{"Filter":null}`, `{}`},
		{"rules by ID in desired order, extras after, sorted",
			`[{"ID":"b","Status":"Enabled"},{"ID":"a","Status":"Enabled"}]`,
			`[{"ID":"z","Status":"Enabled","Prefix":null},{"ID":"a","Status":"Disabled"},{"ID":"b","Status":"Enabled"},{"ID":"c","Status":"Enabled"}]`,
			`[{"ID":"b","Status":"Enabled"},{"ID":"a","Status":"Disabled"},{"ID":"c","Status":"Enabled"},{"ID":"z","Status":"Enabled"}]`},
		{"a desired rule missing is missing",
			`[{"ID":"a"},{"ID":"b"}]`, `[{"ID":"b"}]`, `[{"ID":"b"}]`},
		{"lists without IDs by position",
			`[{"Days":30,"StorageClass":"GLACIER"}]`, `[{"Days":30,"StorageClass":"GLACIER","Date":null},{"Days":90,"Date":null}]`,
			`[{"Days":30,"StorageClass":"GLACIER"},{"Days":90}]`},
		{"scalar differs", `{"Days":7}`, `{"Days":8}`, `{"Days":8}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d, o any
			if err := json.Unmarshal([]byte(c.desired), &d); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(c.observed), &o); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(restrict(d, o))
			if !sameJSON(got, json.RawMessage(c.want)) {
				t.Errorf("restrict = %s, want %s", got, c.want)
			}
		})
	}
}
