package sluice

import "context"

// LogPage is one part of a step attempt's log, as a LogReader reads it.
type LogPage struct {
	// Text is the part's lines, each ending in a newline.
	Text []byte `json:"text"`
	// Next is the token that reads on from the end of this part.
	Next string `json:"next"`
	// End reports that the log held nothing more when it was read; while
	// the attempt runs, more may come later from Next.
	End bool `json:"end"`
}

// LogReader reads step attempts' logs where a backend keeps them (a
// local file, a CloudWatch Logs stream), a part at a time.
type LogReader interface {
	// ReadLog returns the part of the log at location that follows
	// token; the empty token reads from the beginning. It fails with
	// KindNotFound when there is no such log (yet: a Batch job's stream
	// is created when its container starts).
	ReadLog(ctx context.Context, location, token string) (LogPage, error)
}
