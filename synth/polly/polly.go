// Package polly is ecouter's Amazon Polly backend: one SynthesizeSpeech
// request per sentence, SSML in, MP3 out, decoded to PCM. It checks the
// voice and engine against DescribeVoices at start, shares one in-flight cap
// and one per-second limit among all callers, lets the SDK retry throttling
// and counts the characters Polly bills.
//
// Sub-package pollytest is a local server speaking Polly's protocol, for
// tests here and elsewhere.
package polly

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	"golang.org/x/time/rate"

	"ecouter/synth"
)

// api is the part of the Polly client the Engine uses.
type api interface {
	SynthesizeSpeech(ctx context.Context, in *polly.SynthesizeSpeechInput, optFns ...func(*polly.Options)) (*polly.SynthesizeSpeechOutput, error)
	DescribeVoices(ctx context.Context, in *polly.DescribeVoicesInput, optFns ...func(*polly.Options)) (*polly.DescribeVoicesOutput, error)
}

// Engine speaks French with Amazon Polly. It is safe for concurrent use:
// one Engine per process, so that its limits hold for all renders.
type Engine struct {
	opt    Options
	client api
	slots  chan struct{} // one token per request in flight

	characters atomic.Int64 // billed, over the Engine's life
	requests   atomic.Int64 // successful SynthesizeSpeech requests
}

var _ synth.Synthesizer = (*Engine)(nil)

// startAttempts bounds DescribeVoices at start: a wrong endpoint or a
// network outage should fail start-up in seconds, not after 8 back-offs.
const startAttempts = 3

// New checks opt, builds a Polly client from cfg (see LoadConfig) and asks
// DescribeVoices whether the voice exists and supports the engine, so that
// a configuration mistake stops the process at start rather than failing
// the first article. Authentication and network failures wrap
// synth.ErrUnavailable; the messages never carry credentials.
func New(ctx context.Context, opt Options, cfg aws.Config) (*Engine, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	lim := rate.NewLimiter(rate.Limit(opt.PerSecond), 1)
	client := polly.NewFromConfig(cfg, func(o *polly.Options) {
		o.Retryer = NewRetryer(opt.MaxAttempts)
		if opt.Adaptive {
			o.Retryer = NewAdaptiveRetryer(opt.MaxAttempts)
		}
		o.RetryMaxAttempts = 0 // Options.MaxAttempts wins over AWS_MAX_ATTEMPTS
		// Cloned: the slice may be shared with every client built from cfg.
		o.APIOptions = append(slices.Clone(o.APIOptions), limitAttempts(lim))
	})
	e := &Engine{opt: opt, client: client, slots: make(chan struct{}, opt.MaxInFlight)}
	if err := e.checkVoice(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// Name is "polly".
func (e *Engine) Name() string { return "polly" }

// Fingerprint names every setting that changes the audio, e.g.
// "polly|voice=Lea|engine=neural|lang=fr-FR|rate=24000|lexicons=a,b".
// Lexicons are named, not versioned: after PutLexicon changes one, change
// its name too or clear the sentence cache.
func (e *Engine) Fingerprint() string {
	return fmt.Sprintf("polly|voice=%s|engine=%s|lang=%s|rate=%d|lexicons=%s",
		e.opt.Voice, e.opt.Engine, e.opt.LanguageCode, e.opt.SampleRate, strings.Join(e.opt.Lexicons, ","))
}

// Voice is the voice ID in use, as Polly spells it ("Lea" for "léa").
func (e *Engine) Voice() string { return e.opt.Voice }

// Characters is the total Polly billed through this Engine, for metrics.
func (e *Engine) Characters() int64 { return e.characters.Load() }

// Requests is the number of successful SynthesizeSpeech requests, for metrics.
func (e *Engine) Requests() int64 { return e.requests.Load() }

// Ping checks that Polly answers with these credentials (DescribeVoices,
// which bills nothing), for a readiness check. Failures are classified as
// Synthesize's are.
func (e *Engine) Ping(ctx context.Context) error {
	if _, err := describeVoices(ctx, e.client, e.opt.LanguageCode, func(o *polly.Options) { o.RetryMaxAttempts = 1 }); err != nil {
		return fmt.Errorf("polly: %w", err)
	}
	return nil
}
