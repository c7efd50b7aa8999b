package audio

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func TestLoudnessSine(t *testing.T) {
	for _, rate := range []int{22050, 44100, 48000} {
		for _, amp := range []float64{1, 0.5, 0.1} {
			c := sine(rate, 997, amp, 0, 5*time.Second)
			got := Loudness(c)
			want := 20*math.Log10(amp) - 3.01
			if math.Abs(got-want) > 0.1 {
				t.Errorf("%d Hz, amplitude %.2f: %.3f LUFS, want %.2f ±0.1", rate, amp, got, want)
			}
		}
	}
}

func TestKWeighting48kMatchesTable(t *testing.T) {
	// BS.1770-4 tables 1 and 2 (48 kHz).
	shelf, hp := kWeighting(48000)
	got := []float64{shelf.b0, shelf.b1, shelf.b2, shelf.a1, shelf.a2, hp.a1, hp.a2}
	want := []float64{1.53512485958697, -2.69169618940638, 1.19839281085285,
		-1.69065929318241, 0.73248077421585, -1.99004745483398, 0.99007225036621}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-6 {
			t.Errorf("coefficient %d = %.14f, want %.14f", i, got[i], want[i])
		}
	}
}

func TestLoudnessGating(t *testing.T) {
	const rate = 48000
	loud := sine(rate, 997, 1, 0, 10*time.Second)     // -3.01 LUFS
	quiet := sine(rate, 997, 0.01, 0, 10*time.Second) // -43 LUFS: under the relative gate
	c, err := Concat(loud, quiet)
	if err != nil {
		t.Fatal(err)
	}
	// Without the relative gate the mean would be ~-6 LUFS; with it the
	// quiet half (and the transition blocks only partly) drop out.
	if got := Loudness(c); math.Abs(got-(-3.01)) > 0.2 {
		t.Errorf("loud+quiet = %.2f LUFS, want ≈ -3.01 (quiet part gated)", got)
	}

	// Below the absolute gate (-70 LUFS), a signal reads as silence.
	if got := Loudness(sine(rate, 997, 1e-4, 0, 2*time.Second)); !math.IsInf(got, -1) {
		t.Errorf("-83 LUFS tone = %v, want -Inf (absolute gate)", got)
	}
	// Two levels 6 dB apart, both above the relative gate, average in power.
	half := sine(rate, 997, 0.5, 0, 10*time.Second)
	both, _ := Concat(loud, half)
	want := 10*math.Log10((1+0.25)/2) - 3.01
	if got := Loudness(both); math.Abs(got-want) > 0.15 {
		t.Errorf("two levels = %.2f LUFS, want %.2f", got, want)
	}
}

func TestLoudnessSilenceAndShort(t *testing.T) {
	for name, c := range map[string]Clip{
		"silence":   Silence(22050, 3*time.Second),
		"empty":     {Rate: 22050},
		"too short": sine(22050, 997, 1, 0, 300*time.Millisecond),
		"no rate":   {Samples: []float32{1, 1}},
	} {
		if got := Loudness(c); !math.IsInf(got, -1) {
			t.Errorf("%s: %v LUFS, want -Inf", name, got)
		}
	}
}

// TestLoudnessMatchesFFmpeg checks a real espeak-ng French sentence
// against ffmpeg's ebur128 filter, which treats a mono file as one channel
// (its dual_mono option is off by default), as Loudness does.
func TestLoudnessMatchesFFmpeg(t *testing.T) {
	c := espeakClip(t, frenchSentence)
	for _, gain := range []float64{0, -12} {
		g := Gain(c, gain)
		path := filepath.Join(t.TempDir(), "s.wav")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := EncodeWAV(f, g); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out := run(t, "ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af", "ebur128", "-f", "null", "-")
		m := regexp.MustCompile(`(?s)Summary:.*?I:\s+(-?[0-9.]+) LUFS`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("no integrated loudness in ffmpeg output:\n%s", out)
		}
		want, _ := strconv.ParseFloat(string(m[1]), 64)
		got := Loudness(g)
		t.Logf("gain %v dB: Loudness %.2f LUFS, ffmpeg %.1f LUFS", gain, got, want)
		if math.Abs(got-want) > 0.2 {
			t.Errorf("gain %v dB: Loudness = %.2f LUFS, ffmpeg ebur128 = %.1f LUFS", gain, got, want)
		}
	}
}
