package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ecouter/audio"
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
