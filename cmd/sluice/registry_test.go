package main

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestEveryTypeIsWiredForAWS fails when a resource type of the registry
// has no AWS backend or no IAM scope (a new type added to one place and
// not the others), and checks that an unknown type is refused by the
// policy rather than left out of it.
func TestEveryTypeIsWiredForAWS(t *testing.T) {
	cfg := aws.Config{Region: "us-east-1"}
	backends := awsBackends(cfg, awsTarget{}, awssfn.NewFromConfig(cfg), sfn.Options{}, nil)
	if err := reconcile.CheckBackends(backends, false); err != nil {
		t.Error(err)
	}
	for typ, b := range backends {
		if _, ok := b.(reconcile.Adopter); !ok {
			t.Errorf("the AWS %s backend cannot adopt", typ)
		}
	}
	adders := scopeAdders()
	sc := (&iamPolicyOptions{}).scope()
	for _, info := range sluice.Types() {
		if adders[info.Type] == nil {
			t.Errorf("%s: no IAM scope", info.Type)
		}
		r := sluice.Resource{ID: sluice.ResourceID(string(info.Type) + "/x"), Type: info.Type, Name: "p-dev-x"}
		if err := sc.add(r, nil); err != nil {
			t.Errorf("%s: %v", info.Type, err)
		}
	}
	if len(adders) != len(sluice.Types()) {
		t.Errorf("%d IAM scopes for %d types", len(adders), len(sluice.Types()))
	}
	err := sc.add(sluice.Resource{ID: "Queue/x", Type: "Queue", Name: "q"}, nil)
	if !errors.Is(err, sluice.ErrUnknownType) {
		t.Errorf("IAM scope of an unknown type: %v, want ErrUnknownType", err)
	}
}
