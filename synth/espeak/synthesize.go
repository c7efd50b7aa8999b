package espeak

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"ecouter/audio"
	"ecouter/synth"
)

// waitDelay bounds how long Wait may block on output pipes after the process
// was killed, should a grandchild escape the process-group kill.
const waitDelay = 5 * time.Second

// Synthesize speaks text and returns espeak-ng's mono audio (22,050 Hz with
// Debian's build). Text that is empty or only white space gives an empty
// clip without starting a process: a script may legitimately end up with an
// empty segment, and silence is its right rendition.
//
// Engine failures are *synth.EngineError wrapping synth.ErrEngine, with the
// tail of espeak-ng's stderr. If ctx ends first, the error wraps ctx.Err().
func (e *Engine) Synthesize(ctx context.Context, text string) (audio.Clip, error) {
	if strings.TrimSpace(text) == "" {
		return audio.Clip{Rate: e.rate}, nil
	}
	return e.run(ctx, e.Respell(text), synth.ErrEngine)
}

// run executes one espeak-ng process for text. Engine failures wrap class,
// so that New can report them as synth.ErrUnavailable.
func (e *Engine) run(ctx context.Context, text string, class error) (audio.Clip, error) {
	release, err := e.acquire(ctx)
	if err != nil {
		return audio.Clip{}, err
	}
	defer release()
	runCtx, cancel := context.WithTimeout(ctx, e.opt.Timeout)
	defer cancel()
	cmd, stdout, stderr := e.command(runCtx, text)

	fail := func(format string, args ...any) (audio.Clip, error) {
		return audio.Clip{}, &synth.EngineError{Backend: e.Name(), Stderr: stderr.String(),
			Err: fmt.Errorf(format, args...)}
	}
	if err := cmd.Start(); err != nil {
		// The binary was removed or made unusable since New: retrying this
		// text will not help.
		return fail("start espeak-ng: %w: %w", err, synth.ErrUnavailable)
	}
	if err := cmd.Wait(); err != nil {
		switch {
		case ctx.Err() != nil:
			// The caller gave up; what the killed process said is beside the point.
			return audio.Clip{}, fmt.Errorf("espeak: synthesize: %w", ctx.Err())
		case runCtx.Err() != nil:
			return fail("espeak-ng ran longer than %s: %w", e.opt.Timeout, class)
		default: // exit status, signal, or exec.ErrWaitDelay
			return fail("espeak-ng %w: %w", err, class)
		}
	}

	// espeak-ng's --stdout WAV has placeholder sizes (it cannot seek back on
	// a pipe), hence reading to end of stream before decoding.
	n := stdout.Len()
	clip, err := audio.DecodeWAV(stdout)
	if err != nil {
		return fail("decode espeak-ng output (%d bytes): %w: %w", n, err, class)
	}
	if len(clip.Samples) == 0 {
		// What a missing mbrola voice looks like: exit 0, no audio.
		return fail("espeak-ng produced no audio: %w", class)
	}
	return clip, nil
}

// acquire takes one of the process slots, or fails when ctx ends first.
func (e *Engine) acquire(ctx context.Context) (release func(), err error) {
	// Checked first because select picks at random when ctx is done and a
	// slot is free too.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("espeak: synthesize: %w", err)
	}
	select {
	case e.sem <- struct{}{}:
		return func() { <-e.sem }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("espeak: wait for a free process slot: %w", ctx.Err())
	}
}

// command is the espeak-ng process that reads text, with its output
// buffers. The text goes on stdin, never in argv, so that text starting
// with "-" cannot become a flag. -b 1 declares UTF-8 input: French
// accents.
func (e *Engine) command(ctx context.Context, text string) (*exec.Cmd, *bytes.Buffer, *tailBuffer) {
	cmd := exec.CommandContext(ctx, e.path,
		"-v", e.opt.Voice,
		"-s", strconv.Itoa(e.opt.Speed),
		"-p", strconv.Itoa(e.opt.Pitch),
		"-b", "1",
		"--stdout")
	killGroupOnCancel(cmd)
	cmd.WaitDelay = waitDelay
	cmd.Stdin = strings.NewReader(text)
	stdout, stderr := &bytes.Buffer{}, &tailBuffer{max: stderrTail}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd, stdout, stderr
}
