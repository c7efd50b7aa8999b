package espeak

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ecouter/internal/testwait"
	"ecouter/synth"
)

// These tests put a shell script in front of the real espeak-ng, to make it
// fail, hang or report how many copies of it run at once. The scripts are
// written before any goroutine forks, which avoids "text file busy".

// fakeBinary writes an executable script named espeak-ng into a temporary
// folder and returns its path. In body, REAL is the real espeak-ng and DIR
// the script's folder.
func fakeBinary(t *testing.T, body string) string {
	t.Helper()
	real, err := exec.LookPath("espeak-ng")
	if err != nil {
		t.Fatalf("real espeak-ng: %v", err)
	}
	dir := t.TempDir()
	body = strings.NewReplacer("REAL", real, "DIR", dir).Replace(body)
	path := filepath.Join(dir, "espeak-ng")
	script := "#!/bin/sh\n[ \"$1\" = --version ] && exec " + real + " --version\n" + body
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// moody is espeak-ng except on marked inputs.
const moody = `in=$(cat)
case "$in" in
*boum*) echo "warming up" >&2; echo "Error: fake engine failure" >&2; exit 1;;
*vide*) exit 0;;
*charabia*) echo "not a wav"; exit 0;;
*dors*) sleep 30;;
*tue*) kill -9 $$;;
esac
printf '%s' "$in" | exec REAL "$@"
`

func TestSynthesizeEngineFailures(t *testing.T) {
	// Long enough for New's own runs of the fake (version, voice) on a
	// loaded machine; short enough for "dors" to be reported promptly.
	e := newEngine(t, Options{Binary: fakeBinary(t, moody), Timeout: 1500 * time.Millisecond})
	tests := []struct {
		text   string
		stderr string // expected in EngineError.Stderr
		msg    string // expected in the error message
	}{
		{"boum", "warming up\nError: fake engine failure", "exit status 1"},
		{"vide", "", "decode"},
		{"charabia", "", "decode"},
		{"tue", "", "signal: killed"},
		{"dors", "", "ran longer than 1.5s"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			start := time.Now()
			_, err := e.Synthesize(context.Background(), tt.text)
			var ee *synth.EngineError
			if !errors.As(err, &ee) || !errors.Is(err, synth.ErrEngine) {
				t.Fatalf("err = %v, want *EngineError wrapping ErrEngine", err)
			}
			if ee.Backend != "espeak" || ee.Stderr != tt.stderr {
				t.Errorf("Backend, Stderr = %q, %q, want espeak, %q", ee.Backend, ee.Stderr, tt.stderr)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to mention %q", err, tt.msg)
			}
			// Promptly: well before the 30 s the fake sleeps, however
			// busy the machine.
			if took := time.Since(start); took > 15*time.Second {
				t.Errorf("took %s, want the failure reported promptly", took)
			}
		})
	}
	// A failure must not leak a process slot.
	if clip := speak(t, e, "Toujours là."); clip.Seconds() < 0.3 {
		t.Errorf("after failures: %.2fs of audio, want speech", clip.Seconds())
	}
}

func TestSynthesizeBinaryGone(t *testing.T) {
	bin := fakeBinary(t, `exec REAL "$@"
`)
	e := newEngine(t, Options{Binary: bin})
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	_, err := e.Synthesize(context.Background(), "Bonjour.")
	var ee *synth.EngineError
	if !errors.As(err, &ee) || !errors.Is(err, synth.ErrUnavailable) {
		t.Errorf("err = %v, want *EngineError wrapping ErrUnavailable", err)
	}
}

func TestSynthesizeEmptyAudio(t *testing.T) {
	// A header and no samples, as a WAV: what espeak-ng gives when it has
	// nothing to say, e.g. with a voice whose mbrola database is missing.
	e := newEngine(t, Options{Binary: fakeBinary(t, `in=$(cat)
case "$in" in
*rien*) printf 'RIFF\044\000\000\000WAVEfmt \020\000\000\000\001\000\001\000\042\126\000\000\104\254\000\000\002\000\020\000data\000\000\000\000';;
*) printf '%s' "$in" | exec REAL "$@";;
esac
`)})
	_, err := e.Synthesize(context.Background(), "rien")
	if !errors.Is(err, synth.ErrEngine) || !strings.Contains(err.Error(), "no audio") {
		t.Fatalf("err = %v, want ErrEngine reporting no audio", err)
	}
}

func TestSynthesizeCancel(t *testing.T) {
	e := newEngine(t, Options{Binary: fakeBinary(t, moody)})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := e.Synthesize(ctx, "dors")
	// The script's `sleep 30` holds stdout open: returning promptly proves
	// the whole process group was killed, not just the shell.
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("returned after %s, want promptly after cancel", took)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	var ee *synth.EngineError
	if errors.As(err, &ee) {
		t.Errorf("err = %v, a caller's cancel is not an engine failure", err)
	}
}

func TestSynthesizeCanceledBeforeStart(t *testing.T) {
	e := newEngine(t, Options{Binary: fakeBinary(t, `echo started >> DIR/runs
exec REAL "$@"
`)})
	runs := filepath.Join(filepath.Dir(e.path), "runs")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Synthesize(ctx, "Bonjour."); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := len(readLines(t, runs)); n != 1 {
		t.Errorf("%d runs, want only New's probe: a canceled call must not start a process", n)
	}
}

func TestSynthesizeMaxProcs(t *testing.T) {
	// Each run adds a marker file, counts the markers, and keeps its marker
	// while it sleeps; the largest count is the peak concurrency.
	e := newEngine(t, Options{MaxProcs: 2, Binary: fakeBinary(t, `touch DIR/active.$$
ls DIR | grep -c '^active\.' >> DIR/counts
sleep 0.2
rm DIR/active.$$
exec REAL "$@"
`)})
	const calls = 8
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Go(func() {
			_, err := e.Synthesize(context.Background(), "Appel numéro "+strconv.Itoa(i)+".")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	counts := readLines(t, filepath.Join(filepath.Dir(e.path), "counts"))
	if len(counts) != calls+1 { // +1: New's probe
		t.Fatalf("%d runs recorded, want %d", len(counts), calls+1)
	}
	peak := 0
	for _, c := range counts {
		n, err := strconv.Atoi(c)
		if err != nil {
			t.Fatal(err)
		}
		peak = max(peak, n)
	}
	// Exactly 2: more breaks the limit, fewer means calls were serialised.
	if peak != 2 {
		t.Errorf("peak concurrency = %d, want 2", peak)
	}
}

func TestSynthesizeWaitingForSlotHonoursContext(t *testing.T) {
	e := newEngine(t, Options{MaxProcs: 1, Binary: fakeBinary(t, moody)})
	hold, release := context.WithCancel(context.Background())
	defer release()
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Synthesize(hold, "dors") // occupies the only slot until released
	}()
	testwait.Eventually(t, func() bool { return len(e.sem) == 1 }, "the only slot taken")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := e.Synthesize(ctx, "Bonjour.")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "slot") {
		t.Errorf("err = %v, want DeadlineExceeded while waiting for a slot", err)
	}
	release()
	<-done
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	for s := bufio.NewScanner(f); s.Scan(); {
		lines = append(lines, strings.TrimSpace(s.Text()))
	}
	return lines
}
