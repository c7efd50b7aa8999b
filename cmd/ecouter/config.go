package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"ecouter/api"
	"ecouter/article"
	"ecouter/audio"
	"ecouter/feed"
	"ecouter/render"
	"ecouter/script"
)

// Config is ecouter's whole configuration, read from ECOUTER_* variables
// (flags may override some), validated once at start. What each field
// means, its variable, default and range: the table in settings.go.
type Config struct {
	Addr, Articles, Synth, Voice, Store string
	S3PathStyle                         bool
	APIKey, PublicURL, SiteName         string
	ArticleTTL                          time.Duration

	Lexicon                   string
	SkipElements, SkipClasses []string

	Bitrate, SampleRate int
	VBR                 bool

	Pauses render.Pauses

	EspeakSpeed, EspeakPitch, EspeakSentence int
	Workers, Encoders, MaxRenders, MaxChars  int
	SegmentReuse                             bool

	KeepPrevious, GCInterval time.Duration
	KeepRetracted            bool
	SentenceCacheMax         int64

	Polly PollyConfig
	Feed  feed.Config
	NATS  NATSConfig

	AllowedOrigins []string

	RenderOnListen                              bool
	ListenRendersPerMinute, ListenRendersGlobal int
	ListenNetsPer48, MaxBilledCharsPerDay       int
	TrustedProxies                              []*net.IPNet
	NotFoundTTL                                 time.Duration

	LogLevel  slog.Level
	LogFormat string
}

// PollyConfig holds the Amazon Polly settings; region, credentials and
// endpoint come from the AWS SDK's standard configuration (AWS_REGION,
// AWS_PROFILE, AWS_ENDPOINT_URL_POLLY...).
type PollyConfig struct {
	Engine      string
	Language    string
	SampleRate  int
	Lexicons    []string
	MaxInFlight int
	PerSecond   float64
}

// LoadConfig reads the configuration from the environment: every setting
// of the table (settings), then the checks that span several. Every
// mistake is listed, so a user fixes them all in one go.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{Pauses: render.DefaultPauses()} // the lead and tail have no setting
	table := c.settings()
	var errs []error
	for _, s := range table {
		s.reset()
		raw, err := s.read(getenv)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if raw == "" {
			continue
		}
		if err := s.parse(raw); err != nil {
			errs = append(errs, s.fault(raw, err))
		}
	}
	for _, s := range table {
		for _, fn := range s.settle {
			fn()
		}
	}
	for _, s := range table {
		if s.check != nil {
			if err := s.check(); err != nil {
				errs = append(errs, s.fault(strings.TrimSpace(getenv(s.env)), err))
			}
		}
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// read is the setting's value in the environment, or in the file named
// by env_FILE for a setting that allows it; "" when unset.
func (s setting) read(getenv func(string) string) (string, error) {
	if v := strings.TrimSpace(getenv(s.env)); v != "" || !s.file {
		return v, nil
	}
	p := getenv(s.env + "_FILE")
	if p == "" {
		return "", nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: cannot read %s: %w", s.env, p, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// fault names the setting in err, and its value unless it is a secret.
func (s setting) fault(raw string, err error) error {
	if s.file {
		return fmt.Errorf("%s: %w", s.env, err)
	}
	return fmt.Errorf("%s=%q: %w", s.env, raw, err)
}

// Validate checks the values that depend on each other; each package
// checks its own options, and the message names the settings.
func (c Config) Validate() error {
	var errs []error
	if err := c.encodeOptions().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("ECOUTER_MP3_BITRATE, ECOUTER_MP3_RATE (%d kbps, %d Hz): %w", c.Bitrate, c.SampleRate, err))
	}
	switch c.Synth {
	case "espeak":
		if err := c.espeakOptions().Validate(); err != nil {
			errs = append(errs, fmt.Errorf("ECOUTER_ESPEAK_SPEED, _PITCH, _MAX_SENTENCE: %w", err))
		}
	case "polly":
		if err := c.pollyOptions().Validate(); err != nil {
			errs = append(errs, fmt.Errorf("ECOUTER_POLLY_*: %w", err))
		}
	default:
		errs = append(errs, fmt.Errorf("ECOUTER_SYNTH=%q: want espeak or polly", c.Synth))
	}
	if err := c.Feed.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// LogValue prints every setting of the table at start, secrets hidden,
// grouped as their keys say (nats.lease); the espeak and polly groups only
// for the backend in use.
func (c Config) LogValue() slog.Value {
	var attrs []slog.Attr
	groups := map[string]int{} // group -> its index in attrs
	for _, s := range c.settings() {
		group, key, ok := strings.Cut(s.log, ".")
		if !ok {
			attrs = append(attrs, slog.Any(s.log, s.value()))
			continue
		}
		if (group == "espeak" || group == "polly") && group != c.Synth {
			continue
		}
		i, seen := groups[group]
		if !seen {
			i = len(attrs)
			groups[group] = i
			attrs = append(attrs, slog.Attr{Key: group, Value: slog.GroupValue()})
		}
		attrs[i].Value = slog.GroupValue(append(attrs[i].Value.Group(), slog.Any(key, s.value()))...)
	}
	return slog.GroupValue(attrs...)
}

func (c Config) encodeOptions() audio.EncodeOptions {
	return audio.EncodeOptions{Bitrate: c.Bitrate, SampleRate: c.SampleRate, VBR: c.VBR}
}

// lexicon reads the pronunciation lexicon, if one is configured.
func (c Config) lexicon() (*script.Lexicon, error) {
	if c.Lexicon == "" {
		return nil, nil
	}
	f, err := os.Open(c.Lexicon)
	if err != nil {
		return nil, fmt.Errorf("ECOUTER_LEXICON: %w", err)
	}
	defer f.Close()
	lex, err := script.ParseLexicon(f)
	if err != nil {
		return nil, fmt.Errorf("ECOUTER_LEXICON=%s: %w", c.Lexicon, err)
	}
	return lex, nil
}

// renderConfig turns the configuration into the pipeline's settings.
func (c Config) renderConfig() render.Config {
	rc := render.DefaultConfig()
	rc.Pauses = c.Pauses
	rc.Encode = c.encodeOptions()
	rc.Rules = article.DefaultRules().With(c.SkipElements, c.SkipClasses)
	rc.SiteName = c.SiteName
	rc.ArticleTTL = c.ArticleTTL
	if c.MaxRenders > 0 { // 0: the default, already there
		rc.MaxRenders = c.MaxRenders
	}
	rc.MaxChars = c.MaxChars
	rc.Encoders = c.Encoders
	rc.FullReencode = !c.SegmentReuse
	rc.KeepPrevious = c.KeepPrevious
	rc.KeepRetracted = c.KeepRetracted
	rc.SentenceCacheMax = c.SentenceCacheMax
	switch {
	case c.Workers > 0:
		rc.Parallel = c.Workers
	case c.Synth == "polly":
		// Network-bound: as many sentences as Polly takes at once.
		rc.Parallel = c.Polly.MaxInFlight
	}
	return rc
}

// apiConfig is what the HTTP layer needs.
func (c Config) apiConfig(a *app) api.Config {
	lister, _ := a.source.(article.Lister)
	return api.Config{
		APIKey: c.APIKey, PublicURL: c.PublicURL, AllowedOrigins: c.AllowedOrigins,
		Feed:                         api.FeedConfig{Config: c.Feed, Lister: lister},
		NoListenRenders:              !c.RenderOnListen,
		ListenRendersPerMinute:       c.ListenRendersPerMinute,
		ListenRendersGlobalPerMinute: c.ListenRendersGlobal,
		NetsPer48:                    netsPer48(c.ListenNetsPer48),
		TrustedProxies:               c.TrustedProxies,
		Unknown:                      a.unknown,
		Stored:                       a.renders.Archive(),  // manifests, audio, listing, withdrawals
		Narration:                    a.renders.Narrator(), // articles, scripts, content keys
		Ready:                        a.ready,
		Budget:                       a.budget(),
	}
}

// netsPer48 is ECOUTER_LISTEN_IPV6_NETS_PER_48 as api.Config takes it:
// the setting's 0 (every /64 keeps its own budget) is api's "never share".
func netsPer48(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
