package render

import (
	"bytes"
	"fmt"
	"math"
	"sync"
	"time"

	"ecouter/audio"
)

// Sentences are levelled one by one so audio can be streamed before the
// article is finished; the whole article then measures a little below the
// target (the pauses between sentences weigh in the gated mean), and the
// MP3 encoder's filtering lowers speech by about 0.5 LU more at 64 kbps.
// Both offsets are measured on real renders and fed back into the target
// of later ones, so each article lands on the target as an MP3.
const calibrationExcerpt = 30 * time.Second

type calibration struct {
	mu   sync.Mutex
	bias float64 // learned: target minus what the whole PCM measured
	loss map[audio.EncodeOptions]float64
}

// offset is what to add to the target when levelling sentences.
func (c *calibration) offset(opt audio.EncodeOptions) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bias + c.loss[opt]
}

func (c *calibration) encoderLoss(opt audio.EncodeOptions) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loss[opt]
}

// observe records a finished render of seconds: its PCM measured got,
// where target plus the encoder's loss was wanted; excerpt is its start.
func (c *calibration) observe(excerpt audio.Clip, seconds float64, opt audio.EncodeOptions, target, got float64) error {
	if math.IsInf(got, -1) || seconds < 5 {
		return nil // too short to learn from
	}
	c.mu.Lock()
	_, known := c.loss[opt]
	c.mu.Unlock()
	var loss float64
	if !known {
		l, err := measureEncoderLoss(excerpt, opt)
		if err != nil {
			return err
		}
		loss = l
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loss == nil {
		c.loss = map[audio.EncodeOptions]float64{}
	}
	if !known {
		c.loss[opt] = loss
	}
	// Correct by the whole error: the next article is most likely read by
	// the same voice at the same pace. The bound keeps a freak article
	// from pushing the next ones into the limiter.
	miss := target + c.loss[opt] - got
	c.bias = max(-4, min(4, c.bias+miss))
	return nil
}

// measureEncoderLoss encodes and decodes an excerpt of real speech and
// returns the loudness it lost, clamped to a sane range.
func measureEncoderLoss(c audio.Clip, opt audio.EncodeOptions) (float64, error) {
	n := min(len(c.Samples), int(calibrationExcerpt.Seconds()*float64(c.Rate)))
	excerpt := audio.Clip{Rate: c.Rate, Samples: c.Samples[:n]}
	before := audio.Loudness(excerpt)
	if math.IsInf(before, -1) {
		return 0, nil
	}
	var buf bytes.Buffer
	if _, err := audio.EncodeMP3(&buf, excerpt, opt, audio.Tags{}); err != nil {
		return 0, fmt.Errorf("measure encoder loss: %w", err)
	}
	decoded, err := audio.DecodeMP3(&buf)
	if err != nil {
		return 0, fmt.Errorf("measure encoder loss: %w", err)
	}
	return max(-1, min(2, before-audio.Loudness(decoded))), nil
}
