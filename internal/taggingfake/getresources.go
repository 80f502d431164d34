package taggingfake

import (
	"encoding/base64"
	"maps"
	"slices"
	"strings"
)

// Limits of GetResources' parameters, from the API reference.
const (
	maxARNs        = 100
	maxPerPage     = 100
	minTagsPerPage = 100
	maxTagsPerPage = 500
	maxTagFilters  = 50
	maxTagValues   = 20
	maxTypeFilters = 100
)

// tagFilter is one of GetResources' TagFilters.
type tagFilter struct {
	Key    string
	Values []string
}

// getInput is GetResources' request. IncludeComplianceDetails and
// ExcludeCompliantResources are not read.
type getInput struct {
	ResourceARNList     []string
	ResourceTypeFilters []string
	TagFilters          []tagFilter
	ResourcesPerPage    *int
	TagsPerPage         *int
	PaginationToken     string
}

// tag is one tag in GetResources' answer.
type tag struct {
	Key   string
	Value string
}

// mapping is one resource in GetResources' answer.
type mapping struct {
	ResourceARN string
	Tags        []tag
}

// getOutput is GetResources' answer.
type getOutput struct {
	ResourceTagMappingList []mapping
	PaginationToken        string
}

// check refuses a request the API reference forbids with an
// InvalidParameterException.
func (in *getInput) check() *apiError {
	if len(in.ResourceARNList) > 0 {
		return in.checkARNList()
	}
	switch {
	case in.ResourcesPerPage != nil && (*in.ResourcesPerPage < 1 || *in.ResourcesPerPage > maxPerPage):
		return invalid("ResourcesPerPage must be between 1 and %d, not %d", maxPerPage, *in.ResourcesPerPage)
	case in.TagsPerPage != nil && (*in.TagsPerPage < minTagsPerPage || *in.TagsPerPage > maxTagsPerPage):
		return invalid("TagsPerPage must be between %d and %d, not %d", minTagsPerPage, maxTagsPerPage, *in.TagsPerPage)
	case len(in.ResourceTypeFilters) > maxTypeFilters:
		return invalid("at most %d ResourceTypeFilters, not %d", maxTypeFilters, len(in.ResourceTypeFilters))
	case len(in.TagFilters) > maxTagFilters:
		return invalid("at most %d TagFilters, not %d", maxTagFilters, len(in.TagFilters))
	}
	for _, f := range in.TagFilters {
		if f.Key == "" || len(f.Values) > maxTagValues {
			return invalid("a TagFilter needs a Key and at most %d Values", maxTagValues)
		}
	}
	if _, ok := decodeToken(in.PaginationToken); !ok {
		return invalid("invalid PaginationToken")
	}
	return nil
}

// checkARNList refuses a ResourceARNList that is too long or combined
// with filters or pagination parameters.
func (in *getInput) checkARNList() *apiError {
	if len(in.ResourceARNList) > maxARNs {
		return invalid("ResourceARNList holds at most %d ARNs, not %d", maxARNs, len(in.ResourceARNList))
	}
	if len(in.ResourceTypeFilters) > 0 || len(in.TagFilters) > 0 {
		return invalid("ResourceARNList cannot be combined with ResourceTypeFilters or TagFilters")
	}
	if in.ResourcesPerPage != nil || in.TagsPerPage != nil || in.PaginationToken != "" {
		return invalid("ResourceARNList cannot be combined with ResourcesPerPage, TagsPerPage or PaginationToken")
	}
	return nil
}

// answer selects the requested resources of all (ordered by ARN): those
// listed by ARN, or one page of those matching the filters.
func (in *getInput) answer(all []Resource) *getOutput {
	out := &getOutput{ResourceTagMappingList: []mapping{}}
	if len(in.ResourceARNList) > 0 {
		for _, r := range all {
			if slices.Contains(in.ResourceARNList, r.ARN) {
				out.ResourceTagMappingList = append(out.ResourceTagMappingList, toMapping(r))
			}
		}
		return out
	}
	after, _ := decodeToken(in.PaginationToken)
	var matches []Resource
	for _, r := range all {
		if r.ARN > after && typeMatches(in.ResourceTypeFilters, r.ARN) && tagsMatch(in.TagFilters, r.Tags) {
			matches = append(matches, r)
		}
	}
	n := in.pageLength(matches)
	for _, r := range matches[:n] {
		out.ResourceTagMappingList = append(out.ResourceTagMappingList, toMapping(r))
	}
	if n < len(matches) {
		out.PaginationToken = encodeToken(matches[n-1].ARN)
	}
	return out
}

// pageLength is how many of matches fit a page: at most ResourcesPerPage
// resources (default 100) and TagsPerPage tags, a resource without tags
// counting as one; at least one resource when there is any.
func (in *getInput) pageLength(matches []Resource) int {
	limit := maxPerPage
	if in.ResourcesPerPage != nil {
		limit = *in.ResourcesPerPage
	}
	n, tags := 0, 0
	for n < len(matches) && n < limit {
		tags += max(len(matches[n].Tags), 1)
		if in.TagsPerPage != nil && tags > *in.TagsPerPage && n > 0 {
			break
		}
		n++
	}
	return n
}

// toMapping is r as GetResources answers it, tags ordered by key.
func toMapping(r Resource) mapping {
	m := mapping{ResourceARN: r.ARN, Tags: []tag{}}
	for _, k := range slices.Sorted(maps.Keys(r.Tags)) {
		m.Tags = append(m.Tags, tag{Key: k, Value: r.Tags[k]})
	}
	return m
}

// tokenPrefix starts every pagination token this server makes.
const tokenPrefix = "after:"

// encodeToken makes the pagination token of a page ending at arn.
func encodeToken(arn string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + arn))
}

// decodeToken returns the ARN a pagination token continues after ("" for
// no token); ok is false for a token this server did not make.
func decodeToken(token string) (arn string, ok bool) {
	if token == "" {
		return "", true
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	arn, ok = strings.CutPrefix(string(b), tokenPrefix)
	return arn, ok && arn != ""
}
