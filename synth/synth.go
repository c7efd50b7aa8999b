// Package synth defines what a speech backend is to ecouter: something that
// turns one spoken sentence into a mono PCM clip. Concrete backends live in
// sub-packages (synth/espeak, synth/polly); only cmd/ecouter picks one.
package synth

import (
	"context"
	"errors"
	"fmt"

	"ecouter/audio"
)

// Synthesizer turns spoken text into audio.
type Synthesizer interface {
	// Synthesize speaks one sentence (or a short batch of them).
	Synthesize(ctx context.Context, text string) (audio.Clip, error)
	// Name is the backend's name ("espeak", "polly"), for metrics and manifests.
	Name() string
	// Fingerprint names every setting that changes the audio (voice, engine,
	// rate, engine version...), so caches can key on it.
	Fingerprint() string
}

var (
	// ErrUnavailable means the engine cannot run at all (missing binary,
	// bad credentials); retrying will not help until someone fixes it.
	ErrUnavailable = errors.New("speech engine unavailable")
	// ErrEngine means the engine ran and failed on this input.
	ErrEngine = errors.New("speech engine failed")
	// ErrThrottled means the engine refused for rate reasons; retry later.
	ErrThrottled = errors.New("speech engine throttled")
)

// EngineError carries what an engine said when it failed. Stderr is for the
// log only: it never reaches an HTTP client.
type EngineError struct {
	Backend string
	Stderr  string // last few KiB of the engine's diagnostic output
	Err     error  // wraps ErrEngine, ErrUnavailable or ErrThrottled
}

func (e *EngineError) Error() string {
	return fmt.Sprintf("%s: %v", e.Backend, e.Err)
}

func (e *EngineError) Unwrap() error { return e.Err }
