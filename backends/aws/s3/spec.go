package s3

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sluice-dev/sluice"
)

// spec is a Bucket spec split into its bucket name and the raw JSON of
// each key.
type spec struct {
	bucket string
	keys   map[string]json.RawMessage
}

// parseSpec decodes t's spec; the bucket name is the spec's "Bucket",
// else t.Name. It fails (stalled, invalid) when the spec is not a JSON
// object or names no bucket.
func parseSpec(opName string, t sluice.Target) (spec, error) {
	s := spec{keys: map[string]json.RawMessage{}}
	if len(t.Spec) > 0 {
		if err := json.Unmarshal(t.Spec, &s.keys); err != nil {
			return s, sluice.Stalled(sluice.E(opName, sluice.KindInvalid, err))
		}
	}
	s.bucket = t.Name
	if raw, ok := s.keys["Bucket"]; ok {
		if err := json.Unmarshal(raw, &s.bucket); err != nil {
			return s, sluice.Stalled(sluice.E(opName, sluice.KindInvalid, err))
		}
	}
	if s.bucket == "" {
		return s, sluice.Stalled(sluice.E(opName, sluice.KindInvalid, errors.New("spec names no bucket")))
	}
	return s, nil
}

// userTags returns tags without the keys AWS reserves (aws:...).
func userTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		if !strings.HasPrefix(k, "aws:") {
			out[k] = v
		}
	}
	return out
}

// tagSet returns the S3 tag set of tags, sorted by key.
func tagSet(tags map[string]string) []types.Tag {
	set := make([]types.Tag, 0, len(tags))
	for k, v := range tags {
		set = append(set, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	sort.Slice(set, func(i, j int) bool { return *set[i].Key < *set[j].Key })
	return set
}

// sameTags reports whether two tag maps hold the same pairs.
func sameTags(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
