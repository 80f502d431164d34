package batchfake

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// pageSize is how many job definitions one Describe page holds at most.
const pageSize = 100

// registerJD answers RegisterJobDefinition: a new ACTIVE revision, one
// above the name's highest, stored as AWS stores it.
func (s *Server) registerJD(req map[string]any) (any, *apiError) {
	name := str(req, "jobDefinitionName")
	if name == "" || str(req, "type") == "" {
		return nil, clientError("jobDefinitionName and type are required")
	}
	rev := len(s.jds[name]) + 1
	body := maps.Clone(req)
	body["revision"] = rev
	body["jobDefinitionArn"] = fmt.Sprintf("%s:%d", arn("job-definition", name), rev)
	body["status"] = "ACTIVE"
	body["containerOrchestrationType"] = "ECS"
	if cp, ok := body["containerProperties"].(map[string]any); ok {
		body["containerProperties"] = storedContainer(cp, req["platformCapabilities"])
	}
	s.jds[name] = append(s.jds[name], body)
	return map[string]any{"jobDefinitionName": name, "jobDefinitionArn": body["jobDefinitionArn"], "revision": rev}, nil
}

// storedContainer is container properties as AWS keeps them: empty
// environment values dropped, Fargate's platform version filled in.
func storedContainer(cp map[string]any, platforms any) map[string]any {
	cp = maps.Clone(cp)
	if env, ok := cp["environment"].([]any); ok {
		cp["environment"] = slices.DeleteFunc(slices.Clone(env), func(e any) bool {
			m, _ := e.(map[string]any)
			return m["value"] == nil || m["value"] == ""
		})
	}
	if p, _ := platforms.([]any); slices.Contains(p, any("FARGATE")) && cp["fargatePlatformConfiguration"] == nil {
		cp["fargatePlatformConfiguration"] = map[string]any{"platformVersion": "LATEST"}
	}
	return cp
}

// describeJDs answers DescribeJobDefinitions, filtered by name, status
// or explicit ARNs / name:revision, a page at a time.
func (s *Server) describeJDs(req map[string]any) (any, *apiError) {
	var all []map[string]any
	for _, name := range s.jdNames(req) {
		for _, d := range s.jds[name] {
			if matchJD(req, d) {
				all = append(all, d)
			}
		}
	}
	start, _ := strconv.Atoi(str(req, "nextToken"))
	size := pageSize
	if n, ok := req["maxResults"].(float64); ok && n > 0 {
		size = int(n)
	}
	end := min(start+size, len(all))
	out := map[string]any{"jobDefinitions": append([]map[string]any{}, all[min(start, end):end]...)}
	if end < len(all) {
		out["nextToken"] = strconv.Itoa(end)
	}
	return out, nil
}

// jdNames returns the names a DescribeJobDefinitions request can match,
// in order: the one it names, or every name sorted.
func (s *Server) jdNames(req map[string]any) []string {
	if n := str(req, "jobDefinitionName"); n != "" {
		return []string{n}
	}
	return slices.Sorted(maps.Keys(s.jds))
}

// matchJD reports whether revision d passes the request's filters.
func matchJD(req map[string]any, d map[string]any) bool {
	if n := str(req, "jobDefinitionName"); n != "" && d["jobDefinitionName"] != n {
		return false
	}
	if st := str(req, "status"); st != "" && d["status"] != st {
		return false
	}
	keys, _ := req["jobDefinitions"].([]any)
	if len(keys) == 0 {
		return true
	}
	for _, k := range keys {
		if s, _ := k.(string); s == d["jobDefinitionArn"] || s == nameRev(d) {
			return true
		}
	}
	return false
}

// nameRev is a revision's name:revision.
func nameRev(d map[string]any) string {
	return fmt.Sprintf("%v:%v", d["jobDefinitionName"], d["revision"])
}

// deregisterJD answers DeregisterJobDefinition: the revision becomes
// INACTIVE.
func (s *Server) deregisterJD(req map[string]any) (any, *apiError) {
	key := str(req, "jobDefinition")
	name, rev, _ := strings.Cut(nameOf(key), ":")
	n, err := strconv.Atoi(rev)
	if err != nil || n < 1 || n > len(s.jds[name]) {
		return nil, clientError("Job definition %s does not exist", key)
	}
	s.jds[name][n-1]["status"] = "INACTIVE"
	return map[string]any{}, nil
}
