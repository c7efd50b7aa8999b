package polly

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Defaults for the zero Options. MaxInFlight and PerSecond sit within
// Polly's default quotas for the neural engine (8 transactions per second,
// 18 concurrent requests per account and region): every render in the
// process shares them, so ecouter never provokes throttling by itself.
const (
	DefaultVoice        = "Lea"
	DefaultEngine       = "neural"
	DefaultLanguageCode = "fr-FR"
	DefaultSampleRate   = 24000
	DefaultMaxInFlight  = 18
	DefaultPerSecond    = 8
	DefaultMaxAttempts  = 8
)

// MaxLexicons is how many lexicons Polly applies to one request.
const MaxLexicons = 5

// engines are the values Polly accepts for Engine, in the order voices list them.
var engines = []string{"standard", "neural", "long-form", "generative"}

// sampleRates are the rates Polly accepts for MP3 output.
var sampleRates = []int{8000, 16000, 22050, 24000, 44100, 48000}

// lexiconName is Polly's constraint on lexicon names.
var lexiconName = regexp.MustCompile(`^[0-9A-Za-z]{1,20}$`)

// Options configures an Engine. The zero value of every field means its
// default, so Options{} speaks with the neural Léa at 24 kHz.
type Options struct {
	// Voice is a Polly voice ID or name ("Lea", "Léa", "Remi"); matched
	// case-insensitively against DescribeVoices. Default "Lea".
	Voice string
	// Engine is "neural" (default), "standard", "generative" or "long-form".
	Engine string
	// LanguageCode is sent with every request; it matters for bilingual
	// voices. Default "fr-FR".
	LanguageCode string
	// SampleRate of the MP3 Polly returns: 8000, 16000, 22050, 24000, 44100
	// or 48000. Default 24000, the neural engine's native rate.
	SampleRate int
	// Lexicons are names of pronunciation lexicons stored in the account
	// and region, applied in order; at most MaxLexicons.
	Lexicons []string
	// MaxInFlight caps concurrent requests across all callers. Default 18.
	MaxInFlight int
	// PerSecond caps request attempts (retries included) per second across
	// all callers. Default 8.
	PerSecond float64
	// MaxAttempts bounds the SDK's attempts per request, the first one
	// included. Default 8.
	MaxAttempts int
	// Adaptive turns on the SDK's adaptive retry mode: when several
	// nodes share the account's quota, PerSecond is only this node's
	// share and throttling answers slow the node down further.
	Adaptive bool
}

// Validate checks the options as New would, zero fields taking their
// defaults (the voice is checked against Polly only by New).
func (o Options) Validate() error {
	_, err := o.withDefaults()
	return err
}

// withDefaults returns o with zero fields filled in and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Voice == "" {
		o.Voice = DefaultVoice
	}
	if o.Engine == "" {
		o.Engine = DefaultEngine
	}
	if o.LanguageCode == "" {
		o.LanguageCode = DefaultLanguageCode
	}
	if o.SampleRate == 0 {
		o.SampleRate = DefaultSampleRate
	}
	if o.MaxInFlight == 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.PerSecond == 0 {
		o.PerSecond = DefaultPerSecond
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	o.Engine = strings.ToLower(o.Engine)
	o.Lexicons = slices.Clone(o.Lexicons)
	switch {
	case !slices.Contains(engines, o.Engine):
		return o, fmt.Errorf("polly: unknown engine %q, want one of %s", o.Engine, strings.Join(engines, ", "))
	case !slices.Contains(sampleRates, o.SampleRate):
		return o, fmt.Errorf("polly: sample rate %d Hz not available for MP3, want one of %v", o.SampleRate, sampleRates)
	case len(o.Lexicons) > MaxLexicons:
		return o, fmt.Errorf("polly: %d lexicons, Polly applies at most %d", len(o.Lexicons), MaxLexicons)
	case o.MaxInFlight < 1:
		return o, fmt.Errorf("polly: max in flight %d, want at least 1", o.MaxInFlight)
	case o.PerSecond <= 0:
		return o, fmt.Errorf("polly: %g requests per second, want more than 0", o.PerSecond)
	case o.MaxAttempts < 1:
		return o, fmt.Errorf("polly: max attempts %d, want at least 1", o.MaxAttempts)
	}
	for _, name := range o.Lexicons {
		if !lexiconName.MatchString(name) {
			return o, fmt.Errorf("polly: invalid lexicon name %q: 1 to 20 letters or digits", name)
		}
	}
	return o, nil
}
