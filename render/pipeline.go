package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	"ecouter/render/segment"
	"ecouter/store"
	"ecouter/synth"
)

// ErrEmpty means the article has nothing a listener could hear.
var ErrEmpty = errors.New("article has no readable text")

// Respeller is a backend that says some words better written otherwise
// (espeak-ng's French voice and "Biden"). The pipeline respells every
// spoken form before the content key, the sentence keys and synthesis, so
// a changed table changes the audio of the articles and sentences it
// touches, and of no other.
type Respeller interface {
	Respell(spoken string) string
}

// SentenceLimiter is a backend that reads sentences of at most
// SentenceLimit characters well; longer ones are cut into pieces for it.
type SentenceLimiter interface {
	SentenceLimit() int
}

// SentenceError names the sentence a backend failed on.
type SentenceError struct {
	Index int // 1-based, in reading order
	Err   error
}

func (e *SentenceError) Error() string {
	return fmt.Sprintf("synthesise sentence %d: %v", e.Index, e.Err)
}

func (e *SentenceError) Unwrap() error { return e.Err }

// pipeline turns a prepared article into a stored render, in three
// stages: produce the sentences (synthesis or the cache, trim and level,
// in parallel within a window), assemble them (pauses, encoding, the live
// stream, cues), publish (audio first, manifest second).
type pipeline struct {
	synth   synth.Synthesizer
	rec     *Archive // where it reads and stores
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
	calib   *calibration
	gc      *collector // told of sentence cache use
	// limit is the longest piece of a sentence one engine call reads (the
	// backend's SentenceLimit); 0: sentences go whole.
	limit int
	// respell is the backend's Respell, or nil.
	respell func(string) string
}

func newPipeline(syn synth.Synthesizer, rec *Archive, cfg Config, log *slog.Logger, metrics *Metrics) *pipeline {
	pl := &pipeline{
		synth: syn, rec: rec, cfg: cfg, log: log, metrics: metrics, gc: rec.gc,
		calib: &calibration{rec: rec, key: calibrationKey(syn.Fingerprint(), cfg), log: log},
	}
	if l, ok := syn.(SentenceLimiter); ok {
		pl.limit = l.SentenceLimit()
	}
	if r, ok := syn.(Respeller); ok {
		pl.respell = r.Respell
	}
	return pl
}

// task is one render to run.
type task struct {
	id       string
	p        prepared
	prev     *Manifest
	progress func(done, total int) // sentences done; may be nil
	st       *Stream               // receives the MP3 as it is encoded; may be nil
	// allowed is asked right before anything is stored: a render whose
	// article was withdrawn meanwhile stores nothing. May be nil.
	allowed func(ctx context.Context) error
}

// run renders one article. Sentences are levelled to the target loudness
// one by one as they arrive (so audio can be encoded, and streamed, before
// the article is finished); the whole file's loudness is measured at the
// end to confirm, and to correct later renders.
func (pl *pipeline) run(ctx context.Context, t task) (*Manifest, error) {
	start := time.Now()
	us, sentences := units(t.p.script, pl.limit)
	if len(us) == 0 {
		return nil, fmt.Errorf("render %s: %w", t.id, ErrEmpty)
	}
	var usage synth.Usage
	ctx = synth.WithUsage(ctx, &usage)
	used := pl.calib.current(ctx)
	keys := make([]string, len(us))
	for i, u := range us {
		keys[i] = sentenceKey(pl.synth.Fingerprint(), u.spoken)
	}
	runs := runUnits(us, keys, pl.cfg.Pauses)
	plan := pl.reuse(ctx, t, runs, used)
	if plan != nil {
		o := plan.Offsets()
		used = offsets{bias: o.Bias, loss: o.Loss}
	}
	prod := pl.produce(ctx, us, pl.cfg.TargetLUFS+used.total(), plan)
	defer prod.stop()
	a, err := pl.assemble(ctx, t, us, runs, sentences, prod, plan)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", t.id, err)
	}
	defer a.close()
	tl := time.Now()
	loud := pl.confirmLoudness(used, a)
	pl.calib.save(ctx)
	a.timings.Loudness = since(tl)

	m := pl.manifest(t, a, loud, &usage)
	idx := a.seg.Index(indexFormat(pl.synth.Fingerprint(), pl.cfg, pl.limit, a.seg.Enc.Rate()), segment.Offsets{Bias: used.bias, Loss: used.loss})
	if err := pl.publish(ctx, t, m, a, idx, start); err != nil {
		return nil, fmt.Errorf("render %s: %w", t.id, err)
	}
	pl.account(m, a)
	return m, nil
}

// reuse plans what the render takes from the previous one, unless told
// not to: the runs of sentences its stored index has unchanged.
func (pl *pipeline) reuse(ctx context.Context, t task, us []segment.Unit, used offsets) *segment.Plan {
	if pl.cfg.FullReencode || t.prev == nil {
		return nil
	}
	idx, err := pl.rec.segmentIndex(ctx, t.prev.Audio)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			pl.log.Warn("segment index unreadable: encoding every segment", "article_id", t.id, "err", err)
		}
		return nil
	}
	prev := segment.Previous{
		Index: idx, Format: indexFormat(pl.synth.Fingerprint(), pl.cfg, pl.limit, idx.Rate), Cues: runCues(t.prev.Cues),
		Open: func(ctx context.Context) (io.ReadSeekCloser, error) {
			return pl.rec.st.Open(ctx, t.prev.Audio)
		},
		Ceiling: pl.cfg.CeilingDBTP,
	}
	warn := func(run string, err error) { pl.log.Warn("segment index: run encoded again", "run", run, "err", err) }
	return segment.NewPlan(prev, us, pl.cfg.Encode, used.total(), warn)
}

// manifest describes the render assembled in a.
func (pl *pipeline) manifest(t task, a *assembly, loud Loudness, usage *synth.Usage) *Manifest {
	art := t.p.art
	m := &Manifest{
		ID: t.id, Key: t.p.key,
		Title: art.Title, Author: art.Author, URL: art.URL,
		Published: art.Published, Modified: art.Modified, Categories: art.Categories,
		Audio: audioKey(t.id, t.p.key), Size: a.size, Duration: a.seg.Enc.Seconds(),
		Backend: pl.synth.Name(), Voice: pl.synth.Fingerprint(),
		Characters: a.chars, Sentences: len(a.cues), Synthesized: a.synthesized, Reused: a.reused,
		BilledCharacters: usage.Characters(), Requests: usage.Requests(),
		RenderedAt: time.Now().UTC(),
		Loudness:   loud,
		Cues:       a.cues,
		Timings:    a.timings,
	}
	if t.prev != nil && t.prev.Audio != m.Audio {
		m.Previous = t.prev.Audio
	}
	return m
}

// account counts and logs a stored render. Only the characters actually
// sent to the backend count as synthesised: cached sentences cost nothing.
func (pl *pipeline) account(m *Manifest, a *assembly) {
	backend := pl.synth.Name()
	pl.metrics.characters.WithLabelValues(backend).Add(float64(a.synthChars))
	pl.metrics.billed.WithLabelValues(backend).Add(float64(m.BilledCharacters))
	tm := m.Timings
	pl.log.Info("rendered", "article_id", m.ID, "key", m.Key, "sentences", m.Sentences, "synthesized", m.Synthesized,
		"chars", m.Characters, "synth_chars", a.synthChars, "billed_chars", m.BilledCharacters,
		"audio_s", round(m.Duration), "took_ms", int(m.RenderSeconds*1000), "lufs", round(m.Loudness.OutputLUFS),
		slog.Group("work_ms", "synth", ms(tm.Synthesis), "level", ms(tm.Stitch),
			"loudness", ms(tm.Loudness), "encode", ms(tm.Encode), "store", ms(tm.Store)))
}

// confirmLoudness measures the whole article, feeds the difference back
// into later renders' targets, and reports what was measured.
func (pl *pipeline) confirmLoudness(used offsets, a *assembly) Loudness {
	enc := &a.seg.Enc
	out := Loudness{OutputLUFS: enc.Loudness(), TruePeak: math.Inf(-1)}
	var in, gain float64
	n := 0
	for _, l := range a.levels {
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
	// Without the excerpt if frames were reused: it stops where they start.
	if err := pl.calib.observe(used, enc.Excerpt(), enc.Seconds(), pl.cfg.Encode, pl.cfg.TargetLUFS, out.OutputLUFS); err != nil {
		pl.log.Warn("loudness calibration", "err", err)
	}
	out.MP3LUFS = out.OutputLUFS - pl.calib.encoderLoss()
	return out
}

func (pl *pipeline) logEngineError(id string, err error) {
	var ee *synth.EngineError
	if errors.As(err, &ee) && ee.Stderr != "" {
		pl.log.Error("speech engine failed", "article_id", id, "backend", ee.Backend, "stderr", ee.Stderr)
	}
}

func since(t time.Time) float64 { return time.Since(t).Seconds() }
func ms(s float64) int          { return int(s * 1000) }
func round(s float64) float64   { return math.Round(s*10) / 10 }
