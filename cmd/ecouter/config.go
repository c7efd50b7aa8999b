package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"ecouter/api"
	"ecouter/article"
	"ecouter/audio"
	"ecouter/feed"
	"ecouter/render"
	"ecouter/script"
	"ecouter/synth/espeak"
	"ecouter/synth/polly"
)

// Config is ecouter's whole configuration, read from ECOUTER_* variables
// (flags may override some), validated once at start.
type Config struct {
	Addr        string
	Articles    string // dir:PATH, wordpress:URL, http:TEMPLATE; empty: the samples
	Synth       string
	Voice       string
	Store       string
	S3PathStyle bool
	APIKey      string
	PublicURL   string
	ArticleTTL  time.Duration
	SiteName    string

	Lexicon      string // path of the pronunciation lexicon
	SkipElements []string
	SkipClasses  []string

	Bitrate    int
	SampleRate int
	VBR        bool

	Pauses render.Pauses

	EspeakSpeed    int
	EspeakPitch    int
	EspeakSentence int  // longest piece of a sentence one espeak-ng process reads
	Workers        int  // sentences synthesised at once; 0: the backend's default
	Encoders       int  // MP3 segments encoded at once per render
	SegmentReuse   bool // a render takes the frames of unchanged runs of sentences from the previous one
	MaxRenders     int  // renders at once
	MaxChars       int  // spoken characters of the longest article rendered

	KeepPrevious     time.Duration // superseded MP3s kept this long after their replacement
	KeepRetracted    bool          // audio of articles the source stops showing is kept, not withdrawn
	SentenceCacheMax int64         // bytes; 0: no cap
	GCInterval       time.Duration // how often the store is collected

	Polly PollyConfig
	Feed  feed.Config
	NATS  NATSConfig

	AllowedOrigins []string

	RenderOnListen         bool          // a listener may start an article's first render
	ListenRendersPerMinute int           // per client; 0: no limit
	ListenRendersGlobal    int           // per minute over all clients, per node; 0: no cap
	ListenNetsPer48        int           // IPv6 /64s of a /48 with budgets of their own; 0: every /64
	TrustedProxies         []*net.IPNet  // whose X-Forwarded-For names the client
	NotFoundTTL            time.Duration // how long an unknown article is remembered
	MaxBilledCharsPerDay   int           // paid engines' daily cap; 0: none

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

// loader reads typed values and collects every mistake, so a user fixes
// them all in one go.
type loader struct {
	getenv func(string) string
	errs   []error
}

func (l *loader) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

// secret reads NAME, or the file named by NAME_FILE (for Docker secrets).
func (l *loader) secret(name string) string {
	if v := l.getenv(name); v != "" {
		return strings.TrimSpace(v)
	}
	if p := l.getenv(name + "_FILE"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			l.errs = append(l.errs, fmt.Errorf("%s_FILE: cannot read %s: %w", name, p, err))
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return ""
}

func (l *loader) int(name string, def, lo, hi int) int {
	v := l.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		l.errs = append(l.errs, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, v, lo, hi))
		return def
	}
	return n
}

func (l *loader) duration(name string, def, lo, hi time.Duration) time.Duration {
	v := l.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < lo || d > hi {
		l.errs = append(l.errs, fmt.Errorf("%s=%q: want a duration from %v to %v, such as 750ms or 5m", name, v, lo, hi))
		return def
	}
	return d
}

func (l *loader) float(name string, def, lo, hi float64) float64 {
	v := l.getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < lo || f > hi {
		l.errs = append(l.errs, fmt.Errorf("%s=%q: want a number from %v to %v", name, v, lo, hi))
		return def
	}
	return f
}

// size reads a size in bytes: 2GB, 500MB, 64KB (powers of 1000), or a
// plain number of bytes.
func (l *loader) size(name string, def int64) int64 {
	v := strings.ToUpper(strings.TrimSpace(l.getenv(name)))
	if v == "" {
		return def
	}
	mult := 1.0
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f*mult > 1e15 {
		l.errs = append(l.errs, fmt.Errorf("%s=%q: want a size such as 2GB, 500MB or 0 (no cap)", name, l.getenv(name)))
		return def
	}
	return int64(f * mult)
}

func (l *loader) bool(name string) bool {
	switch strings.ToLower(strings.TrimSpace(l.getenv(name))) {
	case "", "0", "false", "no", "off":
		return false
	case "1", "true", "yes", "on":
		return true
	default:
		l.errs = append(l.errs, fmt.Errorf("%s=%q: want true or false", name, l.getenv(name)))
		return false
	}
}

// boolDefault is bool with a default for an unset variable.
func (l *loader) boolDefault(name string, def bool) bool {
	if strings.TrimSpace(l.getenv(name)) == "" {
		return def
	}
	return l.bool(name)
}

// cidrs reads a list of CIDRs; a bare address is a network of one.
func (l *loader) cidrs(name string) []*net.IPNet {
	var out []*net.IPNet
	for _, f := range l.list(name) {
		if ip := net.ParseIP(f); ip != nil {
			bits := 8 * len(ip.To16())
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			l.errs = append(l.errs, fmt.Errorf("%s: %q is not a CIDR such as 10.0.0.0/8 or an address", name, f))
			continue
		}
		out = append(out, n)
	}
	return out
}

func (l *loader) list(name string) []string {
	var out []string
	for _, f := range strings.Split(l.getenv(name), ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func (l *loader) feed() feed.Config {
	return feed.Config{
		Title:       l.str("ECOUTER_FEED_TITLE", l.str("ECOUTER_SITE_NAME", feed.DefaultTitle)),
		Description: l.str("ECOUTER_FEED_DESCRIPTION", ""),
		Author:      l.str("ECOUTER_FEED_AUTHOR", ""),
		Email:       l.str("ECOUTER_FEED_EMAIL", ""),
		Image:       l.str("ECOUTER_FEED_IMAGE", ""),
		Category:    l.str("ECOUTER_FEED_CATEGORY", feed.DefaultCategory),
		Link:        l.str("ECOUTER_FEED_LINK", ""),
		Language:    l.str("ECOUTER_FEED_LANGUAGE", feed.DefaultLanguage),
		Explicit:    l.bool("ECOUTER_FEED_EXPLICIT"),
		Limit:       l.int("ECOUTER_FEED_LIMIT", feed.DefaultLimit, 1, feed.MaxLimit),
	}
}

func (l *loader) polly() PollyConfig {
	return PollyConfig{
		Engine:      l.str("ECOUTER_POLLY_ENGINE", polly.DefaultEngine),
		Language:    l.str("ECOUTER_POLLY_LANGUAGE", polly.DefaultLanguageCode),
		SampleRate:  l.int("ECOUTER_POLLY_SAMPLE_RATE", polly.DefaultSampleRate, 1, 1000000),
		Lexicons:    l.list("ECOUTER_POLLY_LEXICONS"),
		MaxInFlight: l.int("ECOUTER_POLLY_MAX_IN_FLIGHT", polly.DefaultMaxInFlight, 1, 100),
		PerSecond:   l.float("ECOUTER_POLLY_PER_SECOND", polly.DefaultPerSecond, 0.1, 100),
	}
}

// LoadConfig reads the configuration from the environment.
func LoadConfig(getenv func(string) string) (Config, error) {
	l := &loader{getenv: getenv}
	p := render.DefaultPauses()
	c := Config{
		Addr:         l.str("ECOUTER_ADDR", ":8080"),
		Articles:     l.str("ECOUTER_ARTICLES", ""),
		Synth:        l.str("ECOUTER_SYNTH", "espeak"),
		Voice:        l.str("ECOUTER_VOICE", ""),
		Store:        l.str("ECOUTER_STORE", "./data"),
		S3PathStyle:  l.bool("ECOUTER_S3_PATH_STYLE"),
		APIKey:       l.secret("ECOUTER_API_KEY"),
		PublicURL:    l.str("ECOUTER_PUBLIC_URL", ""),
		ArticleTTL:   l.duration("ECOUTER_ARTICLE_TTL", render.DefaultArticleTTL, 0, 30*24*time.Hour),
		SiteName:     l.str("ECOUTER_SITE_NAME", render.DefaultSiteName),
		Lexicon:      l.str("ECOUTER_LEXICON", ""),
		SkipElements: l.list("ECOUTER_SKIP_ELEMENTS"),
		SkipClasses:  l.list("ECOUTER_SKIP_CLASSES"),
		// Ranges are the parser's sanity bounds; the audio, espeak and polly
		// packages check their own options (Validate).
		Bitrate:    l.int("ECOUTER_MP3_BITRATE", audio.DefaultBitrate, 1, 100000),
		SampleRate: l.int("ECOUTER_MP3_RATE", audio.DefaultSampleRate, 1, 1000000),
		VBR:        l.bool("ECOUTER_MP3_VBR"),
		Pauses: render.Pauses{
			Lead:      p.Lead,
			Sentence:  l.duration("ECOUTER_PAUSE_SENTENCE", p.Sentence, 0, 10*time.Second),
			Paragraph: l.duration("ECOUTER_PAUSE_PARAGRAPH", p.Paragraph, 0, 10*time.Second),
			Heading:   l.duration("ECOUTER_PAUSE_HEADING", p.Heading, 0, 10*time.Second),
			Title:     l.duration("ECOUTER_PAUSE_TITLE", p.Title, 0, 10*time.Second),
			Tail:      p.Tail,
		},
		EspeakSpeed:    l.int("ECOUTER_ESPEAK_SPEED", espeak.DefaultSpeed, 1, 100000),
		EspeakPitch:    l.int("ECOUTER_ESPEAK_PITCH", espeak.DefaultPitch, 1, 100000),
		EspeakSentence: l.int("ECOUTER_ESPEAK_MAX_SENTENCE", espeak.DefaultSentenceLimit, 1, 1_000_000),
		Workers:        l.int("ECOUTER_WORKERS", 0, 0, 256),
		Encoders:       l.int("ECOUTER_ENCODERS", runtime.NumCPU(), 1, 256),
		SegmentReuse:   l.boolDefault("ECOUTER_SEGMENT_REUSE", true),
		// 0 is accepted for compatibility and means the default, as it does
		// in render.Config.
		MaxRenders: l.int("ECOUTER_MAX_RENDERS", render.DefaultMaxRenders(), 0, 1000),
		MaxChars:   l.int("ECOUTER_MAX_CHARS", render.DefaultMaxChars, 1, 100_000_000),

		KeepPrevious:     l.duration("ECOUTER_KEEP_PREVIOUS", render.DefaultKeepPrevious, 0, 30*24*time.Hour),
		KeepRetracted:    l.bool("ECOUTER_KEEP_RETRACTED"),
		SentenceCacheMax: l.size("ECOUTER_SENTENCE_CACHE_MAX", render.DefaultSentenceCacheMax),
		GCInterval:       l.duration("ECOUTER_GC_INTERVAL", render.DefaultGCInterval, time.Second, 30*24*time.Hour),
		AllowedOrigins:   l.list("ECOUTER_ALLOWED_ORIGINS"),

		RenderOnListen:         l.boolDefault("ECOUTER_RENDER_ON_LISTEN", true),
		ListenRendersPerMinute: l.int("ECOUTER_LISTEN_RENDERS_PER_MINUTE", 10, 0, 1_000_000),
		ListenRendersGlobal:    l.int("ECOUTER_LISTEN_RENDERS_GLOBAL_PER_MINUTE", 60, 0, 1_000_000),
		ListenNetsPer48:        l.int("ECOUTER_LISTEN_IPV6_NETS_PER_48", api.DefaultNetsPer48, 0, 65536),
		TrustedProxies:         l.cidrs("ECOUTER_TRUSTED_PROXIES"),
		NotFoundTTL:            l.duration("ECOUTER_NOT_FOUND_TTL", time.Minute, 0, 24*time.Hour),
		MaxBilledCharsPerDay:   l.int("ECOUTER_MAX_BILLED_CHARS_PER_DAY", 0, 0, 1<<50),

		Feed:      l.feed(),
		Polly:     l.polly(),
		LogFormat: l.str("ECOUTER_LOG_FORMAT", "text"),
	}
	c.NATS = l.nats(c.Store)
	if c.MaxRenders == 0 {
		// Every user of the setting (the local scheduler, the cluster's
		// slots, its queue's workers) gets the number, not a 0 each would
		// read its own way (the cluster's as one slot).
		c.MaxRenders = render.DefaultMaxRenders()
	}
	if c.Voice == "" {
		c.Voice = map[string]string{"espeak": espeak.DefaultVoice, "polly": polly.DefaultVoice}[c.Synth]
	}
	if err := c.LogLevel.UnmarshalText([]byte(l.str("ECOUTER_LOG_LEVEL", "info"))); err != nil {
		l.errs = append(l.errs, fmt.Errorf("ECOUTER_LOG_LEVEL: want debug, info, warn or error"))
	}
	if err := c.Validate(); err != nil {
		l.errs = append(l.errs, err)
	}
	return c, errors.Join(l.errs...)
}

// Validate checks the values that depend on each other or on syntax.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("ECOUTER_ADDR=%q: want host:port, such as :8080 or 127.0.0.1:8080", c.Addr))
	}
	// Each package checks its own options; the message names the settings.
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
	if c.Articles != "" && c.Articles != "samples" {
		kind, _, _ := strings.Cut(c.Articles, ":")
		if kind != "dir" && kind != "wordpress" && kind != "http" {
			errs = append(errs, fmt.Errorf("ECOUTER_ARTICLES=%q: want dir:PATH, wordpress:BASE_URL or http:URL_TEMPLATE", c.Articles))
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("ECOUTER_PUBLIC_URL=%q: want an absolute http(s) URL", c.PublicURL))
		}
	}
	if err := c.Feed.Validate(); err != nil {
		errs = append(errs, err)
	}
	for _, o := range c.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			errs = append(errs, fmt.Errorf("ECOUTER_ALLOWED_ORIGINS: %q is not an origin such as https://www.example.fr", o))
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("ECOUTER_LOG_FORMAT=%q: want text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// LogValue prints the whole configuration at start, secrets hidden.
func (c Config) LogValue() slog.Value {
	key := "unset (render endpoints refused)"
	if c.APIKey != "" {
		key = "set (hidden)"
	}
	articles := c.Articles
	if articles == "" {
		articles = "samples (embedded)"
	}
	rc := c.renderConfig()
	attrs := []slog.Attr{
		slog.String("addr", c.Addr), slog.String("articles", article.RedactSpec(articles)),
		slog.String("synth", c.Synth), slog.String("voice", c.Voice),
		slog.String("store", article.RedactSpec(c.Store)), slog.Bool("s3_path_style", c.S3PathStyle),
		slog.String("api_key", key), slog.String("public_url", c.PublicURL),
		slog.Duration("article_ttl", c.ArticleTTL), slog.String("site_name", c.SiteName),
		slog.String("lexicon", c.Lexicon),
		slog.Any("skip_elements", c.SkipElements), slog.Any("skip_classes", c.SkipClasses),
		slog.Duration("not_found_ttl", c.NotFoundTTL),
		slog.Bool("render_on_listen", c.RenderOnListen), slog.Int("listen_renders_per_minute", c.ListenRendersPerMinute),
		slog.Int("listen_renders_global_per_minute", c.ListenRendersGlobal), slog.Int("listen_ipv6_nets_per_48", c.ListenNetsPer48),
		slog.Int("trusted_proxies", len(c.TrustedProxies)), slog.Int("max_billed_chars_per_day", c.MaxBilledCharsPerDay),
		slog.Int("mp3_bitrate", c.Bitrate), slog.Int("mp3_rate", c.SampleRate), slog.Bool("mp3_vbr", c.VBR),
		slog.Group("pauses", "sentence", c.Pauses.Sentence, "paragraph", c.Pauses.Paragraph,
			"heading", c.Pauses.Heading, "title", c.Pauses.Title),
		slog.Int("workers", rc.Parallel), slog.Int("encoders", rc.Encoders), slog.Bool("segment_reuse", !rc.FullReencode), slog.Int("max_renders", rc.MaxRenders), slog.Int("max_chars", rc.MaxChars),
		slog.Duration("keep_previous", c.KeepPrevious), slog.Int64("sentence_cache_max", c.SentenceCacheMax),
		slog.Duration("gc_interval", c.GCInterval), slog.Bool("keep_retracted", c.KeepRetracted),
		slog.Any("allowed_origins", c.AllowedOrigins),
		slog.Group("feed", "title", c.Feed.Title, "description", c.Feed.Description, "author", c.Feed.Author,
			"email", c.Feed.Email, "image", c.Feed.Image, "category", c.Feed.Category, "link", c.Feed.Link,
			"language", c.Feed.Language, "explicit", c.Feed.Explicit, "limit", c.Feed.Limit),
		slog.String("log_level", c.LogLevel.String()), slog.String("log_format", c.LogFormat),
		{Key: "nats", Value: c.NATS.logValue()},
	}
	switch c.Synth {
	case "espeak":
		attrs = append(attrs, slog.Group("espeak", "speed", c.EspeakSpeed, "pitch", c.EspeakPitch,
			"max_sentence", c.EspeakSentence))
	case "polly":
		attrs = append(attrs, slog.Group("polly", "engine", c.Polly.Engine, "language", c.Polly.Language,
			"sample_rate", c.Polly.SampleRate, "lexicons", c.Polly.Lexicons,
			"max_in_flight", c.Polly.MaxInFlight, "per_second", c.Polly.PerSecond))
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
