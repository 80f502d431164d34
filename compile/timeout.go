package compile

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// Timeouts have one meaning each:
//
//   - timeout (step, pipeline, defaults.timeout) bounds one step, from the
//     submission of its Batch job to its end: it is the Task's
//     TimeoutSeconds, which Step Functions counts from submission, so time
//     spent waiting in the job queue counts. Past it the Task fails with
//     States.Timeout, which Retry and Catch handle. The job definition's
//     attempt duration gets the same value; Batch counts it from the
//     container's start, later than the Task's clock started, so it never
//     fires first: it only stops a container Step Functions failed to stop.
//   - runTimeout (pipeline, defaults.runTimeout) bounds the whole run: it
//     alone is the state machine's TimeoutSeconds, and a run past it ends
//     TIMED_OUT.

// runTimeout returns the pipeline's runTimeout in seconds, 0 for none.
func (p *pipe) runTimeout() int {
	if p.spec.RunTimeout == "" {
		return 0
	}
	secs := p.seconds(p.spec.RunTimeout, 1, p.runTimeoutPos)
	if secs > maxTimeoutSeconds {
		p.failOnce(p.runTimeoutPos(), "limit.timeout",
			"runTimeout %s is longer than a run can last (365 days, Step Functions' limit for a Standard workflow)", p.spec.RunTimeout)
	}
	return secs
}

func (p *pipe) runTimeoutPos() sluice.Position { return p.fieldPos("runTimeout", p.own.RunTimeout) }

// checkTimeouts reports a step timeout longer than the run's, once per
// place it is written, and warns when nothing bounds the pipeline's
// runs at all.
func (p *pipe) checkTimeouts() {
	run := p.runTimeout()
	inherited := false
	bounded := run > 0
	for _, n := range p.g.Steps {
		sc := p.steps[n]
		if sc.timeout > 0 {
			bounded = true
		}
		if run == 0 || sc.timeout <= run || sc.timeout > maxTimeoutSeconds {
			continue
		}
		if n.Step.Timeout != "" {
			p.failAt(p.stepPos(n, "timeout"), "pipeline.timeout",
				"step %q may run for %s, longer than the run may last (runTimeout %s): shorten the step's timeout or lengthen runTimeout",
				n.Name, n.Step.Timeout, p.spec.RunTimeout)
		} else if !inherited {
			inherited = true
			p.failAt(p.fieldPos("timeout", p.own.Timeout), "pipeline.timeout",
				"steps may run for %s each, longer than the run may last (runTimeout %s): shorten timeout or lengthen runTimeout",
				p.spec.Timeout, p.spec.RunTimeout)
		}
	}
	if !bounded {
		p.warnAt(p.loc.at(), "pipeline.no-timeout",
			"pipeline %q sets no timeout: a stuck step holds its instance and a run may last a year; set timeout (per step) and runTimeout (per run) here or in the defaults of %s",
			p.name, dsl.ProjectFile)
	}
}

// warnAt records a finding that does not keep the pipeline from being
// deployed.
func (p *pipe) warnAt(pos sluice.Position, code, format string, args ...any) {
	diag := sluice.Errorf(pos, code, format, args...)
	diag.Severity = sluice.SeverityWarning
	diag.Document, diag.Env = p.doc.ID(), p.c.in.Env
	p.c.diags = append(p.c.diags, diag)
}
