package audio

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// benchSpeech is the benchmark input: a minute of speech-like signal at
// espeak-ng's rate, normalised as ecouter would before encoding.
func benchSpeech() Clip {
	c, _ := Normalize(speechLike(22050, time.Minute), -19, -1)
	return c
}

// reportRealtime reports how many seconds of audio were processed per
// second of wall time.
func reportRealtime(b *testing.B, c Clip, n int) {
	b.ReportMetric(c.Seconds()*float64(n)/b.Elapsed().Seconds(), "x-realtime")
}

func BenchmarkEncodeMP3(b *testing.B) {
	c := benchSpeech()
	n := 0
	for b.Loop() {
		if _, err := EncodeMP3(io.Discard, c, EncodeOptions{}, Tags{Title: "Essai"}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	reportRealtime(b, c, n)
}

// BenchmarkLameCLI runs the lame command line on the same audio with the
// same settings, so EncodeMP3's overhead is measured in the same run. The
// CLI also runs ReplayGain analysis by default, which the library does not
// and which is slow on digital silence (pauses), so it is measured both
// ways.
func BenchmarkLameCLI(b *testing.B) {
	c := benchSpeech()
	dir := b.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.mp3")
	f, err := os.Create(in)
	if err != nil {
		b.Fatal(err)
	}
	if err := EncodeWAV(f, c); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	args := []string{"--silent", "-b", "64", "--resample", "44.1", "-m", "m", "-q", "3"}
	for _, v := range []struct {
		name  string
		extra []string
	}{{"default", nil}, {"noreplaygain", []string{"--noreplaygain"}}} {
		b.Run(v.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				cmd := exec.Command("lame", append(append(v.extra, args...), in, out)...)
				if msg, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("lame: %v\n%s", err, msg)
				}
				n++
			}
			reportRealtime(b, c, n)
		})
	}
}

func BenchmarkLoudness(b *testing.B) {
	c := benchSpeech()
	n := 0
	for b.Loop() {
		Loudness(c)
		n++
	}
	reportRealtime(b, c, n)
}

func BenchmarkTruePeak(b *testing.B) {
	c := benchSpeech()
	n := 0
	for b.Loop() {
		TruePeak(c)
		n++
	}
	reportRealtime(b, c, n)
}

func BenchmarkNormalize(b *testing.B) {
	c := speechLike(22050, time.Minute)
	n := 0
	for b.Loop() {
		Normalize(c, -19, -1)
		n++
	}
	reportRealtime(b, c, n)
}

func BenchmarkDecodeWAV(b *testing.B) {
	c := benchSpeech()
	path := filepath.Join(b.TempDir(), "in.wav")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := EncodeWAV(f, c); err != nil {
		b.Fatal(err)
	}
	f.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		if _, err := DecodeWAV(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
		n++
	}
	reportRealtime(b, c, n)
}
