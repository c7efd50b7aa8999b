package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"ecouter/audio"
	"ecouter/synth"
)

// ErrEmpty means the article has nothing a listener could hear.
var ErrEmpty = errors.New("article has no readable text")

// SentenceError names the sentence a backend failed on.
type SentenceError struct {
	Index int // 1-based, in reading order
	Err   error
}

func (e *SentenceError) Error() string {
	return fmt.Sprintf("synthesise sentence %d: %v", e.Index, e.Err)
}

func (e *SentenceError) Unwrap() error { return e.Err }

// run synthesises, stitches, normalises, encodes and stores one render.
func (s *Service) run(ctx context.Context, id string, p prepared, prev *Manifest, progress func(done, total int)) (*Manifest, error) {
	start := time.Now()
	ls := lines(p.script)
	if len(ls) == 0 {
		return nil, fmt.Errorf("render %s: %w", id, ErrEmpty)
	}
	var tm Timings

	clips := make([]audio.Clip, len(ls))
	chars := 0
	for _, l := range ls {
		chars += len([]rune(l.spoke))
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, s.cfg.Parallel))
	var done atomic.Int64
	for i, l := range ls {
		g.Go(func() error {
			c, err := s.synth.Synthesize(gctx, l.spoke)
			if err != nil {
				return &SentenceError{Index: i + 1, Err: err}
			}
			clips[i] = c
			if progress != nil {
				progress(int(done.Add(1)), len(ls))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		var ee *synth.EngineError
		if errors.As(err, &ee) && ee.Stderr != "" {
			s.log.Error("speech engine failed", "article_id", id, "backend", ee.Backend, "stderr", ee.Stderr)
		}
		return nil, fmt.Errorf("render %s: %w", id, err)
	}
	s.metrics.characters.WithLabelValues(s.synth.Name()).Add(float64(chars))
	tm.Synthesis = since(start)

	t := time.Now()
	full, cues, err := stitch(ls, clips, s.cfg.Pauses)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", id, err)
	}
	clips = nil // let the per-sentence PCM go before encoding
	tm.Stitch = since(t)

	t = time.Now()
	norm, res, err := s.normalize(full)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", id, err)
	}
	full = audio.Clip{}
	tm.Loudness = since(t)

	t = time.Now()
	var mp3 bytes.Buffer
	size, err := audio.EncodeMP3(&mp3, norm, s.cfg.Encode, p.tags)
	if err != nil {
		return nil, fmt.Errorf("render %s: encode: %w", id, err)
	}
	tm.Encode = since(t)

	t = time.Now()
	m := &Manifest{
		ID: id, Key: p.key,
		Title: p.art.Title, Author: p.art.Author, URL: p.art.URL,
		Published: p.art.Published, Modified: p.art.Modified,
		Audio: audioKey(id, p.key), Size: size, Duration: norm.Seconds(),
		Backend: s.synth.Name(), Voice: s.synth.Fingerprint(),
		Characters: chars, Sentences: len(ls), Synthesized: len(ls),
		RenderedAt: time.Now().UTC(),
		Loudness: Loudness{
			InputLUFS: res.InputLUFS, GainDB: res.GainDB,
			OutputLUFS: res.OutputLUFS, TruePeak: res.TruePeakDBTP,
		},
		Cues: cues,
	}
	if prev != nil && prev.Audio != m.Audio {
		m.Previous = prev.Audio
	}
	// Audio first, manifest second: a manifest never points to audio that
	// is not completely stored.
	if err := s.store.Put(ctx, m.Audio, &mp3); err != nil {
		return nil, fmt.Errorf("render %s: store audio: %w", id, err)
	}
	tm.Store = since(t)
	m.Timings = tm
	m.RenderSeconds = since(start)
	if err := s.putManifest(ctx, m); err != nil {
		return nil, fmt.Errorf("render %s: %w", id, err)
	}
	if prev != nil && prev.Previous != "" && prev.Previous != m.Audio && prev.Previous != m.Previous {
		if err := s.store.Delete(ctx, prev.Previous); err != nil {
			s.log.Warn("delete old audio", "article_id", id, "err", err)
		}
	}
	s.log.Info("rendered", "article_id", id, "key", m.Key, "sentences", len(ls), "chars", chars,
		"audio_s", round(m.Duration), "took_ms", int(m.RenderSeconds*1000),
		slog.Group("stages_ms", "synth", ms(tm.Synthesis), "stitch", ms(tm.Stitch),
			"loudness", ms(tm.Loudness), "encode", ms(tm.Encode), "store", ms(tm.Store)))
	return m, nil
}

// normalize brings the article to the target loudness as the MP3 will
// measure, compensating the encoder's loss.
func (s *Service) normalize(full audio.Clip) (audio.Clip, audio.NormalizeResult, error) {
	loss, known := s.loss.get(s.cfg.Encode)
	norm, res := audio.Normalize(full, s.cfg.TargetLUFS+loss, s.cfg.CeilingDBTP)
	if known {
		return norm, res, nil
	}
	loss, err := s.loss.measure(norm, s.cfg.Encode)
	if err != nil || loss == 0 {
		return norm, res, err
	}
	s.log.Info("measured the encoder's loudness loss", "loss_lu", loss)
	norm, res = audio.Normalize(full, s.cfg.TargetLUFS+loss, s.cfg.CeilingDBTP)
	return norm, res, nil
}

func (s *Service) putManifest(ctx context.Context, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := s.store.Put(ctx, manifestKey(m.ID), bytes.NewReader(b)); err != nil {
		return fmt.Errorf("store manifest: %w", err)
	}
	return nil
}

func since(t time.Time) float64 { return time.Since(t).Seconds() }
func ms(s float64) int          { return int(s * 1000) }
func round(s float64) float64   { return float64(int(s*10)) / 10 }
