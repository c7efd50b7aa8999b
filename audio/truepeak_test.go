package audio

import (
	"math"
	"testing"
	"time"
)

func TestTruePeakBetweenSamples(t *testing.T) {
	for _, rate := range []int{22050, 44100, 48000} {
		// fs/4 at 45°: every sample is ±0.707, the waveform peaks at 1.
		c := sine(rate, float64(rate)/4, 1, math.Pi/4, time.Second)
		sample := ampToDB(blockMax(c.Samples, 0, len(c.Samples)))
		if math.Abs(sample-(-3.01)) > 0.01 {
			t.Fatalf("%d Hz: sample peak %.2f dBFS, want -3.01 (test signal wrong)", rate, sample)
		}
		if got := TruePeak(c); math.Abs(got) > 0.1 {
			t.Errorf("%d Hz: TruePeak = %.3f dBTP, want 0 ±0.1", rate, got)
		}
	}
}

func TestTruePeakLevels(t *testing.T) {
	// Faded edges: an abrupt start would really overshoot (Gibbs), which
	// is not what these cases measure.
	tone := func(rate int, f, amp, phase float64) Clip {
		return Fade(sine(rate, f, amp, phase, time.Second), 20*time.Millisecond, 20*time.Millisecond)
	}
	tests := []struct {
		name string
		c    Clip
		want float64
	}{
		{"997 Hz at -6 dB", tone(48000, 997, 0.5, 0.3), -6.02},
		{"3 kHz at -20 dB, 22.05 kHz", tone(22050, 3000, 0.1, 1), -20},
		{"8 kHz at -10 dB, 22.05 kHz", tone(22050, 8000, dbToAmp(-10), 0.7), -10},
		{"single full-scale sample", Clip{Rate: 48000, Samples: []float32{0, 0, 1, 0, 0}}, 0},
	}
	for _, tt := range tests {
		if got := TruePeak(tt.c); math.Abs(got-tt.want) > 0.05 {
			t.Errorf("%s: TruePeak = %.3f dBTP, want %.2f", tt.name, got, tt.want)
		}
	}
	if got := TruePeak(Silence(22050, time.Second)); !math.IsInf(got, -1) {
		t.Errorf("silence: TruePeak = %v, want -Inf", got)
	}
}

// TestTruePeakNeverBelowSamplePeak guards the block-skipping shortcut: it
// must never hide the largest sample.
func TestTruePeakNeverBelowSamplePeak(t *testing.T) {
	c := speechLike(22050, 5*time.Second)
	c.Samples[len(c.Samples)-1] = 0.95 // a peak in the very last block
	if got, floor := TruePeak(c), ampToDB(0.95); got < floor-1e-6 {
		t.Errorf("TruePeak = %.3f dBTP, below sample peak %.3f", got, floor)
	}
}
