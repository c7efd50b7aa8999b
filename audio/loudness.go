package audio

import "math"

// BS.1770-4 gating constants.
const (
	absoluteGateLUFS = -70.0
	relativeGateLU   = -10.0
	// loudnessOffset is the -0.691 dB that makes a 1 kHz full-scale sine
	// on one channel of a stereo pair read -3.01 LUFS.
	loudnessOffset = -0.691
)

// Loudness is the integrated loudness of c in LUFS per ITU-R BS.1770-4
// (EBU R128) for a single channel: K-weighting, 400 ms blocks overlapping
// by 75 %, an absolute gate at -70 LUFS and a relative gate 10 LU below
// the ungated level. It is -Inf for silence or a clip shorter than one
// block. A mono file played on both speakers of a stereo device is heard
// about 3 LU louder than this figure (dual-mono).
func Loudness(c Clip) float64 {
	powers := blockPowers(c)
	if len(powers) == 0 {
		return math.Inf(-1)
	}
	absGate := lufsToPower(absoluteGateLUFS)
	sum, n := 0.0, 0
	for _, p := range powers {
		if p > absGate {
			sum += p
			n++
		}
	}
	if n == 0 {
		return math.Inf(-1)
	}
	relGate := sum / float64(n) * math.Pow(10, relativeGateLU/10)
	sum, n = 0, 0
	for _, p := range powers {
		if p > absGate && p > relGate {
			sum += p
			n++
		}
	}
	if n == 0 {
		return math.Inf(-1)
	}
	return powerToLUFS(sum / float64(n))
}

// blockPowers returns the mean square of the K-weighted signal over each
// complete 400 ms gating block, stepping 100 ms. Squares are summed once
// per 100 ms step and each block adds four steps, so the overlap costs
// nothing.
func blockPowers(c Clip) []float64 {
	if c.Rate <= 0 {
		return nil
	}
	step := int(math.Round(float64(c.Rate) / 10))
	steps := len(c.Samples) / step
	if steps < 4 {
		return nil
	}
	shelf, hp := kWeighting(c.Rate)
	sums := make([]float64, steps)
	for i := range sums {
		acc := 0.0
		for _, s := range c.Samples[i*step : (i+1)*step] {
			y := hp.process(shelf.process(float64(s)))
			acc += y * y
		}
		sums[i] = acc
	}
	powers := make([]float64, steps-3)
	for i := range powers {
		powers[i] = (sums[i] + sums[i+1] + sums[i+2] + sums[i+3]) / float64(4*step)
	}
	return powers
}

// lufsToPower and powerToLUFS convert between a block's mean square and
// its loudness.
func lufsToPower(l float64) float64 { return math.Pow(10, (l-loudnessOffset)/10) }

func powerToLUFS(p float64) float64 { return loudnessOffset + 10*math.Log10(p) }
