package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A cached sentence's temporary file left by a kill -9 a moment ago is
// gone once `ecouter serve` has started: it used to stay until a start an
// hour later.
func TestServeSweepsCrashLeftovers(t *testing.T) {
	st := t.TempDir()
	dir := filepath.Join(st, "sentences", "ab")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	left := filepath.Join(dir, ".tmp-123456")
	if err := os.WriteFile(left, []byte("RIFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	serveCmd(t, map[string]string{"ECOUTER_STORE": st})
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Fatalf("the sentence cache's temporary file is still there after the start: %v", err)
	}
}
