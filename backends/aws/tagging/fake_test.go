package tagging_test

// fakeTagging is a Resource Groups Tagging API endpoint at the HTTP layer
// (JSON 1.1, X-Amz-Target ResourceGroupsTaggingAPI_20170126.*), because
// kumo does not serve the service. It covers GetResources as AWS
// documents it: TagFilters are ANDed, a filter's Values ORed (no Values:
// the key alone); ResourceTypeFilters match "service" or
// "service:resourceType" of each ARN; ResourcesPerPage (at most 100,
// default 100) pages with a PaginationToken; an unknown operation is an
// UnknownOperationException; deny refuses access.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type fakeResource struct {
	arn  string
	tags map[string]string
}

type fakeTagging struct {
	resources []fakeResource
	calls     int
	// deny answers every call AccessDeniedException, as AWS does when
	// tag:GetResources is not granted.
	deny bool
}

func startFake(t *testing.T, resources ...fakeResource) (*fakeTagging, string) {
	t.Helper()
	f := &fakeTagging{resources: resources}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

type getResourcesInput struct {
	PaginationToken     string
	ResourcesPerPage    int
	ResourceTypeFilters []string
	TagFilters          []struct {
		Key    string
		Values []string
	}
}

type tagJSON struct{ Key, Value string }

type mappingJSON struct {
	ResourceARN string
	Tags        []tagJSON
}

func (f *fakeTagging) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if r.Header.Get("X-Amz-Target") != "ResourceGroupsTaggingAPI_20170126.GetResources" {
		fail(w, "UnknownOperationException", "not covered by the fake")
		return
	}
	f.calls++
	if f.deny {
		fail(w, "AccessDeniedException", "not authorized to perform: tag:GetResources")
		return
	}
	var in getResourcesInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(w, "InvalidParameterException", err.Error())
		return
	}
	if in.ResourcesPerPage > 100 {
		fail(w, "InvalidParameterException", "ResourcesPerPage must be at most 100")
		return
	}
	var all []mappingJSON
	for _, res := range f.resources {
		if matchType(in.ResourceTypeFilters, res.arn) && matchTags(in, res.tags) {
			all = append(all, mapping(res))
		}
	}
	size := in.ResourcesPerPage
	if size == 0 {
		size = 100
	}
	start, _ := strconv.Atoi(in.PaginationToken)
	end := min(start+size, len(all))
	out := map[string]any{"ResourceTagMappingList": append([]mappingJSON{}, all[min(start, end):end]...), "PaginationToken": ""}
	if end < len(all) {
		out["PaginationToken"] = strconv.Itoa(end)
	}
	_ = json.NewEncoder(w).Encode(out)
}

func matchType(filters []string, arn string) bool {
	if len(filters) == 0 {
		return true
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return false
	}
	typ, _, _ := strings.Cut(parts[5], ":")
	typ, _, _ = strings.Cut(typ, "/")
	return slices.Contains(filters, parts[2]) || slices.Contains(filters, parts[2]+":"+typ)
}

func matchTags(in getResourcesInput, tags map[string]string) bool {
	for _, f := range in.TagFilters {
		v, ok := tags[f.Key]
		if !ok || (len(f.Values) > 0 && !slices.Contains(f.Values, v)) {
			return false
		}
	}
	return true
}

func mapping(res fakeResource) mappingJSON {
	m := mappingJSON{ResourceARN: res.arn}
	for k, v := range res.tags {
		m.Tags = append(m.Tags, tagJSON{k, v})
	}
	return m
}

func fail(w http.ResponseWriter, code, msg string) {
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}
