package webhook

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Providers a Source may name.
const (
	GitHub  = "github"
	GitLab  = "gitlab"
	Generic = "generic"
)

// Results passed to Options.Observe, one per request.
const (
	ResultAccepted      = "accepted"
	ResultIgnored       = "ignored"
	ResultUnauthorized  = "unauthorized"
	ResultReplayed      = "replayed"
	ResultRateLimited   = "rate_limited"
	ResultTooLarge      = "too_large"
	ResultBadRequest    = "bad_request"
	ResultUnknownSource = "unknown_source"
)

// Defaults of Options.
const (
	DefaultMaxBody        = 1 << 20
	DefaultRate           = rate.Limit(10)
	DefaultBurst          = 20
	DefaultReplayWindow   = time.Hour
	DefaultReplayCapacity = 10_000
	DefaultMaxSenders     = 10_000
)

// Source is one webhook sender the handler accepts: a provider for a
// repository, with the shared secret (GitLab: the token).
type Source struct {
	Repository string
	Provider   string
	Secret     []byte
}

// Event is an authentic push notification. Branch is "" when the payload
// names none: every environment of the repository should wake.
type Event struct {
	Repository string
	Provider   string
	DeliveryID string
	Branch     string
}

// Options configure a Handler. Zero values take the defaults above.
type Options struct {
	Sources []Source
	// MaxBody is the largest body read, in bytes.
	MaxBody int64
	// Rate and Burst shape the token bucket of each authentic sender (a
	// source and the address it sends from), taken only once the
	// signature checked out; rate.Inf disables limiting. MaxSenders
	// bounds the buckets kept (the one unused longest is forgotten).
	Rate       rate.Limit
	Burst      int
	MaxSenders int
	// ReplayWindow is how long a delivery's id and body digest are
	// remembered, and ReplayCapacity how many deliveries at most (the
	// oldest are forgotten first).
	ReplayWindow   time.Duration
	ReplayCapacity int
	// Clock returns the current time; default time.Now.
	Clock func() time.Time
	// Notify is called, synchronously, for each accepted event; it must
	// return quickly (hand the event to a queue). Required.
	Notify func(Event)
	// Observe, when set, is called once per request with the provider
	// ("unknown" for an unknown one) and one of the Result constants.
	Observe func(provider, result string)
	Logger  *slog.Logger
}

// Handler is an http.Handler for POST /webhooks/{provider}/{repository}.
// It is safe for concurrent use.
type Handler struct {
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	replay *replayGuard
	rate   *senders

	mu      sync.Mutex
	sources map[sourceKey]*source
}

type sourceKey struct{ provider, repository string }

// source is a configured Source.
type source struct {
	secret []byte
}

// New returns a Handler for opts. It fails when Notify is missing, a limit
// is negative, or a source is invalid (see SetSources).
func New(opts Options) (*Handler, error) {
	if opts.Notify == nil {
		return nil, errors.New("webhook: Options.Notify is required")
	}
	if opts.MaxBody < 0 || opts.Burst < 0 || opts.Rate < 0 || opts.ReplayWindow < 0 || opts.ReplayCapacity < 0 || opts.MaxSenders < 0 {
		return nil, errors.New("webhook: negative limit in Options")
	}
	opts = withDefaults(opts)
	h := &Handler{
		opts: opts,
		log:  opts.Logger.With("component", "webhook"),
		// Each delivery is remembered twice: by id and by content.
		replay:  newReplayGuard(opts.ReplayWindow, 2*opts.ReplayCapacity),
		rate:    newSenders(opts.Rate, opts.Burst, opts.MaxSenders),
		sources: map[sourceKey]*source{},
	}
	if err := h.SetSources(opts.Sources); err != nil {
		return nil, err
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("/webhooks/{provider}/{repository}", h.serve)
	h.mux.HandleFunc("/", h.notFound)
	return h, nil
}

func withDefaults(o Options) Options {
	o.MaxBody = cmp.Or(o.MaxBody, DefaultMaxBody)
	o.Rate = cmp.Or(o.Rate, DefaultRate)
	o.Burst = cmp.Or(o.Burst, DefaultBurst)
	o.ReplayWindow = cmp.Or(o.ReplayWindow, DefaultReplayWindow)
	o.ReplayCapacity = cmp.Or(o.ReplayCapacity, DefaultReplayCapacity)
	o.MaxSenders = cmp.Or(o.MaxSenders, DefaultMaxSenders)
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Observe == nil {
		o.Observe = func(string, string) {}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// SetSources replaces the accepted sources, as on a configuration reload.
// The replay memory and the senders' rate limits are kept. It fails, changing nothing, when a source names an
// unknown provider, no repository, an empty secret, or repeats another.
func (h *Handler) SetSources(sources []Source) error {
	next := make(map[sourceKey]*source, len(sources))
	for _, s := range sources {
		key := sourceKey{s.Provider, s.Repository}
		if err := checkSource(s, next[key] != nil); err != nil {
			return err
		}
		next[key] = &source{secret: append([]byte(nil), s.Secret...)}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sources = next
	return nil
}

func checkSource(s Source, repeated bool) error {
	_, known := providerFor(s.Provider)
	switch {
	case !known:
		return fmt.Errorf("webhook: unknown provider %q", s.Provider)
	case s.Repository == "":
		return fmt.Errorf("webhook: a %s source names no repository", s.Provider)
	case len(s.Secret) == 0:
		return fmt.Errorf("webhook: the %s source of %s has an empty secret", s.Provider, s.Repository)
	case repeated:
		return fmt.Errorf("webhook: %s source of %s given twice", s.Provider, s.Repository)
	}
	return nil
}

// source returns the configured source, if any.
func (h *Handler) source(provider, repository string) (*source, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.sources[sourceKey{provider, repository}]
	return s, ok
}

// ServeHTTP serves POST /webhooks/{provider}/{repository}.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}
