// Package render is ecouter's pipeline: it turns an article into a stored
// MP3 (script -> synthesis -> stitch -> loudness -> encode -> store), runs
// at most one render per article and content key, and answers from stored
// renders whenever the article has not changed.
//
// A Service puts together three parts, each with one job: the Scheduler
// (who renders what and when), the pipeline (produce, assemble, publish)
// and the records (every store key, manifests, calibration).
package render

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"ecouter/article"
	"ecouter/script"
	"ecouter/store"
	"ecouter/synth"
)

// ErrNotRendered means no render of the article is stored yet.
var ErrNotRendered = errors.New("article not rendered yet")

// Service renders articles and remembers what it rendered.
type Service struct {
	source  article.Source
	rec     records
	pl      *pipeline
	sched   Scheduler
	gc      *collector
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
	now     func() time.Time

	notifyFn func(Event) // WithNotify; may be nil

	listing *listing
	ensures singleflight.Group // one fetch-and-check per article at a time
	batches chan struct{}      // renders of every batch together: half the slots

	mu      sync.Mutex
	checked map[string]checked // article ID -> last check against the source
	// withdrawals counts the withdrawals of each article in this process,
	// so a check started before a withdrawal is never shared with a caller
	// that came after it (publish, unpublish, publish again in a row).
	withdrawals map[string]int
	watchers    map[string]map[*watcher]struct{} // OnWithdrawn, by article ID
}

// checked remembers the manifest that matched the source at a given time.
type checked struct {
	at time.Time
	m  *Manifest
}

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

// Option changes how New builds a Service.
type Option func(*Service)

// WithScheduler makes the Service schedule its renders with sc (a
// cluster-wide scheduler) instead of a Local one.
func WithScheduler(sc Scheduler) Option { return func(s *Service) { s.sched = sc } }

// New returns a Service. metrics may be nil; zero fields of cfg take their
// defaults.
func New(src article.Source, syn synth.Synthesizer, st store.Store, cfg Config, log *slog.Logger, metrics *Metrics, opts ...Option) *Service {
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	cfg = cfg.withDefaults()
	rec := newRecords(st)
	pl := &pipeline{
		synth: syn, rec: rec, cfg: cfg, log: log, metrics: metrics,
		calib: &calibration{rec: rec, key: calibrationKey(syn.Fingerprint(), cfg), log: log},
	}
	if l, ok := syn.(SentenceLimiter); ok {
		pl.limit = l.SentenceLimit()
	}
	if r, ok := syn.(Respeller); ok {
		pl.respell = r.Respell
	}
	s := &Service{
		source: src, rec: rec, pl: pl, cfg: cfg, log: log, metrics: metrics,
		sched:   NewLocal(cfg.MaxRenders, log),
		listing: newListing(rec),
		batches: make(chan struct{}, BatchSlots(cfg.MaxRenders)),
		now:     time.Now,
		checked: map[string]checked{}, withdrawals: map[string]int{}, watchers: map[string]map[*watcher]struct{}{},
	}
	s.gc = newCollector(rec, cfg, func() time.Time { return s.now() }, metrics)
	pl.gc = s.gc
	for _, o := range opts {
		o(s)
	}
	return s
}

// Ensure returns the manifest of an up-to-date render of the article,
// rendering it if needed. An article re-read within the TTL is not fetched
// again. When an older render exists and opt.Wait is false, the older one is
// returned at once while the new render runs in the background.
func (s *Service) Ensure(ctx context.Context, id string, opt Options) (*Manifest, error) {
	r, err := s.check(ctx, id, opt)
	if err != nil {
		return nil, err
	}
	if r.job != nil {
		return r.job.Wait(ctx)
	}
	return r.m, nil
}

// Listen is Ensure for listeners: when the article has no render to serve
// yet, it starts one (or joins the one running) and returns its Stream
// instead of waiting. Exactly one of the manifest and the stream is set.
func (s *Service) Listen(ctx context.Context, id string) (*Manifest, *Stream, error) {
	r, err := s.check(ctx, id, Options{})
	if err != nil {
		return nil, nil, err
	}
	if r.job != nil && r.job.Stream() != nil {
		return nil, r.job.Stream(), nil
	}
	if r.job != nil {
		// Rendered elsewhere (a cluster-wide scheduler): nothing to join,
		// so the listener waits for the stored file.
		m, err := r.job.Wait(ctx)
		return m, nil, err
	}
	return r.m, nil, nil
}

// outcome is what a check found: a render to serve, or one running.
type outcome struct {
	m   *Manifest
	job *Job
}

// check finds or starts the render that answers a request for the article.
func (s *Service) check(ctx context.Context, id string, opt Options) (outcome, error) {
	if err := article.ValidID(id); err != nil {
		return outcome{}, err
	}
	if !opt.Force {
		if m := s.fresh(id); m != nil {
			s.metrics.hits.Inc()
			return outcome{m: m}, nil
		}
	}
	// Withdrawn audio stays down for listeners; a forced render (the CMS
	// republishing) asks the source again, if it was asked for after the
	// withdrawal.
	w, err := s.rec.withdrawal(ctx, id)
	if err != nil {
		return outcome{}, err
	}
	if w != nil && !(opt.Force && w.ID == opt.Withdrawal) {
		return outcome{}, fmt.Errorf("%s: %w", id, ErrWithdrawn)
	}
	flight := id
	if opt.Force || opt.Wait {
		flight = fmt.Sprintf("%s\x00%t%t\x00%s", id, opt.Force, opt.Wait, opt.Withdrawal)
	}
	s.mu.Lock()
	gen := s.withdrawals[id]
	s.mu.Unlock()
	if gen > 0 {
		flight += fmt.Sprintf("\x00w%d", gen)
	}
	// The check is shared by every caller and must not die with the first
	// one's request: it runs detached, bounded by the render timeout.
	ch := s.ensures.DoChan(flight, func() (v any, err error) {
		// DoChan re-panics in a goroutine of its own, which would end the
		// process: a bug in one render must fail only that render.
		defer recoverTo(&err, s.log, id)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
		defer cancel()
		return s.ensure(ctx, id, opt, gen)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return outcome{}, r.Err
		}
		return r.Val.(outcome), nil
	case <-ctx.Done():
		return outcome{}, ctx.Err()
	}
}

// ensure checks the article against the source and starts its render if
// needed. gen is the count of its withdrawals when the check started:
// what it finds is remembered only if no withdrawal came since.
func (s *Service) ensure(ctx context.Context, id string, opt Options, gen int) (outcome, error) {
	t := time.Now()
	a, err := s.source.Article(ctx, id)
	prev, perr := s.rec.manifest(ctx, id)
	if perr != nil && !errors.Is(perr, ErrNotRendered) {
		return outcome{}, perr
	}
	if err != nil {
		if errors.Is(err, article.ErrNotFound) && prev != nil && s.cfg.KeepRetracted {
			s.notify(EventChanged, id) // other nodes ask the source again
		}
		// A source that is down does not take stored audio down with it.
		if errors.Is(err, article.ErrUnavailable) && prev != nil {
			s.log.Warn("article source unavailable, serving stored audio", "article_id", id, "err", err)
			return outcome{m: prev}, nil
		}
		// Unpublished, made private, deleted: its audio goes too.
		if errors.Is(err, article.ErrNotFound) && prev != nil && !s.cfg.KeepRetracted {
			return outcome{}, s.retract(ctx, id, err)
		}
		return outcome{}, fmt.Errorf("fetch article %s: %w", id, err)
	}
	fetch := since(t)
	if opt.Force && opt.Withdrawal != "" {
		// The source shows it again, and the render was asked for after
		// the withdrawal: it ends here, unless another was made since.
		if err := s.rec.end(ctx, id, opt.Withdrawal, s.now().UTC()); err != nil {
			return outcome{}, err
		}
	}
	p := s.pl.prepare(a)
	if prev != nil && prev.Key == p.key {
		s.remember(id, prev, gen)
		s.metrics.hits.Inc()
		return outcome{m: prev}, nil
	}
	// Refused before anything is synthesised or billed. Listeners keep
	// the previous audio, as they do while any new render is pending; the
	// caller that waits for the new render (the CMS) gets the error.
	if p.chars > s.cfg.MaxChars {
		err := fmt.Errorf("render %s: %w", id, &TooLongError{Chars: p.chars, Max: s.cfg.MaxChars})
		if prev != nil && !opt.Wait {
			s.log.Warn("edited article too long, serving its previous audio", "article_id", id, "err", err)
			return outcome{m: prev}, nil
		}
		return outcome{}, err
	}
	s.metrics.misses.Inc()
	if prev != nil {
		s.notify(EventChanged, id)
	}
	req := s.request(id, p, prev, fetch, opt.Progress, gen)
	req.Queue = opt.Wait
	req.Detached = prev != nil && !opt.Wait
	j, err := s.sched.Start(ctx, req)
	if req.Detached {
		// Busy or not, listeners get the previous audio; a later request
		// starts the new render.
		return outcome{m: prev}, nil
	}
	if err != nil {
		return outcome{}, fmt.Errorf("render %s: %w", id, err)
	}
	return outcome{job: j}, nil
}

// request is the scheduler's request for the render of p: the pipeline
// under the render timeout, then the bookkeeping of a finished render.
func (s *Service) request(id string, p prepared, prev *Manifest, fetch float64, progress func(int, int), gen int) Request {
	return Request{ID: id, Key: p.key, Render: func(ctx context.Context, st *Stream) (*Manifest, error) {
		ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		defer cancel()
		s.metrics.inflight.Inc()
		defer s.metrics.inflight.Dec()
		// Withdrawn while it waited for a slot: nothing is synthesised.
		if err := s.refuseWithdrawn(ctx, id); err != nil {
			return nil, fmt.Errorf("render %s: %w", id, err)
		}
		m, err := s.pl.run(ctx, task{id: id, p: p, prev: prev, progress: progress, st: st,
			allowed: func(ctx context.Context) error { return s.refuseWithdrawn(ctx, id) }})
		if err != nil {
			s.metrics.renders.WithLabelValues("error").Inc()
			return nil, err
		}
		// Withdrawn between the check before publishing and the manifest
		// written: the withdrawal's own removal may have listed the store
		// before this audio was there, so the render removes it.
		if err := s.refuseWithdrawn(ctx, id); err != nil {
			if rerr := s.rec.removeRender(context.WithoutCancel(ctx), id); rerr != nil {
				return nil, rerr
			}
			return nil, fmt.Errorf("render %s: %w", id, err)
		}
		m.Timings.Fetch = fetch
		s.metrics.renders.WithLabelValues("ok").Inc()
		s.metrics.seconds.Observe(m.RenderSeconds)
		s.remember(id, m, gen)
		s.collectAfter(id)
		s.notifyEvent(Event{Kind: EventStored, ID: id, Key: m.Key})
		return m, nil
	}, Stored: s.stored}
}

// stored reports whether m's audio is in the store; when the store cannot
// tell (it is down), yes: a render now would fail on it anyway.
func (s *Service) stored(ctx context.Context, m *Manifest) bool {
	_, err := s.rec.st.Stat(ctx, m.Audio)
	return !errors.Is(err, store.ErrNotFound)
}

// Manifest returns the stored manifest of the article's current render, or
// ErrNotRendered. It does not contact the source.
// A withdrawn article is ErrWithdrawn.
func (s *Service) Manifest(ctx context.Context, id string) (*Manifest, error) {
	m, err := s.rec.manifest(ctx, id)
	if errors.Is(err, ErrNotRendered) {
		if werr := s.refuseWithdrawn(ctx, id); werr != nil {
			return nil, werr
		}
	}
	return m, err
}

// List returns the manifests of every rendered article, newest render
// first. It lists the store, so it sees renders made by other processes,
// and reads only the manifests changed since the last List. The manifests
// are shared between callers and must not be changed.
func (s *Service) List(ctx context.Context) ([]*Manifest, error) {
	return s.listing.manifests(ctx)
}

// Article fetches the article from the source (to tell unknown articles
// from ones not rendered yet).
func (s *Service) Article(ctx context.Context, id string) (*article.Article, error) {
	if err := article.ValidID(id); err != nil {
		return nil, err
	}
	return s.source.Article(ctx, id)
}

// Script fetches the article and returns its narration script.
func (s *Service) Script(ctx context.Context, id string) (script.Script, error) {
	if err := article.ValidID(id); err != nil {
		return script.Script{}, err
	}
	if err := s.refuseWithdrawn(ctx, id); err != nil {
		return script.Script{}, err
	}
	a, err := s.Article(ctx, id)
	if err != nil {
		return script.Script{}, err
	}
	return s.pl.prepare(a).script, nil
}

// Open opens a render's MP3.
func (s *Service) Open(ctx context.Context, m *Manifest) (store.Blob, error) {
	b, err := s.rec.st.Open(ctx, m.Audio)
	if err != nil {
		return nil, fmt.Errorf("open audio %s: %w", m.ID, err)
	}
	return b, nil
}

// minVersion is the shortest version prefix OpenVersion looks up.
const minVersion = 8

// OpenVersion opens the MP3 of the article's render whose content key
// starts with v, as long as the store keeps it (the previous render's is
// kept ECOUTER_KEEP_PREVIOUS), so that a versioned URL always serves the
// bytes whose length the feed listed; otherwise, or with v empty, the
// current render's, m. It returns the content key of what it opened.
func (s *Service) OpenVersion(ctx context.Context, m *Manifest, v string) (store.Blob, string, error) {
	if v != "" && !strings.HasPrefix(m.Key, v) && len(v) >= minVersion {
		if key, err := s.rec.audioByVersion(ctx, m.ID, v); err == nil {
			if b, err := s.rec.st.Open(ctx, key); err == nil {
				return b, audioVersion(key), nil
			}
		}
	}
	b, err := s.Open(ctx, m)
	return b, m.Key, err
}

// Rendering reports whether a render of the article is running.
func (s *Service) Rendering(id string) bool {
	// An ID that names no article is rendering nowhere, and is never
	// handed to a scheduler that builds names from it.
	return article.ValidID(id) == nil && s.sched.Rendering(id)
}

// Wait blocks until background work (renders, batches) is finished or
// ctx ends.
func (s *Service) Wait(ctx context.Context) error { return s.sched.Wait(ctx) }

// Track runs fn in the background as part of the Service's work, so Wait
// (at shutdown) waits for it too.
func (s *Service) Track(fn func()) { s.sched.Track(fn) }

// Go runs Ensure in the background (for render requests answered with
// 202); failures are logged.
func (s *Service) Go(id string, opt Options) {
	s.Track(func() {
		if _, err := s.Ensure(context.Background(), id, opt); err != nil {
			s.log.Error("render failed", "article_id", id, "err", err)
		}
	})
}

func (s *Service) fresh(id string) *Manifest {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.checked[id]
	if !ok || s.now().Sub(c.at) >= s.cfg.ArticleTTL {
		return nil
	}
	return c.m
}

func (s *Service) remember(id string, m *Manifest, gen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Withdrawn since the check began (here or on another node, which
	// may have removed the audio after this check read it): nothing to
	// trust.
	if s.withdrawals[id] != gen {
		return
	}
	s.checked[id] = checked{at: s.now(), m: m}
}
