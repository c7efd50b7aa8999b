package render

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"ecouter/audio"
	"ecouter/render/segment"
)

// sentence is one synthesised, trimmed and levelled unit.
type sentence struct {
	clip   audio.Clip
	level  audio.NormalizeResult
	cached bool
	synth  float64 // seconds spent synthesising (or reading the cache)
	prep   float64 // seconds spent trimming and levelling
	err    error
}

// production is the first stage: units synthesised (or read from the
// cache), trimmed and levelled in parallel, at most a window ahead of the
// encoder, so a long article is never held whole in memory.
type production struct {
	pl       *pipeline
	us       []unit
	target   float64
	plan     *segment.Plan // its units are not produced ahead
	results  []chan sentence
	ahead    chan struct{}
	chars    *semaphore.Weighted // the window in spoken characters
	budget   int64
	cancel   context.CancelFunc
	launched chan struct{}
	g        *errgroup.Group

	mu    sync.Mutex
	cause error // the first unit's failure that was not a cancellation
}

func (pl *pipeline) produce(ctx context.Context, us []unit, target float64, plan *segment.Plan) *production {
	parallel := max(1, pl.cfg.Parallel)
	ctx, cancel := context.WithCancel(ctx)
	pr := &production{
		pl: pl, us: us, target: target, plan: plan,
		results:  make([]chan sentence, len(us)),
		ahead:    make(chan struct{}, 2*parallel+2),
		budget:   int64(2*parallel+2) * windowCharsPerUnit,
		cancel:   cancel,
		launched: make(chan struct{}),
	}
	for i := range pr.results {
		pr.results[i] = make(chan sentence, 1)
	}
	pr.chars = semaphore.NewWeighted(pr.budget)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	pr.g = g
	go func() {
		defer close(pr.launched)
		for i, u := range us {
			if plan.Skipped(i) {
				continue
			}
			select {
			case pr.ahead <- struct{}{}:
			case <-gctx.Done():
				return
			}
			if pr.chars.Acquire(gctx, pr.weight(i)) != nil {
				return
			}
			g.Go(func() error {
				r := pl.prepareSentence(gctx, u.spoken, target)
				if r.err != nil {
					r.err = &SentenceError{Index: u.cue + 1, Err: r.err}
					pr.failed(r.err)
				}
				pr.results[i] <- r
				return r.err
			})
		}
	}()
	return pr
}

// next waits for unit i (taken in order) and frees its place in the window.
// A unit the plan skipped, but which the assembly needs after all (its run
// could not be placed), is prepared there and then.
func (pr *production) next(ctx context.Context, i int) (sentence, error) {
	if pr.plan.Skipped(i) {
		r := pr.pl.prepareSentence(ctx, pr.us[i].spoken, pr.target)
		if r.err != nil {
			r.err = &SentenceError{Index: pr.us[i].cue + 1, Err: r.err}
		}
		return r, r.err
	}
	select {
	case r := <-pr.results[i]:
		<-pr.ahead
		pr.chars.Release(pr.weight(i))
		if r.err != nil {
			// Once one unit fails the others are cancelled; a unit cancelled
			// that way reports the failure that started it. A unit that
			// failed of its own keeps its error: the errgroup's first error
			// would not do, as stopping the workers here can cancel one
			// before the failed unit's goroutine has returned.
			pr.stop()
			if cause := pr.failure(); cause != nil && canceled(r.err) && ctx.Err() == nil {
				r.err = cause
			}
		}
		return r, r.err
	case <-ctx.Done():
		return sentence{}, ctx.Err()
	}
}

// windowCharsPerUnit: the window ahead of the encoder holds a few units, and
// at most as many characters as that many sentences of news copy have, so
// that the pieces of a very long sentence (each up to the engine's limit,
// 40 s of audio and more) are not held six at a time.
const windowCharsPerUnit = 200

// weight is what unit i takes of the window: its characters, at most all.
func (pr *production) weight(i int) int64 {
	return min(pr.budget, int64(len([]rune(pr.us[i].spoken))))
}

// failed records a unit's failure, before its result can be seen, unless
// it is a cancellation.
func (pr *production) failed(err error) {
	if canceled(err) {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.cause == nil {
		pr.cause = err
	}
}

func (pr *production) failure() error {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.cause
}

func canceled(err error) bool { return errors.Is(err, context.Canceled) }

// stop ends the workers and waits for them. Their errors have reached
// next, and the cause of a failure failed.
func (pr *production) stop() {
	pr.cancel()
	<-pr.launched
	_ = pr.g.Wait()
}

// prepareSentence synthesises (or reads from the cache), trims, fades and
// levels one unit.
func (pl *pipeline) prepareSentence(ctx context.Context, spoken string, target float64) sentence {
	t := time.Now()
	clip, cached, err := pl.synthesize(ctx, spoken)
	if err != nil {
		return sentence{err: err}
	}
	r := sentence{cached: cached, synth: since(t)}
	t = time.Now()
	c := audio.Fade(audio.Trim(clip, trimThresholdDB, trimMargin), fadeIn, fadeOut)
	r.clip, r.level = level(c, target, pl.cfg.CeilingDBTP)
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
