// Package synthtest provides Fake, a hand-written synth.Synthesizer for
// other packages' tests: deterministic audio, counted and recorded calls,
// failures and delays on demand, no espeak-ng needed.
package synthtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"ecouter/audio"
	"ecouter/synth"
)

// Defaults for the zero Fake.
const (
	DefaultRate    = 22050                 // espeak-ng's rate, so stitching code sees realistic clips
	DefaultPerChar = 60 * time.Millisecond // roughly espeak-ng's French at 165 words per minute
	// Margin is the silence before and after each tone, so trimming code has
	// something to trim.
	Margin = 100 * time.Millisecond
)

// Fake is a synth.Synthesizer whose audio is a soft tone lasting PerChar per
// character of text, between two Margin silences. The tone's pitch derives
// from the text, so different texts give different clips and the same text
// always the same clip. Text that is empty or only white space gives an
// empty clip, like synth/espeak.
//
// The zero value is ready to use; a Fake must not be copied after first use.
// It is safe for concurrent use, but its fields must be set before.
type Fake struct {
	Rate    int           // sample rate; 0 means DefaultRate
	PerChar time.Duration // tone length per character; 0 means DefaultPerChar
	// Delay is waited before answering, as a slow engine would; a canceled
	// ctx cuts it short.
	Delay time.Duration
	// Fail, if set, is asked for every text after Delay; a non-nil error is
	// returned instead of audio (e.g. synth.ErrThrottled or a
	// *synth.EngineError).
	Fail func(text string) error
	// Bill makes each call bill its text's characters (synth.AddUsage)
	// as soon as it is made, as a paid engine bills a request it received
	// whether or not the caller still wants the answer.
	Bill bool
	// Answered makes a call that has started run Delay to its end and
	// answer even if ctx is cancelled meanwhile, as a request a remote
	// engine already answered.
	Answered bool

	mu     sync.Mutex
	texts  []string
	billed int
}

var _ synth.Synthesizer = (*Fake)(nil)

// Synthesize records text, waits Delay, consults Fail and returns the tone.
func (f *Fake) Synthesize(ctx context.Context, text string) (audio.Clip, error) {
	f.mu.Lock()
	f.texts = append(f.texts, text)
	f.mu.Unlock()

	if err := ctx.Err(); err != nil {
		return audio.Clip{}, fmt.Errorf("fake: synthesize: %w", err)
	}
	if f.Bill {
		synth.AddUsage(ctx, int64(utf8.RuneCountInString(text)))
		f.mu.Lock()
		f.billed++
		f.mu.Unlock()
	}
	if f.Delay > 0 {
		wait := ctx.Done()
		if f.Answered {
			wait = nil
		}
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-wait:
			return audio.Clip{}, fmt.Errorf("fake: synthesize: %w", ctx.Err())
		}
	}
	if f.Fail != nil {
		if err := f.Fail(text); err != nil {
			return audio.Clip{}, err
		}
	}
	return f.Clip(text), nil
}

// Clip is the audio Synthesize returns for text, for tests that compare.
func (f *Fake) Clip(text string) audio.Clip {
	rate := f.rate()
	if strings.TrimSpace(text) == "" {
		return audio.Clip{Rate: rate}
	}
	margin := samples(Margin, rate)
	tone := samples(f.perChar()*time.Duration(utf8.RuneCountInString(text)), rate)
	s := make([]float32, margin+tone+margin)
	writeTone(s[margin:margin+tone], rate, toneHz(text))
	return audio.Clip{Rate: rate, Samples: s}
}

// Calls is how many times Synthesize was called, failures included.
func (f *Fake) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.texts)
}

// Billed is how many calls billed (with Bill): the calls made with a
// context that was not yet cancelled.
func (f *Fake) Billed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.billed
}

// Texts returns a copy of the texts Synthesize was called with, in call order.
func (f *Fake) Texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.texts)
}

// Name is "fake".
func (f *Fake) Name() string { return "fake" }

// Fingerprint names the settings that shape the audio, e.g.
// "fake|rate=22050|per_char=60ms".
func (f *Fake) Fingerprint() string {
	return fmt.Sprintf("fake|rate=%d|per_char=%s", f.rate(), f.perChar())
}

func (f *Fake) rate() int {
	if f.Rate > 0 {
		return f.Rate
	}
	return DefaultRate
}

func (f *Fake) perChar() time.Duration {
	if f.PerChar > 0 {
		return f.PerChar
	}
	return DefaultPerChar
}

func samples(d time.Duration, rate int) int {
	return int(d * time.Duration(rate) / time.Second)
}

// toneHz maps text to a pitch between 200 and 600 Hz.
func toneHz(text string) float64 {
	h := fnv.New32a()
	h.Write([]byte(text))
	return 200 + float64(h.Sum32()%400)
}

// writeTone fills s with a sine at amplitude 0.3 (well clear of clipping,
// loud enough to read as speech, not silence), faded in and out over 5 ms
// so that the edges do not click.
func writeTone(s []float32, rate int, hz float64) {
	fade := min(samples(5*time.Millisecond, rate), len(s)/2)
	for i := range s {
		gain := 0.3
		if k := min(i, len(s)-1-i); k < fade {
			gain *= float64(k) / float64(fade)
		}
		s[i] = float32(gain * math.Sin(2*math.Pi*hz*float64(i)/float64(rate)))
	}
}
