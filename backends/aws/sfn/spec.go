package sfn

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// spec is a StateMachine spec in CreateStateMachine's field names.
type spec struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Definition json.RawMessage `json:"definition"`
	RoleArn    string          `json:"roleArn"`
	Logging    *logging        `json:"loggingConfiguration,omitempty"`
	Tracing    *tracing        `json:"tracingConfiguration,omitempty"`
}

type logging struct {
	Level                string        `json:"level"`
	IncludeExecutionData bool          `json:"includeExecutionData"`
	Destinations         []destination `json:"destinations"`
}

type destination struct {
	LogGroup *logGroup `json:"cloudWatchLogsLogGroup,omitempty"`
}

type logGroup struct {
	LogGroupArn string `json:"logGroupArn"`
}

type tracing struct {
	Enabled bool `json:"enabled"`
}

// parseSpec decodes a desired spec. It fails on invalid JSON, a missing
// name, or a definition that is not a JSON document.
func parseSpec(raw json.RawMessage) (spec, error) {
	var s spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return spec{}, fmt.Errorf("state machine spec: %w", err)
	}
	if s.Name == "" {
		return spec{}, fmt.Errorf("state machine spec: no name")
	}
	def, err := normalDefinition(s.Definition)
	if err != nil {
		return spec{}, err
	}
	s.Definition = def
	return s, nil
}

// normalDefinition returns a definition as compact canonical JSON (keys
// sorted), whether it is given as a JSON document or as a string holding
// one. It fails when it is neither.
func normalDefinition(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, fmt.Errorf("state machine definition: %w", err)
		}
		raw = json.RawMessage(text)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("state machine definition is not JSON: %w", err)
	}
	return json.Marshal(v)
}

// observedSpec turns DescribeStateMachine's answer into the desired
// spec's shape, restricted to the fields desired sets (all of them when
// desired is empty). It fails when AWS's definition is not JSON.
func observedSpec(out *sfn.DescribeStateMachineOutput, desired json.RawMessage) (json.RawMessage, error) {
	def, err := normalDefinition(json.RawMessage(deref(out.Definition)))
	if err != nil {
		return nil, err
	}
	s := spec{Name: deref(out.Name), Type: string(out.Type), Definition: def, RoleArn: deref(out.RoleArn),
		Logging: loggingOf(out.LoggingConfiguration), Tracing: tracingOf(out.TracingConfiguration)}
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	raw, err = awsapi.Restrict(raw, desired, "definition")
	if err != nil {
		return nil, err
	}
	return inDesiredForm(raw, desired)
}

// inDesiredForm gives the observed definition the desired one's form: a
// desired definition written as a JSON string is answered with that very
// string when both mean the same, so formatting is never drift.
func inDesiredForm(observed, desired json.RawMessage) (json.RawMessage, error) {
	want := specMap(desired)["definition"]
	if len(bytes.TrimSpace(want)) == 0 || bytes.TrimSpace(want)[0] != '"' {
		return observed, nil
	}
	have := specMap(observed)
	norm, err := normalDefinition(want)
	if err != nil || !bytes.Equal(norm, have["definition"]) {
		have["definition"], err = json.Marshal(string(have["definition"]))
	} else {
		have["definition"] = want
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(have)
}

func loggingOf(l *types.LoggingConfiguration) *logging {
	if l == nil {
		return nil
	}
	out := &logging{Level: string(l.Level), IncludeExecutionData: l.IncludeExecutionData}
	for _, d := range l.Destinations {
		var g *logGroup
		if d.CloudWatchLogsLogGroup != nil {
			g = &logGroup{LogGroupArn: deref(d.CloudWatchLogsLogGroup.LogGroupArn)}
		}
		out.Destinations = append(out.Destinations, destination{LogGroup: g})
	}
	return out
}

func tracingOf(t *types.TracingConfiguration) *tracing {
	if t == nil {
		return nil
	}
	return &tracing{Enabled: t.Enabled}
}

// sdkLogging converts a logging configuration for the SDK; nil stays nil.
func sdkLogging(l *logging) *types.LoggingConfiguration {
	if l == nil {
		return nil
	}
	out := &types.LoggingConfiguration{Level: types.LogLevel(l.Level), IncludeExecutionData: l.IncludeExecutionData}
	for _, d := range l.Destinations {
		var g *types.CloudWatchLogsLogGroup
		if d.LogGroup != nil {
			g = &types.CloudWatchLogsLogGroup{LogGroupArn: &d.LogGroup.LogGroupArn}
		}
		out.Destinations = append(out.Destinations, types.LogDestination{CloudWatchLogsLogGroup: g})
	}
	return out
}

// sdkTracing converts a tracing configuration for the SDK; nil stays nil.
func sdkTracing(t *tracing) *types.TracingConfiguration {
	if t == nil {
		return nil
	}
	return &types.TracingConfiguration{Enabled: t.Enabled}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
