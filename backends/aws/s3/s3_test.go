package s3_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
	s3backend "github.com/sluice-dev/sluice/backends/aws/s3"
)

// replicatedSpec is the replication part of the compiler's artifact
// store, with its placeholders resolved.
const replicatedSpec = `{"Bucket":"churn-dev-artifacts",
"replication":{"Role":"arn:aws:iam::123456789012:role/replicate","Rules":[{"DeleteMarkerReplication":{"Status":"Disabled"},
 "Destination":{"Bucket":"arn:aws:s3:::churn-dr","StorageClass":"STANDARD_IA"},"Filter":{"Prefix":""},"ID":"sluice","Priority":1,"Status":"Enabled"}]},
"versioning":{"Status":"Enabled"}}`

// fakeClient returns an S3 client for the fake at url.
func fakeClient(url string) *s3.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(url)
		o.UsePathStyle = true
	})
}

func TestReplication(t *testing.T) {
	ctx := context.Background()
	_, url := startFakeS3(t)
	client := &counting{Client: fakeClient(url), calls: map[string]int{}}
	b := s3backend.New(client, "us-east-1")
	tg := target("churn-dev-artifacts", replicatedSpec)

	if _, err := b.Create(ctx, tg); err != nil {
		t.Fatalf("Create: %v", err)
	}
	obs, err := b.Observe(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, obs.Spec, replicatedSpec)
	client.puts()

	changed := target("churn-dev-artifacts", strings.Replace(replicatedSpec, "STANDARD_IA", "GLACIER", 1))
	if _, err := b.Update(ctx, changed, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update of the destination", client.puts(), map[string]int{"PutBucketReplication": 1})
	obs, err = b.Observe(ctx, changed)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, obs.Spec, string(changed.Spec))
}

func TestReplicationNotConfiguredIsReportedAbsent(t *testing.T) {
	ctx := context.Background()
	f, url := startFakeS3(t)
	b := s3backend.New(fakeClient(url), "us-east-1")
	tg := target("churn-dev-artifacts", replicatedSpec)
	if _, err := b.Create(ctx, tg); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.buckets["churn-dev-artifacts"].replication = nil
	f.mu.Unlock()
	obs, err := b.Observe(ctx, tg)
	if err != nil {
		t.Fatalf("Observe of a bucket without replication: %v", err)
	}
	sameJSON(t, obs.Spec, `{"Bucket":"churn-dev-artifacts","versioning":{"Status":"Enabled"}}`)
	if _, err := b.Update(ctx, tg, obs); err != nil {
		t.Fatal(err)
	}
	if obs, _ := b.Observe(ctx, tg); !strings.Contains(string(obs.Spec), "replication") {
		t.Errorf("Update did not restore replication: %s", obs.Spec)
	}
}

func TestCreateRefusals(t *testing.T) {
	cases := []struct {
		name     string
		existing bool // a bucket of that name exists, untagged
		spec     string
		want     string
	}{
		{"replication without versioning", false, strings.Replace(replicatedSpec, `"Enabled"}}`, `"Suspended"}}`, 1), "Versioning must be 'Enabled'"},
		{"replication without a role", false, strings.Replace(replicatedSpec, "arn:aws:iam::123456789012:role/replicate", "", 1), "MalformedXML"},
		{"name taken by a bucket Sluice does not own", true, replicatedSpec, "never adopts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, url := startFakeS3(t)
			if c.existing {
				f.buckets["churn-dev-artifacts"] = &fakeBucket{}
			}
			_, err := s3backend.New(fakeClient(url), "us-east-1").Create(context.Background(), target("churn-dev-artifacts", c.spec))
			if d, _ := sluice.RetryOf(err); d != sluice.RetryStalled || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Create = %v, want a stalled error containing %q", err, c.want)
			}
			if c.existing && len(f.buckets["churn-dev-artifacts"].tags) != 0 {
				t.Errorf("Create tagged a bucket it does not own")
			}
		})
	}
}

func TestCreateLocationConstraint(t *testing.T) {
	cases := []struct{ region, want string }{
		{"us-east-1", ""}, // S3 refuses a LocationConstraint there
		{"eu-west-1", "eu-west-1"},
	}
	for _, c := range cases {
		t.Run(c.region, func(t *testing.T) {
			f, url := startFakeS3(t)
			if _, err := s3backend.New(fakeClient(url), c.region).Create(context.Background(), target("b", `{"Bucket":"b"}`)); err != nil {
				t.Fatal(err)
			}
			if got := f.buckets["b"].location; got != c.want {
				t.Errorf("LocationConstraint = %q, want %q", got, c.want)
			}
		})
	}
}
