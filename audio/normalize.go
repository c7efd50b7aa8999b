package audio

import "math"

// NormalizeResult reports what Normalize measured and did.
type NormalizeResult struct {
	InputLUFS     float64 // integrated loudness before, -Inf for silence
	GainDB        float64 // static gain applied before limiting
	LimiterDB     float64 // deepest limiter gain reduction, ≤ 0
	OutputLUFS    float64 // integrated loudness after
	TruePeakDBTP  float64 // true peak after
	TargetReached bool    // OutputLUFS within 0.5 LU of the target
}

// Loudness-loop tuning: limiting lowers loudness a little, so the static
// gain is raised by the shortfall and the pass redone; the true-peak check
// tightens the limiter threshold when gain modulation itself overshoots.
const (
	normalizeTolerance = 0.1  // LU; well inside the promised 0.5 LU
	limiterMargin      = 0.05 // dB kept below the ceiling on the first pass
	normalizePasses    = 4
)

// Normalize scales c to targetLUFS integrated loudness, then limits it so
// that its true peak stays at or below ceilingDBTP. ecouter uses -19 LUFS
// (mono; -16 LUFS once played as dual mono) and -1 dBTP. c is not
// modified. Silence, and a clip shorter than one 400 ms gating block, has
// no measurable loudness and is returned unchanged (GainDB 0). When the target cannot be met
// under the ceiling (e.g. a square wave), the result says so through
// TargetReached rather than failing.
func Normalize(c Clip, targetLUFS, ceilingDBTP float64) (Clip, NormalizeResult) {
	res := NormalizeResult{InputLUFS: Loudness(c)}
	if math.IsInf(res.InputLUFS, -1) {
		out := Gain(c, 0)
		res.OutputLUFS = res.InputLUFS
		res.TruePeakDBTP = TruePeak(out)
		return out, res
	}
	gain := targetLUFS - res.InputLUFS
	var out Clip
	for range normalizePasses {
		out, res.LimiterDB, res.TruePeakDBTP = gainAndLimit(c, gain, ceilingDBTP)
		res.GainDB = gain
		res.OutputLUFS = Loudness(out)
		miss := targetLUFS - res.OutputLUFS
		if math.Abs(miss) <= normalizeTolerance {
			break
		}
		gain += miss
	}
	res.TargetReached = math.Abs(targetLUFS-res.OutputLUFS) <= 0.5
	return out, res
}

// gainAndLimit applies gain then the limiter, re-limiting with a lower
// threshold if the result still overshoots the ceiling. It returns the
// clip, the deepest reduction and the final true peak.
func gainAndLimit(c Clip, gain, ceilingDBTP float64) (Clip, float64, float64) {
	out := Gain(c, gain)
	threshold := ceilingDBTP - limiterMargin
	reduction := 0.0
	tp := TruePeak(out)
	for i := 0; i < 3 && tp > ceilingDBTP-limiterMargin/2; i++ {
		reduction += limit(out.Samples, out.Rate, dbToAmp(threshold))
		tp = TruePeak(out)
		threshold -= math.Max(tp-ceilingDBTP, 0) + limiterMargin
	}
	return out, reduction, tp
}
