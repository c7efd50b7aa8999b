package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ecouter/cluster"
	"ecouter/jobs"
	"ecouter/render"
)

// NATSConfig holds the settings of the nodes' coordination: an embedded
// NATS server by default, an external cluster with ECOUTER_NATS_URL.
type NATSConfig struct {
	URL      string // secret: may hold user info
	Creds    string
	Dir      string
	Replicas int
	Lease    time.Duration
	Attempts int
	Backoff  time.Duration
}

// defaultNATSDir is nats/ beside a folder store, ./data/nats with S3.
func defaultNATSDir(st string) string {
	if strings.HasPrefix(st, "s3://") {
		return filepath.Join("data", "nats")
	}
	return filepath.Join(filepath.Dir(filepath.Clean(st)), "nats")
}

// several reports whether other nodes share the work: an external NATS.
func (c NATSConfig) several() bool { return c.URL != "" }

// coordination is a serving node's part of the cluster.
type coordination struct {
	node   *cluster.Node
	sched  *cluster.Scheduler
	queue  *cluster.Queue
	events *cluster.Events
	log    *slog.Logger

	mu      sync.Mutex
	changed []func(id string) // caches to refresh when an article's audio changes
}

// startCluster connects to NATS (starting the embedded server by default)
// and sets up the scheduler, the queue and the events.
func startCluster(ctx context.Context, cfg Config, log *slog.Logger, reg prometheus.Registerer) (*coordination, error) {
	t := time.Now()
	n, err := cluster.Start(ctx, cluster.Config{
		URL: cfg.NATS.URL, Creds: cfg.NATS.Creds, Dir: cfg.NATS.Dir,
		Replicas: cfg.NATS.Replicas, LeaseTTL: cfg.NATS.Lease,
	}, log)
	if err != nil {
		return nil, fmt.Errorf("ECOUTER_NATS_*: %w", err)
	}
	c := &coordination{node: n, events: cluster.NewEvents(n), log: log}
	err = cluster.Settle(ctx, cluster.SetUpWait, log, func(ctx context.Context) (err error) {
		if c.sched, err = cluster.NewScheduler(ctx, n, cfg.renderConfig().MaxRenders, log); err != nil {
			return err
		}
		// A dead node's job goes on after a few leases: it shows no sign
		// of life for that long.
		c.queue, err = cluster.NewQueue(ctx, n, cluster.QueueConfig{
			Attempts: cfg.NATS.Attempts, Backoff: cfg.NATS.Backoff, AckWait: 3 * cfg.NATS.Lease,
		}, log)
		return err
	})
	if err != nil {
		n.Close()
		return nil, err
	}
	if reg != nil {
		c.queue.RegisterMetrics(reg)
	}
	log.Info("NATS ready", "embedded", n.Embedded(), "node", n.ID(), "took_ms", time.Since(t).Milliseconds())
	return c, nil
}

// follow applies every node's events to this node's caches until
// unfollow is called.
func (c *coordination) follow(renders *render.Service) (unfollow func() error, err error) {
	return c.events.Subscribe(func(ev render.Event, local bool) {
		switch {
		case !local && ev.Kind == render.EventWithdrawn:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			renders.Cut(ctx, ev.ID) // its renders, streams and downloads here
			cancel()
		case !local:
			renders.Forget(ev.ID)
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
// withdrawn or newly stored article's finished leases cleared, so a later
// render of an older key runs instead of following a stale result. The
// clearing is done before notify returns (a few key-value requests, bounded
// by a short timeout): a render asked for right after a withdrawal must not
// find the old result still there.
func (c *coordination) notify(ev render.Event) {
	c.events.Publish(ev)
	if ev.Kind != render.EventWithdrawn && ev.Kind != render.EventStored {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.sched.ClearFinished(ctx, ev.ID, ev.Key); err != nil {
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

// buildCLI builds the app of a command that renders in its own process
// (ecouter render). With an external NATS its renders take the cluster's
// leases, so they never duplicate a serving node's; the embedded server
// belongs to ecouter serve, so without one the command renders alone, as
// before. leave is called once the command is done.
func buildCLI(ctx context.Context, cfg Config, log *slog.Logger) (a *app, leave func(), err error) {
	if !cfg.NATS.several() {
		a, err := build(ctx, cfg, log, nil)
		return a, func() {}, err
	}
	cl, err := startCluster(ctx, cfg, log, nil)
	if err != nil {
		return nil, nil, err
	}
	if a, err = buildWith(ctx, cfg, log, nil, cl); err != nil {
		cl.node.Close()
		return nil, nil, err
	}
	return a, cl.node.Close, nil
}
