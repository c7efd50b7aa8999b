package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ecouter/api"
	"ecouter/jobs"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth"
)

// coordination is what a node shares with the others (who renders what,
// the render queue, the events) and what it reports of that link: the
// cluster's over NATS (the embedded server by default), or with
// ECOUTER_NATS=off the node's own, in process. Both pass the same
// contract tests (rendertest, jobstest), so everything above takes one
// path either way.
type coordination struct {
	sched  scheduler
	queue  queue
	events events
	log    *slog.Logger

	// clearFinished forgets an article's finished renders kept for late
	// callers, but the one of key keep (the cluster's leases; the
	// in-process scheduler keeps none).
	clearFinished func(ctx context.Context, id, keep string) error
	// count is the spending cap's count of billed characters: the
	// cluster's, or the store's for a node alone.
	count       func(ctx context.Context, st store.Store) (synth.Counter, error)
	ready, live []api.Check     // checks of the link (NATS), for /readyz and /healthz
	lost        <-chan struct{} // closed once the link is lost for good; nil: never
	leave       func()          // leaves the others (NATS last, the embedded server with it)

	mu      sync.Mutex
	changed []func(id string) // caches to refresh when an article's audio changes
}

// scheduler is a render.Scheduler that says how many render slots are free.
type scheduler interface {
	render.Scheduler
	Free() int
}

// queue is the render queue with its workers and gauges (jobstest.Queue).
type queue interface {
	jobs.Queue
	Run(ctx context.Context, workers int, free func() int, h jobs.Handler)
	RegisterMetrics(reg prometheus.Registerer)
}

// events carries render.Events to every node (rendertest.Events).
type events interface {
	Publish(ev render.Event)
	Subscribe(fn func(ev render.Event, local bool)) (unsubscribe func() error, err error)
}

// startCoordination joins the cluster, or with ECOUTER_NATS=off sets up
// the node alone. reg may be nil (a command's).
func startCoordination(ctx context.Context, cfg Config, log *slog.Logger, reg prometheus.Registerer) (*coordination, error) {
	if cfg.NATS.off() {
		log.Info("NATS off: this node renders alone, its render queue in memory")
		return alone(cfg, log, reg), nil
	}
	return startCluster(ctx, cfg, log, reg)
}

// alone is the coordination of a process rendering alone, in process: a
// node with ECOUTER_NATS=off, or a command without an external NATS.
func alone(cfg Config, log *slog.Logger, reg prometheus.Registerer) *coordination {
	q := jobs.NewLocal(jobs.LocalConfig{Attempts: cfg.NATS.Attempts, Backoff: cfg.NATS.Backoff}, log)
	if reg != nil {
		q.RegisterMetrics(reg)
	}
	return &coordination{
		sched: render.NewLocal(cfg.renderConfig().MaxRenders, log), queue: q,
		events: render.NewLocalEvents(log), log: log,
		clearFinished: func(context.Context, string, string) error { return nil },
		count: func(_ context.Context, st store.Store) (synth.Counter, error) {
			return render.NewStoredCount(st), nil
		},
		leave: func() {
			// Said once, where an operator looks after a restart.
			if st, err := q.Stats(context.Background()); err == nil && st.Queued+st.Failed > 0 {
				log.Warn("render jobs lost: the queue of a node alone (ECOUTER_NATS=off) is in memory",
					"queued", st.Queued, "failed", st.Failed)
			}
		},
	}
}

// follow applies every node's events to this node's caches until
// unfollow is called.
func (c *coordination) follow(archive *render.Archive) (unfollow func() error, err error) {
	return c.events.Subscribe(func(ev render.Event, local bool) {
		switch {
		case !local && ev.Kind == render.EventWithdrawn:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			archive.Cut(ctx, ev.ID) // its renders, streams and downloads here
			cancel()
		case !local:
			archive.Forget(ev.ID)
		}
		c.mu.Lock()
		fns := c.changed
		c.mu.Unlock()
		for _, fn := range fns {
			fn(ev.ID)
		}
	})
}

// notify is the render service's events: published to every node, and a
// withdrawn or newly stored article's finished renders forgotten, so a
// later render of an older key runs instead of following a stale result.
// The forgetting is done before notify returns (with NATS, a few
// key-value requests bounded by a short timeout): a render asked for right
// after a withdrawal must not find the old result still there.
func (c *coordination) notify(ev render.Event) {
	c.events.Publish(ev)
	if ev.Kind != render.EventWithdrawn && ev.Kind != render.EventStored {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.clearFinished(ctx, ev.ID, ev.Key); err != nil {
		c.log.Warn("clear finished render leases", "article_id", ev.ID, "err", err)
	}
}

// onChange is api.Config.Changes.
func (c *coordination) onChange(fn func(id string)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changed = append(c.changed, fn)
}

// work renders queued jobs until ctx ends, with the batches' share of the
// render slots, and only while one is free.
func (c *coordination) work(ctx context.Context, renders *render.Service, maxRenders int) {
	c.queue.Run(ctx, render.BatchSlots(maxRenders), c.sched.Free, func(ctx context.Context, j jobs.Job) error {
		_, err := renders.Ensure(ctx, j.ID, render.Options{Force: true, Wait: true, Withdrawal: j.Withdrawal})
		if errors.Is(err, render.ErrWithdrawn) {
			return fmt.Errorf("%w: %w", jobs.ErrDropped, err)
		}
		return err
	})
}
