package audio

import (
	"bytes"
	"context"
	"math"
	"os/exec"
	"testing"
	"time"
)

// sine is a tone of amp at freq Hz starting at phase (radians).
func sine(rate int, freq, amp, phase float64, d time.Duration) Clip {
	n := samplesFor(rate, d)
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)+phase))
	}
	return Clip{Rate: rate, Samples: s}
}

// speechLike is a deterministic signal with speech's rough shape: a
// harmonic-rich voiced tone at a gliding pitch, syllable-rate amplitude
// modulation and pauses, so benchmarks exercise the quiet and loud paths.
func speechLike(rate int, d time.Duration) Clip {
	n := samplesFor(rate, d)
	s := make([]float32, n)
	phase := 0.0
	for i := range s {
		t := float64(i) / float64(rate)
		f0 := 120 + 30*math.Sin(2*math.Pi*0.7*t)
		phase += 2 * math.Pi * f0 / float64(rate)
		v := 0.0
		for h := 1; h <= 8; h++ {
			v += math.Sin(float64(h)*phase) / float64(h)
		}
		env := math.Max(0, math.Sin(2*math.Pi*4*t)) // ~4 syllables/s
		if math.Mod(t, 3) > 2.5 {                   // a pause every 3 s
			env = 0
		}
		s[i] = float32(0.3 * env * v)
	}
	return Clip{Rate: rate, Samples: s}
}

// run executes a tool that the test needs and returns its stdout followed
// by its stderr (ffmpeg reports there). A missing tool fails the test
// because these behaviours cannot be checked without it.
func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is required for this test: %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return append(stdout.Bytes(), stderr.Bytes()...)
}

// espeakWAV is espeak-ng's raw --stdout output for a French sentence,
// placeholder sizes included.
func espeakWAV(t testing.TB, text string) []byte {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatalf("espeak-ng is required for this test: %v", err)
	}
	out, err := exec.Command("espeak-ng", "-v", "fr", "--stdout", text).Output()
	if err != nil {
		t.Fatalf("espeak-ng: %v", err)
	}
	return out
}

func espeakClip(t testing.TB, text string) Clip {
	t.Helper()
	c, err := DecodeWAV(bytes.NewReader(espeakWAV(t, text)))
	if err != nil {
		t.Fatalf("DecodeWAV(espeak-ng): %v", err)
	}
	return c
}

const frenchSentence = "Le gouvernement a présenté mercredi un projet de loi sur la transition énergétique, " +
	"qui prévoit notamment la fermeture des dernières centrales à charbon d'ici deux mille trente."
