package awsapi

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
)

// Results a Recorder receives for one attempt.
const (
	ResultOK        = "ok"
	ResultThrottled = "throttled"
	ResultError     = "error"
)

// Recorder receives the outcome of every attempt of every AWS call.
type Recorder interface {
	// Record reports one attempt of operation on service (the SDK's
	// service ID, e.g. "SFN") and its result: ResultOK, ResultThrottled
	// or ResultError.
	Record(service, operation, result string)
	// RecordRetry reports that an attempt was a retry of an earlier one.
	RecordRetry(service, operation string)
}

// Middleware IDs, so other stacks can order themselves around them.
const (
	countID = "sluice.Count"
	limitID = "sluice.RateLimit"
	retryID = "Retry"
)

// Instrument adds call counting (when rec is not nil) and rate limiting
// (when lim is not nil) to every client built from cfg. Both run once per
// attempt, after the SDK's retry middleware. Instrument a config once:
// LoadConfig already has, and a second time makes every call fail on the
// duplicate middleware.
func Instrument(cfg *aws.Config, rec Recorder, lim *Limiter) {
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		if rec != nil {
			if err := addAttemptCounter(stack, rec); err != nil {
				return err
			}
		}
		if lim != nil {
			return insertAfterRetry(stack, limitMiddleware(lim))
		}
		return nil
	})
}

// attemptsKey keys the per-call attempt counter among the stack values.
type attemptsKey struct{}

// addAttemptCounter starts a counter per call in the initialize step and
// records each attempt in the finalize step.
func addAttemptCounter(stack *middleware.Stack, rec Recorder) error {
	start := middleware.InitializeMiddlewareFunc(countID, func(ctx context.Context,
		in middleware.InitializeInput, next middleware.InitializeHandler,
	) (middleware.InitializeOutput, middleware.Metadata, error) {
		ctx = middleware.WithStackValue(ctx, attemptsKey{}, new(atomic.Int32))
		return next.HandleInitialize(ctx, in)
	})
	if err := stack.Initialize.Add(start, middleware.After); err != nil {
		return err
	}
	return insertAfterRetry(stack, countMiddleware(rec))
}

// insertAfterRetry puts m in the finalize step right after the retry
// middleware, so it runs once per attempt; at the end of the step when
// the stack has no retry middleware.
func insertAfterRetry(stack *middleware.Stack, m middleware.FinalizeMiddleware) error {
	if _, ok := stack.Finalize.Get(retryID); ok {
		return stack.Finalize.Insert(m, retryID, middleware.After)
	}
	return stack.Finalize.Add(m, middleware.After)
}

// countMiddleware reports the attempt it wraps to rec.
func countMiddleware(rec Recorder) middleware.FinalizeMiddleware {
	return middleware.FinalizeMiddlewareFunc(countID, func(ctx context.Context,
		in middleware.FinalizeInput, next middleware.FinalizeHandler,
	) (middleware.FinalizeOutput, middleware.Metadata, error) {
		service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
		if n, ok := middleware.GetStackValue(ctx, attemptsKey{}).(*atomic.Int32); ok && n.Add(1) > 1 {
			rec.RecordRetry(service, op)
		}
		out, md, err := next.HandleFinalize(ctx, in)
		rec.Record(service, op, resultOf(err))
		return out, md, err
	})
}

// resultOf classifies an attempt's error.
func resultOf(err error) string {
	switch {
	case err == nil:
		return ResultOK
	case retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary:
		return ResultThrottled
	default:
		return ResultError
	}
}

// limitMiddleware waits for lim's token for the operation before the
// attempt is sent; it fails only when ctx ends first.
func limitMiddleware(lim *Limiter) middleware.FinalizeMiddleware {
	return middleware.FinalizeMiddlewareFunc(limitID, func(ctx context.Context,
		in middleware.FinalizeInput, next middleware.FinalizeHandler,
	) (middleware.FinalizeOutput, middleware.Metadata, error) {
		service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
		if err := lim.Wait(ctx, service, op); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("wait for the %s %s rate limit: %w", service, op, err)
		}
		return next.HandleFinalize(ctx, in)
	})
}
