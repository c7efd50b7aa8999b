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
	if c.Rate <= 0 {
		return math.Inf(-1)
	}
	m := NewMeter(c.Rate)
	m.Add(c.Samples)
	return m.Loudness()
}

// Meter measures integrated loudness as samples arrive, so a long article
// can be measured without being held in memory: it keeps one sum per
// 100 ms (80 bytes per second of audio).
type Meter struct {
	step      int // samples per 100 ms
	shelf, hp biquad
	acc       float64 // sum of squares of the current step
	n         int     // samples in the current step
	sums      []float64
}

// NewMeter returns a meter for mono audio at rate Hz.
func NewMeter(rate int) *Meter {
	shelf, hp := kWeighting(rate)
	return &Meter{step: max(1, int(math.Round(float64(rate)/10))), shelf: shelf, hp: hp}
}

// Add feeds samples to the meter.
func (m *Meter) Add(samples []float32) {
	for _, s := range samples {
		y := m.hp.process(m.shelf.process(float64(s)))
		m.acc += y * y
		if m.n++; m.n == m.step {
			m.sums = append(m.sums, m.acc)
			m.acc, m.n = 0, 0
		}
	}
}

// Restart begins a new stretch of audio measured on its own, as if by a
// fresh meter whose steps are appended to this one's: the filters start
// again from rest and an incomplete step is dropped. Stretches that start
// in silence measure the same whether they were metered here or elsewhere
// (see Steps and AddSteps), which is what lets an article's loudness be
// summed from stored pieces.
func (m *Meter) Restart() {
	m.shelf.reset()
	m.hp.reset()
	m.acc, m.n = 0, 0
}

// Steps returns the sums of the complete 100 ms steps from step from on.
func (m *Meter) Steps(from int) []float64 {
	return append([]float64(nil), m.sums[min(from, len(m.sums)):]...)
}

// StepCount is how many complete steps were measured.
func (m *Meter) StepCount() int { return len(m.sums) }

// AddSteps appends steps measured by another meter at the same rate (see
// Restart), after dropping any incomplete step of this one.
func (m *Meter) AddSteps(steps []float64) {
	m.Restart()
	m.sums = append(m.sums, steps...)
}

// Loudness is the integrated loudness of everything added so far, gated
// as Loudness does; an incomplete last 100 ms is left out.
func (m *Meter) Loudness() float64 {
	return gated(m.blockPowers())
}

// blockPowers returns the mean square of the K-weighted signal over each
// complete 400 ms gating block, stepping 100 ms. Squares are summed once
// per 100 ms step and each block adds four steps, so the overlap costs
// nothing.
func (m *Meter) blockPowers() []float64 {
	if len(m.sums) < 4 {
		return nil
	}
	powers := make([]float64, len(m.sums)-3)
	for i := range powers {
		powers[i] = (m.sums[i] + m.sums[i+1] + m.sums[i+2] + m.sums[i+3]) / float64(4*m.step)
	}
	return powers
}

// gated applies BS.1770's absolute and relative gates to block powers.
func gated(powers []float64) float64 {
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

// lufsToPower and powerToLUFS convert between a block's mean square and
// its loudness.
func lufsToPower(l float64) float64 { return math.Pow(10, (l-loudnessOffset)/10) }

func powerToLUFS(p float64) float64 { return loudnessOffset + 10*math.Log10(p) }
