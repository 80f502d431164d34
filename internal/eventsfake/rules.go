package eventsfake

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Limits from the API reference.
const (
	maxTargets     = 5
	defaultListLen = 100
)

var ruleName = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type putRuleInput struct {
	Name, EventPattern, ScheduleExpression, Description, State string
	Tags                                                       []tag
}

func (s *Server) putRule(body []byte) (any, *apiError) {
	var in putRuleInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if !ruleName.MatchString(in.Name) {
		return nil, errorf("ValidationException", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint", in.Name)
	}
	if in.EventPattern == "" && in.ScheduleExpression == "" {
		return nil, errorf("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if in.EventPattern != "" {
		if _, err := parsePattern(in.EventPattern); err != nil {
			return nil, errorf("InvalidEventPatternException", "Event pattern is not valid. Reason: %v", err)
		}
	}
	if in.State == "" {
		in.State = "ENABLED"
	}
	r, ok := s.rules[in.Name]
	if !ok {
		r = &rule{Name: in.Name, Arn: "arn:aws:events:" + s.region + ":" + s.account + ":rule/" + in.Name, tags: map[string]string{}}
		for _, t := range in.Tags {
			r.tags[t.Key] = t.Value
		}
		s.rules[in.Name] = r
	}
	r.EventPattern, r.ScheduleExpression, r.Description, r.State = in.EventPattern, in.ScheduleExpression, in.Description, in.State
	return map[string]any{"RuleArn": r.Arn}, nil
}

type nameInput struct {
	Name string
}

func (s *Server) describeRule(body []byte) (any, *apiError) {
	var in nameInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	r, e := s.find(in.Name)
	if e != nil {
		return nil, e
	}
	return r.describe(), nil
}

// describe is DescribeRule's answer, and a ListRules item.
func (r *rule) describe() map[string]any {
	out := map[string]any{"Name": r.Name, "Arn": r.Arn, "State": r.State, "EventBusName": "default"}
	for k, v := range map[string]string{"EventPattern": r.EventPattern, "ScheduleExpression": r.ScheduleExpression, "Description": r.Description} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

func (s *Server) deleteRule(body []byte) (any, *apiError) {
	var in nameInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	r, ok := s.rules[in.Name]
	if !ok {
		return map[string]any{}, nil
	}
	if len(r.targets) > 0 {
		return nil, errorf("ValidationException", "Rule can't be deleted since it has targets.")
	}
	delete(s.rules, in.Name)
	return map[string]any{}, nil
}

type listRulesInput struct {
	NamePrefix, NextToken string
	Limit                 int
}

func (s *Server) listRules(body []byte) (any, *apiError) {
	var in listRulesInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	size := in.Limit
	if size <= 0 {
		size = defaultListLen
	}
	var names []string
	for _, n := range slices.Sorted(maps.Keys(s.rules)) {
		if strings.HasPrefix(n, in.NamePrefix) {
			names = append(names, n)
		}
	}
	start, _ := strconv.Atoi(in.NextToken)
	start = min(max(start, 0), len(names))
	end := min(len(names), start+size)
	items := []map[string]any{}
	for _, n := range names[start:end] {
		items = append(items, s.rules[n].describe())
	}
	out := map[string]any{"Rules": items}
	if end < len(names) {
		out["NextToken"] = strconv.Itoa(end)
	}
	return out, nil
}

type targetsInput struct {
	Rule    string
	Targets []target
	Ids     []string
}

func (s *Server) putTargets(body []byte) (any, *apiError) {
	var in targetsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	r, e := s.find(in.Rule)
	if e != nil {
		return nil, e
	}
	next := slices.Clone(r.targets)
	for _, t := range in.Targets {
		i := slices.IndexFunc(next, func(o target) bool { return o.Id == t.Id })
		if i >= 0 {
			next[i] = t
			continue
		}
		next = append(next, t)
	}
	if len(next) > maxTargets {
		return nil, errorf("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	}
	r.targets = next
	return map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}}, nil
}

func (s *Server) removeTargets(body []byte) (any, *apiError) {
	var in targetsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	r, e := s.find(in.Rule)
	if e != nil {
		return nil, e
	}
	r.targets = slices.DeleteFunc(r.targets, func(t target) bool { return slices.Contains(in.Ids, t.Id) })
	return map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}}, nil
}

func (s *Server) listTargets(body []byte) (any, *apiError) {
	var in targetsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	r, e := s.find(in.Rule)
	if e != nil {
		return nil, e
	}
	return map[string]any{"Targets": append([]target{}, r.targets...)}, nil
}

type tagsInput struct {
	ResourceARN string
	Tags        []tag
	TagKeys     []string
}

func (s *Server) tagResource(body []byte) (any, *apiError) {
	var in tagsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	r, e := s.byARN(in.ResourceARN)
	if e != nil {
		return nil, e
	}
	for _, t := range in.Tags {
		r.tags[t.Key] = t.Value
	}
	return map[string]any{}, nil
}

func (s *Server) untagResource(body []byte) (any, *apiError) {
	var in tagsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	r, e := s.byARN(in.ResourceARN)
	if e != nil {
		return nil, e
	}
	for _, k := range in.TagKeys {
		delete(r.tags, k)
	}
	return map[string]any{}, nil
}

func (s *Server) listTags(body []byte) (any, *apiError) {
	var in tagsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	r, e := s.byARN(in.ResourceARN)
	if e != nil {
		return nil, e
	}
	tags := []tag{}
	for _, k := range slices.Sorted(maps.Keys(r.tags)) {
		tags = append(tags, tag{Key: k, Value: r.tags[k]})
	}
	return map[string]any{"Tags": tags}, nil
}

type testPatternInput struct {
	Event, EventPattern string
}

// mandatory are the fields TestEventPattern requires of an event.
func mandatory() []string {
	return []string{"id", "account", "source", "time", "region", "resources", "detail-type"}
}

func (s *Server) testEventPattern(body []byte) (any, *apiError) {
	var in testPatternInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	p, err := parsePattern(in.EventPattern)
	if err != nil {
		return nil, errorf("InvalidEventPatternException", "Event pattern is not valid. Reason: %v", err)
	}
	var event map[string]any
	if err := json.Unmarshal([]byte(in.Event), &event); err != nil {
		return nil, errorf("ValidationException", "Parameter Event is not valid: %v", err)
	}
	for _, k := range mandatory() {
		if _, ok := event[k]; !ok {
			return nil, errorf("ValidationException", "Parameter Event is not valid: it has no %s", k)
		}
	}
	return map[string]any{"Result": matches(p, event)}, nil
}
