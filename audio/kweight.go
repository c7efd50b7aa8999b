package audio

import "math"

// biquad is a direct-form-I second-order IIR section in float64; the
// K-weighting high-pass sits at 38 Hz, where float32 state would drift.
type biquad struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

func (f *biquad) process(x float64) float64 {
	y := f.b0*x + f.b1*f.x1 + f.b2*f.x2 - f.a1*f.y1 - f.a2*f.y2
	f.x2, f.x1 = f.x1, x
	f.y2, f.y1 = f.y1, y
	return y
}

// reset puts the filter at rest, as after a long silence.
func (f *biquad) reset() { f.x1, f.x2, f.y1, f.y2 = 0, 0, 0, 0 }

// kWeighting returns the two BS.1770 K-weighting stages (head-effect high
// shelf, then RLB high-pass) for rate. The coefficients come from the
// analog prototypes through the bilinear transform, as libebur128 does,
// so any rate is exact and 48 kHz reproduces the table in BS.1770-4.
func kWeighting(rate int) (shelf, highpass biquad) {
	fs := float64(rate)

	// Pre-filter: high shelf, +4 dB above ~1.7 kHz.
	const f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
	k := math.Tan(math.Pi * f0 / fs)
	vh := math.Pow(10, gain/20)
	vb := math.Pow(vh, 0.4996667741545416)
	a0 := 1 + k/q + k*k
	shelf = biquad{
		b0: (vh + vb*k/q + k*k) / a0,
		b1: 2 * (k*k - vh) / a0,
		b2: (vh - vb*k/q + k*k) / a0,
		a1: 2 * (k*k - 1) / a0,
		a2: (1 - k/q + k*k) / a0,
	}

	// RLB weighting: second-order high-pass at ~38 Hz. The numerator is
	// (1, -2, 1) unnormalised, as in BS.1770 (its gain is ~1 above 100 Hz).
	const f1, q1 = 38.13547087602444, 0.5003270373238773
	k = math.Tan(math.Pi * f1 / fs)
	a0 = 1 + k/q1 + k*k
	highpass = biquad{
		b0: 1, b1: -2, b2: 1,
		a1: 2 * (k*k - 1) / a0,
		a2: (1 - k/q1 + k*k) / a0,
	}
	return shelf, highpass
}
