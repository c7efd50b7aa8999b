package polly

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"

	"ecouter/synth"
)

// LoadConfig loads the SDK's standard configuration: region, the
// credentials chain (environment, shared config and profile, SSO, IAM role)
// and endpoint overrides such as AWS_ENDPOINT_URL_POLLY. A missing region is
// an error here rather than on the first request. Retries are not tuned
// here but by New, so that they apply however the caller built its config.
func LoadConfig(ctx context.Context, optFns ...func(*config.LoadOptions) error) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx, optFns...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("polly: load AWS configuration: %w: %w", synth.ErrUnavailable, err)
	}
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("polly: no AWS region: set AWS_REGION or a region in the profile: %w",
			synth.ErrUnavailable)
	}
	return cfg, nil
}

// NewRetryer is the retryer New gives the Polly client: the SDK's standard
// mode (exponential back-off with full jitter, 1 s base for throttling
// errors, capped at 20 s) retrying ThrottlingException, 429, 5xx and
// connection errors up to maxAttempts attempts, and nothing else: Polly's
// modelled 4xx errors (InvalidSsmlException, TextLengthExceededException...)
// fail at once.
//
// Adaptive mode is not used: its client-side bucket would sleep inside the
// SDK, holding one of our in-flight slots, and second-guess the fixed
// per-second limit the Engine already applies. The standard retry quota is
// turned off for the same reason: it exists to stop retry storms, which the
// Engine's limiter already makes impossible, and once drained by a long
// throttled batch it fails requests without even trying them.
func NewRetryer(maxAttempts int) aws.Retryer {
	return retry.NewStandard(standard(maxAttempts))
}

// NewAdaptiveRetryer is NewRetryer in the SDK's adaptive mode, for a node
// of several sharing one account: the fixed per-second limit is only this
// node's share, and the others' requests may make Polly throttle this one,
// which the adaptive bucket answers by slowing down.
func NewAdaptiveRetryer(maxAttempts int) aws.Retryer {
	return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, standard(maxAttempts))
	})
}

func standard(maxAttempts int) func(*retry.StandardOptions) {
	return func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = 20 * time.Second
		o.RateLimiter = ratelimit.None
	}
}

// limitAttempts makes every attempt, retries included, wait for lim. It
// sits right after the SDK's retry middleware, which calls it once per
// attempt, and before signing, so a long wait never makes a stale signature.
func limitAttempts(lim *rate.Limiter) func(*middleware.Stack) error {
	wait := middleware.FinalizeMiddlewareFunc("ecouterRateLimit",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
			middleware.FinalizeOutput, middleware.Metadata, error,
		) {
			if err := lim.Wait(ctx); err != nil {
				if ctx.Err() == nil {
					// The limiter refuses a wait that would outlast the deadline.
					err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
				} else {
					err = ctx.Err()
				}
				return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("wait for the rate limiter: %w", err)
			}
			return next.HandleFinalize(ctx, in)
		})
	return func(stack *middleware.Stack) error {
		if err := stack.Finalize.Insert(wait, "Retry", middleware.After); err != nil {
			return errors.Join(errors.New("polly: install rate limiter"), err)
		}
		return nil
	}
}
