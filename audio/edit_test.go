package audio

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestSilence(t *testing.T) {
	c := Silence(22050, 250*time.Millisecond)
	if c.Rate != 22050 || len(c.Samples) != 5513 { // 5512.5 rounds up
		t.Fatalf("Silence = %d Hz x %d samples, want 22050 x 5513", c.Rate, len(c.Samples))
	}
	if blockMax(c.Samples, 0, len(c.Samples)) != 0 {
		t.Error("Silence is not silent")
	}
	if n := len(Silence(22050, -time.Second).Samples); n != 0 {
		t.Errorf("negative duration gave %d samples", n)
	}
}

func TestTrim(t *testing.T) {
	const rate = 10000
	speech := sine(rate, 500, 0.5, 0, 100*time.Millisecond)
	// A quiet consonant (-40 dBFS peak, ~-43 dB RMS) before the loud part.
	consonant := sine(rate, 3000, 0.01, math.Pi/2, 20*time.Millisecond)
	noise := Gain(sine(rate, 50, 1, 0, 300*time.Millisecond), -60)
	c, err := Concat(noise, consonant, speech, Silence(rate, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	got := Trim(c, -45, 10*time.Millisecond)
	start := len(noise.Samples) - 100 // 10 ms margin before the consonant
	end := len(noise.Samples) + len(consonant.Samples) + len(speech.Samples) + 100
	// The sine's last sample above -45 dBFS is at most one sample early.
	if off := &got.Samples[0]; off != &c.Samples[start] {
		t.Errorf("trim start is not at the consonant minus margin")
	}
	if n := len(got.Samples); n < end-start-2 || n > end-start {
		t.Errorf("trimmed length = %d, want ~%d", n, end-start)
	}
	if got.Rate != rate {
		t.Errorf("rate = %d", got.Rate)
	}

	if s := Trim(Silence(rate, time.Second), -45, 0); len(s.Samples) != 0 || s.Rate != rate {
		t.Errorf("trimming silence gave %d samples at %d Hz, want none at %d", len(s.Samples), s.Rate, rate)
	}
	// A margin bigger than the surrounding silence is clamped to the clip.
	if s := Trim(speech, -45, time.Second); len(s.Samples) != len(speech.Samples) {
		t.Errorf("wide margin changed length to %d", len(s.Samples))
	}
}

func TestFade(t *testing.T) {
	c := Clip{Rate: 1000, Samples: make([]float32, 1000)}
	for i := range c.Samples {
		c.Samples[i] = 1
	}
	f := Fade(c, 100*time.Millisecond, 200*time.Millisecond)
	if f.Samples[0] != 0 || f.Samples[999] != 0 {
		t.Errorf("edges = %v, %v; want exact 0 so cuts cannot click", f.Samples[0], f.Samples[999])
	}
	if math.Abs(float64(f.Samples[50])-0.5) > 1e-6 {
		t.Errorf("mid fade-in = %v, want 0.5 (raised cosine)", f.Samples[50])
	}
	if f.Samples[100] != 1 || f.Samples[799] != 1 {
		t.Errorf("body touched: %v %v", f.Samples[100], f.Samples[799])
	}
	for i := 1; i < 100; i++ {
		if f.Samples[i] <= f.Samples[i-1] {
			t.Fatalf("fade-in not rising at %d", i)
		}
	}
	if c.Samples[0] != 1 {
		t.Error("Fade modified its input")
	}
	// Ramps longer than the clip shrink in proportion instead of panicking.
	short := Fade(Clip{Rate: 1000, Samples: c.Samples[:30]}, time.Second, 2*time.Second)
	if len(short.Samples) != 30 || short.Samples[0] != 0 || short.Samples[29] != 0 {
		t.Errorf("short fade = %v", short.Samples)
	}
}

func TestConcat(t *testing.T) {
	a := Clip{Rate: 8000, Samples: []float32{1, 2}}
	b := Clip{Rate: 8000, Samples: []float32{3}}
	got, err := Concat(a, Clip{}, b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rate != 8000 || len(got.Samples) != 3 || got.Samples[2] != 3 {
		t.Errorf("Concat = %+v", got)
	}
	if _, err := Concat(a, Clip{Rate: 16000, Samples: []float32{0}}); !errors.Is(err, ErrRate) {
		t.Errorf("mixed rates: err = %v, want ErrRate", err)
	}
	if c, err := Concat(); err != nil || len(c.Samples) != 0 {
		t.Errorf("Concat() = %+v, %v", c, err)
	}
}

func TestGain(t *testing.T) {
	c := Clip{Rate: 8000, Samples: []float32{0.5, -0.25}}
	g := Gain(c, -6.0206)
	if math.Abs(float64(g.Samples[0])-0.25) > 1e-4 || math.Abs(float64(g.Samples[1])+0.125) > 1e-4 {
		t.Errorf("Gain(-6 dB) = %v", g.Samples)
	}
	if c.Samples[0] != 0.5 {
		t.Error("Gain modified its input")
	}
}
