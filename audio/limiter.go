package audio

import "math"

// Limiter timing: the attack is a look-ahead ramp, so gain reduction is
// complete before a peak arrives (no overshoot, no distortion from an
// instant gain step); the release is slow enough not to pump on syllables.
const (
	limiterAttack  = 5e-3 // seconds
	limiterHold    = 10e-3
	limiterRelease = 80e-3
)

// limit applies, in place, a smooth gain to x wherever its true peak would
// exceed ceiling (linear), and returns the largest reduction in dB (≤ 0).
//
// The gain is built in three passes over the per-sample required gain g:
// a running minimum over [n-hold, n+attack] (look-ahead and hold), a
// one-pole release that rises slowly and falls instantly, then a moving
// average over attack+1 samples. Every window of the average contains the
// sample it protects, so the final gain never exceeds what that sample
// needs while its ramps stay a few milliseconds long.
func limit(x []float32, rate int, ceiling float64) float64 {
	need := requiredGain(x, rate, ceiling)
	if need == nil {
		return 0
	}
	attack := max(1, int(limiterAttack*float64(rate)))
	hold := int(limiterHold * float64(rate))
	g := slidingMin(need, hold, attack)

	// Release: follow decreases at once, recover with time constant
	// limiterRelease.
	alpha := 1 - math.Exp(-1/(limiterRelease*float64(rate)))
	env := 1.0
	for i, v := range g {
		if fv := float64(v); fv < env {
			env = fv
		} else {
			env += alpha * (fv - env)
		}
		g[i] = float32(env)
	}

	// Moving average of g over [i-attack, i]. Slots before the start use
	// g[0], which is already low enough for every sample it can reach.
	minGain := 1.0
	sum := float64(g[0]) * float64(attack+1)
	for i := range x {
		sum += float64(g[i]) - float64(g[max(0, i-attack-1)])
		gain := sum / float64(attack+1)
		minGain = min(minGain, gain)
		x[i] = float32(float64(x[i]) * gain)
	}
	return ampToDB(minGain)
}

// requiredGain is, per sample, the gain (≤ 1) that keeps its true peak at
// or below ceiling; nil when no sample needs any. float32 halves the
// memory of these per-sample arrays on long articles.
func requiredGain(x []float32, rate int, ceiling float64) []float32 {
	u := newUpsampler(rate)
	const half = tapsPerPhase / 2
	var need []float32
	for b := 0; b < len(x); b += peakBlock {
		end := min(b+peakBlock, len(x))
		if blockMax(x, b-half+1, end+half)*u.gain <= ceiling {
			continue
		}
		for n := b; n < end; n++ {
			p := u.peakAt(x, n)
			if p <= ceiling {
				continue
			}
			if need == nil {
				need = make([]float32, len(x))
				for i := range need {
					need[i] = 1
				}
			}
			// The interpolated peak lies between n and n+1: protect both.
			g := float32(ceiling / p)
			need[n] = min(need[n], g)
			if n+1 < len(x) {
				need[n+1] = min(need[n+1], g)
			}
		}
	}
	return need
}

// slidingMin returns m[n] = min(v[n-back .. n+ahead]) using a monotonic
// deque, in linear time.
func slidingMin(v []float32, back, ahead int) []float32 {
	out := make([]float32, len(v))
	dq := make([]int, 0, back+ahead+1)
	next := 0 // next index of v to enter the window
	for n := range v {
		for ; next < len(v) && next <= n+ahead; next++ {
			for len(dq) > 0 && v[dq[len(dq)-1]] >= v[next] {
				dq = dq[:len(dq)-1]
			}
			dq = append(dq, next)
		}
		for dq[0] < n-back {
			dq = dq[1:]
		}
		out[n] = v[dq[0]]
	}
	return out
}
