package quotaproxy

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// serviceIDs maps SigV4 signing names to the SDK's service IDs, the
// names the rate table uses.
func serviceIDs() map[string]string {
	return map[string]string{
		"states": "SFN", "batch": "Batch", "rds": "RDS", "s3": "S3", "scheduler": "Scheduler", "sts": "STS",
		"tagging": "Resource Groups Tagging API",
	}
}

// Operation names the AWS operation a signed request calls: the SDK
// service ID (from the SigV4 credential scope) and the operation (from
// X-Amz-Target for JSON protocols, the Action parameter for the query
// protocol, method and path for REST protocols). It reads and restores
// the body of a query-protocol request. A part it cannot tell is "".
func Operation(r *http.Request) (service, operation string) {
	signing := signingName(r)
	service = serviceIDs()[signing]
	if service == "" {
		service = signing
	}
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		return service, op
	case service == "RDS" || service == "STS":
		return service, queryAction(r)
	case service == "Batch":
		return service, batchOperation(r)
	case service == "Scheduler":
		return service, schedulerOperation(r)
	case service == "S3":
		return service, s3Operation(r)
	}
	return service, ""
}

// signingName reads the service from the SigV4 credential scope
// ("Credential=AKID/DATE/REGION/SERVICE/aws4_request").
func signingName(r *http.Request) string {
	_, scope, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	parts := strings.Split(strings.SplitN(scope, ",", 2)[0], "/")
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

// queryAction reads the Action form parameter and puts the body back.
func queryAction(r *http.Request) string {
	if r.Body == nil {
		return r.URL.Query().Get("Action")
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return ""
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("Action") == "" {
		return r.URL.Query().Get("Action")
	}
	return form.Get("Action")
}

// batchOperations maps Batch's lower-case REST paths to operations.
func batchOperations() map[string]string {
	return map[string]string{
		"createcomputeenvironment": "CreateComputeEnvironment", "describecomputeenvironments": "DescribeComputeEnvironments",
		"updatecomputeenvironment": "UpdateComputeEnvironment", "deletecomputeenvironment": "DeleteComputeEnvironment",
		"createjobqueue": "CreateJobQueue", "describejobqueues": "DescribeJobQueues",
		"updatejobqueue": "UpdateJobQueue", "deletejobqueue": "DeleteJobQueue",
		"registerjobdefinition": "RegisterJobDefinition", "describejobdefinitions": "DescribeJobDefinitions",
		"deregisterjobdefinition": "DeregisterJobDefinition",
	}
}

// batchOperation reads "POST /v1/<operation>" and the /v1/tags/{arn}
// resource.
func batchOperation(r *http.Request) string {
	rest := strings.TrimPrefix(r.URL.Path, "/v1/")
	if strings.HasPrefix(rest, "tags/") {
		return tagOperation(r.Method)
	}
	if op, ok := batchOperations()[rest]; ok {
		return op
	}
	return rest
}

// tagOperation names the REST tag operation of method.
func tagOperation(method string) string {
	switch method {
	case http.MethodGet:
		return "ListTagsForResource"
	case http.MethodDelete:
		return "UntagResource"
	}
	return "TagResource"
}

// schedulerOperation reads Scheduler's REST paths: /schedules[/{name}],
// /schedule-groups[/{name}], /tags/{arn}.
func schedulerOperation(r *http.Request) string {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch parts[0] {
	case "tags":
		return tagOperation(r.Method)
	case "schedules":
		return restOperation(r.Method, len(parts) > 1, "Schedule")
	case "schedule-groups":
		return restOperation(r.Method, len(parts) > 1, "ScheduleGroup")
	}
	return ""
}

// restOperation names a REST call on a collection (List) or one of its
// members (Get, Create, Update, Delete).
func restOperation(method string, member bool, noun string) string {
	if !member {
		return "List" + noun + "s"
	}
	switch method {
	case http.MethodPost:
		return "Create" + noun
	case http.MethodPut:
		return "Update" + noun
	case http.MethodDelete:
		return "Delete" + noun
	}
	return "Get" + noun
}
