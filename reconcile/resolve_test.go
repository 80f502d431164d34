package reconcile_test

import (
	"testing"

	"github.com/sluice-dev/sluice/reconcile"
)

func TestResolve(t *testing.T) {
	vars := map[string]string{"${aws.region}": "eu-west-1", "${StateMachine/a.arn}": `arn:aws:states:eu-west-1:1:stateMachine:"a"`}
	tests := []struct {
		in, want, err string
	}{
		{`{"r":"${aws.region}"}`, `{"r":"eu-west-1"}`, ""},
		{`{"a":"x-${aws.region}-y","b":"${StateMachine/a.arn}"}`, `{"a":"x-eu-west-1-y","b":"arn:aws:states:eu-west-1:1:stateMachine:\"a\""}`, ""},
		{`{"r":"no placeholders"}`, `{"r":"no placeholders"}`, ""},
		{`{"r":"${aws.accountId}"}`, "", "no value for ${aws.accountId}"},
	}
	for _, tc := range tests {
		got, err := reconcile.Resolve([]byte(tc.in), vars)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Resolve(%s) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("Resolve(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}
