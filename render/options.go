package render

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"ecouter/article"
	"ecouter/audio"
	"ecouter/script"
)

// Config holds the settings of the render pipeline. A zero field takes
// its default (DefaultConfig); zero never means "no limit".
type Config struct {
	Pauses      Pauses
	TargetLUFS  float64 // integrated loudness of the mono signal
	CeilingDBTP float64 // true-peak ceiling
	Encode      audio.EncodeOptions
	Rules       article.Rules
	Lexicon     *script.Lexicon // the site's pronunciation lexicon, may be nil
	SiteName    string          // ID3 album
	ArticleTTL  time.Duration   // how long a fetched article is trusted
	Timeout     time.Duration   // upper bound for one render
	Parallel    int             // sentences synthesised at once per render
	Encoders    int             // MP3 segments encoded at once per render (lame instances)
	MaxRenders  int             // renders running at once; more are refused with ErrBusy
	MaxChars    int             // spoken characters of the longest article rendered
	// KeepPrevious is how long a superseded MP3 is kept after its
	// replacement is stored (0: removed at the next collection).
	KeepPrevious time.Duration
	// SentenceCacheMax caps the sentence cache in bytes (0: no cap).
	SentenceCacheMax int64
	// KeepRetracted keeps the stored audio of an article the source no
	// longer shows (401, 403, 404, 410) instead of withdrawing it.
	KeepRetracted bool
	// FullReencode encodes every segment of every render, instead of
	// taking the frames of the runs of sentences an edit left unchanged
	// from the previous render.
	FullReencode bool
}

// Defaults of the settings the render package owns.
const (
	DefaultTargetLUFS  = -19
	DefaultCeilingDBTP = -1.5
	DefaultSiteName    = "ecouter"
	DefaultArticleTTL  = 5 * time.Minute
	DefaultTimeout     = 15 * time.Minute
	// DefaultMaxChars is about 90 minutes of audio: longer is almost
	// surely a CMS mistake (a whole archive in one post), and each render
	// is paid by the character.
	DefaultMaxChars = 100_000
	// DefaultBatchParallel is how many articles of a batch render at once.
	DefaultBatchParallel = 2
	// DefaultKeepPrevious lets downloads in progress and CDN revalidations
	// of the previous audio finish.
	DefaultKeepPrevious = time.Hour
	// DefaultGCInterval is how often a serving process collects the store.
	DefaultGCInterval = 10 * time.Minute
	// DefaultSentenceCacheMax is 2 GB, about 300 hours of 16-bit speech.
	DefaultSentenceCacheMax = 2_000_000_000
)

// DefaultMaxRenders is twice the cores, at least 4.
func DefaultMaxRenders() int { return max(4, 2*runtime.NumCPU()) }

// DefaultParallel is one sentence synthesised per core: espeak-ng is
// single-threaded and CPU-bound.
func DefaultParallel() int { return runtime.NumCPU() }

// DefaultEncoders is one lame instance per core.
func DefaultEncoders() int { return runtime.NumCPU() }

// BatchSlots is how many of maxRenders slots batches and queued renders
// may take together: half, at least one, so listeners always find some.
func BatchSlots(maxRenders int) int { return max(1, maxRenders/2) }

// DefaultConfig is the podcast norm: -16 LUFS dual-mono (-19 LUFS measured
// on the mono channel), -1 dBTP, MP3 mono CBR 64 kbps at 44.1 kHz. The PCM
// is limited to -1.5 dBTP: lossy coding at low bitrates raises true peaks
// by a few tenths of a dB, and the -1 dBTP promise is about the MP3.
func DefaultConfig() Config {
	return Config{
		Pauses:      DefaultPauses(),
		TargetLUFS:  DefaultTargetLUFS,
		CeilingDBTP: DefaultCeilingDBTP,
		Encode:      audio.EncodeOptions{Bitrate: audio.DefaultBitrate, SampleRate: audio.DefaultSampleRate},
		Rules:       article.DefaultRules(),
		SiteName:    DefaultSiteName,
		ArticleTTL:  DefaultArticleTTL,
		Timeout:     DefaultTimeout,
		Parallel:    DefaultParallel(),
		Encoders:    DefaultEncoders(),
		MaxRenders:  DefaultMaxRenders(),
		MaxChars:    DefaultMaxChars,

		KeepPrevious:     DefaultKeepPrevious,
		SentenceCacheMax: DefaultSentenceCacheMax,
	}
}

// withDefaults fills the zero fields that have a default. Pauses, the
// loudness target, the rules, KeepPrevious and SentenceCacheMax are taken
// as given: zero is a value there.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.SiteName == "" {
		c.SiteName = d.SiteName
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.Parallel <= 0 {
		c.Parallel = d.Parallel
	}
	if c.Encoders <= 0 {
		c.Encoders = d.Encoders
	}
	if c.MaxRenders <= 0 {
		c.MaxRenders = d.MaxRenders
	}
	if c.MaxChars <= 0 {
		c.MaxChars = d.MaxChars
	}
	return c
}

// Options change one call to Ensure.
type Options struct {
	// Force re-reads the article from the source even within the TTL.
	Force bool
	// Wait waits for a new render even when a previous one can be served.
	Wait bool
	// Withdrawal, for a forced render, is the withdrawal it may end: the
	// ID of the one in force when the render was asked for (Archive.Asked),
	// "" if there was none. A withdrawal made since is final for it: the
	// render fails with ErrWithdrawn, queued, retried or running.
	Withdrawal string
	// Progress, when set, is told how many sentences are synthesised.
	Progress func(done, total int)
}

// ErrTooLong means the article is longer than a render may be.
var ErrTooLong = errors.New("article too long to read")

// TooLongError says by how much.
type TooLongError struct {
	Chars, Max int
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("the article has %d characters to read, more than the %d allowed (ECOUTER_MAX_CHARS)", e.Chars, e.Max)
}

func (e *TooLongError) Unwrap() error { return ErrTooLong }
