package taggingfake

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// resources asks every source for what it holds now and returns the
// resources the tagging API would know, ordered by ARN: those tagged,
// and those seen tagged before (with no tags now). It fails when a
// source fails.
func (f *Fake) resources(ctx context.Context) ([]Resource, error) {
	merged := map[string]map[string]string{}
	for _, src := range f.sources {
		list, err := src.Resources(ctx)
		if err != nil {
			return nil, err
		}
		for _, res := range list {
			merged[res.ARN] = res.Tags
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Resource, 0, len(merged))
	for _, arn := range slices.Sorted(maps.Keys(merged)) {
		tags := merged[arn]
		if len(tags) > 0 {
			f.seen[arn] = true
		}
		if f.seen[arn] {
			out = append(out, Resource{ARN: arn, Tags: tags})
		}
	}
	return out, nil
}

// resourceType splits an ARN into its service and resource type, as
// ResourceTypeFilters name them: arn:aws:states:R:A:stateMachine:N is
// ("states", "stateMachine"), arn:aws:s3:::B is ("s3", "bucket").
func resourceType(arn string) (service, typ string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "", ""
	}
	service, res := parts[2], parts[5]
	if service == "s3" {
		if strings.Contains(res, "/") {
			return service, ""
		}
		return service, "bucket"
	}
	if i := strings.IndexAny(res, ":/"); i >= 0 {
		return service, res[:i]
	}
	return service, ""
}

// typeMatches reports whether arn is of one of the types in filters
// ("service" or "service:resourceType"); no filters match every ARN.
func typeMatches(filters []string, arn string) bool {
	if len(filters) == 0 {
		return true
	}
	service, typ := resourceType(arn)
	for _, f := range filters {
		fs, ft, _ := strings.Cut(f, ":")
		if fs == service && (ft == "" || ft == typ) {
			return true
		}
	}
	return false
}

// tagsMatch reports whether tags satisfy every filter: the key present
// and, when the filter has values, the tag's value one of them.
func tagsMatch(filters []tagFilter, tags map[string]string) bool {
	for _, f := range filters {
		v, ok := tags[f.Key]
		if !ok || (len(f.Values) > 0 && !slices.Contains(f.Values, v)) {
			return false
		}
	}
	return true
}
