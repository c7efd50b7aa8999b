package espeak

import (
	"fmt"
	"runtime"
	"time"
)

// Options configures an Engine. The zero value of every field means its
// default, so Options{} speaks French with Debian's espeak-ng.
type Options struct {
	// Binary is the espeak-ng executable, a name looked up in PATH or a path.
	// Default "espeak-ng".
	Binary string
	// Voice is an espeak-ng voice name, optionally with a variant ("fr",
	// "fr-be", "fr+f3"). Default "fr".
	Voice string
	// Speed is the speaking rate in words per minute, 80 to 450. Default 165,
	// a little slower than espeak-ng's own 175, which is tiring to listen to
	// for a whole article.
	Speed int
	// Pitch is 1 to 99. Default 50. Because zero means "default", espeak-ng's
	// pitch 0 cannot be chosen; 1 is indistinguishable from it.
	Pitch int
	// MaxProcs caps concurrent espeak-ng processes across all callers.
	// Default runtime.NumCPU(): each process is single-threaded and CPU-bound.
	MaxProcs int
	// Timeout bounds one espeak-ng process. Default 60s.
	Timeout time.Duration
	// SentenceLimit is the longest text, in characters, one process is
	// given; the render pipeline cuts longer sentences for it
	// (SentenceLimit). Default 600.
	SentenceLimit int
}

// Defaults for the zero Options.
const (
	DefaultBinary = "espeak-ng"
	DefaultVoice  = "fr"
	// DefaultSpeed is a little slower than espeak-ng's own 175, which is
	// tiring to listen to for a whole article.
	DefaultSpeed   = 165
	DefaultPitch   = 50
	DefaultTimeout = 60 * time.Second
	// DefaultSentenceLimit bounds what one espeak-ng process reads (about
	// 40 s of speech): longer sentences are cut at their strongest pauses
	// by the render pipeline, so no sentence makes unbounded audio.
	DefaultSentenceLimit = 600
)

// Validate checks the options as New would, zero fields taking their
// defaults (the voice is checked against espeak-ng only by New).
func (o Options) Validate() error {
	_, err := o.withDefaults()
	return err
}

// withDefaults returns o with zero fields filled in and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Binary == "" {
		o.Binary = DefaultBinary
	}
	if o.Voice == "" {
		o.Voice = DefaultVoice
	}
	if o.Speed == 0 {
		o.Speed = DefaultSpeed
	}
	if o.Pitch == 0 {
		o.Pitch = DefaultPitch
	}
	if o.SentenceLimit == 0 {
		o.SentenceLimit = DefaultSentenceLimit
	}
	if o.MaxProcs == 0 {
		o.MaxProcs = runtime.NumCPU()
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	// espeak-ng silently clamps out-of-range values; refusing them here
	// keeps the Fingerprint honest about what the audio really is.
	switch {
	case o.Speed < 80 || o.Speed > 450:
		return o, fmt.Errorf("espeak: speed %d words per minute out of range 80-450", o.Speed)
	case o.Pitch < 1 || o.Pitch > 99:
		return o, fmt.Errorf("espeak: pitch %d out of range 1-99", o.Pitch)
	case o.MaxProcs < 1:
		return o, fmt.Errorf("espeak: max procs %d, want at least 1", o.MaxProcs)
	case o.SentenceLimit < 50:
		return o, fmt.Errorf("espeak: sentence limit %d characters, want at least 50", o.SentenceLimit)
	case o.Timeout < 0:
		return o, fmt.Errorf("espeak: negative timeout %s", o.Timeout)
	}
	return o, nil
}
