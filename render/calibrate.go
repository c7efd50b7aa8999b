package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
// and target (the store key of calibrationRecord names all four).
type calibration struct {
	mu   sync.Mutex
	bias float64  // learned: target minus what the whole PCM measured
	loss *float64 // the encoder's measured loss; nil until measured
}

// offset is what to add to the target when levelling sentences.
func (c *calibration) offset() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bias + c.encoderLossLocked()
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

// observe records a finished render of seconds: its PCM measured got,
// where target plus the encoder's loss was wanted; excerpt is its start,
// encoded with opt to measure the encoder's loss the first time.
func (c *calibration) observe(excerpt audio.Clip, seconds float64, opt audio.EncodeOptions, target, got float64) error {
	if math.IsInf(got, -1) || seconds < 5 {
		return nil // too short to learn from
	}
	c.mu.Lock()
	known := c.loss != nil
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
		c.loss = &loss
	}
	// Correct by the whole error: the next article is most likely read by
	// the same voice at the same pace. The bound keeps a freak article
	// from pushing the next ones into the limiter.
	miss := target + *c.loss - got
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

// calibrationRecord is the calibration as stored, so that a new process
// (every `ecouter render`, every deploy) starts from what earlier renders
// measured instead of landing its first article low.
type calibrationRecord struct {
	Bias        float64  `json:"bias_lu"`
	EncoderLoss *float64 `json:"encoder_loss_lu,omitempty"`
}

func (c *calibration) record() calibrationRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := calibrationRecord{Bias: c.bias}
	if c.loss != nil {
		l := *c.loss
		r.EncoderLoss = &l
	}
	return r
}

func (c *calibration) restore(r calibrationRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bias = max(-4, min(4, r.Bias))
	if r.EncoderLoss != nil {
		l := max(-1, min(2, *r.EncoderLoss))
		c.loss = &l
	}
}

// calibrationKey names the stored calibration: it holds for one backend
// voice, encoder setting, pause set and target.
func (s *Service) calibrationKey() string {
	b, _ := json.Marshal([]any{s.synth.Fingerprint(), s.cfg.Encode, s.cfg.Pauses, s.cfg.TargetLUFS})
	sum := sha256.Sum256(b)
	return "calibration/" + hex.EncodeToString(sum[:12]) + ".json"
}

// loadCalibration reads the stored calibration once per process.
func (s *Service) loadCalibration(ctx context.Context) {
	s.calibOnce.Do(func() {
		b, err := s.store.Open(ctx, s.calibrationKey())
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				s.log.Warn("read loudness calibration", "err", err)
			}
			return
		}
		defer b.Close()
		var r calibrationRecord
		if err := json.NewDecoder(b).Decode(&r); err != nil {
			s.log.Warn("read loudness calibration", "err", err)
			return
		}
		s.calib.restore(r)
	})
}

// saveCalibration stores the calibration after a render; a failure costs
// only accuracy on the next process's first render.
func (s *Service) saveCalibration(ctx context.Context) {
	b, err := json.Marshal(s.calib.record())
	if err == nil {
		err = s.store.Put(ctx, s.calibrationKey(), bytes.NewReader(b))
	}
	if err != nil {
		s.log.Warn("store loudness calibration", "err", err)
	}
}
