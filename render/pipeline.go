package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"golang.org/x/sync/errgroup"

	"ecouter/audio"
	"ecouter/feed"
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

// sentence is one synthesised, trimmed and levelled sentence.
type sentence struct {
	clip   audio.Clip
	level  audio.NormalizeResult
	cached bool
	synth  float64 // seconds spent synthesising (or reading the cache)
	prep   float64 // seconds spent trimming and levelling
	err    error
}

// run renders one article. Sentences are synthesised in parallel, then
// taken in reading order: each is levelled to the target loudness on its
// own (so audio can be encoded, and streamed, before the article is
// finished), joined with its pause and encoded at once. The whole file's
// loudness is measured at the end to confirm, and to correct later renders.
// st receives the MP3 as it is encoded; the stored file holds the same
// frames, with the final tags and the Info header that needs the length.
func (s *Service) run(ctx context.Context, id string, p prepared, prev *Manifest, progress func(done, total int), st *Stream) (*Manifest, error) {
	start := time.Now()
	ls := lines(p.script)
	if len(ls) == 0 {
		return nil, fmt.Errorf("render %s: %w", id, ErrEmpty)
	}
	var usage synth.Usage
	parent := ctx
	ctx, cancel := context.WithCancel(synth.WithUsage(ctx, &usage))
	s.loadCalibration(ctx)
	target := s.cfg.TargetLUFS + s.calib.offset()

	// Sentences are prepared in parallel but at most a window ahead of the
	// encoder, so a long article is never held whole in memory.
	parallel := max(1, s.cfg.Parallel)
	ahead := make(chan struct{}, 2*parallel+2)
	results := make([]chan sentence, len(ls))
	for i := range results {
		results[i] = make(chan sentence, 1)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	launched := make(chan struct{})
	go func() {
		defer close(launched)
		for i, l := range ls {
			select {
			case ahead <- struct{}{}:
			case <-gctx.Done():
				return
			}
			g.Go(func() error {
				r := s.prepareSentence(gctx, l.spoke, target)
				if r.err != nil {
					r.err = &SentenceError{Index: i + 1, Err: r.err}
				}
				results[i] <- r
				return r.err
			})
		}
	}()
	// stop ends the workers and returns the first error among them.
	stop := func() error {
		cancel()
		<-launched
		return g.Wait()
	}
	defer stop() //nolint:errcheck // errors arrive through results

	enc := encoding{st: st}
	defer enc.close()
	var tm Timings
	var cues []Cue
	var levels []audio.NormalizeResult
	chars, synthesized := 0, 0
	rate := 0
	for i, l := range ls {
		var r sentence
		select {
		case r = <-results[i]:
			<-ahead
		case <-ctx.Done():
			return nil, fmt.Errorf("render %s: %w", id, ctx.Err())
		}
		if r.err != nil {
			// Once one sentence fails the others are cancelled; report the
			// failure that started it, not a cancellation.
			if err := stop(); err != nil && parent.Err() == nil {
				r.err = err
			}
			s.logEngineError(id, r.err)
			return nil, fmt.Errorf("render %s: %w", id, r.err)
		}
		tm.Synthesis += r.synth
		tm.Stitch += r.prep
		chars += len([]rune(l.spoke))
		if !r.cached {
			synthesized++
		}
		levels = append(levels, r.level)
		if i == 0 {
			rate = r.clip.Rate
			if err := enc.start(rate, s.cfg.Encode, p.tags); err != nil {
				return nil, fmt.Errorf("render %s: %w", id, err)
			}
			enc.silence(s.cfg.Pauses.Lead)
		} else {
			if r.clip.Rate != rate {
				return nil, fmt.Errorf("render %s: sentence %d at %d Hz, others at %d Hz", id, i+1, r.clip.Rate, rate)
			}
			prev := ls[i-1]
			enc.silence(s.cfg.Pauses.between(prev.kind, l.kind, prev.block == l.block))
		}
		from := enc.seconds()
		enc.add(r.clip.Samples)
		cues = append(cues, Cue{Block: l.block, Kind: l.kind, Text: l.text, Start: from, End: enc.seconds()})
		if err := enc.encodePending(); err != nil {
			return nil, fmt.Errorf("render %s: %w", id, err)
		}
		if progress != nil {
			progress(i+1, len(ls))
		}
	}
	enc.silence(s.cfg.Pauses.Tail)
	tEnc := time.Now()
	if err := enc.encodePending(); err != nil {
		return nil, fmt.Errorf("render %s: %w", id, err)
	}
	// Chapters need the times, so they go in the stored file's tags only;
	// they follow from the narration, already in the content key.
	tags := p.tags
	tags.Chapters = id3Chapters(cues, enc.seconds())
	file, err := enc.finish(tags)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", id, err)
	}
	tm.Encode = enc.encodeSeconds + since(tEnc)

	t := time.Now()
	loud := s.confirmLoudness(&enc, levels)
	s.saveCalibration(ctx)
	tm.Loudness = since(t)

	t = time.Now()
	m := &Manifest{
		ID: id, Key: p.key,
		Title: p.art.Title, Author: p.art.Author, URL: p.art.URL,
		Published: p.art.Published, Modified: p.art.Modified, Categories: p.art.Categories,
		Audio: audioKey(id, p.key), Size: int64(len(file)), Duration: enc.seconds(),
		Backend: s.synth.Name(), Voice: s.synth.Fingerprint(),
		Characters: chars, Sentences: len(ls), Synthesized: synthesized,
		BilledCharacters: usage.Characters(), Requests: usage.Requests(),
		RenderedAt: time.Now().UTC(),
		Loudness:   loud,
		Cues:       cues,
	}
	if prev != nil && prev.Audio != m.Audio {
		m.Previous = prev.Audio
	}
	// Audio first, manifest second: a manifest never points to audio that
	// is not completely stored.
	if err := s.store.Put(ctx, m.Audio, bytes.NewReader(file)); err != nil {
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
	s.metrics.characters.WithLabelValues(s.synth.Name()).Add(float64(chars))
	s.metrics.billed.WithLabelValues(s.synth.Name()).Add(float64(m.BilledCharacters))
	s.log.Info("rendered", "article_id", id, "key", m.Key, "sentences", len(ls), "synthesized", synthesized,
		"chars", chars, "billed_chars", m.BilledCharacters, "audio_s", round(m.Duration),
		"took_ms", int(m.RenderSeconds*1000), "lufs", round(loud.OutputLUFS),
		slog.Group("work_ms", "synth", ms(tm.Synthesis), "level", ms(tm.Stitch),
			"loudness", ms(tm.Loudness), "encode", ms(tm.Encode), "store", ms(tm.Store)))
	return m, nil
}

// prepareSentence synthesises (or reads from the cache), trims, fades and
// levels one sentence.
func (s *Service) prepareSentence(ctx context.Context, spoken string, target float64) sentence {
	t := time.Now()
	clip, cached, err := s.synthesize(ctx, spoken)
	if err != nil {
		return sentence{err: err}
	}
	r := sentence{cached: cached, synth: since(t)}
	t = time.Now()
	c := audio.Fade(audio.Trim(clip, trimThresholdDB, trimMargin), fadeIn, fadeOut)
	r.clip, r.level = level(c, target, s.cfg.CeilingDBTP)
	r.prep = since(t)
	return r
}

// level brings one sentence to the target loudness under the true-peak
// ceiling. A clip shorter than one 400 ms gating block ("Non.") has no
// integrated loudness; it is measured looped to a few blocks instead.
func level(c audio.Clip, target, ceiling float64) (audio.Clip, audio.NormalizeResult) {
	if len(c.Samples) == 0 {
		return c, audio.NormalizeResult{InputLUFS: math.Inf(-1), OutputLUFS: math.Inf(-1)}
	}
	out, res := audio.Normalize(c, target, ceiling)
	if !math.IsInf(res.InputLUFS, -1) {
		return out, res
	}
	looped := audio.Clip{Rate: c.Rate}
	for len(looped.Samples) < c.Rate*2 {
		looped.Samples = append(looped.Samples, c.Samples...)
	}
	in := audio.Loudness(looped)
	if math.IsInf(in, -1) {
		return c, res // silence
	}
	gain := target - in
	if tp := audio.TruePeak(c); tp+gain > ceiling {
		gain = ceiling - tp
	}
	out = audio.Gain(c, gain)
	return out, audio.NormalizeResult{InputLUFS: in, GainDB: gain, OutputLUFS: in + gain, TruePeakDBTP: audio.TruePeak(out), TargetReached: true}
}

// confirmLoudness measures the whole article, feeds the difference back
// into later renders' targets, and reports what was measured.
func (s *Service) confirmLoudness(enc *encoding, levels []audio.NormalizeResult) Loudness {
	out := Loudness{OutputLUFS: enc.meter.Loudness(), TruePeak: math.Inf(-1)}
	var in, gain float64
	n := 0
	for _, l := range levels {
		out.TruePeak = max(out.TruePeak, l.TruePeakDBTP)
		if !math.IsInf(l.InputLUFS, -1) {
			in += l.InputLUFS
			gain += l.GainDB
			n++
		}
	}
	if n > 0 {
		out.InputLUFS, out.GainDB = in/float64(n), gain/float64(n)
	}
	excerpt := audio.Clip{Rate: enc.rate, Samples: enc.excerpt}
	if err := s.calib.observe(excerpt, enc.seconds(), s.cfg.Encode, s.cfg.TargetLUFS, out.OutputLUFS); err != nil {
		s.log.Warn("loudness calibration", "err", err)
	}
	out.MP3LUFS = out.OutputLUFS - s.calib.encoderLoss()
	return out
}

// id3Chapters are the same chapters as chapters.json: an introduction and
// one per heading.
func id3Chapters(cues []Cue, duration float64) []audio.Chapter {
	fc := make([]feed.Cue, len(cues))
	for i, c := range cues {
		fc[i] = feed.Cue{Block: c.Block, Kind: string(c.Kind), Text: c.Text, Start: c.Start, End: c.End}
	}
	var out []audio.Chapter
	for _, c := range feed.Chapters(fc, duration) {
		out = append(out, audio.Chapter{Title: c.Title, Start: seconds(c.Start), End: seconds(c.End)})
	}
	return out
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func (s *Service) logEngineError(id string, err error) {
	var ee *synth.EngineError
	if errors.As(err, &ee) && ee.Stderr != "" {
		s.log.Error("speech engine failed", "article_id", id, "backend", ee.Backend, "stderr", ee.Stderr)
	}
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
func round(s float64) float64   { return math.Round(s*10) / 10 }
