package rds

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/sluice-dev/sluice"
)

// keySkipFinalSnapshot is Sluice's own spec key: delete without a final
// snapshot. It is never sent to RDS.
const keySkipFinalSnapshot = "SkipFinalSnapshot"

// spec is a DBInstance spec: the instance identifier and each key's raw
// JSON.
type spec struct {
	id   string
	keys map[string]json.RawMessage
}

// parseSpec decodes t's spec. The identifier is DBInstanceIdentifier,
// else t.Name. It fails (stalled, invalid) when the spec is not an
// object, names no instance, or carries a master password.
func parseSpec(opName string, t sluice.Target) (spec, error) {
	s := spec{keys: map[string]json.RawMessage{}}
	invalid := func(err error) (spec, error) { return s, sluice.Stalled(sluice.E(opName, sluice.KindInvalid, err)) }
	if len(t.Spec) > 0 {
		if err := json.Unmarshal(t.Spec, &s.keys); err != nil {
			return invalid(err)
		}
	}
	if _, ok := s.keys["MasterUserPassword"]; ok {
		return invalid(errors.New("a spec never carries a password: use ManageMasterUserPassword"))
	}
	s.id = t.Name
	if raw, ok := s.keys["DBInstanceIdentifier"]; ok {
		if err := json.Unmarshal(raw, &s.id); err != nil {
			return invalid(err)
		}
	}
	if s.id == "" {
		return invalid(errors.New("spec names no DB instance"))
	}
	return s, nil
}

// skipFinalSnapshot reports whether the spec says to delete without a
// final snapshot.
func (s spec) skipFinalSnapshot() bool {
	var skip bool
	_ = json.Unmarshal(s.keys[keySkipFinalSnapshot], &skip)
	return skip
}

// apiKeys returns the spec's keys that are RDS parameters, as raw JSON.
func (s spec) apiKeys() map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(s.keys))
	for k, v := range s.keys {
		if k != keySkipFinalSnapshot {
			out[k] = v
		}
	}
	return out
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

// tagMap returns an RDS tag list as a map, aws: keys left out.
func tagMap(list []types.Tag) map[string]string {
	out := make(map[string]string, len(list))
	for _, t := range list {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return userTags(out)
}

// tagList returns tags as an RDS tag list sorted by key, aws: keys left out.
func tagList(tags map[string]string) []types.Tag {
	list := make([]types.Tag, 0, len(tags))
	for k, v := range userTags(tags) {
		list = append(list, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	sort.Slice(list, func(i, j int) bool { return *list[i].Key < *list[j].Key })
	return list
}
