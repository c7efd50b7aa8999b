package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ecouter/api"
	"ecouter/cluster"
	"ecouter/store"
	"ecouter/synth"
)

// NATSConfig holds the settings of the nodes' coordination: an embedded
// NATS server by default, an external cluster with ECOUTER_NATS_URL, none
// with ECOUTER_NATS=off.
type NATSConfig struct {
	Mode     string // ECOUTER_NATS: on or off
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

// off reports whether the node runs without NATS, alone (ECOUTER_NATS=off).
func (c NATSConfig) off() bool { return c.Mode == natsOff }

// ECOUTER_NATS's values.
const (
	natsOn  = "on"
	natsOff = "off"
)

func (c *Config) checkNATS() error {
	switch {
	case c.NATS.Mode != natsOn && c.NATS.Mode != natsOff:
		return fmt.Errorf("want on or off")
	case c.NATS.off() && c.NATS.URL != "":
		return fmt.Errorf("ECOUTER_NATS_URL names a NATS cluster to join: unset it to run this node alone")
	}
	return nil
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
	var (
		sched *cluster.Scheduler
		q     *cluster.Queue
	)
	err = cluster.Settle(ctx, cluster.SetUpWait, log, func(ctx context.Context) (err error) {
		if sched, err = cluster.NewScheduler(ctx, n, cfg.renderConfig().MaxRenders, log); err != nil {
			return err
		}
		// A dead node's job goes on after a few leases: it shows no sign
		// of life for that long.
		q, err = cluster.NewQueue(ctx, n, cluster.QueueConfig{
			Attempts: cfg.NATS.Attempts, Backoff: cfg.NATS.Backoff, AckWait: 3 * cfg.NATS.Lease,
		}, log)
		return err
	})
	if err != nil {
		n.Close()
		return nil, err
	}
	if reg != nil {
		q.RegisterMetrics(reg)
	}
	log.Info("NATS ready", "embedded", n.Embedded(), "node", n.ID(), "took_ms", time.Since(t).Milliseconds())
	return &coordination{
		sched: sched, queue: q, events: cluster.NewEvents(n), log: log,
		clearFinished: sched.ClearFinished,
		count: func(ctx context.Context, _ store.Store) (synth.Counter, error) {
			return cluster.NewBilling(ctx, n)
		},
		ready: []api.Check{{Name: "nats", Check: n.Ready}},
		live:  []api.Check{{Name: "nats", Check: n.Alive}},
		lost:  n.Lost(), leave: n.Close,
	}, nil
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
		cl.leave()
		return nil, nil, err
	}
	return a, cl.leave, nil
}
