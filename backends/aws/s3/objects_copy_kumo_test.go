package s3_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
	s3backend "github.com/sluice-dev/sluice/backends/aws/s3"
)

// TestKumoCopyPrefix copies a run's step prefix to another run's, more
// objects than one listing page holds, and reads the copies back (kumo
// answering CopyObject is no proof it copied); a prefix of another
// environment's bucket and one of another key's name are refused or
// left alone.
func TestKumoCopyPrefix(t *testing.T) {
	ctx := context.Background()
	client := devBucket(t, bucket)
	put := func(key, body string) {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader([]byte(body))}); err != nil {
			t.Fatal(err)
		}
	}
	const n = 1003
	for i := range n {
		put(fmt.Sprintf("training/r1/train/%d/part %04d.bin", i%3, i), fmt.Sprint(i))
	}
	put("training/r1/train/outputs.json", `{"auc":0.9}`)
	put("training/r1/train2/other.bin", "not train's")
	counting := &listCounter{Client: client}
	objects := s3backend.NewObjects(counting)
	copied, err := objects.CopyPrefix(ctx, "dev", "s3://"+bucket+"/training/r1/train/", "s3://"+bucket+"/training/r2/train/")
	if err != nil {
		t.Fatal(err)
	}
	if len(copied) != n+1 {
		t.Fatalf("%d objects copied, want %d", len(copied), n+1)
	}
	if counting.lists != 2 {
		t.Errorf("%d listings for %d objects, want 2 pages of at most 1,000", counting.lists, n+1)
	}
	read := func(key string) string {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		defer func() { _ = out.Body.Close() }()
		b, _ := io.ReadAll(out.Body)
		return string(b)
	}
	if got := read("training/r2/train/outputs.json"); got != `{"auc":0.9}` {
		t.Errorf("copied outputs.json: %q", got)
	}
	if got := read("training/r2/train/2/part 1001.bin"); got != "1001" {
		t.Errorf("copied part 1001 (a key with a space, on the second listing page): %q", got)
	}
	for _, c := range copied {
		if c.Source == "s3://"+bucket+"/training/r1/train/outputs.json" && (c.URI != "s3://"+bucket+"/training/r2/train/outputs.json" || c.Size != 11) {
			t.Errorf("outputs.json copied as %+v", c)
		}
	}
	if _, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("training/r2/train2/other.bin")}); err == nil {
		t.Error("train2's object was copied with train's prefix")
	}
	for _, c := range []struct {
		env, src, dst string
		kind          sluice.Kind
	}{
		{"prod", "s3://" + bucket + "/training/r1/train/", "s3://" + bucket + "/training/r3/train/", sluice.KindNotFound},
		{"dev", "s3://" + bucket + "/training/r1/train", "s3://" + bucket + "/training/r3/train/", sluice.KindInvalid},
		{"dev", "s3://" + bucket + "/training/r1/train/", "s3://other/training/r3/train/", sluice.KindInvalid},
	} {
		if _, err := objects.CopyPrefix(ctx, c.env, c.src, c.dst); sluice.KindOf(err) != c.kind {
			t.Errorf("copy %s to %s in %s: %v, want %s", c.src, c.dst, c.env, err, c.kind)
		}
	}
}

// listCounter counts ListObjectsV2 calls.
type listCounter struct {
	*s3.Client
	lists int
}

func (c *listCounter) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	c.lists++
	return c.Client.ListObjectsV2(ctx, in, optFns...)
}
