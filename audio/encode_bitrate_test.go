package audio

import (
	"bytes"
	"math"
	"testing"
)

// Upsampling at high bitrates makes more output than lame's usual bound
// for the input size: every bitrate must encode, in one call or many.
func TestEncodeEveryBitrateWhileUpsampling(t *testing.T) {
	c := Clip{Rate: 22050, Samples: make([]float32, 22050*5)}
	for i := range c.Samples {
		c.Samples[i] = float32(0.3 * math.Sin(2*math.Pi*440*float64(i)/22050))
	}
	for _, kbps := range []int{32, 64, 128, 192, 256, 320} {
		e, err := NewEncoder(c.Rate, EncodeOptions{Bitrate: kbps, SampleRate: 44100})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		for off := 0; off < len(c.Samples); off += 70000 {
			b, err := e.Encode(c.Samples[off:min(off+70000, len(c.Samples))])
			if err != nil {
				t.Fatalf("%d kbps: %v", kbps, err)
			}
			out.Write(b)
		}
		tail, err := e.Flush()
		e.Close()
		if err != nil {
			t.Fatalf("%d kbps flush: %v", kbps, err)
		}
		out.Write(tail)
		got, err := DecodeMP3(&out)
		if err != nil || math.Abs(got.Seconds()-5) > 0.1 {
			t.Fatalf("%d kbps: decoded %.2fs, %v", kbps, got.Seconds(), err)
		}
	}
}
