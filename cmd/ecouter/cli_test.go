package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/audio"
	"ecouter/internal/testwait"
)

// The command line, run as a user would: render to a file, render ahead,
// print the script.
func TestCommandLine(t *testing.T) {
	dir := articleDir(t)
	env := map[string]string{"ECOUTER_ARTICLES": "dir:" + dir, "ECOUTER_STORE": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()

	var out, errOut bytes.Buffer
	file := filepath.Join(t.TempDir(), "court.mp3")
	if err := run(ctx, []string{"render", "-o", file, "court"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("render -o: %v\n%s", err, errOut.String())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	clip, err := audio.DecodeMP3(bytes.NewReader(b))
	if err != nil || clip.Seconds() < 5 {
		t.Fatalf("rendered file: %.1fs, %v", clip.Seconds(), err)
	}
	// Not a terminal: plain progress lines, "done / total".
	if !strings.Contains(errOut.String(), "court: ") || !strings.Contains(errOut.String(), " sentences, ") {
		t.Fatalf("progress lines: %q", errOut.String())
	}

	out.Reset()
	errOut.Reset()
	if err := run(ctx, []string{"render", "--recent", "5"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("render --recent: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "court: ") || !strings.Contains(out.String(), "autre: ") {
		t.Fatalf("render --recent rendered: %q", out.String())
	}

	out.Reset()
	if err := run(ctx, []string{"script", "--json", "court"}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var sc struct{ Blocks []struct{ Kind string } }
	if err := json.Unmarshal(out.Bytes(), &sc); err != nil || len(sc.Blocks) < 4 || sc.Blocks[0].Kind != "title" {
		t.Fatalf("script --json: %v %s", err, out.String())
	}

	for _, args := range [][]string{{"render"}, {"render", "-o", "x.mp3", "a", "b"}, {"render", "../etc"}, {"script"}, {"nonsense"}} {
		if err := run(ctx, args, getenv, &out, &errOut); err == nil {
			t.Errorf("ecouter %s: no error", strings.Join(args, " "))
		}
	}
}

// overlapWriter records whether two writes were ever in progress at once.
// A batch's progress line waits a while for another write to begin, so
// that writers not kept apart do meet.
type overlapWriter struct {
	busy, overlaps atomic.Int32
}

func (w *overlapWriter) Write(p []byte) (int, error) {
	if w.busy.Add(1) > 1 {
		w.overlaps.Add(1)
	}
	if bytes.HasSuffix(p, []byte(" articles\n")) {
		testwait.Until(time.Second, func() bool { return w.busy.Load() > 1 })
	}
	w.busy.Add(-1)
	return len(p), nil
}

// A batch reports each article from its workers while the render log
// writes too: run hands them its writers one write at a time (the data
// race the race detector once caught on the test's buffer).
func TestRenderRecentWritesOneAtATime(t *testing.T) {
	dir := articleDir(t)
	env := map[string]string{"ECOUTER_ARTICLES": "dir:" + dir, "ECOUTER_STORE": t.TempDir(),
		"ECOUTER_LOG_LEVEL": "debug", "ECOUTER_MAX_RENDERS": "8"}
	var w overlapWriter
	if err := run(context.Background(), []string{"render", "--recent", "5"}, func(k string) string { return env[k] }, &w, &w); err != nil {
		t.Fatal(err)
	}
	if n := w.overlaps.Load(); n > 0 {
		t.Fatalf("%d writes overlapped another", n)
	}
}
