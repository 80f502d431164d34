package local

import "github.com/sluice-dev/sluice"

// redacted returns e with Options.Redact applied to what its steps
// printed or returned (see sluice.Execution.Redacted).
func (w *World) redacted(e sluice.Execution) sluice.Execution {
	return e.Redacted(w.opts.Redact)
}
