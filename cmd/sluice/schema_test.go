package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSchemaCommand(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		id     string
		stderr string
	}{
		{[]string{"schema"}, exitOK, "https://sluice.dev/schemas/v1/sluice.schema.json", ""},
		{[]string{"schema", "all"}, exitOK, "https://sluice.dev/schemas/v1/sluice.schema.json", ""},
		{[]string{"schema", "Pipeline"}, exitOK, "https://sluice.dev/schemas/v1/pipeline.schema.json", ""},
		{[]string{"schema", "metadatastore"}, exitOK, "https://sluice.dev/schemas/v1/metadatastore.schema.json", ""},
		{[]string{"schema", "Workflow"}, exitUsage, "", `unknown kind "Workflow"; known kinds are all, Project, Pipeline, ArtifactStore, ComputeEnvironment, MetadataStore`},
		{[]string{"schema", "Pipeline", "Project"}, exitUsage, "", "accepts at most 1 arg"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("sluice %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.stderr)
		}
		if tt.id == "" {
			continue
		}
		var doc struct {
			ID string `json:"$id"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil || doc.ID != tt.id {
			t.Errorf("sluice %v: $id %q (%v), want %q", tt.args, doc.ID, err, tt.id)
		}
	}
}
