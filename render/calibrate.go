package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"ecouter/audio"
	"ecouter/store"
)

// Sentences are levelled one by one so audio can be streamed before the
// article is finished; the whole article then measures a little below the
// target (the pauses between sentences weigh in the gated mean), and the
// MP3 encoder's filtering lowers speech by about 0.5 LU more at 64 kbps.
// Both offsets are measured on real renders and fed back into the target
// of later ones, so each article lands on the target as an MP3.
const calibrationExcerpt = 30 * time.Second

// calibration holds for one Service: one voice, encoder setting, pause set
// and target (its store key names all four). It is read from the store
// once per process and written back after every render.
type calibration struct {
	rec  *Archive
	key  string
	log  *slog.Logger
	once sync.Once

	mu   sync.Mutex
	bias float64  // learned: what the pauses take off the whole PCM's loudness
	loss *float64 // the encoder's measured loss; nil until measured
}

// offsets are the corrections one render levels its sentences with.
type offsets struct {
	bias, loss float64
}

func (o offsets) total() float64 { return o.bias + o.loss }

// current returns the offsets for a render starting now, reading the
// stored calibration the first time.
func (c *calibration) current(ctx context.Context) offsets {
	c.once.Do(func() { c.load(ctx) })
	c.mu.Lock()
	defer c.mu.Unlock()
	return offsets{bias: c.bias, loss: c.encoderLossLocked()}
}

func (c *calibration) encoderLoss() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.encoderLossLocked()
}

func (c *calibration) encoderLossLocked() float64 {
	if c.loss == nil {
		return 0
	}
	return *c.loss
}

// observe learns from a finished render of seconds, levelled with used:
// its whole PCM measured got, where target plus the encoder's loss was
// wanted; excerpt is its start, encoded with opt to measure the encoder's
// loss the first time.
//
// The new bias is derived from the offsets this render used, not from the
// current ones: renders overlap, and each would otherwise add its own
// correction on top of the others' (over-correcting).
func (c *calibration) observe(used offsets, excerpt audio.Clip, seconds float64, opt audio.EncodeOptions, target, got float64) error {
	if math.IsInf(got, -1) || seconds < 5 {
		return nil // too short to learn from
	}
	c.mu.Lock()
	known := c.loss != nil
	c.mu.Unlock()
	var loss float64
	if !known && len(excerpt.Samples) == 0 {
		return nil // reused frames: no excerpt of this render's own to measure
	}
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
		c.loss = &loss
	}
	// What the pauses took: the PCM was levelled to target + used.total()
	// and measured got. The bound keeps a freak article from pushing the
	// next ones into the limiter.
	c.bias = clampBias(target + used.total() - got)
	return nil
}

func clampBias(b float64) float64 { return max(-4, min(4, b)) }

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

func (c *calibration) load(ctx context.Context) {
	r, err := c.rec.calibration(ctx, c.key)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			c.log.Warn("read loudness calibration", "err", err)
		}
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bias = clampBias(r.Bias)
	if r.EncoderLoss != nil {
		l := max(-1, min(2, *r.EncoderLoss))
		c.loss = &l
	}
}

// save stores the calibration after a render; a failure costs only
// accuracy on the next process's first render.
func (c *calibration) save(ctx context.Context) {
	c.mu.Lock()
	r := calibrationRecord{Bias: c.bias}
	if c.loss != nil {
		l := *c.loss
		r.EncoderLoss = &l
	}
	c.mu.Unlock()
	if err := c.rec.putCalibration(ctx, c.key, r); err != nil {
		c.log.Warn("store loudness calibration", "err", err)
	}
}
