package sluice_test

import (
	"encoding/json"
	"testing"

	"github.com/sluice-dev/sluice"
)

func TestNoteApplies(t *testing.T) {
	tests := []struct {
		key, applied, desired string
		want                  bool
	}{
		{"StorageType", `{"StorageType":"gp3"}`, `{}`, true},
		{"StorageType", `{"StorageType":"gp3"}`, `{"StorageType":"io1"}`, false},
		{"StorageType", `{}`, `{}`, false},
		{"StorageType", `{"StorageType":null}`, `{}`, false},
		{"StorageType", `not json`, `{}`, false},
		{"computeResources.securityGroupIds", `{"computeResources":{"securityGroupIds":["sg-1"]}}`, `{"computeResources":{}}`, true},
		{"computeResources.securityGroupIds", `{"computeResources":{"securityGroupIds":["sg-1"]}}`, `{"computeResources":{"securityGroupIds":["sg-2"]}}`, false},
		{"computeResources.securityGroupIds", `{"computeResources":"x"}`, `{}`, false},
	}
	for _, tt := range tests {
		n := sluice.Note{Key: tt.key}
		if got := n.Applies(json.RawMessage(tt.applied), json.RawMessage(tt.desired)); got != tt.want {
			t.Errorf("Note{%s}.Applies(%s, %s) = %v, want %v", tt.key, tt.applied, tt.desired, got, tt.want)
		}
	}
}
