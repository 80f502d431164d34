package s3_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func mustLifecycle(t *testing.T, js string) *types.BucketLifecycleConfiguration {
	t.Helper()
	var cfg types.BucketLifecycleConfiguration
	if err := json.Unmarshal([]byte(js), &cfg); err != nil {
		t.Fatal(err)
	}
	return &cfg
}
