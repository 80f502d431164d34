package main

import "testing"

func TestUseTagging(t *testing.T) {
	for _, tc := range []struct {
		name     string
		endpoint string
		env      map[string]string
		want     bool
	}{
		{"real AWS", "", nil, true},
		{"an emulator by flag", "http://127.0.0.1:4566", nil, false},
		{"an emulator by environment", "", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}, false},
		{"an emulator with a tagging endpoint", "http://127.0.0.1:4566",
			map[string]string{"AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": "http://127.0.0.1:5000"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := useTagging(tc.endpoint, func(k string) string { return tc.env[k] }); got != tc.want {
				t.Errorf("useTagging = %v, want %v", got, tc.want)
			}
		})
	}
}
