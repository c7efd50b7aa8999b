// Package espeak is ecouter's local speech backend: it runs Debian's
// espeak-ng, one process per sentence, with the text on stdin and a WAV on
// stdout. It needs nothing but the binary, so it is the default backend and
// the one tests and development use.
package espeak

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"ecouter/synth"
)

// Engine speaks French text with espeak-ng. It is safe for concurrent use;
// at most Options.MaxProcs processes run at once.
type Engine struct {
	opt     Options
	path    string        // resolved binary
	version string        // "espeak-ng 1.51"
	rate    int           // sample rate of the engine's output, seen at start
	sem     chan struct{} // one token per running process
}

var _ synth.Synthesizer = (*Engine)(nil)

// probeText is spoken once by New: it proves the binary, the voice and the
// WAV decoding all work before the first article depends on them.
const probeText = "Bonjour."

// New finds espeak-ng, records its version and checks the voice by
// synthesizing a word, so that a missing package or a bad voice is a
// start-up error rather than a failure on the first article. Errors wrap
// synth.ErrUnavailable, except for invalid Options.
func New(ctx context.Context, opt Options) (*Engine, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	path, err := exec.LookPath(opt.Binary)
	if err != nil {
		return nil, fmt.Errorf("espeak: %s not found in PATH: install the Debian package espeak-ng: %w: %w",
			opt.Binary, synth.ErrUnavailable, err)
	}
	e := &Engine{opt: opt, path: path, sem: make(chan struct{}, opt.MaxProcs)}
	if e.version, err = e.readVersion(ctx); err != nil {
		return nil, err
	}
	clip, err := e.run(ctx, probeText, synth.ErrUnavailable)
	if err != nil {
		return nil, fmt.Errorf("espeak: check voice %q (list voices with `%s --voices=fr`): %w",
			opt.Voice, opt.Binary, err)
	}
	e.rate = clip.Rate
	return e, nil
}

// readVersion runs `espeak-ng --version`, which prints e.g.
// "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/...".
func (e *Engine) readVersion(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, e.opt.Timeout)
	defer cancel()
	var stderr tailBuffer
	stderr.max = stderrTail
	cmd := exec.CommandContext(ctx, e.path, "--version")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", &synth.EngineError{Backend: e.Name(), Stderr: stderr.String(),
			Err: fmt.Errorf("run %s --version: %w: %w", e.opt.Binary, err, synth.ErrUnavailable)}
	}
	return parseVersion(out), nil
}

// parseVersion keeps the version number and drops the data path, which
// varies between machines without changing the audio. Unknown formats are
// kept whole so that the Fingerprint still changes with them.
func parseVersion(out []byte) string {
	line, _, _ := bytes.Cut(out, []byte("\n"))
	s := string(line)
	if _, after, ok := strings.Cut(s, "text-to-speech:"); ok {
		v, _, _ := strings.Cut(after, "Data at:")
		if v = strings.TrimSpace(v); v != "" {
			return "espeak-ng " + v
		}
	}
	return strings.TrimSpace(s)
}

// Name is "espeak".
func (e *Engine) Name() string { return "espeak" }

// Version is the engine's version as recorded at start, e.g. "espeak-ng 1.51".
func (e *Engine) Version() string { return e.version }

// Fingerprint names the engine version and every option that changes the
// audio, e.g. "espeak-ng 1.51|voice=fr|speed=165|pitch=50". The binary path,
// MaxProcs and Timeout are left out: they do not change a single sample.
func (e *Engine) Fingerprint() string {
	return fmt.Sprintf("%s|voice=%s|speed=%d|pitch=%d", e.version, e.opt.Voice, e.opt.Speed, e.opt.Pitch)
}

// Respell implements render.Respeller: with a French voice, the names of
// respellings are written the way espeak-ng says them right. The render
// pipeline respells spoken forms before keying them, so the table is not
// part of the fingerprint; Synthesize respells too, for other callers
// (respelling twice changes nothing).
func (e *Engine) Respell(spoken string) string {
	if !french(e.opt.Voice) {
		return spoken
	}
	return respell(spoken)
}

// SentenceLimit is the longest text one espeak-ng process is given: the
// render pipeline cuts longer sentences into pieces (render.SentenceLimiter),
// so one call never makes unbounded audio.
func (e *Engine) SentenceLimit() int { return e.opt.SentenceLimit }

// Ping checks that espeak-ng still runs (the package may have been
// removed under a running service), for a readiness check.
func (e *Engine) Ping(ctx context.Context) error {
	_, err := e.readVersion(ctx)
	return err
}
