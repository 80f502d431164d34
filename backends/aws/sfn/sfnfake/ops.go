package sfnfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type createInput struct {
	Name       string          `json:"name"`
	Definition string          `json:"definition"`
	RoleArn    string          `json:"roleArn"`
	Type       string          `json:"type"`
	Logging    json.RawMessage `json:"loggingConfiguration"`
	Tracing    json.RawMessage `json:"tracingConfiguration"`
	Tags       []tag           `json:"tags"`
}

func (s *Server) arnOf(name string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", s.region, s.account, name)
}

func (s *Server) create(body []byte) (any, *apiError) {
	var in createInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if in.Name == "" || in.Definition == "" || in.RoleArn == "" {
		return nil, errorf("ValidationException", "name, definition and roleArn are required")
	}
	if in.Type == "" {
		in.Type = "STANDARD"
	}
	arn := s.arnOf(in.Name)
	if m, ok := s.machines[arn]; ok {
		return s.createAgain(m, in)
	}
	m := &machine{ARN: arn, Name: in.Name, Status: "ACTIVE", Definition: in.Definition, RoleArn: in.RoleArn,
		Type: in.Type, Created: now(), Logging: in.Logging, Tracing: in.Tracing, tags: map[string]string{}}
	for _, t := range in.Tags {
		m.tags[t.Key] = t.Value
	}
	s.machines[arn] = m
	return map[string]any{"stateMachineArn": arn, "creationDate": m.Created}, nil
}

// createAgain answers a Create of a name already taken: idempotent for
// the same configuration, refused otherwise.
func (s *Server) createAgain(m *machine, in createInput) (any, *apiError) {
	switch {
	case m.Status == "DELETING":
		return nil, errorf("StateMachineDeleting", "State Machine is being deleted: '%s'", m.ARN)
	case m.Definition != in.Definition || m.Type != in.Type ||
		!sameJSON(m.Logging, in.Logging) || !sameJSON(m.Tracing, in.Tracing):
		return nil, errorf("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", m.ARN)
	}
	return map[string]any{"stateMachineArn": m.ARN, "creationDate": m.Created}, nil
}

// sameJSON compares two optional JSON values by meaning.
func sameJSON(a, b json.RawMessage) bool {
	var va, vb any
	_ = json.Unmarshal(a, &va)
	_ = json.Unmarshal(b, &vb)
	return reflect.DeepEqual(va, vb)
}

type arnInput struct {
	StateMachineArn string `json:"stateMachineArn"`
}

// find returns the state machine arn names, or StateMachineDoesNotExist.
func (s *Server) find(arn string) (*machine, *apiError) {
	m, ok := s.machines[arn]
	if !ok {
		return nil, errorf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	return m, nil
}

func (s *Server) describe(body []byte) (any, *apiError) {
	var in arnInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	m, e := s.find(in.StateMachineArn)
	if e != nil {
		return nil, e
	}
	if m.Status == "DELETING" {
		if m.pollsLeft <= 0 {
			delete(s.machines, m.ARN)
			return nil, errorf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", m.ARN)
		}
		m.pollsLeft--
	}
	out := *m
	if out.Logging == nil {
		out.Logging = json.RawMessage(`{"level":"OFF","includeExecutionData":false}`)
	}
	if out.Tracing == nil {
		out.Tracing = json.RawMessage(`{"enabled":false}`)
	}
	return out, nil
}

type updateInput struct {
	StateMachineArn string          `json:"stateMachineArn"`
	Definition      *string         `json:"definition"`
	RoleArn         *string         `json:"roleArn"`
	Logging         json.RawMessage `json:"loggingConfiguration"`
	Tracing         json.RawMessage `json:"tracingConfiguration"`
}

func (s *Server) update(body []byte) (any, *apiError) {
	var in updateInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if in.Definition == nil && in.RoleArn == nil && in.Logging == nil && in.Tracing == nil {
		return nil, errorf("MissingRequiredParameter", "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
	}
	m, e := s.find(in.StateMachineArn)
	if e != nil {
		return nil, e
	}
	if m.Status == "DELETING" {
		return nil, errorf("StateMachineDeleting", "State Machine is being deleted: '%s'", m.ARN)
	}
	if in.Definition != nil {
		m.Definition = *in.Definition
	}
	if in.RoleArn != nil {
		m.RoleArn = *in.RoleArn
	}
	if in.Logging != nil {
		m.Logging = in.Logging
	}
	if in.Tracing != nil {
		m.Tracing = in.Tracing
	}
	return map[string]any{"updateDate": now()}, nil
}

func (s *Server) delete(body []byte) (any, *apiError) {
	var in arnInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if m, ok := s.machines[in.StateMachineArn]; ok && m.Status != "DELETING" {
		m.Status, m.pollsLeft = "DELETING", s.DeletingPolls
	}
	return map[string]any{}, nil
}

type tagInput struct {
	ResourceArn string   `json:"resourceArn"`
	Tags        []tag    `json:"tags"`
	TagKeys     []string `json:"tagKeys"`
}

// taggable returns the state machine a tag request names, or
// ResourceNotFound.
func (s *Server) taggable(body []byte) (*machine, tagInput, *apiError) {
	var in tagInput
	if e := decode(body, &in); e != nil {
		return nil, in, e
	}
	m, ok := s.machines[in.ResourceArn]
	if !ok {
		return nil, in, errorf("ResourceNotFound", "Resource not found: '%s'", in.ResourceArn)
	}
	return m, in, nil
}

func (s *Server) tag(body []byte) (any, *apiError) {
	m, in, e := s.taggable(body)
	if e != nil {
		return nil, e
	}
	for _, t := range in.Tags {
		if isAWSKey(t.Key) {
			return nil, errorf("ValidationException", "tag keys starting with aws: are reserved")
		}
	}
	for _, t := range in.Tags {
		m.tags[t.Key] = t.Value
	}
	return map[string]any{}, nil
}

func (s *Server) untag(body []byte) (any, *apiError) {
	m, in, e := s.taggable(body)
	if e != nil {
		return nil, e
	}
	for _, k := range in.TagKeys {
		if isAWSKey(k) {
			return nil, errorf("ValidationException", "tag keys starting with aws: are reserved")
		}
	}
	for _, k := range in.TagKeys {
		delete(m.tags, k)
	}
	return map[string]any{}, nil
}

func (s *Server) listTags(body []byte) (any, *apiError) {
	m, _, e := s.taggable(body)
	if e != nil {
		return nil, e
	}
	tags := []tag{}
	for _, k := range slices.Sorted(maps.Keys(m.tags)) {
		tags = append(tags, tag{Key: k, Value: m.tags[k]})
	}
	return map[string]any{"tags": tags}, nil
}

func isAWSKey(k string) bool { return strings.HasPrefix(strings.ToLower(k), "aws:") }
