package render

import (
	"bytes"
	"fmt"
	"math"
	"sync"
	"time"

	"ecouter/audio"
)

// The MP3 encoder's filtering lowers loudness a little (about 0.5 LU for
// speech at 64 kbps), so normalising the PCM to the target leaves the MP3
// below it. The loss is measured once per encoder setting on an excerpt
// of real speech, and later renders aim that much higher.
const calibrationExcerpt = 30 * time.Second

// encoderLoss remembers the measured loss per encoder setting.
type encoderLoss struct {
	mu   sync.Mutex
	loss map[audio.EncodeOptions]float64
}

func (e *encoderLoss) get(opt audio.EncodeOptions) (float64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	l, ok := e.loss[opt]
	return l, ok
}

// measure encodes and decodes an excerpt of c and returns the loudness it
// lost, clamped to a sane range so a freak excerpt cannot skew renders.
func (e *encoderLoss) measure(c audio.Clip, opt audio.EncodeOptions) (float64, error) {
	n := min(len(c.Samples), int(calibrationExcerpt.Seconds()*float64(c.Rate)))
	excerpt := audio.Clip{Rate: c.Rate, Samples: c.Samples[:n]}
	before := audio.Loudness(excerpt)
	if math.IsInf(before, -1) {
		return 0, nil // too short or silent to tell; try again next render
	}
	var buf bytes.Buffer
	if _, err := audio.EncodeMP3(&buf, excerpt, opt, audio.Tags{}); err != nil {
		return 0, fmt.Errorf("calibrate encoder: %w", err)
	}
	decoded, err := audio.DecodeMP3(&buf)
	if err != nil {
		return 0, fmt.Errorf("calibrate encoder: %w", err)
	}
	loss := max(-1, min(2, before-audio.Loudness(decoded)))
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.loss == nil {
		e.loss = map[audio.EncodeOptions]float64{}
	}
	e.loss[opt] = loss
	return loss, nil
}
