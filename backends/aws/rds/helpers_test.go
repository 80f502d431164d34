package rds_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
)

// metadataSpec and scratchSpec are the compiler's DBInstance specs
// (compile/testdata/kinds.dev.golden.json).
const metadataSpec = `{"AllocatedStorage":20,"BackupRetentionPeriod":7,"DBInstanceClass":"db.t4g.medium",
"DBInstanceIdentifier":"churn-dev-metadata","DBName":"metaflow","DBSubnetGroupName":"private","DeletionProtection":true,
"Engine":"postgres","EngineVersion":"16.3","ManageMasterUserPassword":true,"MasterUsername":"admin_user",
"MaxAllocatedStorage":100,"MultiAZ":true,"PubliclyAccessible":false,"StorageEncrypted":true,"StorageType":"gp3",
"VpcSecurityGroupIds":["sg-1","sg-2"]}`

const scratchSpec = `{"AllocatedStorage":20,"DBInstanceClass":"db.t4g.micro","DBInstanceIdentifier":"churn-dev-scratch-db",
"Engine":"postgres","EngineVersion":"16","ManageMasterUserPassword":true,"MasterUsername":"sluice","MultiAZ":false,
"PubliclyAccessible":false,"StorageEncrypted":true}`

// target returns a DBInstance target with Sluice's ownership tags; edits
// are old/new string replacements applied to spec.
func target(name, spec string, edits ...string) sluice.Target {
	for i := 0; i+1 < len(edits); i += 2 {
		spec = strings.Replace(spec, edits[i], edits[i+1], 1)
	}
	id := sluice.ResourceID("DBInstance/" + name)
	return sluice.Target{Resource: sluice.Resource{
		ID: id, Type: sluice.TypeDBInstance, Name: "churn-dev-" + name, Spec: json.RawMessage(spec),
		Tags: map[string]string{
			sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "churn",
			sluice.TagEnvironment: "dev", sluice.TagResource: string(id), sluice.TagSpecHash: "h1", "team": "ml",
		}}}
}

// sameJSON fails the test unless got and want mean the same JSON value.
func sameJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("observed spec %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("observed spec\n got %s\nwant %s", gb, wb)
	}
}

// wantRetry fails the test unless err carries decision and mentions want.
func wantRetry(t *testing.T, what string, err error, decision sluice.Retry, want string) {
	t.Helper()
	if d, _ := sluice.RetryOf(err); err == nil || d != decision || !strings.Contains(err.Error(), want) {
		t.Fatalf("%s = %v, want a %s error containing %q", what, err, decision, want)
	}
}
