package audio

import (
	"fmt"
	"math"
	"time"
)

// Editing functions never modify their input. Trim returns a view sharing
// the input's samples; Fade, Gain and Concat return fresh samples.

// samplesFor converts a duration to a sample count at rate, rounded.
func samplesFor(rate int, d time.Duration) int {
	if rate <= 0 || d <= 0 {
		return 0
	}
	return int(math.Round(d.Seconds() * float64(rate)))
}

// dbToAmp converts decibels to a linear amplitude factor.
func dbToAmp(db float64) float64 { return math.Pow(10, db/20) }

// ampToDB converts a linear amplitude to decibels (-Inf for 0).
func ampToDB(a float64) float64 { return 20 * math.Log10(a) }

// Silence is d of digital silence at rate, used for pauses between
// sentences and paragraphs.
func Silence(rate int, d time.Duration) Clip {
	return Clip{Rate: rate, Samples: make([]float32, samplesFor(rate, d))}
}

// Trim drops leading and trailing silence: everything before the first and
// after the last sample whose magnitude exceeds threshold (dBFS, e.g. -45),
// keeping margin on each side. It detects on sample peaks rather than
// windowed RMS because a quiet unvoiced consonant ("s", "f") starting a
// sentence has little energy but clear peaks, and cutting it is audible.
// A clip with nothing above threshold trims to an empty clip. The result
// shares c's samples.
func Trim(c Clip, threshold float64, margin time.Duration) Clip {
	thr := float32(dbToAmp(threshold))
	first, last := -1, -1
	for i, s := range c.Samples {
		if s > thr || s < -thr {
			first = i
			break
		}
	}
	if first < 0 {
		return Clip{Rate: c.Rate, Samples: c.Samples[:0]}
	}
	for i := len(c.Samples) - 1; i >= first; i-- {
		if s := c.Samples[i]; s > thr || s < -thr {
			last = i
			break
		}
	}
	m := samplesFor(c.Rate, margin)
	lo := max(first-m, 0)
	hi := min(last+1+m, len(c.Samples))
	return Clip{Rate: c.Rate, Samples: c.Samples[lo:hi]}
}

// Fade applies raised-cosine fade-in and fade-out ramps so that a cut never
// starts or ends on a non-zero sample (an audible click). Ramps longer than
// the clip are shortened in proportion.
func Fade(c Clip, in, out time.Duration) Clip {
	s := make([]float32, len(c.Samples))
	copy(s, c.Samples)
	nIn, nOut := samplesFor(c.Rate, in), samplesFor(c.Rate, out)
	if total := nIn + nOut; total > len(s) {
		nIn = nIn * len(s) / total
		nOut = len(s) - nIn
	}
	for i := range nIn {
		s[i] *= raisedCosine(i, nIn)
	}
	for i := range nOut {
		s[len(s)-1-i] *= raisedCosine(i, nOut)
	}
	return Clip{Rate: c.Rate, Samples: s}
}

// raisedCosine is the gain at step i of an n-step ramp from 0 towards 1;
// step 0 is exactly 0 so the first sample is silent.
func raisedCosine(i, n int) float32 {
	return float32(0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(n)))
}

// Concat joins clips end to end. All clips with samples must share one
// rate; empty clips are ignored whatever their rate.
func Concat(clips ...Clip) (Clip, error) {
	rate, total := 0, 0
	for i, c := range clips {
		if len(c.Samples) == 0 {
			continue
		}
		if c.Rate <= 0 {
			return Clip{}, fmt.Errorf("concat clip %d: %w: %d Hz", i, ErrRate, c.Rate)
		}
		if rate != 0 && c.Rate != rate {
			return Clip{}, fmt.Errorf("concat clip %d: %w: %d Hz, want %d Hz", i, ErrRate, c.Rate, rate)
		}
		rate = c.Rate
		total += len(c.Samples)
	}
	if rate == 0 && len(clips) > 0 {
		rate = clips[0].Rate
	}
	out := make([]float32, 0, total)
	for _, c := range clips {
		out = append(out, c.Samples...)
	}
	return Clip{Rate: rate, Samples: out}, nil
}

// Gain scales c by db decibels. Samples may leave [-1, 1]; clipping is
// left to encoding so chained gains do not lose information.
func Gain(c Clip, db float64) Clip {
	g := float32(dbToAmp(db))
	s := make([]float32, len(c.Samples))
	for i, v := range c.Samples {
		s[i] = v * g
	}
	return Clip{Rate: c.Rate, Samples: s}
}
