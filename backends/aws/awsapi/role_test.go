package awsapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// assumeRoleXML is STS's AssumeRole answer (query protocol, XML).
const assumeRoleXML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>
<SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::000000000000:assumed-role/deployer/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`

func TestLoadConfigAssumesTheRole(t *testing.T) {
	var mu sync.Mutex
	var assumed []string
	var sfnKey string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "" {
			_ = r.ParseForm()
			mu.Lock()
			assumed = append(assumed, r.Form.Get("Action")+" "+r.Form.Get("RoleArn"))
			mu.Unlock()
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write([]byte(assumeRoleXML))
			return
		}
		mu.Lock()
		sfnKey = r.Header.Get("Authorization")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{"stateMachines":[]}`))
	}))
	defer srv.Close()
	role := "arn:aws:iam::000000000000:role/deployer"
	base := credentials.NewStaticCredentialsProvider("base", "secret", "")
	cfg, err := awsapi.LoadConfig(context.Background(), awsapi.Target{Region: "us-east-1", RoleARN: role, Endpoint: srv.URL},
		awsapi.WithLoadOptions(config.WithCredentialsProvider(base)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sfn.NewFromConfig(cfg).ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatal(err)
	}
	if len(assumed) != 1 || assumed[0] != "AssumeRole "+role {
		t.Errorf("STS saw %v, want one AssumeRole of %s", assumed, role)
	}
	if !strings.Contains(sfnKey, "Credential=ASIAASSUMED/") {
		t.Errorf("Step Functions call signed with %q, want the assumed role's key", sfnKey)
	}
}
