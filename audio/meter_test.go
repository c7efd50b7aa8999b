package audio

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Feeding a meter in uneven pieces measures exactly what Loudness measures
// on the whole clip.
func TestMeterInPieces(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	c := Clip{Rate: 22050, Samples: make([]float32, 22050*7+123)}
	for i := range c.Samples {
		// Bursts of noise and tone with quiet gaps, like speech and pauses.
		env := 0.02
		if (i/5000)%3 != 0 {
			env = 0.4
		}
		c.Samples[i] = float32(env * (0.5*math.Sin(float64(i)*0.07) + 0.5*(r.Float64()*2-1)))
	}
	m := NewMeter(c.Rate)
	for off := 0; off < len(c.Samples); {
		n := min(len(c.Samples)-off, 1+r.IntN(3000))
		m.Add(c.Samples[off : off+n])
		off += n
	}
	whole := Loudness(c)
	if got := m.Loudness(); got != whole || math.IsInf(got, -1) {
		t.Fatalf("meter in pieces %.6f LUFS, whole clip %.6f", got, whole)
	}
	if !math.IsInf(NewMeter(48000).Loudness(), -1) {
		t.Fatal("an empty meter is not -Inf")
	}
}
