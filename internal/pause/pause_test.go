package pause_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/pause"
)

// TestFor: a context done before or during the wait ends it with the
// context's error; a wait of zero or less does not wait; a short wait
// on a live context passes.
func TestFor(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"done before a long wait", done, time.Hour, context.Canceled},
		{"done, no wait", done, 0, context.Canceled},
		{"live, no wait", context.Background(), -time.Second, nil},
		{"live, a short wait", context.Background(), time.Millisecond, nil},
	}
	for _, c := range cases {
		if err := pause.For(c.ctx, c.d); !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// TestForEndsWithItsContext: a context that ends during a wait ends it.
func TestForEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- pause.For(ctx, time.Hour) }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("a wait whose context ended: %v", err)
	}
}
