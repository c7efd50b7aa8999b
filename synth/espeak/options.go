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
}

// withDefaults returns o with zero fields filled in and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Binary == "" {
		o.Binary = "espeak-ng"
	}
	if o.Voice == "" {
		o.Voice = "fr"
	}
	if o.Speed == 0 {
		o.Speed = 165
	}
	if o.Pitch == 0 {
		o.Pitch = 50
	}
	if o.MaxProcs == 0 {
		o.MaxProcs = runtime.NumCPU()
	}
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
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
	case o.Timeout < 0:
		return o, fmt.Errorf("espeak: negative timeout %s", o.Timeout)
	}
	return o, nil
}
