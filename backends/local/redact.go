package local

import (
	"encoding/json"
	"slices"

	"github.com/sluice-dev/sluice"
)

// redacted returns e with Options.Redact applied to everything a step
// may have printed or returned: errors, causes (a failed job's cause
// holds its log's last lines), input and output. Without Redact it
// returns e.
func (w *World) redacted(e sluice.Execution) sluice.Execution {
	r := w.opts.Redact
	if r == nil {
		return e
	}
	e.Error, e.Cause = r(e.Error), r(e.Cause)
	e.Input, e.Output = redactJSON(r, e.Input), redactJSON(r, e.Output)
	e.Steps = slices.Clone(e.Steps)
	for i := range e.Steps {
		s := &e.Steps[i]
		s.Error, s.Cause = r(s.Error), r(s.Cause)
	}
	return e
}

// redactJSON applies r to JSON text; the masks replace whole escaped
// values inside strings, so the text stays JSON.
func redactJSON(r func(string) string, m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return m
	}
	return json.RawMessage(r(string(m)))
}
