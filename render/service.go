// Package render is ecouter's pipeline: it turns an article into a stored
// MP3 (script -> synthesis -> stitch -> loudness -> encode -> store), runs
// at most one render per article and content key, and answers from stored
// renders whenever the article has not changed.
//
// A Service puts together parts that each have one job: the checker (is
// the stored render still the article's?), the Scheduler (who renders
// what and when), the pipeline (produce, assemble, publish), the Archive
// (everything stored: keys, manifests, withdrawals, collection) and the
// Narrator (what an article's render would be, without rendering).
package render

import (
	"context"
	"log/slog"
	"time"

	"ecouter/article"
	"ecouter/store"
	"ecouter/synth"
)

// Service renders articles and answers listeners, from stored renders
// whenever the article has not changed.
type Service struct {
	chk      *checker
	archive  *Archive
	narrator *Narrator
	pl       *pipeline
	sched    Scheduler
	events   *notifier
	cfg      Config
	log      *slog.Logger
	metrics  *Metrics
	// now is the clock of every part (tests replace it).
	now     func() time.Time
	batches chan struct{} // renders of every batch together: half the slots
}

// Option changes how New builds a Service.
type Option func(*Service)

// WithScheduler makes the Service schedule its renders with sc (a
// cluster-wide scheduler) instead of a Local one.
func WithScheduler(sc Scheduler) Option { return func(s *Service) { s.sched = sc } }

// WithNotify makes the Service tell fn of every Event, synchronously: fn
// must return quickly (a cluster publishes them to every node and clears
// the finished leases they make stale).
func WithNotify(fn func(Event)) Option { return func(s *Service) { s.events.fn = fn } }

// New returns a Service. metrics may be nil; zero fields of cfg take their
// defaults.
func New(src article.Source, syn synth.Synthesizer, st store.Store, cfg Config, log *slog.Logger, metrics *Metrics, opts ...Option) *Service {
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	cfg = cfg.withDefaults()
	s := &Service{
		cfg: cfg, log: log, metrics: metrics, events: &notifier{}, now: time.Now,
		batches: make(chan struct{}, BatchSlots(cfg.MaxRenders)),
	}
	for _, o := range opts {
		o(s)
	}
	if s.sched == nil {
		s.sched = NewLocal(cfg.MaxRenders, log)
	}
	now := func() time.Time { return s.now() }
	ch := newChecks(now, cfg.ArticleTTL)
	s.archive = newArchive(st, src, s.sched, ch, s.events, cfg, log, now, metrics)
	s.pl = newPipeline(syn, s.archive, cfg, log, metrics)
	s.chk = &checker{
		source: src, archive: s.archive, pl: s.pl, sched: s.sched, checks: ch, events: s.events,
		cfg: cfg, log: log, metrics: metrics, now: now,
	}
	s.narrator = &Narrator{source: src, pl: s.pl, archive: s.archive}
	return s
}

// Archive is what the Service stores: manifests, audio, withdrawals.
func (s *Service) Archive() *Archive { return s.archive }

// Narrator tells what an article's render would be, without rendering.
func (s *Service) Narrator() *Narrator { return s.narrator }

// Ensure returns the manifest of an up-to-date render of the article,
// rendering it if needed. An article re-read within the TTL is not fetched
// again. When an older render exists and opt.Wait is false, the older one is
// returned at once while the new render runs in the background.
func (s *Service) Ensure(ctx context.Context, id string, opt Options) (*Manifest, error) {
	r, err := s.chk.check(ctx, id, opt)
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
	r, err := s.chk.check(ctx, id, Options{})
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
