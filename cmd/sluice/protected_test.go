package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/rds/rdsfake"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/daemon/config"
)

// dbSpec is a DBInstance spec as the compiler writes it; resized swaps
// its class, a change that restarts the database.
const dbSpec = `{"AllocatedStorage":20,"DBInstanceClass":"db.t4g.micro","DBInstanceIdentifier":"churn-db",
"Engine":"postgres","EngineVersion":"16","ManageMasterUserPassword":true,"MasterUsername":"sluice",
"MultiAZ":false,"PubliclyAccessible":false,"StorageEncrypted":true}`

// TestProtectedDefersRestarts checks that the RDS backend an environment
// is connected with sends ApplyImmediately=false for a change of
// instance class exactly when the environment is protected (in the
// daemon's configuration or with the CLI's --protected), whatever the
// environment is called.
func TestProtectedDefersRestarts(t *testing.T) {
	cases := []struct {
		name      string
		protected bool
		want      string
	}{
		{"prod", false, "true"},
		{"prod", true, "false"},
		{"dev", true, "false"},
		{"dev", false, "true"},
	}
	for _, c := range cases {
		daemonTarget := targetOf(config.Environment{Name: c.name, Backend: config.BackendAWS, Protected: c.protected,
			AWS: &config.AWS{Region: rdsfake.Region}})
		flags := awsOptions{region: rdsfake.Region, protected: c.protected}
		for how, target := range map[string]awsTarget{"daemon": daemonTarget, "cli": flags.targetFor(c.name)} {
			if got := resizeOn(t, target); !slices.Equal(got, []string{c.want}) {
				t.Errorf("%s, environment %s, protected=%v: ApplyImmediately %v, want [%s]", how, c.name, c.protected, got, c.want)
			}
		}
	}
}

// resizeOn creates a database on a fresh RDS fake with the backends of
// target, changes its instance class, and returns the ApplyImmediately
// values the fake received.
func resizeOn(t *testing.T, target awsTarget) []string {
	t.Helper()
	ctx := context.Background()
	f := rdsfake.Start(t)
	cfg := aws.Config{Region: rdsfake.Region, BaseEndpoint: aws.String(f.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	b := awsBackends(cfg, target, awssfn.NewFromConfig(cfg), sfn.Options{}, nil)[sluice.TypeDBInstance]
	db := func(spec string) sluice.Target {
		return sluice.Target{Resource: sluice.Resource{ID: "DBInstance/db", Type: sluice.TypeDBInstance, Name: "churn-db",
			Spec: json.RawMessage(spec), Tags: map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagResource: "DBInstance/db"}}}
	}
	if _, err := b.Create(ctx, db(dbSpec)); err != nil {
		t.Fatal(err)
	}
	f.Settle()
	obs, err := b.Observe(ctx, db(dbSpec))
	if err != nil {
		t.Fatal(err)
	}
	resized := db(strings.Replace(dbSpec, "db.t4g.micro", "db.t4g.small", 1))
	if _, err := b.Update(ctx, resized, obs); err != nil {
		t.Fatal(err)
	}
	return f.ApplyImmediately()
}
