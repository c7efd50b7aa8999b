package audio

import (
	"math"
	"testing"
	"time"
)

const (
	targetLUFS  = -19
	ceilingDBTP = -1
)

func TestNormalizeSpeech(t *testing.T) {
	c := espeakClip(t, frenchSentence)
	in := append([]float32(nil), c.Samples...)
	out, res := Normalize(c, targetLUFS, ceilingDBTP)
	t.Logf("%+v", res)
	if math.Abs(res.InputLUFS-Loudness(c)) > 1e-9 {
		t.Errorf("InputLUFS = %.2f, want %.2f", res.InputLUFS, Loudness(c))
	}
	if got := Loudness(out); math.Abs(got-targetLUFS) > 0.5 || got != res.OutputLUFS {
		t.Errorf("output loudness %.2f LUFS (reported %.2f), want %d ±0.5", got, res.OutputLUFS, targetLUFS)
	}
	if tp := TruePeak(out); tp > ceilingDBTP || tp != res.TruePeakDBTP {
		t.Errorf("true peak %.2f dBTP (reported %.2f), want ≤ %d", tp, res.TruePeakDBTP, ceilingDBTP)
	}
	if !res.TargetReached || out.Rate != c.Rate || len(out.Samples) != len(c.Samples) {
		t.Errorf("result %+v, %d Hz x %d", res, out.Rate, len(out.Samples))
	}
	for i := range in {
		if in[i] != c.Samples[i] {
			t.Fatal("Normalize modified its input")
		}
	}
}

// TestNormalizeLimits pushes a peaky signal high enough that the limiter
// must work hard, and checks the ceiling, the loudness and that the gain
// moves smoothly (no instant steps, which would click).
func TestNormalizeLimits(t *testing.T) {
	c := speechLike(22050, 20*time.Second)
	// Sparse sharp peaks, like plosives, 12 dB above the body.
	for i := 5000; i < len(c.Samples); i += 22050 {
		for j := range 40 {
			c.Samples[i+j] += float32(0.9 * math.Sin(math.Pi*float64(j)/40))
		}
	}
	const target = -14.0
	out, res := Normalize(c, target, ceilingDBTP)
	t.Logf("%+v", res)
	if res.LimiterDB >= -1 {
		t.Fatalf("LimiterDB = %.2f; the test signal should need > 1 dB of limiting", res.LimiterDB)
	}
	if tp := TruePeak(out); tp > ceilingDBTP {
		t.Errorf("true peak %.3f dBTP, want ≤ %d", tp, ceilingDBTP)
	}
	if got := Loudness(out); math.Abs(got-target) > 0.5 {
		t.Errorf("loudness %.2f LUFS, want %.1f ±0.5", got, target)
	}
	// Gain actually applied per sample, where the signal is clear of zero.
	g := dbToAmp(res.GainDB)
	prev, maxStep := 1.0, 0.0
	for i, s := range c.Samples {
		if math.Abs(float64(s)) < 0.05 {
			continue
		}
		gain := float64(out.Samples[i]) / (float64(s) * g)
		if gain > 1+1e-5 {
			t.Fatalf("sample %d: limiter gain %.4f > 1", i, gain)
		}
		if i > 0 && math.Abs(float64(c.Samples[i-1])) >= 0.05 {
			maxStep = max(maxStep, math.Abs(gain-prev))
		}
		prev = gain
	}
	// A 5 ms attack at 22,050 Hz moves at most 1/110 of the reduction
	// per sample.
	if maxStep > 0.01 {
		t.Errorf("gain changes by %.4f in one sample; limiter is not smooth", maxStep)
	}
}

func TestNormalizeTone(t *testing.T) {
	c := sine(44100, 997, 0.01, 0, 5*time.Second) // -43 LUFS
	out, res := Normalize(c, targetLUFS, ceilingDBTP)
	if res.LimiterDB != 0 {
		t.Errorf("LimiterDB = %v; a -16 dBFS sine must not be limited", res.LimiterDB)
	}
	if math.Abs(res.GainDB-(targetLUFS-res.InputLUFS)) > 1e-9 || math.Abs(res.GainDB-24) > 0.1 {
		t.Errorf("GainDB = %.3f, want ≈ 24", res.GainDB)
	}
	if math.Abs(Loudness(out)-targetLUFS) > 0.05 {
		t.Errorf("loudness = %.3f", Loudness(out))
	}
}

func TestNormalizeSilence(t *testing.T) {
	c := Silence(22050, 2*time.Second)
	out, res := Normalize(c, targetLUFS, ceilingDBTP)
	if len(out.Samples) != len(c.Samples) || res.GainDB != 0 || !math.IsInf(res.OutputLUFS, -1) || res.TargetReached {
		t.Errorf("silence: %+v, %d samples", res, len(out.Samples))
	}
	if blockMax(out.Samples, 0, len(out.Samples)) != 0 {
		t.Error("silence is no longer silent")
	}
}

func TestSlidingMin(t *testing.T) {
	v := []float32{5, 3, 4, 1, 6, 7, 2, 8}
	got := slidingMin(v, 1, 2)
	for n := range v {
		want := v[n]
		for k := max(0, n-1); k <= min(len(v)-1, n+2); k++ {
			want = min(want, v[k])
		}
		if got[n] != want {
			t.Errorf("slidingMin[%d] = %v, want %v", n, got[n], want)
		}
	}
}
