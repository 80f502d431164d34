package awsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultMaxAttempts is how many times the SDK's standard retryer tries
// one call (the first attempt included) before giving up.
const DefaultMaxAttempts = 8

// Target says which AWS account and region a config talks to.
type Target struct {
	// Region is the AWS region; "" leaves it to the standard chain
	// (AWS_REGION, the shared config file).
	Region string
	// RoleARN, when set, is assumed through STS with the credentials the
	// standard chain finds.
	RoleARN string
	// ExternalID is passed when assuming RoleARN, for roles whose trust
	// policy requires one.
	ExternalID string
	// Endpoint, when set, replaces every service's endpoint (an emulator,
	// a VPC endpoint). AWS_ENDPOINT_URL is honoured by the SDK as well.
	Endpoint string
}

// Option adjusts what LoadConfig builds.
type Option func(*options)

type options struct {
	recorder    Recorder
	limiter     *Limiter
	maxAttempts int
	backoff     retry.BackoffDelayer
	load        []func(*config.LoadOptions) error
}

// WithRecorder reports every call attempt to r.
func WithRecorder(r Recorder) Option { return func(o *options) { o.recorder = r } }

// WithLimiter spaces calls with l instead of a NewLimiter(nil).
func WithLimiter(l *Limiter) Option { return func(o *options) { o.limiter = l } }

// WithMaxAttempts sets the retryer's attempts per call (DefaultMaxAttempts
// when not set or not positive).
func WithMaxAttempts(n int) Option { return func(o *options) { o.maxAttempts = n } }

// WithBackoff replaces the standard retryer's jittered exponential
// backoff (tests use a short one).
func WithBackoff(b retry.BackoffDelayer) Option { return func(o *options) { o.backoff = b } }

// WithLoadOptions passes extra options to config.LoadDefaultConfig
// (static credentials in tests, a shared config profile).
func WithLoadOptions(fns ...func(*config.LoadOptions) error) Option {
	return func(o *options) { o.load = append(o.load, fns...) }
}

// LoadConfig builds the aws.Config for t: the standard credential chain
// and region, the role t.RoleARN assumed when set, t.Endpoint when set,
// the standard retryer, call counting and per-operation rate limiting.
// It fails when the shared configuration cannot be loaded.
func LoadConfig(ctx context.Context, t Target, opts ...Option) (aws.Config, error) {
	o := options{maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxAttempts <= 0 {
		o.maxAttempts = DefaultMaxAttempts
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOptions(t, o)...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	if t.RoleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), t.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			if t.ExternalID != "" {
				o.ExternalID = aws.String(t.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	if o.limiter == nil {
		o.limiter = NewLimiter(nil)
	}
	Instrument(&cfg, o.recorder, o.limiter)
	return cfg, nil
}

// loadOptions turns t and o into config.LoadDefaultConfig options.
func loadOptions(t Target, o options) []func(*config.LoadOptions) error {
	fns := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return standardRetryer(o) }),
	}
	if t.Region != "" {
		fns = append(fns, config.WithRegion(t.Region))
	}
	if t.Endpoint != "" {
		fns = append(fns, config.WithBaseEndpoint(t.Endpoint))
	}
	return append(fns, o.load...)
}

// standardRetryer is the SDK's standard retryer with o's attempts and
// backoff.
func standardRetryer(o options) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = o.maxAttempts
		if o.backoff != nil {
			so.Backoff = o.backoff
		}
	})
}
