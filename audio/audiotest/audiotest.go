// Package audiotest checks MP3 files with the tools players are measured
// against, for the tests of audio and render: ffmpeg decodes them without
// an error, mp3val finds nothing to fix.
package audiotest

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Decode decodes mp3 with ffmpeg, failing the test on any error ffmpeg
// reports, to 32-bit float samples at the file's rate, or at the rate args
// ask for ("-ar", "44100"), channels as the file has them.
func Decode(t testing.TB, mp3 []byte, args ...string) []float32 {
	t.Helper()
	path := write(t, mp3)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("ffmpeg", append(append([]string{"-nostdin", "-v", "error", "-i", path, "-f", "f32le"}, args...), "-")...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("ffmpeg -v error: %v %s", err, stderr.String())
	}
	out := stdout.Bytes()
	pcm := make([]float32, len(out)/4)
	for i := range pcm {
		pcm[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return pcm
}

// MP3Val fails the test unless mp3val finds no fault in mp3 (no WARNING,
// no ERROR).
func MP3Val(t testing.TB, mp3 []byte) {
	t.Helper()
	out, err := exec.Command("mp3val", write(t, mp3)).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("WARNING")) || bytes.Contains(out, []byte("ERROR")) {
		t.Fatalf("mp3val: %v %s", err, out)
	}
}

func write(t testing.TB, mp3 []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.mp3")
	if err := os.WriteFile(path, mp3, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
