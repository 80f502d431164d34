// Package pause waits a while unless a context ends first: the default
// of the waits Sluice injects where tests count them instead of
// sleeping (the ASL interpreter's Wait states and retries, a CLI
// follower of a log). Standard library only.
package pause

import (
	"context"
	"time"
)

// For waits d, or until ctx is done, whichever comes first. It returns
// nil once d has passed, ctx.Err() when ctx was done first; a d of zero
// or less does not wait and returns ctx.Err().
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
