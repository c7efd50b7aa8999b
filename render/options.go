package render

import (
	"runtime"
	"time"

	"ecouter/article"
	"ecouter/audio"
	"ecouter/script"
)

// Config holds the settings of the render pipeline.
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
	MaxRenders  int             // renders running at once; more are refused with ErrBusy
}

// DefaultConfig is the podcast norm: -16 LUFS dual-mono (-19 LUFS measured
// on the mono channel), -1 dBTP, MP3 mono CBR 64 kbps at 44.1 kHz. The PCM
// is limited to -1.5 dBTP: lossy coding at low bitrates raises true peaks
// by a few tenths of a dB, and the -1 dBTP promise is about the MP3.
func DefaultConfig() Config {
	return Config{
		Pauses:      DefaultPauses(),
		TargetLUFS:  -19,
		CeilingDBTP: -1.5,
		Encode:      audio.EncodeOptions{Bitrate: 64, SampleRate: 44100},
		Rules:       article.DefaultRules(),
		SiteName:    "ecouter",
		ArticleTTL:  5 * time.Minute,
		Timeout:     15 * time.Minute,
		Parallel:    runtime.NumCPU(),
		MaxRenders:  max(4, 2*runtime.NumCPU()),
	}
}

// Options change one call to Ensure.
type Options struct {
	// Force re-reads the article from the source even within the TTL.
	Force bool
	// Wait waits for a new render even when a previous one can be served.
	Wait bool
	// Progress, when set, is told how many sentences are synthesised.
	Progress func(done, total int)
}
