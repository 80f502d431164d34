package batchfake

import (
	"maps"
	"net/http"
	"net/url"
)

// tagRoute answers TagResource (POST), UntagResource (DELETE) and
// ListTagsForResource (GET) on /v1/tags/{arn}.
func (s *Server) tagRoute(r *http.Request, escaped string, req map[string]any) (string, handler, map[string]any, *apiError) {
	resource, err := url.PathUnescape(escaped)
	if err != nil {
		return "", nil, nil, clientError("bad resource ARN %q", escaped)
	}
	switch r.Method {
	case http.MethodPost:
		return "TagResource", func(req map[string]any) (any, *apiError) { return s.tag(resource, req) }, req, nil
	case http.MethodDelete:
		keys := r.URL.Query()["tagKeys"]
		return "UntagResource", func(map[string]any) (any, *apiError) { return s.untag(resource, keys) }, req, nil
	default:
		return "ListTagsForResource", func(map[string]any) (any, *apiError) { return s.listTags(resource) }, req, nil
	}
}

// tagsOf returns the description holding resource's tags.
func (s *Server) tagsOf(resource string) (map[string]any, *apiError) {
	for _, group := range []map[string]*entity{s.ces, s.jqs} {
		for _, e := range group {
			if e.body["computeEnvironmentArn"] == resource || e.body["jobQueueArn"] == resource {
				return e.body, nil
			}
		}
	}
	for _, revs := range s.jds {
		for _, d := range revs {
			if d["jobDefinitionArn"] == resource {
				return d, nil
			}
		}
	}
	return nil, clientError("Resource %s does not exist", resource)
}

// tag answers TagResource.
func (s *Server) tag(resource string, req map[string]any) (any, *apiError) {
	body, err := s.tagsOf(resource)
	if err != nil {
		return nil, err
	}
	tags, _ := body["tags"].(map[string]any)
	tags = maps.Clone(tags)
	if tags == nil {
		tags = map[string]any{}
	}
	add, _ := req["tags"].(map[string]any)
	maps.Copy(tags, add)
	body["tags"] = tags
	return map[string]any{}, nil
}

// untag answers UntagResource.
func (s *Server) untag(resource string, keys []string) (any, *apiError) {
	body, err := s.tagsOf(resource)
	if err != nil {
		return nil, err
	}
	tags, _ := body["tags"].(map[string]any)
	tags = maps.Clone(tags)
	for _, k := range keys {
		delete(tags, k)
	}
	body["tags"] = tags
	return map[string]any{}, nil
}

// listTags answers ListTagsForResource.
func (s *Server) listTags(resource string) (any, *apiError) {
	body, err := s.tagsOf(resource)
	if err != nil {
		return nil, err
	}
	tags, _ := body["tags"].(map[string]any)
	return map[string]any{"tags": tags}, nil
}
