package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"ecouter/api"
	"ecouter/article"
	"ecouter/audio"
	"ecouter/cluster"
	"ecouter/feed"
	"ecouter/jobs"
	"ecouter/render"
	"ecouter/synth/espeak"
	"ecouter/synth/polly"
)

// settings is every ECOUTER_* variable, each bound to the field of c it
// fills, its default taken from the package that uses it. Adding a
// setting is one line here plus its use; README_test checks the README's
// Configuration table against this one. Ranges are the parser's sanity
// bounds; the audio, espeak and polly packages check their own options
// (Validate).
func (c *Config) settings() []setting {
	const month = 30 * 24 * time.Hour
	return []setting{
		text(&c.Addr, "ECOUTER_ADDR", ":8080", "listen address").checks(c.checkAddr),
		text(&c.Articles, "ECOUTER_ARTICLES", "", "article source: dir:PATH, wordpress:BASE_URL, http:URL_TEMPLATE").
			documented("the embedded samples").checks(c.checkArticles).shows(c.articlesShown),
		text(&c.Synth, "ECOUTER_SYNTH", "espeak", "speech backend: espeak or polly"),
		text(&c.Voice, "ECOUTER_VOICE", "", "espeak-ng or Polly voice").then(c.defaultVoice).
			documented(fmt.Sprintf("`%s` (espeak), `%s` (polly)", espeak.DefaultVoice, polly.DefaultVoice)),
		whole(&c.EspeakSpeed, "ECOUTER_ESPEAK_SPEED", espeak.DefaultSpeed, 1, 100000, "espeak-ng's words per minute"),
		whole(&c.EspeakPitch, "ECOUTER_ESPEAK_PITCH", espeak.DefaultPitch, 1, 100000, "espeak-ng's pitch"),
		text(&c.Polly.Engine, "ECOUTER_POLLY_ENGINE", polly.DefaultEngine, "Polly's engine"),
		text(&c.Polly.Language, "ECOUTER_POLLY_LANGUAGE", polly.DefaultLanguageCode, "language code asked of Polly"),
		whole(&c.Polly.SampleRate, "ECOUTER_POLLY_SAMPLE_RATE", polly.DefaultSampleRate, 1, 1000000, "MP3 rate asked of Polly"),
		list(&c.Polly.Lexicons, "ECOUTER_POLLY_LEXICONS", "Polly lexicon names"),
		whole(&c.Polly.MaxInFlight, "ECOUTER_POLLY_MAX_IN_FLIGHT", polly.DefaultMaxInFlight, 1, 100, "Polly requests in flight"),
		number(&c.Polly.PerSecond, "ECOUTER_POLLY_PER_SECOND", polly.DefaultPerSecond, 0.1, 100, "Polly requests per second"),
		whole(&c.Workers, "ECOUTER_WORKERS", 0, 0, 256, "sentences synthesised at once; 0: the backend's default").
			documented("cores (espeak), max in flight (polly)").shows(func() any { return c.renderConfig().Parallel }),
		whole(&c.Encoders, "ECOUTER_ENCODERS", render.DefaultEncoders(), 1, 256, "MP3 segments encoded at once per render").
			documented("cores"),
		boolean(&c.SegmentReuse, "ECOUTER_SEGMENT_REUSE", true, "a render takes the frames of unchanged runs of sentences from the previous one"),
		// 0 is accepted for compatibility and means the default.
		whole(&c.MaxRenders, "ECOUTER_MAX_RENDERS", render.DefaultMaxRenders(), 0, 1000, "renders at once").
			documented("twice the cores, at least 4 (`0`: the same)").then(c.defaultMaxRenders),
		whole(&c.MaxChars, "ECOUTER_MAX_CHARS", render.DefaultMaxChars, 1, 100_000_000, "spoken characters of the longest article rendered"),
		whole(&c.EspeakSentence, "ECOUTER_ESPEAK_MAX_SENTENCE", espeak.DefaultSentenceLimit, 1, 1_000_000, "longest piece of a sentence one espeak-ng process reads"),
		duration(&c.KeepPrevious, "ECOUTER_KEEP_PREVIOUS", render.DefaultKeepPrevious, 0, month, "how long a superseded MP3 is kept after its replacement"),
		size(&c.SentenceCacheMax, "ECOUTER_SENTENCE_CACHE_MAX", render.DefaultSentenceCacheMax, "size cap of the sentence cache; 0: no cap"),
		duration(&c.GCInterval, "ECOUTER_GC_INTERVAL", render.DefaultGCInterval, time.Second, month, "how often ecouter serve collects the store"),
		text(&c.Lexicon, "ECOUTER_LEXICON", "", "path of the site's pronunciation lexicon"),
		text(&c.Store, "ECOUTER_STORE", "./data", "folder or s3://bucket/prefix of the MP3s and manifests").
			shows(func() any { return article.RedactSpec(c.Store) }),
		boolean(&c.S3PathStyle, "ECOUTER_S3_PATH_STYLE", false, "path-style S3 addressing"),
		list(&c.AllowedOrigins, "ECOUTER_ALLOWED_ORIGINS", "sites allowed to embed the player (CORS)").checks(c.checkOrigins),
		text(&c.Feed.Title, "ECOUTER_FEED_TITLE", "", "the podcast's title").then(c.defaultFeedTitle).documented("`ECOUTER_SITE_NAME`"),
		text(&c.Feed.Description, "ECOUTER_FEED_DESCRIPTION", "", "the podcast's description").
			documented("from the title (`Les articles du Monde, à écouter.` for Le Monde)"),
		text(&c.Feed.Author, "ECOUTER_FEED_AUTHOR", "", "the podcast's author"),
		text(&c.Feed.Email, "ECOUTER_FEED_EMAIL", "", "the podcast owner's address"),
		text(&c.Feed.Image, "ECOUTER_FEED_IMAGE", "", "the podcast's cover URL").documented("`/cover.png`, drawn with the title"),
		text(&c.Feed.Category, "ECOUTER_FEED_CATEGORY", feed.DefaultCategory, "Apple category, Category/Subcategory"),
		text(&c.Feed.Link, "ECOUTER_FEED_LINK", "", "the site's URL"),
		boolean(&c.Feed.Explicit, "ECOUTER_FEED_EXPLICIT", false, "the podcast is explicit"),
		text(&c.Feed.Language, "ECOUTER_FEED_LANGUAGE", feed.DefaultLanguage, "the podcast's language"),
		whole(&c.Feed.Limit, "ECOUTER_FEED_LIMIT", feed.DefaultLimit, 1, feed.MaxLimit, "episodes in the feed"),
		text(&c.APIKey, "ECOUTER_API_KEY", "", "key of the render endpoints").secret().documented("unset").shows(c.apiKeyShown),
		text(&c.PublicURL, "ECOUTER_PUBLIC_URL", "", "base URL of the links ecouter hands out").
			documented("from the request").checks(c.checkPublicURL),
		duration(&c.ArticleTTL, "ECOUTER_ARTICLE_TTL", render.DefaultArticleTTL, 0, month, "how long a fetched article is trusted"),
		duration(&c.NotFoundTTL, "ECOUTER_NOT_FOUND_TTL", article.DefaultNotFoundTTL, 0, 24*time.Hour, "how long an unknown article is remembered"),
		boolean(&c.RenderOnListen, "ECOUTER_RENDER_ON_LISTEN", true, "a listener may start an article's first render"),
		whole(&c.ListenRendersPerMinute, "ECOUTER_LISTEN_RENDERS_PER_MINUTE", api.DefaultListenRendersPerMinute, 0, 1_000_000, "renders one client's listens start per minute; 0: no limit"),
		whole(&c.ListenRendersGlobal, "ECOUTER_LISTEN_RENDERS_GLOBAL_PER_MINUTE", api.DefaultListenRendersGlobalPerMinute, 0, 1_000_000, "renders all listeners start per minute, per node; 0: no cap"),
		// 0: every /64 keeps its own budget (netsPer48).
		whole(&c.ListenNetsPer48, "ECOUTER_LISTEN_IPV6_NETS_PER_48", api.DefaultNetsPer48, 0, 65536, "IPv6 /64s of a /48 with budgets of their own; 0: every /64"),
		whole(&c.MaxBilledCharsPerDay, "ECOUTER_MAX_BILLED_CHARS_PER_DAY", 0, 0, 1<<50, "paid engines' characters billed per day; 0: no cap").documented("unset"),
		cidrs(&c.TrustedProxies, "ECOUTER_TRUSTED_PROXIES", "proxies whose X-Forwarded-For names the client"),
		boolean(&c.KeepRetracted, "ECOUTER_KEEP_RETRACTED", false, "audio of articles the source stops showing is kept, not withdrawn"),
		text(&c.SiteName, "ECOUTER_SITE_NAME", render.DefaultSiteName, "ID3 album tag"),
		list(&c.SkipElements, "ECOUTER_SKIP_ELEMENTS", "extra HTML elements to leave out"),
		list(&c.SkipClasses, "ECOUTER_SKIP_CLASSES", "extra CSS classes to leave out"),
		duration(&c.Pauses.Sentence, "ECOUTER_PAUSE_SENTENCE", render.DefaultPauses().Sentence, 0, 10*time.Second, "pause after a sentence").logs("pauses.sentence"),
		duration(&c.Pauses.Paragraph, "ECOUTER_PAUSE_PARAGRAPH", render.DefaultPauses().Paragraph, 0, 10*time.Second, "pause after a paragraph").logs("pauses.paragraph"),
		duration(&c.Pauses.Heading, "ECOUTER_PAUSE_HEADING", render.DefaultPauses().Heading, 0, 10*time.Second, "pause around a heading").logs("pauses.heading"),
		duration(&c.Pauses.Title, "ECOUTER_PAUSE_TITLE", render.DefaultPauses().Title, 0, 10*time.Second, "pause after the title").logs("pauses.title"),
		whole(&c.Bitrate, "ECOUTER_MP3_BITRATE", audio.DefaultBitrate, 1, 100000, "MP3 kbps (CBR)"),
		whole(&c.SampleRate, "ECOUTER_MP3_RATE", audio.DefaultSampleRate, 1, 1000000, "MP3 output Hz"),
		boolean(&c.VBR, "ECOUTER_MP3_VBR", false, "VBR instead of CBR"),
		level(&c.LogLevel, "ECOUTER_LOG_LEVEL", slog.LevelInfo, "lowest level logged"),
		text(&c.LogFormat, "ECOUTER_LOG_FORMAT", "text", "text or json").checks(c.checkLogFormat),
		text(&c.NATS.Mode, "ECOUTER_NATS", natsOn, "on: NATS, embedded or ECOUTER_NATS_URL's; off: this node alone, its queue in memory").
			checks(c.checkNATS).logs("nats.mode"),
		text(&c.NATS.Dir, "ECOUTER_NATS_DIR", "", "storage of the embedded NATS server").then(c.defaultNATSDir).
			documented("`nats/` beside a folder store (`./nats` for `./data`; `/nats` in the image), `./data/nats` with S3"),
		text(&c.NATS.URL, "ECOUTER_NATS_URL", "", "external NATS cluster").secret().documented("unset: embedded server").
			shows(func() any { return cluster.RedactURL(c.NATS.URL) }),
		text(&c.NATS.Creds, "ECOUTER_NATS_CREDS", "", "NATS credentials file"),
		whole(&c.NATS.Replicas, "ECOUTER_NATS_REPLICAS", cluster.DefaultReplicas, 1, 5, "replicas of every stream and bucket"),
		duration(&c.NATS.Lease, "ECOUTER_NATS_LEASE", cluster.DefaultLeaseTTL, time.Second, time.Hour, "a render's lease"),
		whole(&c.NATS.Attempts, "ECOUTER_QUEUE_ATTEMPTS", jobs.DefaultAttempts, 1, 100, "attempts of a queued render").logs("nats.queue_attempts"),
		duration(&c.NATS.Backoff, "ECOUTER_QUEUE_BACKOFF", jobs.DefaultBackoff, 10*time.Millisecond, time.Hour, "delay before a queued render's first retry").logs("nats.queue_backoff"),
	}
}

// writeSettings lists every setting for ecouter help: variable, default,
// meaning and, for a number, its range.
func writeSettings(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "\nSettings:")
	var c Config
	for _, s := range c.settings() {
		def := strings.ReplaceAll(s.readmeDefault(), "`", "")
		if def == "" {
			def = "unset"
		}
		meaning := s.meaning
		if s.rng != "" {
			meaning += " (" + s.rng + ")"
		}
		if s.file {
			meaning += "; or in the file named by " + s.env + "_FILE"
		}
		fmt.Fprintf(tw, "  %s\t%s; default: %s\n", s.env, meaning, def)
	}
	return tw.Flush()
}

// Defaults that depend on another setting, and values that stand for one.

func (c *Config) defaultVoice() {
	if c.Voice == "" {
		c.Voice = map[string]string{"espeak": espeak.DefaultVoice, "polly": polly.DefaultVoice}[c.Synth]
	}
}

// defaultMaxRenders gives every user of the setting (the local scheduler,
// the cluster's slots, its queue's workers) the number, not a 0 each would
// read its own way (the cluster's as one slot).
func (c *Config) defaultMaxRenders() {
	if c.MaxRenders == 0 {
		c.MaxRenders = render.DefaultMaxRenders()
	}
}

func (c *Config) defaultFeedTitle() {
	if c.Feed.Title == "" {
		c.Feed.Title = c.SiteName
	}
}

func (c *Config) defaultNATSDir() {
	if c.NATS.Dir == "" {
		c.NATS.Dir = defaultNATSDir(c.Store)
	}
}

// How the start-up log shows a few settings.

func (c *Config) articlesShown() any {
	if c.Articles == "" {
		return "samples (embedded)"
	}
	return article.RedactSpec(c.Articles)
}

func (c *Config) apiKeyShown() any {
	if c.APIKey == "" {
		return "unset (render endpoints refused)"
	}
	return "set (hidden)"
}

// Checks of one setting's syntax.

func (c *Config) checkAddr() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("want host:port, such as :8080 or 127.0.0.1:8080")
	}
	return nil
}

func (c *Config) checkArticles() error {
	if c.Articles != "" && c.Articles != "samples" {
		kind, _, _ := strings.Cut(c.Articles, ":")
		if kind != "dir" && kind != "wordpress" && kind != "http" {
			return fmt.Errorf("want dir:PATH, wordpress:BASE_URL or http:URL_TEMPLATE")
		}
	}
	return nil
}

func (c *Config) checkPublicURL() error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("want an absolute http(s) URL")
		}
	}
	return nil
}

func (c *Config) checkOrigins() error {
	for _, o := range c.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("%q is not an origin such as https://www.example.fr", o)
		}
	}
	return nil
}

func (c *Config) checkLogFormat() error {
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("want text or json")
	}
	return nil
}
